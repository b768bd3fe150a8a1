package io.github.bakefeature.core.features;

/**
 * IEEE 754 binary16 ("half") conversion, as stored by {@link FeatureCache}. Java 17 has no
 * {@code Float.floatToFloat16}; this follows the same rules: round to nearest, ties to even;
 * overflow to infinity; subnormals kept; NaN stays NaN.
 */
public final class Float16 {
  /** Largest finite half value. */
  public static final float MAX_VALUE = 65504f;

  // Decoding is on the trainer's hot path (one look-up per channel per ray): a table is fastest.
  private static final float[] TO_FLOAT = new float[1 << 16];

  static {
    for (int i = 0; i < TO_FLOAT.length; i++) {
      TO_FLOAT[i] = decode((short) i);
    }
  }

  private Float16() {}

  /** The float value of a half. */
  public static float toFloat(short half) {
    return TO_FLOAT[half & 0xffff];
  }

  /** The half nearest to {@code f} (ties to even). */
  public static short fromFloat(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xff;
    int mant = bits & 0x7fffff;
    if (exp == 0xff) {
      // Inf or NaN (keep NaN quiet and non-zero).
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
    }
    int e = exp - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign; // underflows to (signed) zero
      }
      // Subnormal half: shift the mantissa (with its implicit bit) into place, rounding to even.
      int m = mant | 0x800000;
      int shift = 14 - e;
      int half = m >>> shift;
      int rem = m & ((1 << shift) - 1);
      int mid = 1 << (shift - 1);
      if (rem > mid || (rem == mid && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mant >>> 13);
    int rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
      half++; // may carry into the exponent, up to infinity: that is the correct rounding
    }
    return (short) (sign | half);
  }

  /** Converts {@code count} floats from {@code src[srcOff..]} to halves in {@code dst[dstOff..]}. */
  public static void fromFloat(float[] src, int srcOff, short[] dst, int dstOff, int count) {
    for (int i = 0; i < count; i++) {
      dst[dstOff + i] = fromFloat(src[srcOff + i]);
    }
  }

  /** Converts {@code count} halves from {@code src[srcOff..]} to floats in {@code dst[dstOff..]}. */
  /** Decodes {@code count} halfs from {@code src} at absolute index {@code srcIndex} (its position is unchanged). */
  public static void toFloat(java.nio.ShortBuffer src, int srcIndex, float[] dst, int dstOff, int count) {
    for (int k = 0; k < count; k++) {
      dst[dstOff + k] = TO_FLOAT[src.get(srcIndex + k) & 0xffff];
    }
  }

  public static void toFloat(short[] src, int srcOff, float[] dst, int dstOff, int count) {
    for (int i = 0; i < count; i++) {
      dst[dstOff + i] = TO_FLOAT[src[srcOff + i] & 0xffff];
    }
  }

  private static float decode(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0) {
      float v = mant * 0x1p-24f; // subnormal (or zero)
      return sign != 0 ? -v : v;
    }
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }
}
