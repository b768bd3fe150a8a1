package io.github.bakefeature.core.eval;

import io.github.bakefeature.api.scene.RgbImage;

/** Colour and depth error measures between renders and ground truth. */
public final class ImageMetrics {
  private ImageMetrics() {}

  /** Mean squared error of a render ({@code [H, W, 3]} in [0, 1]) against an 8-bit image. */
  public static double mse(float[] rendered, RgbImage truth) {
    byte[] px = truth.pixels();
    if (rendered.length != px.length) {
      throw new IllegalArgumentException("expected " + px.length + " colour values, found " + rendered.length);
    }
    double s = 0;
    for (int i = 0; i < px.length; i++) {
      double d = rendered[i] - (px[i] & 0xff) / 255.0;
      s += d * d;
    }
    return s / px.length;
  }

  /** Peak signal-to-noise ratio in dB for signals in [0, 1]. */
  public static double psnr(double mse) {
    return -10 * Math.log10(Math.max(mse, 1e-12));
  }
}
