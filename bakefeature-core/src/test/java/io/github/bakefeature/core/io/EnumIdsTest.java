package io.github.bakefeature.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.simulation.ViewRendering;
import org.junit.jupiter.api.Test;

class EnumIdsTest {
  @Test
  void findsTheConstantByItsIdIgnoringCase() {
    assertEquals(MethodPreset.SNERF_HG_FREQ, MethodPreset.fromId("SNeRF-hg-freq"));
    assertEquals(ViewRendering.NOVEL, ViewRendering.fromId("Novel"));
  }

  @Test
  void namesEveryAcceptedIdWhenNoneMatches() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MethodPreset.fromId("nerf"));
    assertEquals("unknown method 'nerf': expected ours, snerf-freq, snerf-hg or snerf-hg-freq", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ViewRendering.fromId("sideways"));
    assertEquals("unknown view rendering 'sideways': expected depth or novel", e.getMessage());
  }
}
