package io.github.bakefeature.core.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NativeEnvironmentTest {

  @Test
  void advisesOnTheAllocatorOnlyForLinuxWithGlibcDefaults() {
    assertTrue(NativeEnvironment.needsAllocatorAdvice("Linux", Map.of()));
    assertTrue(NativeEnvironment.needsAllocatorAdvice("Linux", Map.of("GLIBC_TUNABLES", "glibc.rtld.nns=2")));
    assertFalse(NativeEnvironment.needsAllocatorAdvice("Linux", Map.of("MALLOC_ARENA_MAX", "1")));
    assertFalse(NativeEnvironment.needsAllocatorAdvice("Linux",
        Map.of("GLIBC_TUNABLES", "glibc.malloc.arena_max=1:glibc.malloc.trim_threshold=17179869184")));
    assertFalse(NativeEnvironment.needsAllocatorAdvice("Mac OS X", Map.of()));
    assertFalse(NativeEnvironment.needsAllocatorAdvice("Windows 11", Map.of()));
  }

  @Test
  void missingKeepsWhatTheUserSetAndAddsTheRest() {
    Map<String, String> missing = NativeEnvironment.missing(Map.of("OMP_WAIT_POLICY", "ACTIVE", "PATH", "/bin"));
    assertEquals(List.of("OPT_OUT_TRACKING", "MALLOC_ARENA_MAX", "MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_"),
        List.copyOf(missing.keySet()));
    assertEquals("1", missing.get("MALLOC_ARENA_MAX"));
    assertTrue(NativeEnvironment.missing(NativeEnvironment.recommended()).isEmpty());
    assertEquals("MALLOC_ARENA_MAX=1 MALLOC_TRIM_THRESHOLD_=17179869184 MALLOC_MMAP_THRESHOLD_=33554432",
        NativeEnvironment.allocatorAdvice());
  }
}
