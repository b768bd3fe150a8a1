package io.github.bakefeature.core.viz;

import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.RgbImage;
import java.util.Arrays;

/**
 * Turns rendered outputs into viewable RGB images: colour to 8-bit, depth through the Turbo colour
 * map (robust min/max), classes through a palette, confidence through a grey ramp, and a
 * translucent class overlay on the input image.
 */
public final class ColourMaps {
  private ColourMaps() {}

  /** Rendered colour {@code [H, W, 3]} in [0, 1] to 8-bit. */
  public static RgbImage colour(float[] rgb, int width, int height) {
    byte[] px = new byte[width * height * 3];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) Math.round(Math.max(0f, Math.min(1f, rgb[i])) * 255f);
    }
    return new RgbImage(width, height, px);
  }

  /**
   * Depth through Turbo between the 2nd and 98th percentile of valid values; invalid (0) pixels
   * are black.
   */
  public static RgbImage depth(float[] depth, int width, int height) {
    float[] valid = new float[depth.length];
    int n = 0;
    for (float d : depth) {
      if (d > 0 && Float.isFinite(d)) {
        valid[n++] = d;
      }
    }
    byte[] px = new byte[width * height * 3];
    if (n == 0) {
      return new RgbImage(width, height, px);
    }
    Arrays.sort(valid, 0, n);
    float lo = valid[(int) (0.02 * (n - 1))];
    float hi = valid[(int) (0.98 * (n - 1))];
    float range = Math.max(1e-6f, hi - lo);
    for (int i = 0; i < depth.length; i++) {
      float d = depth[i];
      if (d > 0 && Float.isFinite(d)) {
        int c = turbo((d - lo) / range);
        px[3 * i] = (byte) (c >> 16);
        px[3 * i + 1] = (byte) (c >> 8);
        px[3 * i + 2] = (byte) c;
      }
    }
    return new RgbImage(width, height, px);
  }

  /** Confidence in [0, 1] as grey (black = uncertain). */
  public static RgbImage confidence(float[] conf, int width, int height) {
    byte[] px = new byte[width * height * 3];
    for (int i = 0; i < conf.length; i++) {
      byte v = (byte) Math.round(Math.max(0f, Math.min(1f, conf[i])) * 255f);
      px[3 * i] = v;
      px[3 * i + 1] = v;
      px[3 * i + 2] = v;
    }
    return new RgbImage(width, height, px);
  }

  /** Classes through {@code palette} (0xRRGGBB per class id); unlabelled pixels black. */
  public static RgbImage classes(LabelImage classes, int[] palette) {
    byte[] px = new byte[classes.width() * classes.height() * 3];
    short[] l = classes.labels();
    for (int i = 0; i < l.length; i++) {
      int c = l[i] >= 0 ? palette[l[i] % palette.length] : 0;
      px[3 * i] = (byte) (c >> 16);
      px[3 * i + 1] = (byte) (c >> 8);
      px[3 * i + 2] = (byte) c;
    }
    return new RgbImage(classes.width(), classes.height(), px);
  }

  /** {@code image} with class colours blended in at {@code opacity} (0..1). */
  public static RgbImage overlay(RgbImage image, LabelImage classes, int[] palette, float opacity) {
    byte[] src = image.pixels();
    byte[] px = new byte[src.length];
    short[] l = classes.labels();
    for (int i = 0; i < l.length; i++) {
      int c = l[i] >= 0 ? palette[l[i] % palette.length] : -1;
      for (int k = 0; k < 3; k++) {
        int v = src[3 * i + k] & 0xff;
        if (c >= 0) {
          int pc = (c >> (16 - 8 * k)) & 0xff;
          v = Math.round(v * (1 - opacity) + pc * opacity);
        }
        px[3 * i + k] = (byte) v;
      }
    }
    return new RgbImage(image.width(), image.height(), px);
  }

  /**
   * Google's Turbo colour map (polynomial fit by Ruofei Du, public domain) at {@code x} in [0, 1],
   * as 0xRRGGBB.
   */
  public static int turbo(float x) {
    double t = Math.max(0, Math.min(1, x));
    double r = 0.13572138 + t * (4.61539260 + t * (-42.66032258 + t * (132.13108234 + t * (-152.94239396 + t * 59.28637943))));
    double g = 0.09140261 + t * (2.19418839 + t * (4.84296658 + t * (-14.18503333 + t * (4.27729857 + t * 2.82956604))));
    double b = 0.10667330 + t * (12.64194608 + t * (-60.58204836 + t * (110.36276771 + t * (-89.90310912 + t * 27.34824973))));
    return to8(r) << 16 | to8(g) << 8 | to8(b);
  }

  private static int to8(double v) {
    return (int) Math.round(Math.max(0, Math.min(1, v)) * 255);
  }
}
