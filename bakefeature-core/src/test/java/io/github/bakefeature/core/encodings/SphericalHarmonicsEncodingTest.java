package io.github.bakefeature.core.encodings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SphericalHarmonicsEncodingTest {

  private static long factorial(int n) {
    long f = 1;
    for (int i = 2; i <= n; i++) {
      f *= i;
    }
    return f;
  }

  /** Associated Legendre P_l^m(x), m >= 0, with the Condon-Shortley phase, by the standard recurrence. */
  private static double legendre(int l, int m, double x) {
    double pmm = 1;
    double somx2 = Math.sqrt((1 - x) * (1 + x));
    double fact = 1;
    for (int i = 1; i <= m; i++) {
      pmm *= -fact * somx2;
      fact += 2;
    }
    if (l == m) {
      return pmm;
    }
    double pmmp1 = x * (2 * m + 1) * pmm;
    if (l == m + 1) {
      return pmmp1;
    }
    double pll = 0;
    for (int ll = m + 2; ll <= l; ll++) {
      pll = ((2 * ll - 1) * x * pmmp1 - (ll + m - 1) * pmm) / (ll - m);
      pmm = pmmp1;
      pmmp1 = pll;
    }
    return pll;
  }

  /** Real orthonormal spherical harmonic Y_lm at polar angle theta (from +z) and azimuth phi (from +x). */
  private static double realSh(int l, int m, double theta, double phi) {
    int am = Math.abs(m);
    double k = Math.sqrt((2 * l + 1) / (4 * Math.PI) * factorial(l - am) / (double) factorial(l + am));
    double p = legendre(l, am, Math.cos(theta));
    if (m == 0) {
      return k * p;
    }
    return Math.sqrt(2) * k * p * (m > 0 ? Math.cos(m * phi) : Math.sin(am * phi));
  }

  @Test
  void matchesClosedFormRealHarmonicsAtSeveralDirections() {
    SphericalHarmonicsEncoding sh = new SphericalHarmonicsEncoding(4);
    assertEquals(16, sh.outputDimension());
    double[][] angles = {{0.3, 0.2}, {1.2, -2.5}, {Math.PI / 2, Math.PI / 4}, {2.8, 1.0}, {0.0, 0.0}, {Math.PI, 0.7}};
    for (double[] a : angles) {
      double theta = a[0];
      double phi = a[1];
      float[] dir = {(float) (Math.sin(theta) * Math.cos(phi)), (float) (Math.sin(theta) * Math.sin(phi)),
          (float) Math.cos(theta)};
      float[] y = sh.encode(dir, 1);
      int i = 0;
      for (int l = 0; l < 4; l++) {
        for (int m = -l; m <= l; m++) {
          assertEquals(realSh(l, m, theta, phi), y[i], 2e-6, "l=" + l + " m=" + m + " at theta=" + theta + " phi=" + phi);
          i++;
        }
      }
    }
  }

  @Test
  void renormalisesDirectionsAndTruncatesLowerDegrees() {
    SphericalHarmonicsEncoding sh4 = new SphericalHarmonicsEncoding(4);
    float[] unit = sh4.encode(new float[] {0.6f, 0f, 0.8f}, 1);
    float[] scaled = sh4.encode(new float[] {3f, 0f, 4f}, 1);
    for (int i = 0; i < 16; i++) {
      assertEquals(unit[i], scaled[i], 1e-6f);
    }
    float[] two = new SphericalHarmonicsEncoding(2).encode(new float[] {0.6f, 0f, 0.8f}, 1);
    for (int i = 0; i < 4; i++) {
      assertEquals(unit[i], two[i]);
    }
    assertThrows(IllegalArgumentException.class, () -> new SphericalHarmonicsEncoding(5));
  }
}
