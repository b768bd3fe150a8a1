package io.github.bakefeature.api.scene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CameraIntrinsicsTest {
  private final CameraIntrinsics k = new CameraIntrinsics(640, 480, 525, 520, 319.5, 239.5);

  @Test
  void scaledRoundsEachSideAndKeepsPixelCentresAligned() {
    CameraIntrinsics half = k.scaled(0.5);
    assertEquals(k.resized(320, 240), half);
    CameraIntrinsics third = k.scaled(1.0 / 3);
    assertEquals(213, third.width());
    assertEquals(160, third.height());
    assertEquals(1, k.scaled(1e-6).width(), "at least one pixel");
    // The image centre stays the image centre: (c + 0.5) s - 0.5.
    assertEquals(159.5, half.cx(), 1e-12);
  }

  @Test
  void rejectsScalesThatAreNotPositiveAndFinite() {
    for (double s : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> k.scaled(s));
      assertTrue(e.getMessage().contains("positive finite number, found " + s), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> k.scaled(1e9));
  }
}
