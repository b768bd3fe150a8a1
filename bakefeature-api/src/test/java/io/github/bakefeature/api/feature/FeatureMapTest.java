package io.github.bakefeature.api.feature;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FeatureMapTest {

  @Test
  void refusesDataWhoseValueCountOverflowsInt() {
    // 65536 * 65536 * 1 wraps to 0 in int.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new FeatureMap(65_536, 65_536, 1, new float[0]));
    assertTrue(e.getMessage().contains("expected 4294967296 values"), e.getMessage());
  }
}
