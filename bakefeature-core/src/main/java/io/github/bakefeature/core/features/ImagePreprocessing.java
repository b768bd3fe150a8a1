package io.github.bakefeature.core.features;

import io.github.bakefeature.api.scene.RgbImage;

/**
 * The input pipeline of pretrained backbones: resize so the short side has a given length,
 * normalise per channel ({@code (v / 255 - mean) / std}), and pad right and bottom with zeros (the
 * mean colour after normalisation) to a multiple of the patch size. Output is planar CHW, as
 * PyTorch models expect.
 *
 * <p>The resize is separable linear interpolation with antialiasing when shrinking, the same
 * kernel as PIL's {@code BILINEAR} and torchvision's {@code resize(..., antialias=True)}: output
 * pixel i samples the input around {@code (i + 0.5) * in / out - 0.5} with a triangle filter
 * stretched by the shrink factor. It runs in float, so equal sizes give the image back exactly.
 */
public final class ImagePreprocessing {

  /** Sizes of one preprocessed image: resized {@code width x height}, padded {@code paddedWidth x paddedHeight}. */
  public record Sizes(int width, int height, int paddedWidth, int paddedHeight) {}

  private ImagePreprocessing() {}

  /**
   * Sizes for an input of {@code w x h}: the short side becomes {@code shortSide} (0 = keep the
   * size), the long side keeps the aspect ratio (rounded), and both are padded up to a multiple of
   * {@code patch}.
   */
  public static Sizes sizes(int w, int h, int shortSide, int patch) {
    int rw = w;
    int rh = h;
    if (shortSide > 0) {
      if (w <= h) {
        rw = shortSide;
        rh = Math.max(1, (int) Math.round((double) h * shortSide / w));
      } else {
        rh = shortSide;
        rw = Math.max(1, (int) Math.round((double) w * shortSide / h));
      }
    }
    return new Sizes(rw, rh, ceilTo(rw, patch), ceilTo(rh, patch));
  }

  /**
   * Resizes to {@code outW x outH}; returns interleaved RGB floats in [0, 255], row-major
   * ({@code out[(y * outW + x) * 3 + c]}).
   */
  public static float[] resize(RgbImage img, int outW, int outH) {
    int w = img.width();
    int h = img.height();
    byte[] px = img.pixels();
    if (outW == w && outH == h) {
      float[] out = new float[w * h * 3];
      for (int i = 0; i < out.length; i++) {
        out[i] = px[i] & 0xff;
      }
      return out;
    }
    Weights wx = Weights.of(w, outW);
    Weights wy = Weights.of(h, outH);
    // Horizontal pass on every input row, then vertical.
    float[] tmp = new float[h * outW * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < outW; x++) {
        double r = 0;
        double g = 0;
        double b = 0;
        int lo = wx.first[x];
        for (int k = 0; k < wx.count[x]; k++) {
          double wt = wx.weights[x][k];
          int i = (y * w + lo + k) * 3;
          r += wt * (px[i] & 0xff);
          g += wt * (px[i + 1] & 0xff);
          b += wt * (px[i + 2] & 0xff);
        }
        int o = (y * outW + x) * 3;
        tmp[o] = (float) r;
        tmp[o + 1] = (float) g;
        tmp[o + 2] = (float) b;
      }
    }
    float[] out = new float[outH * outW * 3];
    for (int y = 0; y < outH; y++) {
      int lo = wy.first[y];
      for (int x = 0; x < outW; x++) {
        double r = 0;
        double g = 0;
        double b = 0;
        for (int k = 0; k < wy.count[y]; k++) {
          double wt = wy.weights[y][k];
          int i = ((lo + k) * outW + x) * 3;
          r += wt * tmp[i];
          g += wt * tmp[i + 1];
          b += wt * tmp[i + 2];
        }
        int o = (y * outW + x) * 3;
        out[o] = (float) r;
        out[o + 1] = (float) g;
        out[o + 2] = (float) b;
      }
    }
    return out;
  }

  /**
   * Normalises interleaved RGB floats in [0, 255] ({@code w x h}) into a zero-initialised planar
   * {@code 3 x paddedH x paddedW} array (the padding stays 0).
   */
  public static float[] normaliseAndPad(float[] rgb, int w, int h, int paddedW, int paddedH, float[] mean, float[] std) {
    if (paddedW < w || paddedH < h) {
      throw new IllegalArgumentException("padded size " + paddedW + "x" + paddedH + " is smaller than the image " + w + "x" + h);
    }
    float[] out = new float[3 * paddedW * paddedH];
    int plane = paddedW * paddedH;
    for (int c = 0; c < 3; c++) {
      float m = mean[c];
      float inv = 1f / std[c];
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          out[c * plane + y * paddedW + x] = (rgb[(y * w + x) * 3 + c] / 255f - m) * inv;
        }
      }
    }
    return out;
  }

  private static int ceilTo(int v, int m) {
    return (v + m - 1) / m * m;
  }

  /** Triangle-filter taps of a 1D resize from {@code in} to {@code out} samples (PIL's algorithm). */
  private record Weights(int[] first, int[] count, double[][] weights) {
    static Weights of(int in, int out) {
      double scale = (double) in / out;
      double filterScale = Math.max(scale, 1.0);
      double support = filterScale; // the triangle's support is 1, stretched when shrinking
      int[] first = new int[out];
      int[] count = new int[out];
      double[][] weights = new double[out][];
      for (int i = 0; i < out; i++) {
        double centre = (i + 0.5) * scale;
        int lo = Math.max(0, (int) Math.floor(centre - support + 0.5));
        int hi = Math.min(in, (int) Math.floor(centre + support + 0.5));
        double[] wts = new double[Math.max(1, hi - lo)];
        double sum = 0;
        for (int x = lo; x < hi; x++) {
          double t = Math.abs((x - centre + 0.5) / filterScale);
          double wt = t < 1 ? 1 - t : 0;
          wts[x - lo] = wt;
          sum += wt;
        }
        if (sum == 0) {
          // Cannot happen for in, out >= 1, but never divide by zero: take the nearest sample.
          lo = Math.min(in - 1, Math.max(0, (int) centre));
          wts = new double[] {1};
          sum = 1;
        }
        for (int k = 0; k < wts.length; k++) {
          wts[k] /= sum;
        }
        first[i] = lo;
        count[i] = wts.length;
        weights[i] = wts;
      }
      return new Weights(first, count, weights);
    }
  }
}
