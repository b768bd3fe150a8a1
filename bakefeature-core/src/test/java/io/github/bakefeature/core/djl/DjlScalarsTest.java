package io.github.bakefeature.core.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.pipelines.FieldTrainer;
import io.github.bakefeature.core.pipelines.StepResult;
import io.github.bakefeature.core.pipelines.TrainerConfig;
import io.github.bakefeature.core.pipelines.Training;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Scalars in differentiated expressions must outlive the backward pass even when the garbage
 * collector runs in between (see {@link DjlRuntime#scalar}).
 */
class DjlScalarsTest {

  /** Collects garbage, lets the cleaner free direct buffers, and refills freed memory with NaN. */
  private static List<ByteBuffer> collectGarbageAndReuseMemory() throws InterruptedException {
    List<ByteBuffer> keep = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      System.gc();
      Thread.sleep(30);
      for (int i = 0; i < 2000; i++) {
        ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
        b.putFloat(0, Float.NaN);
        keep.add(b);
      }
    }
    return keep;
  }

  @Test
  void scalarFactorsSurviveGarbageCollectionBeforeBackward() throws Exception {
    try (NDManager m = DjlRuntime.newManager();
         GradientCollector gc = DjlRuntime.newGradientCollector()) {
      NDArray x = m.create(new float[] {1f, 2f, 3f});
      x.setRequiresGradient(true);
      NDArray y = x.mul(DjlRuntime.scalar(m, 2.5f)).div(DjlRuntime.scalar(m, 0.5f)).sum();
      List<ByteBuffer> junk = collectGarbageAndReuseMemory();
      gc.backward(y);
      assertArrayEquals(new float[] {5f, 5f, 5f}, x.getGradient().toFloatArray(), 0f);
      assertEquals(6000, junk.size());
    }
  }

  @Test
  void trainingStaysFiniteWhileGarbageIsCollectedDuringSteps() throws Exception {
    FieldTrainer t = Training.builder(SyntheticScenes.tabletop(3, 32, 24, 1))
        .optMethod(MethodPreset.SNERF_FREQ)
        .optLabels(Training.Labels.GROUND_TRUTH)
        .optTrainerConfig(TrainerConfig.builder().optRaysPerBatch(256).build())
        .build();
    AtomicBoolean stop = new AtomicBoolean();
    Thread collector = new Thread(() -> {
      while (!stop.get()) {
        System.gc();
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    collector.start();
    List<Float> losses = new ArrayList<>();
    try {
      for (int i = 0; i < 150; i++) {
        StepResult r = t.step();
        losses.add(r.total());
      }
    } finally {
      stop.set(true);
      collector.join();
    }
    assertTrue(losses.stream().allMatch(Float::isFinite), "losses stay finite: " + losses);
    assertTrue(losses.get(losses.size() - 1) < losses.get(0), "and fall: " + losses.get(0) + " -> " + losses.get(losses.size() - 1));
  }
}
