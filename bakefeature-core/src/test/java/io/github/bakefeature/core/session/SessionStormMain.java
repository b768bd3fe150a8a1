package io.github.bakefeature.core.session;

import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.pipelines.TrainerConfig;
import io.github.bakefeature.core.scene.SceneFolder;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Child process of {@link LabelSessionCrashTest}: opens a {@link DefaultLabelSession} on a scene
 * (training running, a small model checkpointed every {@value #CHECKPOINT_EVERY} steps) and edits
 * through the session as fast as it can (strokes, erases, undo, redo, clears, class edits) until
 * it is killed. The acknowledgement file (args[2]) gets {@code START <step>} once the session is
 * open, then after every returned call {@link EditStormMain#ack} of the store followed by
 * {@code STEP <training step>}; each line is one write(2), which survives SIGKILL.
 */
public final class SessionStormMain {
  static final int CHECKPOINT_EVERY = 3;

  private SessionStormMain() {}

  /** The session both the child and the checking parent open (the same options, so it resumes). */
  static DefaultLabelSession.Builder session(Path dir) throws IOException {
    return DefaultLabelSession.builder(SceneFolder.open(dir))
        .optMethod(MethodPreset.SNERF_FREQ)
        .optFieldOptions(b -> b.optHiddenWidth(16).optGeoFeatures(4).optFrequencies(4))
        .optTrainerConfig(TrainerConfig.builder().optRaysPerBatch(64).optUniformSamples(16).optSurfaceSamples(8).build())
        .optCheckpointEvery(CHECKPOINT_EVERY)
        .optMaxTrainingPixels(3 * 16 * 12);
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    SplittableRandom rnd = new SplittableRandom(Long.parseLong(args[1]));
    DefaultLabelSession session = session(dir).build();
    FileOutputStream out = new FileOutputStream(args[2], true);
    write(out, "START " + session.step());
    write(out, EditStormMain.ack(session.store()));
    EditStormMain.Editor editor = new EditStormMain.Editor() {
      @Override
      public void stroke(int frame, Stroke s) {
        session.applyStroke(frame, s);
      }

      @Override
      public void undo() {
        session.undo();
      }

      @Override
      public void redo() {
        session.redo();
      }

      @Override
      public void clear(int frame) {
        session.clearFrame(frame);
      }

      @Override
      public int classCount() {
        return session.classes().size();
      }

      @Override
      public void addClass(String name, int colour) {
        session.addClass(name, colour);
      }

      @Override
      public void renameClass(int id, String name) {
        session.renameClass(id, name);
      }

      @Override
      public void recolourClass(int id, int colour) {
        session.recolourClass(id, colour);
      }
    };
    while (true) {
      EditStormMain.randomEdit(editor, session.scene(), rnd);
      write(out, EditStormMain.ack(session.store()));
      write(out, "STEP " + session.step());
      if (session.failure() != null) {
        throw new IllegalStateException("training failed", session.failure());
      }
    }
  }

  private static void write(FileOutputStream out, String line) throws IOException {
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
