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
}
