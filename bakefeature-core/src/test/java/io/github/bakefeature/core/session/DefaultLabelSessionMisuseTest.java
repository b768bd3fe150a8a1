package io.github.bakefeature.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.api.session.SessionListener;
import io.github.bakefeature.api.session.TrainingProgress;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.pipelines.TrainerConfig;
import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.scene.SceneWriter;
import io.github.bakefeature.core.synth.Preset;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an embedding tool can get wrong, and how the session answers. */
class DefaultLabelSessionMisuseTest {
  @TempDir
  Path tmp;
  Path dir;

  @BeforeEach
  void scene() throws Exception {
    dir = SessionScenes.tinyTabletop(tmp.resolve("scene"));
  }

  private DefaultLabelSession.Builder builder(Path d) throws Exception {
    return DefaultLabelSession.builder(SceneFolder.open(d))
        .optMethod(MethodPreset.SNERF_FREQ)
        .optTrainerConfig(TrainerConfig.builder().optRaysPerBatch(64).build());
  }

  @Test
  void secondSessionOnTheSameSceneFolderIsRefusedUntilTheFirstCloses() throws Exception {
    try (DefaultLabelSession first = builder(dir).optAutoStart(false).build()) {
      first.applyStroke(0, Stroke.paint(1, 2f, 4, 4));
      SceneInUseException e = assertThrows(SceneInUseException.class, () -> builder(dir).build());
      assertTrue(e.getMessage().contains("already open in another label session"), e.getMessage());
    }
    try (DefaultLabelSession again = builder(dir).optAutoStart(false).build()) {
      assertEquals(1, again.scribbles(0).get(4, 4), "the first session's stroke is kept");
    }
  }

  @Test
  void aScriptsAnnotationStoreAndALabelSessionOnOneSceneExcludeEachOther() throws Exception {
    try (AnnotationStore script = AnnotationStore.open(SceneFolder.open(dir))) {
      script.applyStroke(0, Stroke.paint(1, 2f, 4, 4));
      SceneInUseException e = assertThrows(SceneInUseException.class, () -> builder(dir).optAutoStart(false).build());
      assertTrue(e.getMessage().contains(dir.resolve("session").resolve(".lock").toString()), e.getMessage());
    }
    try (DefaultLabelSession app = builder(dir).optAutoStart(false).build()) {
      assertEquals(1, app.scribbles(0).get(4, 4));
      SceneInUseException e = assertThrows(SceneInUseException.class, () -> AnnotationStore.open(SceneFolder.open(dir)));
      assertTrue(e.getMessage().contains("already open in another label session"), e.getMessage());
      app.applyStroke(0, Stroke.paint(1, 2f, 10, 10));
    }
    try (AnnotationStore script = AnnotationStore.open(SceneFolder.open(dir))) {
      assertEquals(1, script.scribbles(0).get(10, 10), "closing the session released the lock");
      assertTrue(script.loadWarnings().isEmpty(), script.loadWarnings().toString());
    }
  }

  @Test
  void closingAModelTheCallerGotLeavesTheSessionUsable() throws Exception {
    // Before: model() returned the session's cached snapshot, so closing it (try-with-resources,
    // FieldModel is AutoCloseable) made segment, render, suggestNextFrame and exports throw "model
    // is closed" until the next training step, i.e. for as long as the session stayed paused.
    try (DefaultLabelSession s = builder(dir).build()) {
      s.applyStroke(0, Stroke.paint(0, 3f, 4, 4));
      s.awaitStep(s.step() + 2);
      s.pause();
      io.github.bakefeature.core.pipelines.SemanticFieldModel kept = s.model();
      try (io.github.bakefeature.core.pipelines.SemanticFieldModel m = s.model()) {
        assertEquals(s.step(), m.step());
        s.render(m, 0, s.scene().frame(0).intrinsics(), java.util.EnumSet.of(io.github.bakefeature.api.field.RenderOutput.CLASSES));
      }
      assertEquals(s.step(), s.segment(0).step(), "the session still segments");
      s.render(1, java.util.EnumSet.of(io.github.bakefeature.api.field.RenderOutput.CLASSES));
      s.suggestNextFrame();
      assertEquals(s.step(), kept.step(), "another caller's model is still open");
      kept.newRenderer();
    }
  }

  @Test
  void listenerThrowingAnErrorDoesNotStopTraining() throws Exception {
    try (DefaultLabelSession s = builder(dir).build()) {
      AtomicInteger calls = new AtomicInteger();
      s.addListener(new SessionListener() {
        @Override
        public void onProgress(TrainingProgress p) {
          calls.incrementAndGet();
          throw new AssertionError("a listener's bug");
        }
      });
      assertTimeoutPreemptively(Duration.ofSeconds(60), () -> s.awaitStep(s.step() + 200));
      assertTrue(calls.get() > 1, "training went on and called the listener again");
      assertEquals(null, s.failure());
    }
  }

  @Test
  void closeFromAListenerReturnsPromptly() throws Exception {
    DefaultLabelSession s = builder(dir).build();
    CountDownLatch closed = new CountDownLatch(1);
    s.addListener(new SessionListener() {
      @Override
      public void onProgress(TrainingProgress p) {
        s.close();
        closed.countDown();
      }
    });
    assertTrue(closed.await(30, TimeUnit.SECONDS), "close() from the training thread must not wait for itself");
    assertThrows(IllegalStateException.class, () -> s.segment(0));
    // The lock is released: the scene opens again.
    builder(dir).optAutoStart(false).build().close();
  }

  @Test
  void awaitStepWhilePausedFailsInsteadOfHanging() throws Exception {
    try (DefaultLabelSession s = builder(dir).optAutoStart(false).build()) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.awaitStep(s.step() + 5));
      assertTrue(e.getMessage().contains("paused"), e.getMessage());
      assertThrows(NullPointerException.class, () -> s.addListener(null));
    }
  }

  @Test
  void featureCacheOfAnotherSceneIsRefusedAtBuild() throws Exception {
    Path other = tmp.resolve("bigger");
    SceneWriter.write(SyntheticScenes.generate(Preset.TABLETOP, 3, 48, 36, 1).scene(), other);
    var cache = io.github.bakefeature.core.features.FeatureCache.builder(SceneFolder.open(other),
        io.github.bakefeature.core.features.FilterBankFeatureExtractor.builder().build())
        .optTrainer(io.github.bakefeature.core.features.FeatureAutoencoder.trainer().optSteps(5)).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> builder(dir).optMethod(MethodPreset.OURS).optFeatures(cache).build());
    assertTrue(e.getMessage().contains("3 frames of 48x36"), e.getMessage());
    // Nothing stays locked by the failed build.
    builder(dir).optAutoStart(false).build().close();
  }

  @Test
  void closedSessionReportsStoppedAndRefusesResume() throws Exception {
    DefaultLabelSession s = builder(dir).build();
    s.close();
    assertThrows(IllegalStateException.class, s::resume);
    // Per-author undo/redo too (their histories are gone: "nothing to undo" would be a wrong answer).
    assertThrows(IllegalStateException.class, () -> s.undo("alice"));
    assertThrows(IllegalStateException.class, () -> s.redo("alice"));
    // Closed is reported before any argument is checked, author ids and strokes included (before:
    // IllegalArgumentException for a bad author, NullPointerException for a null stroke).
    Stroke stroke = Stroke.paint(0, 2f, 4, 4, 20, 10);
    assertThrows(IllegalStateException.class, () -> s.applyStroke(0, stroke, null));
    assertThrows(IllegalStateException.class, () -> s.applyStroke(0, null));
    assertThrows(IllegalStateException.class, () -> s.clearFrame(0, " "));
    assertThrows(IllegalStateException.class, () -> s.undo(" "));
    assertThrows(IllegalStateException.class, () -> s.canUndo(null));
    assertThrows(IllegalStateException.class, () -> s.canRedo(""));
    TrainingProgress p = s.progress();
    assertTrue(p.paused());
    assertEquals(0.0, p.stepsPerSecond());
  }

  @Test
  void checkpointOfAnotherSceneIsSetAsideNotResumed() throws Exception {
    Path other = tmp.resolve("other");
    SceneWriter.write(SyntheticScenes.generate(Preset.ROOM, 3, 32, 24, 1).scene(), other);
    try (DefaultLabelSession s = builder(other).build()) {
      s.awaitStep(3);
    } // saves other/session/model.ckpt
    Path ckpt = dir.resolve("session/model.ckpt");
    Files.createDirectories(ckpt.getParent());
    Files.copy(other.resolve("session/model.ckpt"), ckpt);
    try (DefaultLabelSession s = builder(dir).optAutoStart(false).build()) {
      assertEquals(0, s.step(), "a new model, not the other scene's");
    }
    try (var aside = Files.walk(dir.resolve("session/set-aside"))) {
      assertTrue(aside.anyMatch(p -> p.getFileName().toString().equals("model.ckpt")), "moved aside, not deleted");
    }
    assertFalse(Files.exists(ckpt), "the other scene's model is no longer where this scene's is looked for");
  }
}
