package io.github.bakefeature.core.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class DjlRuntimeTest {

  @Test
  void startsPyTorchOfflineAndMultipliesMatrices() {
    try (NDManager m = DjlRuntime.newManager()) {
      NDArray a = m.create(new float[] {1, 2, 3, 4}, new ai.djl.ndarray.types.Shape(2, 2));
      NDArray b = a.matMul(a);
      assertArrayEquals(new float[] {7, 10, 15, 22}, b.toFloatArray());
      assertEquals("true", System.getProperty("ai.djl.offline"));
      assertEquals("PyTorch", DjlRuntime.engine().getEngineName());
    }
  }

  @Test
  void gradientCollectorsOfTwoThreadsTakeTurnsInsteadOfFailing() throws Exception {
    // Two label sessions in one application train at once: PyTorch allows one open collector per
    // process, so without DjlRuntime's lock one of them fails ("already collecting").
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      java.util.List<java.util.concurrent.Future<Float>> runs = new java.util.ArrayList<>();
      for (int t = 0; t < 2; t++) {
        float k = t + 2;
        runs.add(pool.submit(() -> {
          float g = 0;
          for (int i = 0; i < 200; i++) {
            try (NDManager m = DjlRuntime.newManager()) {
              NDArray x = m.create(new float[] {1, 2, 3});
              x.setRequiresGradient(true);
              try (ai.djl.training.GradientCollector gc = DjlRuntime.newGradientCollector()) {
                gc.backward(x.mul(DjlRuntime.scalar(m, k)).sum());
              }
              g = x.getGradient().toFloatArray()[1];
            }
          }
          return g;
        }));
      }
      assertEquals(2f, runs.get(0).get(60, java.util.concurrent.TimeUnit.SECONDS));
      assertEquals(3f, runs.get(1).get(60, java.util.concurrent.TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
  }
}
