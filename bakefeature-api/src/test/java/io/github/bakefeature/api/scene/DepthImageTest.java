package io.github.bakefeature.api.scene;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DepthImageTest {

  @Test
  void refusesDepthWhosePixelCountOverflowsInt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DepthImage(65_536, 65_536, new float[0]));
    assertTrue(e.getMessage().contains("expected 4294967296 depth values"), e.getMessage());
  }
}
