package io.github.bakefeature.benchmarks.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.core.fields.SemanticHead;
import io.github.bakefeature.core.synth.Preset;
import org.junit.jupiter.api.Test;

class HarnessArgsTest {

  @Test
  void readsOwnAndSharedKeysWithDefaults() {
    HarnessArgs a = new HarnessArgs(new String[] {"iters=300", "preset=room", "head=probe"}, "iters", "methods");
    assertEquals(300, a.getInt("iters", 1));
    assertEquals("ours", a.get("methods", "ours"));
    assertEquals(Preset.ROOM, a.preset());
    assertEquals(1, a.seed());
    assertEquals(SemanticHead.PROBE, a.semanticHead());
    assertNull(new HarnessArgs(new String[0]).semanticHead());
  }

  @Test
  void rejectsUnknownKeyNamingTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new HarnessArgs(new String[] {"iters=10", "itres=20"}, "iters"));
    assertTrue(e.getMessage().contains("itres=20") && e.getMessage().contains("iters")
        && e.getMessage().contains("preset"), e.getMessage());
  }

  @Test
  void rejectsArgumentWithoutValueOrGivenTwice() {
    IllegalArgumentException noValue = assertThrows(IllegalArgumentException.class,
        () -> new HarnessArgs(new String[] {"iters"}, "iters"));
    assertTrue(noValue.getMessage().contains("key=value"), noValue.getMessage());
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
        () -> new HarnessArgs(new String[] {"seed=1", "seed=2"}));
    assertTrue(twice.getMessage().contains("seed=1") && twice.getMessage().contains("seed=2"), twice.getMessage());
  }
}
