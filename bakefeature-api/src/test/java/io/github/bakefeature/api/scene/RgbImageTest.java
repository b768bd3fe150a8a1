package io.github.bakefeature.api.scene;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RgbImageTest {

  @Test
  void refusesPixelsWhoseByteCountOverflowsInt() {
    // 3 * 65536 * 65536 wraps to 0 in int.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new RgbImage(65_536, 65_536, new byte[0]));
    assertTrue(e.getMessage().contains("expected 12884901888 bytes"), e.getMessage());
  }
}
