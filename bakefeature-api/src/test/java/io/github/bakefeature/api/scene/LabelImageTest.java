package io.github.bakefeature.api.scene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LabelImageTest {

  @Test
  void refusesLabelsWhosePixelCountOverflowsInt() {
    // 65536 * 65536 wraps to 0 in int: an empty array must not pass for a 4-gigapixel image.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LabelImage(65_536, 65_536, new short[0]));
    assertTrue(e.getMessage().contains("expected 4294967296 labels"), e.getMessage());
  }

  @Test
  void unlabelledRefusesSizesBeyondTheLargestArrayWithAMessage() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LabelImage.unlabelled(100_000, 100_000));
    assertTrue(e.getMessage().contains("100000x100000 = 10000000000 pixels"), e.getMessage());
    assertEquals(LabelImage.UNLABELLED, LabelImage.unlabelled(3, 2).get(2, 1));
  }
}
