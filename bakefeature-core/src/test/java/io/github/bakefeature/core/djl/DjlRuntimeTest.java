package io.github.bakefeature.core.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
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
  void advisesOnTheAllocatorOnlyForLinuxWithGlibcDefaults() {
    assertTrue(DjlRuntime.needsAllocatorAdvice("Linux", Map.of()));
    assertTrue(DjlRuntime.needsAllocatorAdvice("Linux", Map.of("GLIBC_TUNABLES", "glibc.rtld.nns=2")));
    assertFalse(DjlRuntime.needsAllocatorAdvice("Linux", Map.of("MALLOC_ARENA_MAX", "1")));
    assertFalse(DjlRuntime.needsAllocatorAdvice("Linux",
        Map.of("GLIBC_TUNABLES", "glibc.malloc.arena_max=1:glibc.malloc.trim_threshold=17179869184")));
    assertFalse(DjlRuntime.needsAllocatorAdvice("Mac OS X", Map.of()));
    assertFalse(DjlRuntime.needsAllocatorAdvice("Windows 11", Map.of()));
  }
}
