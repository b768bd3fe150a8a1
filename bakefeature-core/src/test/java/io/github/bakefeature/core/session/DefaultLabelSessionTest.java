package io.github.bakefeature.core.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.session.Segmentation;
import io.github.bakefeature.api.session.SessionListener;
import io.github.bakefeature.api.session.TrainingProgress;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.pipelines.TrainerConfig;
import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.scene.SceneWriter;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultLabelSessionTest {
  @TempDir
  Path tmp;

  private DefaultLabelSession open(Path dir) throws Exception {
    return DefaultLabelSession.builder(SceneFolder.open(dir))
        .optMethod(MethodPreset.SNERF_HG_FREQ)
        .optFieldOptions(b -> b.optHashLog2TableSize(14).optHashMaxResolution(256))
        .optTrainerConfig(TrainerConfig.builder().optRaysPerBatch(256).build())
        .build();
  }

  @Test
  void strokesReportTheirChangedPixelsAndOnesThatChangeNothingLeaveNoUndoStep() throws Exception {
    Path dir = tmp.resolve("strokes");
    SceneWriter.write(SyntheticScenes.tabletop(2, 32, 24, 4), dir);
    try (DefaultLabelSession s = DefaultLabelSession.builder(SceneFolder.open(dir)).optMethod(MethodPreset.SNERF_FREQ)
        .optAutoStart(false).build()) {
      // Off the image (e.g. a tool that mixed up resolutions): nothing changes, and the caller can tell.
      assertEquals(0, s.applyStroke(0, Stroke.paint(1, 2f, 1000, 1000)));
      assertFalse(s.canUndo());
      int painted = s.applyStroke(0, Stroke.paint(1, 2f, 5, 5, 15, 5));
      assertTrue(painted >= 30, "a 10 px stroke of radius 2: " + painted);
      assertEquals(0, s.applyStroke(0, Stroke.paint(1, 2f, 5, 5, 15, 5)), "the same class again");
      assertEquals(painted, s.clearFrame(0));
      assertEquals(0, s.clearFrame(0));
      assertTrue(s.undo());
      assertEquals(painted, s.scribbles(0).labelledCount());
    }
  }

  @Test
  void trainsInTheBackgroundOnStrokesAndSegmentsWhatWasDrawn() throws Exception {
    Path dir = tmp.resolve("scene");
    var synth = SyntheticScenes.generate(io.github.bakefeature.core.synth.Preset.TABLETOP, 6, 64, 48, 4);
    SceneWriter.write(synth.scene(), dir);
    LabelImage gt = synth.scene().frame(2).groundTruth().orElseThrow();
    try (DefaultLabelSession s = open(dir)) {
      AtomicInteger events = new AtomicInteger();
      s.addListener(new SessionListener() {
        @Override
        public void onProgress(TrainingProgress p) {
          events.incrementAndGet();
        }
      });
      // A dot on a pixel of every class visible in frame 2, at its ground-truth class.
      boolean[] seen = new boolean[s.classes().size()];
      for (int y = 4; y < 48; y += 8) {
        for (int x = 4; x < 64; x += 8) {
          int c = gt.get(x, y);
          if (c >= 0 && !seen[c]) {
            seen[c] = true;
            s.applyStroke(2, Stroke.paint(c, 1.5f, x, y));
          }
        }
      }
      long start = s.step();
      s.awaitStep(start + 150);
      Segmentation seg = s.segment(2);
      int correct = 0;
      int total = 0;
      LabelImage scribbles = s.scribbles(2);
      for (int i = 0; i < scribbles.labels().length; i++) {
        if (scribbles.labels()[i] >= 0) {
          total++;
          if (seg.classes().labels()[i] == scribbles.labels()[i]) {
            correct++;
          }
        }
      }
      assertTrue(correct >= 0.8 * total, "scribbled pixels should be fitted: " + correct + "/" + total);
      assertTrue(seg.step() >= start + 150);
      assertTrue(events.get() > 0, "listeners hear about progress");

      s.pause();
      long paused = s.step();
      Thread.sleep(300);
      assertEquals(paused, s.step(), "no steps while paused");
      assertTrue(s.progress().paused());
      s.resume();
      s.awaitStep(paused + 5);

      assertTrue(s.undo());
      assertTrue(s.canRedo());
      assertTrue(s.redo());
      s.saveCheckpoint();
    }
    assertTrue(Files.exists(dir.resolve("session").resolve(DefaultLabelSession.CHECKPOINT)));
    try (DefaultLabelSession again = open(dir)) {
      assertTrue(again.step() > 150, "the reopened session resumes from its checkpoint, at " + again.step());
      assertFalse(again.annotatedFrames().isEmpty());
    }
  }

  @Test
  void readersNeverSeeAClosedSessionSilently() throws Exception {
    Path dir = tmp.resolve("s2");
    SceneWriter.write(SyntheticScenes.tabletop(3, 32, 24, 1), dir);
    DefaultLabelSession s = open(dir);
    s.close();
    assertThrows(IllegalStateException.class, () -> s.segment(0));
    assertThrows(IllegalStateException.class, () -> s.applyStroke(0, Stroke.paint(0, 2, 3, 3)));
    s.close(); // idempotent
  }

  @Test
  void pixelsTheModelGivesNoClassOfTheSessionAreUnlabelled() throws Exception {
    // A capture imported without classes: the model keeps two logits, which name nothing yet.
    Path dir = tmp.resolve("s3");
    SceneWriter.write(SyntheticScenes.tabletop(3, 32, 24, 1), dir);
    Files.delete(dir.resolve("metadata.json"));
    io.github.bakefeature.core.io.AtomicFiles.deleteRecursively(dir.resolve("gt_semantic"));
    try (DefaultLabelSession s = open(dir)) {
      assertTrue(s.classes().isEmpty());
      s.awaitStep(3);
      Segmentation none = s.segment(0);
      for (int i = 0; i < none.confidence().length; i++) {
        assertEquals(LabelImage.UNLABELLED, none.classes().labels()[i], "pixel " + i);
        assertEquals(0f, none.confidence()[i], "pixel " + i);
      }
      // One class: the model's second logit means "not that class", which is no class either.
      s.addClass("table", 0xFF0000);
      s.applyStroke(0, Stroke.paint(0, 3f, 2, 20, 30, 20));
      s.awaitStep(s.step() + 40);
      s.pause();
      Segmentation one = s.segment(0);
      int table = 0;
      for (int i = 0; i < one.confidence().length; i++) {
        short id = one.classes().labels()[i];
        assertTrue(id == 0 || (id == LabelImage.UNLABELLED && one.confidence()[i] == 0f), "pixel " + i + ": " + id);
        table += id == 0 ? 1 : 0;
      }
      assertTrue(table > 0, "the painted class is predicted somewhere");
    }
  }

  @Test
  void sessionWithACorruptCursorOpensAndANewStrokeIsSavedAndUndoable() throws Exception {
    Path dir = tmp.resolve("s3");
    SceneWriter.write(SyntheticScenes.tabletop(3, 32, 24, 1), dir);
    try (AnnotationStore store = AnnotationStore.open(SceneFolder.open(dir))) {
      store.applyStroke(0, Stroke.paint(1, 2, 5, 5));
      store.applyStroke(0, Stroke.paint(2, 2, 15, 5));
    }
    Path json = dir.resolve("session").resolve("session.json");
    Files.writeString(json, Files.readString(json).replaceFirst("\"cursor\" : \\d+", "\"cursor\" : -3"));
    assertTrue(Files.readString(json).contains("\"cursor\" : -3"));
    try (DefaultLabelSession s = DefaultLabelSession.builder(SceneFolder.open(dir))
        .optMethod(MethodPreset.SNERF_HG_FREQ)
        .optFieldOptions(b -> b.optHashLog2TableSize(14).optHashMaxResolution(256))
        .optAutoStart(false)
        .build()) {
      assertTrue(s.store().loadWarnings().stream().anyMatch(w -> w.contains(json.toString()) && w.contains("cursor")
          && w.contains("found -3")), s.store().loadWarnings().toString());
      assertEquals(2, s.store().cursor(), "recovered from the scribbles");
      s.applyStroke(1, Stroke.paint(1, 2, 20, 20));
      assertEquals(1, s.scribbles(1).get(20, 20));
      assertTrue(s.undo(), "the new stroke can be undone");
      assertEquals(-1, s.scribbles(1).get(20, 20));
      assertTrue(s.redo());
      assertTrue(s.undo());
      assertTrue(s.undo());
      assertEquals(-1, s.scribbles(0).get(15, 5), "and the recovered history too");
      assertTrue(s.redo());
      assertTrue(s.redo());
    }
    try (AnnotationStore again = AnnotationStore.open(SceneFolder.open(dir))) {
      assertTrue(again.loadWarnings().isEmpty(), again.loadWarnings().toString());
      assertEquals(3, again.historySize());
      assertEquals(3, again.cursor());
      assertEquals(1, again.scribbles(1).get(20, 20), "the stroke was saved");
    }
  }

  @Test
  void aThinDotReachesTheTrainerWhenItTrainsAtAQuarterOfTheResolution() throws Exception {
    try (DefaultLabelSession s = DefaultLabelSession.builder(SyntheticScenes.tabletop(3, 64, 48, 1))
        .optMethod(MethodPreset.SNERF_HG_FREQ)
        .optFieldOptions(b -> b.optHashLog2TableSize(14).optHashMaxResolution(256))
        .optMaxTrainingPixels(600) // 3 frames of 16 x 12: scale 4
        .optPersistent(false)
        .optAutoStart(false)
        .build()) {
      assertEquals(4, s.trainingData().scale());
      s.applyStroke(1, Stroke.paint(1, 0.5f, 13, 21)); // one pixel, beside its block's centre (14, 22)
      assertEquals(1, s.scribbles(1).labelledCount());
      assertEquals(1, s.trainingData().labelledPixels());
      assertEquals(1, s.trainingData().labelIndex().get(1, 5 * 16 + 3));
      s.applyStroke(1, Stroke.paint(2, 0.5f, 0, 30, 63, 30)); // a 1-px line along scene row 30
      assertEquals(1 + 16, s.trainingData().labelledPixels());
      assertEquals(16, s.trainingData().labelIndex().count(2));
      assertTrue(s.undo());
      assertTrue(s.undo());
      assertEquals(0, s.trainingData().labelledPixels());
      int suggested = s.suggestNextFrame();
      assertTrue(suggested >= 0 && suggested < 3, "suggested frame " + suggested);
    }
  }

  private static DefaultLabelSession idle(Path dir, MethodPreset method) throws Exception {
    return DefaultLabelSession.builder(SceneFolder.open(dir))
        .optMethod(method)
        .optFieldOptions(b -> b.optHashLog2TableSize(12).optHashMaxResolution(64))
        .optAutoStart(false)
        .build();
  }

  /** The checkpoint {@code old} was set aside byte for byte, with {@code reason} in its reasons.txt. */
  private static void assertCheckpointSetAside(Path dir, byte[] old, String reason) throws Exception {
    Path aside = setAsideFile(dir, DefaultLabelSession.CHECKPOINT);
    assertArrayEquals(old, Files.readAllBytes(aside));
    String reasons = Files.readString(aside.resolveSibling("reasons.txt"));
    assertTrue(reasons.contains(reason), reasons);
  }

  /** The one file set aside under {@code session/set-aside/}, with its reasons.txt. */
  private static Path setAsideFile(Path dir, String name) throws Exception {
    try (var files = Files.walk(dir.resolve("session").resolve(AnnotationStore.SET_ASIDE))) {
      var found = files.filter(p -> p.getFileName().toString().equals(name)).toList();
      assertEquals(1, found.size(), found.toString());
      return found.get(0);
    }
  }

  @Test
  void aCheckpointOfAnotherMethodIsSetAsideAndNotOverwritten() throws Exception {
    Path dir = tmp.resolve("methods");
    SceneWriter.write(SyntheticScenes.tabletop(3, 32, 24, 1), dir);
    Path ckpt = dir.resolve("session").resolve(DefaultLabelSession.CHECKPOINT);
    try (DefaultLabelSession s = idle(dir, MethodPreset.SNERF_HG_FREQ)) {
      s.saveCheckpoint();
    }
    byte[] old = Files.readAllBytes(ckpt);
    try (DefaultLabelSession s = idle(dir, MethodPreset.SNERF_HG)) {
      assertFalse(Files.exists(ckpt), "moved before the new model can be saved over it");
      s.saveCheckpoint();
    }
    assertCheckpointSetAside(dir, old, "method snerf-hg-freq, but this session trains snerf-hg");
    assertEquals("snerf-hg", io.github.bakefeature.core.pipelines.Checkpoint.read(ckpt).model().method());
  }

  @Test
  void aCheckpointTrainedOnOtherFeatureTargetsIsSetAsideAndNotResumed() throws Exception {
    Path dir = tmp.resolve("features");
    SceneWriter.write(SyntheticScenes.tabletop(3, 32, 24, 1), dir);
    Path ckpt = dir.resolve("session").resolve(DefaultLabelSession.CHECKPOINT);
    try (DefaultLabelSession s = withFeatures(dir, "codes A")) {
      s.saveCheckpoint();
    }
    assertEquals("codes A", io.github.bakefeature.core.pipelines.Checkpoint.read(ckpt).featureIdentity());
    try (DefaultLabelSession s = withFeatures(dir, "codes A")) {
      assertTrue(Files.exists(ckpt), "the same feature targets resume");
    }
    assertFalse(Files.exists(dir.resolve("session").resolve(AnnotationStore.SET_ASIDE)));
    byte[] old = Files.readAllBytes(ckpt);
    // Same dimension, other codes (another extractor, a refitted autoencoder).
    try (DefaultLabelSession s = withFeatures(dir, "codes B")) {
      assertFalse(Files.exists(ckpt), "moved before the new model can be saved over it");
      s.saveCheckpoint();
    }
    assertCheckpointSetAside(dir, old, "a model trained on other feature targets (codes A; this session's are codes B)");
    assertEquals("codes B", io.github.bakefeature.core.pipelines.Checkpoint.read(ckpt).featureIdentity());
  }

  private static DefaultLabelSession withFeatures(Path dir, String identity) throws Exception {
    SceneFolder scene = SceneFolder.open(dir);
    io.github.bakefeature.core.data.FeatureSource colour = io.github.bakefeature.core.data.ColourFeatures.of(scene);
    io.github.bakefeature.core.data.FeatureSource named = new io.github.bakefeature.core.data.FeatureSource() {
      @Override
      public int dimension() {
        return colour.dimension();
      }

      @Override
      public void lookup(int frame, int px, int py, float[] out, int offset) {
        colour.lookup(frame, px, py, out, offset);
      }

      @Override
      public String identity() {
        return identity;
      }
    };
    return DefaultLabelSession.builder(scene)
        .optMethod(MethodPreset.OURS)
        .optFeatures(named)
        .optFieldOptions(b -> b.optHashLog2TableSize(12).optHashMaxResolution(64))
        .optAutoStart(false)
        .build();
  }

  @Test
  void anUnreadableCheckpointIsSetAsideAndNotOverwritten() throws Exception {
    Path dir = tmp.resolve("unreadable");
    SceneWriter.write(SyntheticScenes.tabletop(3, 32, 24, 1), dir);
    Path ckpt = dir.resolve("session").resolve(DefaultLabelSession.CHECKPOINT);
    Files.createDirectories(ckpt.getParent());
    Files.writeString(ckpt, "a checkpoint of some later version, or a damaged one, that this one cannot read");
    try (DefaultLabelSession s = idle(dir, MethodPreset.SNERF_HG)) {
      s.saveCheckpoint();
    }
    Path aside = setAsideFile(dir, DefaultLabelSession.CHECKPOINT);
    assertTrue(Files.readString(aside).startsWith("a checkpoint of some later version"));
    assertTrue(Files.readString(aside.resolveSibling("reasons.txt")).contains("unreadable"));
    assertEquals("snerf-hg", io.github.bakefeature.core.pipelines.Checkpoint.read(ckpt).model().method());
  }

  @Test
  void periodicCheckpointsAreWrittenWhileTrainingGoesOnAndResume() throws Exception {
    Path dir = tmp.resolve("periodic");
    SceneWriter.write(SyntheticScenes.tabletop(3, 32, 24, 1), dir);
    Path ckpt = dir.resolve("session").resolve(DefaultLabelSession.CHECKPOINT);
    try (DefaultLabelSession s = DefaultLabelSession.builder(SceneFolder.open(dir))
        .optMethod(MethodPreset.SNERF_HG)
        .optFieldOptions(b -> b.optHashLog2TableSize(12).optHashMaxResolution(64))
        .optTrainerConfig(TrainerConfig.builder().optRaysPerBatch(128).build())
        .optCheckpointEvery(4)
        .build()) {
      s.awaitStep(9);
      s.segment(0); // a render between writes
      long saved = io.github.bakefeature.core.pipelines.Checkpoint.read(ckpt).model().step();
      assertTrue(saved >= 4 && saved % 4 == 0, "a periodic checkpoint, at step " + saved);
      s.pause();
      s.saveCheckpoint();
      assertEquals(s.step(), io.github.bakefeature.core.pipelines.Checkpoint.read(ckpt).model().step(),
          "an explicit save is never overtaken by an older periodic one");
    }
    try (DefaultLabelSession again = idle(dir, MethodPreset.SNERF_HG)) {
      assertTrue(again.step() >= 9, "resumed at step " + again.step());
    }
  }
}
