package io.github.bakefeature.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.session.SessionListener;
import io.github.bakefeature.api.session.TrainingProgress;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.pipelines.Checkpoint;
import io.github.bakefeature.core.pipelines.TrainerConfig;
import io.github.bakefeature.core.scene.SceneFolder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lifecycle an application embedding a session relies on: close() returns only once training
 * has stopped and the scene is free again, whoever calls it and however; nothing touches the scene
 * after that.
 */
class DefaultLabelSessionLifecycleTest {
  @TempDir
  Path tmp;
  Path dir;

  @BeforeEach
  void scene() throws Exception {
    dir = SessionScenes.tinyTabletop(tmp.resolve("scene"));
  }

  private DefaultLabelSession.Builder builder() throws Exception {
    return DefaultLabelSession.builder(SceneFolder.open(dir))
        .optMethod(MethodPreset.SNERF_FREQ)
        .optFieldOptions(b -> b.optHiddenWidth(16).optGeoFeatures(4).optFrequencies(4))
        .optTrainerConfig(TrainerConfig.builder().optRaysPerBatch(64).optUniformSamples(16).optSurfaceSamples(8).build());
  }

  /** A listener whose first progress callback signals {@code inCallback} and then takes {@code millis}. */
  private static SessionListener slowOnce(CountDownLatch inCallback, long millis) {
    return new SessionListener() {
      @Override
      public void onProgress(TrainingProgress p) {
        if (inCallback.getCount() > 0) {
          inCallback.countDown();
          try {
            Thread.sleep(millis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    };
  }

  @Test
  void closeFromAnInterruptedThreadStillWaitsForTheTrainingThread() throws Exception {
    // Before: an interrupt (a cancelled worker, shutdownNow) made close() skip the join and return
    // with the training thread still running a step or a callback.
    DefaultLabelSession s = builder().optPersistent(false).build();
    CountDownLatch inCallback = new CountDownLatch(1);
    s.addListener(slowOnce(inCallback, 500));
    assertTrue(inCallback.await(60, TimeUnit.SECONDS));
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      Thread.currentThread().interrupt();
      try {
        s.close();
      } finally {
        assertTrue(Thread.interrupted(), "close() keeps the caller's interrupt");
      }
    });
    assertFalse(s.trainingThreadAlive(), "close() returned with the training thread still running");
  }

  @Test
  void anInterruptedThreadStillSavesItsStrokesAndCloseStillSavesTheModel() throws Exception {
    // Before: every save went through an interruptible FileChannel, which closes itself when the
    // writing thread's interrupt status is set: the stroke failed (ClosedByInterruptException),
    // and close() after an interrupt logged a warning and left no model.ckpt (training restarted
    // from step 0 on reopening).
    java.nio.file.Path ckpt = dir.resolve("session/model.ckpt");
    DefaultLabelSession s = builder().build();
    s.awaitStep(3);
    int changed;
    Thread.currentThread().interrupt();
    try {
      changed = s.applyStroke(0, Stroke.paint(1, 2f, 4, 4, 20, 10));
      assertTrue(Thread.currentThread().isInterrupted(), "the caller's interrupt is kept");
      java.nio.file.Files.deleteIfExists(ckpt);
      s.close();
    } finally {
      assertTrue(Thread.interrupted(), "close() keeps the caller's interrupt");
    }
    assertTrue(changed > 0);
    long closedAt = s.progress().step();
    assertTrue(java.nio.file.Files.isRegularFile(ckpt), "close() saved the model");
    try (DefaultLabelSession reopened = builder().optAutoStart(false).build()) {
      assertEquals(changed, reopened.scribbles(0).labelledCount(), "the stroke is on disk");
      assertTrue(reopened.step() >= 3 && reopened.step() >= closedAt - 1, "resumed at " + reopened.step());
    }
  }

  @Test
  void aSecondCloseWaitsUntilTheFirstHasReleasedTheScene() throws Exception {
    // Before: a close() while another thread was closing returned at once, and reopening the scene
    // right after it failed with SceneInUseException.
    DefaultLabelSession s = builder().build();
    CountDownLatch inCallback = new CountDownLatch(1);
    s.addListener(slowOnce(inCallback, 500));
    assertTrue(inCallback.await(60, TimeUnit.SECONDS));
    AtomicReference<Throwable> first = new AtomicReference<>();
    Thread closer = new Thread(() -> {
      try {
        s.close();
      } catch (Throwable t) {
        first.set(t);
      }
    });
    closer.start();
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      while (!s.progress().paused()) { // the first close() has begun (closed reads as stopped)
        Thread.sleep(1);
      }
      s.close();
      builder().optAutoStart(false).build().close(); // the scene is free once close() returns
      closer.join();
    });
    assertTrue(first.get() == null, "first close: " + first.get());
    assertFalse(s.trainingThreadAlive());
  }

  @Test
  void aClosedSessionNeitherAnswersFromStaleStateNorWritesIntoTheScene() throws Exception {
    DefaultLabelSession stale = builder().build();
    stale.applyStroke(0, Stroke.paint(1, 2f, 4, 4, 20, 10));
    stale.awaitStep(2);
    stale.close();
    long staleStep = stale.step();
    // The tool opens the scene again (a new window, a reload) and trains further.
    try (DefaultLabelSession fresh = builder().build()) {
      fresh.awaitStep(staleStep + 5);
      fresh.pause();
      fresh.saveCheckpoint();
      long saved = fresh.step();
      // Before: a stale reference's saveCheckpoint() silently replaced the open session's
      // model.ckpt with the closed session's older model; addListener, pause, classes,
      // scribbles, annotatedFrames, canUndo and canRedo answered from the closed store.
      assertThrows(IllegalStateException.class, stale::saveCheckpoint);
      assertEquals(saved, Checkpoint.read(dir.resolve("session").resolve(DefaultLabelSession.CHECKPOINT)).model().step(),
          "the open session's checkpoint is untouched");
      assertThrows(IllegalStateException.class, () -> stale.addListener(new SessionListener() {}));
      assertThrows(IllegalStateException.class, stale::pause);
      assertThrows(IllegalStateException.class, stale::classes);
      assertThrows(IllegalStateException.class, () -> stale.scribbles(0));
      assertThrows(IllegalStateException.class, stale::annotatedFrames);
      assertThrows(IllegalStateException.class, stale::canUndo);
      assertThrows(IllegalStateException.class, stale::canRedo);
      // Closed comes first, whatever else is wrong with the call.
      assertThrows(IllegalStateException.class, () -> stale.render(99, EnumSet.of(RenderOutput.CLASSES)));
      assertThrows(IllegalStateException.class, () -> stale.segment(-1));
      // What stays: the observers of a stopped session, and close().
      assertTrue(stale.progress().paused());
      assertTrue(stale.isPaused());
      assertEquals(dir, stale.scene().directory().orElseThrow());
      stale.removeListener(new SessionListener() {});
      stale.close();
    }
  }

  private static int recurse(int depth) {
    return recurse(depth + 1) + 1;
  }

  @Test
  void aListenersStackOverflowDoesNotStopTraining() throws Exception {
    // Before: safely() rethrew the StackOverflowError of a listener's runaway recursion, which
    // ended the training thread (resume(): "the training thread has stopped").
    try (DefaultLabelSession s = builder().optPersistent(false).build()) {
      AtomicInteger calls = new AtomicInteger();
      s.addListener(new SessionListener() {
        @Override
        public void onProgress(TrainingProgress p) {
          if (calls.getAndIncrement() == 0) {
            recurse(0);
          }
        }
      });
      assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
        while (calls.get() < 2) { // called again: training went on past the overflow
          if (s.failure() != null) {
            throw new AssertionError("training stopped", s.failure());
          }
          Thread.sleep(5);
        }
      });
      assertEquals(null, s.failure());
      assertTrue(s.trainingThreadAlive());
    }
  }

  @Test
  void whenAListenerErrorEndsTheTrainingThreadTheListenersAreTold() throws Exception {
    // Before: an error the session does not swallow (out of memory) ended the thread with a log
    // line only; a tool that waits for onProgress/onTrainingFailed was never told.
    try (DefaultLabelSession s = builder().optPersistent(false).build()) {
      CountDownLatch told = new CountDownLatch(1);
      AtomicReference<Throwable> reported = new AtomicReference<>();
      s.addListener(new SessionListener() {
        @Override
        public void onProgress(TrainingProgress p) {
          throw new OutOfMemoryError("simulated by a listener");
        }
      });
      s.addListener(new SessionListener() {
        @Override
        public void onTrainingFailed(Throwable error) {
          reported.set(error);
          told.countDown();
        }
      });
      assertTrue(told.await(60, TimeUnit.SECONDS), "onTrainingFailed was not called");
      assertTrue(reported.get() instanceof OutOfMemoryError, String.valueOf(reported.get()));
      assertTrue(s.isPaused() && s.progress().paused());
      assertThrows(IllegalStateException.class, s::resume);
    }
  }

  @Test
  void aClosedSessionStillReferencedHoldsNoModelNorTrainingData() throws Exception {
    // Before: close() kept the trainer (model, Adam state, every frame's colour, depth and feature
    // targets): measured 241 MB of heap for a 12-frame 160x120 scene, held for as long as the
    // application kept its reference to the closed session (e.g. session.close(); session = open()).
    DefaultLabelSession s = builder().optPersistent(false).build();
    s.awaitStep(2);
    java.lang.ref.WeakReference<Object> data = new java.lang.ref.WeakReference<>(s.trainingData());
    java.lang.ref.WeakReference<Object> model = new java.lang.ref.WeakReference<>(s.cachedModel());
    long step = s.step();
    s.close();
    for (int i = 0; i < 100 && (data.get() != null || model.get() != null); i++) {
      System.gc();
      Thread.sleep(10);
    }
    assertEquals(null, data.get(), "the closed session still holds its training data");
    assertEquals(null, model.get(), "the closed session still holds a model snapshot");
    assertTrue(s.step() >= step, "step() still reports where training stopped");
    assertTrue(s.progress().step() >= step);
    assertThrows(IllegalStateException.class, s::model);
  }

  @Test
  void anInterruptAListenerLeavesOnTheTrainingThreadDoesNotEndTraining() throws Exception {
    // Before: a listener leaving the training thread's interrupt flag set failed the next step
    // ("parallel loop interrupted", or ClosedByInterruptException in a checkpoint write), and the
    // failure's pause wait then threw InterruptedException, which ended the thread for good; when
    // the listener had paused the session, the thread ended silently (no failure, no
    // onTrainingFailed) and resume() refused.
    for (boolean pauseToo : new boolean[] {false, true}) {
      try (DefaultLabelSession s = builder().optPersistent(false).build()) {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch interrupted = new CountDownLatch(1);
        s.addListener(new SessionListener() {
          @Override
          public void onProgress(TrainingProgress p) {
            if (calls.getAndIncrement() == 0) {
              if (pauseToo) {
                s.pause();
              }
              Thread.currentThread().interrupt();
              interrupted.countDown();
            }
          }
        });
        assertTrue(interrupted.await(60, TimeUnit.SECONDS));
        if (pauseToo) {
          // Resume only once the paused thread waits (interruptibly), the path this case covers.
          long deadline = System.nanoTime() + 60_000_000_000L;
          while (s.trainingThreadState() != Thread.State.WAITING && s.trainingThreadState() != Thread.State.TIMED_WAITING
              && System.nanoTime() < deadline) {
            Thread.sleep(5);
          }
          assertTrue(s.trainingThreadState() == Thread.State.WAITING || s.trainingThreadState() == Thread.State.TIMED_WAITING,
              "the paused training thread waits: " + s.trainingThreadState());
          s.resume();
        }
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> s.awaitStep(s.step() + 5));
        assertEquals(null, s.failure());
        assertTrue(s.trainingThreadAlive());
      }
    }
  }
}
