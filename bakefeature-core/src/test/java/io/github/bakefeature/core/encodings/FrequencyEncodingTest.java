package io.github.bakefeature.core.encodings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FrequencyEncodingTest {

  @Test
  void followsEquationOneOnInputsMappedToMinusOneOne() {
    FrequencyEncoding enc = FrequencyEncoding.builder().optFrequencies(3).optIncludeInput(true).build();
    assertEquals(3 * 7, enc.outputDimension());
    float[] x = {0.25f, 0.5f, 0.9f};
    float[] y = enc.encode(x, 1);
    for (int d = 0; d < 3; d++) {
      double yd = 2.0 * x[d] - 1.0;
      assertEquals(yd, y[d], 1e-7);
      for (int k = 0; k < 3; k++) {
        double a = Math.pow(2, k) * Math.PI * yd;
        assertEquals(Math.sin(a), y[3 + 6 * k + d], 1e-6, "sin, k=" + k + " d=" + d);
        assertEquals(Math.cos(a), y[3 + 6 * k + 3 + d], 1e-6, "cos, k=" + k + " d=" + d);
      }
    }
  }

  @Test
  void writesIntoAStridedColumnBlock() {
    FrequencyEncoding enc = FrequencyEncoding.of(2);
    float[] x = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f};
    float[] out = new float[2 * 20];
    java.util.Arrays.fill(out, 7f);
    enc.encode(x, 2, out, 20, 5);
    float[] dense = enc.encode(x, 2);
    for (int i = 0; i < 2; i++) {
      for (int k = 0; k < 20; k++) {
        float expected = k >= 5 && k < 17 ? dense[i * 12 + k - 5] : 7f;
        assertEquals(expected, out[i * 20 + k], "point " + i + " column " + k);
      }
    }
  }

  /**
   * Central differences in double of the float outputs. Per term, truncation is h^2/6 w^3 with
   * w = 2 pi 2^(L-1) * 2 the highest angular rate in x: 2e-3 with h = 1e-3 for L = 2 (w = 12.6)
   * and 8e-4 with h = 2e-4 for L = 4 (w = 50); output rounding adds 6e-8 / 2h <= 1.5e-4. A
   * coordinate's gradient sums 2L (sin, cos) terms with upstream weights below 1, so the checks
   * allow 2e-3 relative to max(5, |g|).
   */
  @Test
  void inputGradientMatchesCentralDifferences() {
    for (int frequencies : new int[] {2, 4}) {
      for (boolean include : new boolean[] {false, true}) {
        FrequencyEncoding enc = FrequencyEncoding.builder().optFrequencies(frequencies).optIncludeInput(include).build();
        int n = 20;
        Random r = new Random(frequencies);
        float[] x = new float[3 * n];
        for (int i = 0; i < x.length; i++) {
          x[i] = r.nextFloat() * 1.1f - 0.05f; // slightly outside too: no clamping
        }
        int out = enc.outputDimension();
        float[] g = new float[n * out];
        for (int i = 0; i < g.length; i++) {
          g[i] = r.nextFloat() * 2 - 1;
        }
        float[] analytic = new float[3 * n];
        enc.inputGradient(x, n, g, out, 0, analytic);
        float h = frequencies == 2 ? 1e-3f : 2e-4f;
        for (int i = 0; i < 3 * n; i++) {
          float saved = x[i];
          x[i] = saved + h;
          double lp = dot(enc.encode(x, n), g);
          float xp = x[i];
          x[i] = saved - h;
          double lm = dot(enc.encode(x, n), g);
          float xm = x[i];
          x[i] = saved;
          double fd = (lp - lm) / ((double) xp - xm);
          assertEquals(fd, analytic[i], 2e-3 * Math.max(5, Math.abs(fd)),
              "L=" + frequencies + " includeInput=" + include + " coordinate " + i);
        }
      }
    }
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  @Test
  void rejectsBadSettingsAndShortArrays() {
    assertThrows(IllegalArgumentException.class, () -> FrequencyEncoding.of(-1));
    assertThrows(IllegalArgumentException.class, () -> FrequencyEncoding.builder().optFrequencies(0).build());
    FrequencyEncoding enc = FrequencyEncoding.of(2);
    assertThrows(IllegalArgumentException.class, () -> enc.encode(new float[3], 2));
  }
}
