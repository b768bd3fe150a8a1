package io.github.bakefeature.core.features;

/**
 * Sampled Gaussian-derivative kernels and the separable correlation passes of the filter bank.
 *
 * <p>Kernels are stored folded: {@code k[0]} is the centre tap and {@code k[j]} (j = 1..r) the
 * weight of both the taps at +j and -j. Even kernels (smoothing, second derivative) add the two
 * taps, odd ones (first derivative) subtract the -j tap: {@code out[x] = sum_j k[j] (in[x+j] -
 * in[x-j])}. Folding halves the multiplications, and each pass is an axpy over a whole row, which
 * the JIT vectorises. Borders are mirrored without repeating the edge pixel
 * ({@code ... c b | a b c ...}), which keeps a constant image constant and a ramp's derivative
 * exact away from the border.
 */
final class SeparableFilters {
  private SeparableFilters() {}

  /** Kernel half-width for scale {@code sigma}: 3 sigma, plus one tap for the derivatives' tails. */
  static int radius(double sigma) {
    return Math.max(1, (int) Math.ceil(3.0 * sigma) + 1);
  }

  /** Gaussian normalised to unit sum over [-r, r]. */
  static float[] gaussian(double sigma, int r) {
    double[] g = rawGaussian(sigma, r);
    double sum = g[0];
    for (int j = 1; j <= r; j++) {
      sum += 2 * g[j];
    }
    float[] k = new float[r + 1];
    for (int j = 0; j <= r; j++) {
      k[j] = (float) (g[j] / sum);
    }
    return k;
  }

  /**
   * First derivative of the Gaussian (odd, folded), normalised so a unit ramp {@code in[x] = x}
   * gives exactly 1.
   */
  static float[] firstDerivative(double sigma, int r) {
    double[] g = rawGaussian(sigma, r);
    double s2 = 0;
    for (int j = 1; j <= r; j++) {
      s2 += 2.0 * j * j * g[j];
    }
    float[] k = new float[r + 1];
    for (int j = 1; j <= r; j++) {
      k[j] = (float) (j * g[j] / s2);
    }
    return k;
  }

  /**
   * Second derivative of the Gaussian (even, folded), corrected to zero sum (a constant gives 0)
   * and normalised so the parabola {@code in[x] = x^2} gives exactly 2.
   */
  static float[] secondDerivative(double sigma, int r) {
    double[] g = rawGaussian(sigma, r);
    double[] s = new double[r + 1];
    double sumS = 0;
    double sumG = 0;
    for (int j = 0; j <= r; j++) {
      s[j] = (j * j / (sigma * sigma) - 1) * g[j];
      double w = j == 0 ? 1 : 2;
      sumS += w * s[j];
      sumG += w * g[j];
    }
    double shift = sumS / sumG;
    double m2 = 0;
    for (int j = 0; j <= r; j++) {
      s[j] -= shift * g[j];
      m2 += (j == 0 ? 0 : 2.0) * s[j] * j * j;
    }
    float[] k = new float[r + 1];
    for (int j = 0; j <= r; j++) {
      k[j] = (float) (2.0 * s[j] / m2);
    }
    return k;
  }

  private static double[] rawGaussian(double sigma, int r) {
    double[] g = new double[r + 1];
    for (int j = 0; j <= r; j++) {
      g[j] = Math.exp(-0.5 * j * j / (sigma * sigma));
    }
    return g;
  }

  /** Mirrors index {@code i} into [0, n) without repeating the edge sample. */
  static int reflect(int i, int n) {
    if (n == 1) {
      return 0;
    }
    int period = 2 * (n - 1);
    int m = Math.floorMod(i, period);
    return m < n ? m : period - m;
  }

  // ---- vertical passes: one output row from rows of a plane ------------------------------------
  // Planes are arrays of rows so every inner loop indexes its arrays from 0: HotSpot 17's C2 does
  // not vectorise loops whose array index has a loop-invariant offset (a[off + x]), and is about
  // 5x faster on these axpy loops when it can.

  /** Even kernel along y at row {@code y} of {@code plane} (rows of width w) into {@code out[0..w)}. */
  static void verticalEven(float[][] plane, int w, int y, float[] k, float[] out) {
    int h = plane.length;
    float[] c = plane[y];
    float k0 = k[0];
    for (int x = 0; x < w; x++) {
      out[x] = k0 * c[x];
    }
    for (int j = 1; j < k.length; j++) {
      float[] p = plane[reflect(y + j, h)];
      float[] m = plane[reflect(y - j, h)];
      float kj = k[j];
      for (int x = 0; x < w; x++) {
        out[x] += kj * (p[x] + m[x]);
      }
    }
  }

  /**
   * Smoothing {@code g}, first derivative {@code d} and optionally second derivative {@code s}
   * (same radius) along y in one sweep over the rows; {@code s}/{@code outS} may be null.
   */
  static void verticalDerivatives(float[][] plane, int w, int y, float[] g, float[] d, float[] s,
                                  float[] outG, float[] outD, float[] outS) {
    int h = plane.length;
    float[] c = plane[y];
    float g0 = g[0];
    for (int x = 0; x < w; x++) {
      outG[x] = g0 * c[x];
      outD[x] = 0f;
    }
    if (s != null) {
      float s0 = s[0];
      for (int x = 0; x < w; x++) {
        outS[x] = s0 * c[x];
      }
    }
    for (int j = 1; j < g.length; j++) {
      float[] p = plane[reflect(y + j, h)];
      float[] m = plane[reflect(y - j, h)];
      accumulate(p, m, g[j], d[j], s == null ? 0f : s[j], outG, outD, s == null ? null : outS, w);
    }
  }

  /** outG += g (p + m); outD += d (p - m); outS += s (p + m) (if outS is not null). */
  private static void accumulate(float[] p, float[] m, float g, float d, float s,
                                 float[] outG, float[] outD, float[] outS, int w) {
    if (outS != null) {
      for (int x = 0; x < w; x++) {
        float sum = p[x] + m[x];
        outG[x] += g * sum;
        outS[x] += s * sum;
        outD[x] += d * (p[x] - m[x]);
      }
    } else {
      for (int x = 0; x < w; x++) {
        outG[x] += g * (p[x] + m[x]);
        outD[x] += d * (p[x] - m[x]);
      }
    }
  }

  // ---- horizontal passes: on one row, through a mirrored, padded copy -------------------------

  /** Per-thread buffers of the horizontal passes: a padded row and its two shifted windows. */
  static final class RowScratch {
    final float[] pad;
    final float[] plus;
    final float[] minus;

    RowScratch(int width, int maxRadius) {
      pad = new float[width + 2 * maxRadius];
      plus = new float[width];
      minus = new float[width];
    }
  }

  /** Copies {@code row[0..w)} into {@code pad[r .. r + w)} with r mirrored samples each side. */
  static void pad(float[] row, int w, int r, float[] pad) {
    System.arraycopy(row, 0, pad, r, w);
    for (int j = 1; j <= r; j++) {
      pad[r - j] = row[reflect(-j, w)];
      pad[r + w - 1 + j] = row[reflect(w - 1 + j, w)];
    }
  }

  /** Even kernel along x of {@code row} into {@code out}. */
  static void horizontalEven(float[] row, int w, float[] k, float[] out, RowScratch sc) {
    int r = k.length - 1;
    pad(row, w, r, sc.pad);
    float k0 = k[0];
    for (int x = 0; x < w; x++) {
      out[x] = k0 * row[x];
    }
    float[] p = sc.plus;
    float[] m = sc.minus;
    for (int j = 1; j <= r; j++) {
      // Shifted copies (an intrinsic memcpy) keep the axpy below vectorisable.
      System.arraycopy(sc.pad, r + j, p, 0, w);
      System.arraycopy(sc.pad, r - j, m, 0, w);
      float kj = k[j];
      for (int x = 0; x < w; x++) {
        out[x] += kj * (p[x] + m[x]);
      }
    }
  }

  /** Odd kernel along x of {@code row} into {@code out}. */
  static void horizontalOdd(float[] row, int w, float[] k, float[] out, RowScratch sc) {
    int r = k.length - 1;
    pad(row, w, r, sc.pad);
    for (int x = 0; x < w; x++) {
      out[x] = 0f;
    }
    float[] p = sc.plus;
    float[] m = sc.minus;
    for (int j = 1; j <= r; j++) {
      System.arraycopy(sc.pad, r + j, p, 0, w);
      System.arraycopy(sc.pad, r - j, m, 0, w);
      float kj = k[j];
      for (int x = 0; x < w; x++) {
        out[x] += kj * (p[x] - m[x]);
      }
    }
  }

  /**
   * Smoothing, first and (optionally) second derivative along x of {@code row} in one sweep;
   * {@code s}/{@code outS} may be null.
   */
  static void horizontalDerivatives(float[] row, int w, float[] g, float[] d, float[] s,
                                    float[] outG, float[] outD, float[] outS, RowScratch sc) {
    int r = g.length - 1;
    pad(row, w, r, sc.pad);
    float g0 = g[0];
    for (int x = 0; x < w; x++) {
      outG[x] = g0 * row[x];
      outD[x] = 0f;
    }
    if (s != null) {
      float s0 = s[0];
      for (int x = 0; x < w; x++) {
        outS[x] = s0 * row[x];
      }
    }
    float[] p = sc.plus;
    float[] m = sc.minus;
    for (int j = 1; j <= r; j++) {
      System.arraycopy(sc.pad, r + j, p, 0, w);
      System.arraycopy(sc.pad, r - j, m, 0, w);
      accumulate(p, m, g[j], d[j], s == null ? 0f : s[j], outG, outD, s == null ? null : outS, w);
    }
  }
}
