package io.github.bakefeature.core.encodings;

import io.github.bakefeature.api.field.Encoding;
import io.github.bakefeature.core.parallel.Parallel;

/**
 * Real spherical harmonics of a view direction, as tiny-cuda-nn's / instant-ngp's
 * "SphericalHarmonics" encoding: {@code degree} bands {@code l = 0..degree-1},
 * {@code degree^2} outputs ordered {@code (l, m)} with {@code m = -l..l}, orthonormal on the
 * sphere, with the Condon-Shortley phase (so {@code Y_1^{-1} = -0.4886 y}, {@code Y_1^0 = 0.4886 z},
 * {@code Y_1^1 = -0.4886 x}). The colour MLP uses degree 4 (16 outputs).
 *
 * <p>Input: directions {@code [count, 3]} in any frame, expected unit length; each is
 * renormalised (a zero vector encodes as the constant band only). Unlike tiny-cuda-nn, which
 * takes directions mapped to {@code [0, 1]^3}, this takes the direction itself. Not trainable.
 * Immutable and thread-safe.
 */
public final class SphericalHarmonicsEncoding implements Encoding {
  private final int degree;

  /** Degree (number of bands) in [1, 4]; 4 gives the 16 coefficients of the paper's colour MLP. */
  public SphericalHarmonicsEncoding(int degree) {
    if (degree < 1 || degree > 4) {
      throw new IllegalArgumentException("spherical harmonics degree must be in [1, 4], got " + degree);
    }
    this.degree = degree;
  }

  /** Number of bands. */
  public int degree() {
    return degree;
  }

  @Override
  public int inputDimension() {
    return 3;
  }

  @Override
  public int outputDimension() {
    return degree * degree;
  }

  @Override
  public void encode(float[] input, int count, float[] output, int outputStride, int outputOffset) {
    Checks.batch(this, input, count, output, outputStride, outputOffset, "output");
    Parallel.forRange(count, 4096, (from, to, w) -> {
      for (int i = from; i < to; i++) {
        float x = input[3 * i];
        float y = input[3 * i + 1];
        float z = input[3 * i + 2];
        float norm = (float) Math.sqrt(x * x + y * y + z * z);
        if (norm > 0f) {
          float inv = 1f / norm;
          x *= inv;
          y *= inv;
          z *= inv;
        }
        evaluate(x, y, z, degree, output, i * outputStride + outputOffset);
      }
    });
  }

  private static void evaluate(float x, float y, float z, int degree, float[] out, int o) {
    out[o] = 0.28209479177387814f;
    if (degree <= 1) {
      return;
    }
    out[o + 1] = -0.48860251190291987f * y;
    out[o + 2] = 0.48860251190291987f * z;
    out[o + 3] = -0.48860251190291987f * x;
    if (degree <= 2) {
      return;
    }
    float x2 = x * x;
    float y2 = y * y;
    float z2 = z * z;
    float xy = x * y;
    float yz = y * z;
    float xz = x * z;
    out[o + 4] = 1.0925484305920792f * xy;
    out[o + 5] = -1.0925484305920792f * yz;
    out[o + 6] = 0.94617469575755997f * z2 - 0.31539156525251999f;
    out[o + 7] = -1.0925484305920792f * xz;
    out[o + 8] = 0.54627421529603959f * (x2 - y2);
    if (degree <= 3) {
      return;
    }
    out[o + 9] = 0.59004358992664352f * y * (-3f * x2 + y2);
    out[o + 10] = 2.8906114426405538f * xy * z;
    out[o + 11] = 0.45704579946446572f * y * (1f - 5f * z2);
    out[o + 12] = 0.3731763325901154f * z * (5f * z2 - 3f);
    out[o + 13] = 0.45704579946446572f * x * (1f - 5f * z2);
    out[o + 14] = 1.4453057213202769f * z * (x2 - y2);
    out[o + 15] = 0.59004358992664352f * x * (-x2 + 3f * y2);
  }

  @Override
  public String toString() {
    return "SphericalHarmonicsEncoding[degree=" + degree + "]";
  }
}
