package io.github.bakefeature.core.features;

import io.github.bakefeature.api.scene.RgbImage;
import java.util.SplittableRandom;

/** Small deterministic images for the feature tests. */
final class TestImages {
  private TestImages() {}

  static RgbImage constant(int w, int h, int r, int g, int b) {
    byte[] px = new byte[w * h * 3];
    for (int i = 0; i < w * h; i++) {
      px[3 * i] = (byte) r;
      px[3 * i + 1] = (byte) g;
      px[3 * i + 2] = (byte) b;
    }
    return new RgbImage(w, h, px);
  }

  /** Black left of column {@code edge}, white from it on. */
  static RgbImage verticalStep(int w, int h, int edge) {
    byte[] px = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = edge; x < w; x++) {
        int i = (y * w + x) * 3;
        px[i] = px[i + 1] = px[i + 2] = (byte) 255;
      }
    }
    return new RgbImage(w, h, px);
  }

  /** Colour blobs, ramps and seeded noise: a bit of everything. */
  static RgbImage structured(int w, int h, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    byte[] px = new byte[w * h * 3];
    double cx = w * (0.3 + 0.4 * rnd.nextDouble());
    double cy = h * (0.3 + 0.4 * rnd.nextDouble());
    double rad = Math.min(w, h) * 0.25;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = (y * w + x) * 3;
        boolean disc = (x - cx) * (x - cx) + (y - cy) * (y - cy) < rad * rad;
        boolean stripe = ((x / 7) & 1) == 0 && y > h / 2;
        int r = disc ? 220 : (int) (255.0 * x / w);
        int g = stripe ? 200 : (int) (255.0 * y / h);
        int b = disc ? 40 : 120;
        px[i] = (byte) clamp(r + rnd.nextInt(-12, 13));
        px[i + 1] = (byte) clamp(g + rnd.nextInt(-12, 13));
        px[i + 2] = (byte) clamp(b + rnd.nextInt(-12, 13));
      }
    }
    return new RgbImage(w, h, px);
  }

  static RgbImage mirrorX(RgbImage img) {
    int w = img.width();
    int h = img.height();
    byte[] px = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        System.arraycopy(img.pixels(), (y * w + x) * 3, px, (y * w + (w - 1 - x)) * 3, 3);
      }
    }
    return new RgbImage(w, h, px);
  }

  static RgbImage transpose(RgbImage img) {
    int w = img.width();
    int h = img.height();
    byte[] px = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        System.arraycopy(img.pixels(), (y * w + x) * 3, px, (x * h + y) * 3, 3);
      }
    }
    return new RgbImage(h, w, px);
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
