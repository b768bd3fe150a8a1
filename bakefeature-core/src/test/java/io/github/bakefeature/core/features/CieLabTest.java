package io.github.bakefeature.core.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CieLabTest {
  private static void assertLab(int r, int g, int b, double l, double a, double bb) {
    float[] out = new float[4];
    CieLab.fromSrgb(r, g, b, out, 1);
    assertEquals(l, out[1], 0.05, "L of " + r + "," + g + "," + b);
    assertEquals(a, out[2], 0.05, "a of " + r + "," + g + "," + b);
    assertEquals(bb, out[3], 0.05, "b of " + r + "," + g + "," + b);
  }

  @Test
  void convertsReferenceColours() {
    // Reference values: CIE L*a*b* (D65) of the sRGB primaries, white, black and mid grey.
    assertLab(255, 255, 255, 100.0, 0.0, 0.0);
    assertLab(0, 0, 0, 0.0, 0.0, 0.0);
    assertLab(255, 0, 0, 53.24, 80.09, 67.20);
    assertLab(0, 255, 0, 87.73, -86.18, 83.18);
    assertLab(0, 0, 255, 32.30, 79.19, -107.86);
    assertLab(128, 128, 128, 53.59, 0.0, 0.0);
  }
}
