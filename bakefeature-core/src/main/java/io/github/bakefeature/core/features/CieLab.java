package io.github.bakefeature.core.features;

/**
 * 8-bit sRGB to CIE L*a*b* (D65 white, 2 degree observer). L is in [0, 100]; a and b are roughly
 * in [-128, 128]. Perceptual colour differences are closer to Euclidean in Lab than in RGB, which
 * is why the filter bank smooths colour there.
 */
public final class CieLab {
  private static final float[] LINEAR = new float[256];
  private static final double XN = 0.95047;
  private static final double YN = 1.0;
  private static final double ZN = 1.08883;
  private static final double EPS = 216.0 / 24389.0; // (6/29)^3
  private static final double KAPPA = 24389.0 / 27.0;

  static {
    for (int i = 0; i < 256; i++) {
      double c = i / 255.0;
      LINEAR[i] = (float) (c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4));
    }
  }

  private CieLab() {}

  /** Writes L, a, b of the sRGB colour (r, g, b in 0..255) to {@code out[offset..offset+3)}. */
  public static void fromSrgb(int r, int g, int b, float[] out, int offset) {
    double lr = LINEAR[r & 0xff];
    double lg = LINEAR[g & 0xff];
    double lb = LINEAR[b & 0xff];
    double x = (0.4124564 * lr + 0.3575761 * lg + 0.1804375 * lb) / XN;
    double y = (0.2126729 * lr + 0.7151522 * lg + 0.0721750 * lb) / YN;
    double z = (0.0193339 * lr + 0.1191920 * lg + 0.9503041 * lb) / ZN;
    double fx = f(x);
    double fy = f(y);
    double fz = f(z);
    out[offset] = (float) (116 * fy - 16);
    out[offset + 1] = (float) (500 * (fx - fy));
    out[offset + 2] = (float) (200 * (fy - fz));
  }

  private static double f(double t) {
    return t > EPS ? cbrt(t) : (KAPPA * t + 16) / 116;
  }

  /**
   * Cube root of a positive normal double to about 1e-12 relative: a bit-level first guess (the
   * exponent divided by three, within 10%) refined by two Halley steps (cubic convergence). About
   * 4x faster than {@link Math#cbrt}, which is not an intrinsic in Java 17 and was a quarter of the
   * filter bank's time.
   */
  static double cbrt(double x) {
    long bits = Double.doubleToRawLongBits(x);
    double y = Double.longBitsToDouble((bits - (1023L << 52)) / 3 + (1023L << 52));
    double y3 = y * y * y;
    y *= (y3 + 2 * x) / (2 * y3 + x);
    y3 = y * y * y;
    y *= (y3 + 2 * x) / (2 * y3 + x);
    return y;
  }
}
