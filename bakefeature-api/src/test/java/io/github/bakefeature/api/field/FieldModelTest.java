package io.github.bakefeature.api.field;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The render size limits every {@link FieldModel} enforces. */
class FieldModelTest {

  @Test
  void renderLimitsAreSixteenThousandPerSideAndTwoToTheTwentySixPixels() {
    assertEquals(16_384, FieldModel.MAX_RENDER_SIDE);
    assertEquals(67_108_864L, FieldModel.MAX_RENDER_PIXELS);
    assertEquals(8192L * 8192, FieldModel.MAX_RENDER_PIXELS);
  }

  @Test
  void acceptsEverySizeUpToTheLimits() {
    assertDoesNotThrow(() -> FieldModel.checkRenderSize(1, 1));
    assertDoesNotThrow(() -> FieldModel.checkRenderSize(3840, 2160));
    assertDoesNotThrow(() -> FieldModel.checkRenderSize(8192, 8192));
    assertDoesNotThrow(() -> FieldModel.checkRenderSize(16_384, 4096));
    assertDoesNotThrow(() -> FieldModel.checkRenderSize(1, 16_384));
  }

  @Test
  void refusesRenderSizeWithMorePixelsThanTheLimit() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FieldModel.checkRenderSize(20_000, 20_000));
    assertTrue(e.getMessage().startsWith("render size 20000x20000 = 400000000 pixels exceeds the limit of 67108864"
        + " pixels (8192x8192)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> FieldModel.checkRenderSize(8193, 8192));
    assertTrue(e.getMessage().contains("8193x8192 = 67117056 pixels"), e.getMessage());
  }

  @Test
  void refusesRenderSideLongerThanTheLimitEvenWithFewPixels() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FieldModel.checkRenderSize(16_385, 1));
    assertTrue(e.getMessage().contains("16385x1 exceeds the limit of 16384 pixels per side"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> FieldModel.checkRenderSize(2, 100_000));
    assertTrue(e.getMessage().contains("2x100000"), e.getMessage());
  }

  @Test
  void renderSizeCheckDoesNotOverflowForHugeSides() {
    // 65536 * 65536 is 0 in int arithmetic: the product must be computed in long.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FieldModel.checkRenderSize(65_536, 65_536));
    assertTrue(e.getMessage().contains("= 4294967296 pixels"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> FieldModel.checkRenderSize(Integer.MAX_VALUE, Integer.MAX_VALUE));
    assertTrue(e.getMessage().contains("= 4611686014132420609 pixels"), e.getMessage());
  }

  @Test
  void refusesNonPositiveRenderSize() {
    assertThrows(IllegalArgumentException.class, () -> FieldModel.checkRenderSize(0, 10));
    assertThrows(IllegalArgumentException.class, () -> FieldModel.checkRenderSize(10, -1));
  }
}
