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
    int w = session.scene().width();
    int h = session.scene().height();
    while (true) {
      int op = rnd.nextInt(100);
      int frame = rnd.nextInt(session.scene().size());
      if (op < 55) {
        int n = 1 + rnd.nextInt(4);
        float[] pts = new float[2 * n];
        for (int i = 0; i < n; i++) {
          pts[2 * i] = (float) rnd.nextDouble(w);
          pts[2 * i + 1] = (float) rnd.nextDouble(h);
        }
        session.applyStroke(frame, Stroke.paint(rnd.nextInt(session.classes().size()), 1 + rnd.nextInt(6), pts));
      } else if (op < 65) {
        session.applyStroke(frame, Stroke.erase(2 + rnd.nextInt(8), (float) rnd.nextDouble(w), (float) rnd.nextDouble(h)));
      } else if (op < 82) {
        session.undo();
      } else if (op < 95) {
        session.redo();
      } else if (op < 96) {
        session.clearFrame(frame);
      } else if (op < 97) {
        session.addClass("extra " + session.classes().size(), rnd.nextInt(0xFFFFFF));
      } else if (op < 99) {
        int c = rnd.nextInt(session.classes().size());
        session.renameClass(c, "renamed " + c + "-" + rnd.nextInt(1_000_000));
      } else {
        session.recolourClass(rnd.nextInt(session.classes().size()), rnd.nextInt(0x1000000));
      }
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
