package io.github.bakefeature.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.pipelines.TrainerConfig;
import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.scene.SceneWriter;
import io.github.bakefeature.core.synth.Preset;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers (renders, segmentations, exports) compute with DJL while the trainer trains; DJL work
 * that overlaps a training step corrupts the step (see {@link DefaultLabelSession#withModel}), so
 * readers run between steps, and neither side starves the other.
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
  void noTrainingStepRunsWhileAReaderHoldsTheModel() throws Exception {
    try (DefaultLabelSession s = open()) {
      s.applyStroke(0, Stroke.paint(0, 2, 5, 5, 20, 5));
      s.awaitStep(5);
      for (int i = 0; i < 3; i++) {
        long[] seen = s.withModel(m -> {
          long first = s.step();
          try {
            Thread.sleep(300); // several steps' worth of time
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return new long[] {m.step(), first, s.step()};
        });
        assertEquals(seen[0], seen[1], "the reader sees the model of the latest step");
        assertEquals(seen[1], seen[2], "no step ran while the reader held the model");
      }
      long before = s.step();
      s.awaitStep(before + 3);
      assertTrue(s.step() >= before + 3, "training goes on afterwards");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aReaderRenderingBackToBackDoesNotStarveTraining() throws Exception {
    try (DefaultLabelSession s = open()) {
      s.awaitStep(3);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger reads = new AtomicInteger();
      Thread reader = new Thread(() -> {
        while (!stop.get()) {
          s.withModel(m -> {
            try {
              Thread.sleep(20);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return null;
          });
          reads.incrementAndGet();
        }
      });
      long start = s.step();
      reader.start();
      try {
        s.awaitStep(start + 10);
      } finally {
        stop.set(true);
        reader.join();
      }
      assertTrue(reads.get() >= 5, "the reader got the model too: " + reads.get());
    }
  }
}
