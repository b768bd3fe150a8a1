package io.github.bakefeature.core.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.session.SessionListener;
import io.github.bakefeature.api.session.TrainingProgress;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.pipelines.SemanticFieldModel;
import io.github.bakefeature.core.pipelines.TrainerConfig;
import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.scene.SceneWriter;
import io.github.bakefeature.core.synth.Preset;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers (renders, segmentations, exports) compute on model snapshots while the trainer trains:
 * they never see a half-updated model, training does not wait for them, and training stays healthy
 * while they compute with DJL next to it.
 */
class DefaultLabelSessionConcurrencyTest {
  @TempDir
  Path tmp;

  private DefaultLabelSession open() throws Exception {
    Path dir = tmp.resolve("scene");
    SceneWriter.write(SyntheticScenes.generate(Preset.TABLETOP, 3, 32, 24, 3).scene(), dir);
    return DefaultLabelSession.builder(SceneFolder.open(dir))
        .optMethod(MethodPreset.SNERF_HG_FREQ)
        .optFieldOptions(b -> b.optHashLog2TableSize(12).optHashMaxResolution(128))
        .optTrainerConfig(TrainerConfig.builder().optRaysPerBatch(64).build())
        .build();
  }

  @Test
  void aReaderSeesAFixedSnapshotWhileTrainingGoesOn() throws Exception {
    try (DefaultLabelSession s = open()) {
      s.applyStroke(0, Stroke.paint(0, 2, 5, 5, 20, 5));
      s.awaitStep(5);
      SemanticFieldModel m = s.model();
      long first = m.step();
      float[] before = m.render(s.scene().frame(0).intrinsics(), s.scene().frame(0).pose(),
          EnumSet.of(RenderOutput.COLOUR)).colour();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (s.step() < first + 3 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      float[] after = m.render(s.scene().frame(0).intrinsics(), s.scene().frame(0).pose(),
          EnumSet.of(RenderOutput.COLOUR)).colour();
      assertArrayEquals(before, after, "the snapshot does not change under the reader");
      long[] seen = {first, m.step(), s.step()};
      assertEquals(seen[0], seen[1], "the snapshot keeps its step");
      assertTrue(seen[2] >= seen[0] + 3, "training went on while the reader held its snapshot: " + seen[0] + " -> " + seen[2]);
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void trainingStaysFiniteWhileAReaderRendersBackToBack() throws Exception {
    try (DefaultLabelSession s = open()) {
      s.applyStroke(0, Stroke.paint(0, 2, 5, 5, 20, 5));
      s.applyStroke(0, Stroke.paint(1, 2, 5, 18, 20, 18));
      s.awaitStep(3);
      List<Double> losses = new CopyOnWriteArrayList<>();
      s.addListener(new SessionListener() {
        @Override
        public void onProgress(TrainingProgress p) {
          losses.add(p.losses().getOrDefault("total", Double.NaN));
        }
      });
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger reads = new AtomicInteger();
      Thread reader = new Thread(() -> {
        while (!stop.get()) {
          s.render(1, EnumSet.allOf(RenderOutput.class));
          System.gc(); // frees whatever DJL let go of while a step may still use it
          reads.incrementAndGet();
        }
      });
      long start = s.step();
      reader.start();
      try {
        s.awaitStep(start + 150);
      } finally {
        stop.set(true);
        reader.join();
      }
      assertTrue(reads.get() >= 2, "the reader rendered too: " + reads.get());
      assertTrue(!losses.isEmpty() && losses.stream().allMatch(Double::isFinite), "losses stay finite: " + losses);
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aReaderTakingSnapshotsBackToBackDoesNotStarveTraining() throws Exception {
    try (DefaultLabelSession s = open()) {
      s.awaitStep(3);
      AtomicBoolean stop = new AtomicBoolean();
      java.util.Set<Long> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
      Thread reader = new Thread(() -> {
        while (!stop.get()) {
          seen.add(s.model().step());
        }
      });
      long start = s.step();
      reader.start();
      try {
        s.awaitStep(start + 20);
      } finally {
        stop.set(true);
        reader.join();
      }
      assertTrue(seen.size() >= 5, "the reader saw fresh models too: " + seen);
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void editsClassChangesAndPausesNextToReadersStayConsistent() throws Exception {
    // An embedding tool's worst case: readers segment and render back to back while another thread
    // paints, erases, undoes, redoes, clears, adds and renames classes and pauses and resumes.
    // Every reader result is a whole model's (class ids below the class count), the trainer holds
    // exactly the scribbled labels as soon as an edit returns, and training goes on.
    Path dir = SessionScenes.tinyTabletop(tmp.resolve("storm"));
    try (DefaultLabelSession s = DefaultLabelSession.builder(SceneFolder.open(dir))
        .optMethod(MethodPreset.SNERF_FREQ)
        .optFieldOptions(b -> b.optHiddenWidth(16).optGeoFeatures(4).optFrequencies(4))
        .optTrainerConfig(TrainerConfig.builder().optRaysPerBatch(64).optUniformSamples(16).optSurfaceSamples(8).build())
        .build()) {
      List<Throwable> errors = new CopyOnWriteArrayList<>();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger reads = new AtomicInteger();
      List<Thread> readers = new java.util.ArrayList<>();
      for (int r = 0; r < 2; r++) {
        int id = r;
        readers.add(new Thread(() -> {
          java.util.SplittableRandom rnd = new java.util.SplittableRandom(id);
          while (!stop.get()) {
            try {
              int frame = rnd.nextInt(3);
              short[] labels = id == 0 ? s.segment(frame).classes().labels()
                  : s.render(frame, EnumSet.of(RenderOutput.CLASSES, RenderOutput.COLOUR)).classMap().labels();
              int classes = s.classes().size(); // classes only grow: read after the render
              for (short l : labels) {
                if (l < -1 || l >= classes) {
                  throw new AssertionError("class id " + l + " with " + classes + " classes");
                }
              }
              reads.incrementAndGet();
            } catch (Throwable t) {
              errors.add(t);
              return;
            }
          }
        }, "reader-" + r));
      }
      readers.forEach(Thread::start);
      long start = s.step();
      java.util.SplittableRandom rnd = new java.util.SplittableRandom(42);
      try {
        for (int i = 0; i < 120 && errors.isEmpty(); i++) {
          int frame = rnd.nextInt(3);
          int classes = s.classes().size();
          switch (rnd.nextInt(9)) {
            case 0, 1, 2 -> s.applyStroke(frame, Stroke.paint(rnd.nextInt(classes), 1.5f + rnd.nextInt(3),
                rnd.nextInt(32), rnd.nextInt(24), rnd.nextInt(32), rnd.nextInt(24)));
            case 3 -> s.applyStroke(frame, Stroke.erase(2f, rnd.nextInt(32), rnd.nextInt(24), rnd.nextInt(32), rnd.nextInt(24)));
            case 4 -> s.undo();
            case 5 -> s.redo();
            case 6 -> {
              // A new class, painted at once: the trainer grows its head before it samples the label.
              int c = s.addClass("extra" + i, rnd.nextInt(0x1000000)).id();
              s.applyStroke(frame, Stroke.paint(c, 2f, rnd.nextInt(32), rnd.nextInt(24)));
            }
            case 7 -> s.renameClass(rnd.nextInt(classes), "renamed" + i);
            default -> {
              s.pause();
              long paused = s.step();
              s.applyStroke(frame, Stroke.paint(0, 2f, rnd.nextInt(32), rnd.nextInt(24)));
              assertEquals(paused, s.step(), "no step starts while paused");
              s.resume();
            }
          }
          assertEquals(s.store().labelledPixels(), s.trainingData().labelledPixels(),
              "the trainer's labels are the scribbles as soon as the edit returns (edit " + i + ")");
        }
        s.awaitStep(s.step() + 3);
      } finally {
        stop.set(true);
        for (Thread t : readers) {
          t.join(60_000);
          assertTrue(!t.isAlive(), t.getName() + " is stuck");
        }
      }
      assertTrue(errors.isEmpty(), "reader errors: " + errors);
      assertEquals(null, s.failure());
      assertTrue(s.step() > start, "training went on");
      assertTrue(reads.get() > 0);
    }
  }
}
