package io.github.bakefeature.core.export;

import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.RgbImage;

/**
 * Brings a class map rendered at a fraction of a frame's resolution back to the frame's size,
 * guided by the frame's own colour image: joint bilateral upsampling (Kopf et al., "Joint
 * Bilateral Upsampling", SIGGRAPH 2007) turned into a vote. Each full-resolution pixel takes the
 * class with the largest summed weight among the 4 x 4 nearest low-resolution samples; a sample's
 * weight falls with its distance (Gaussian, sigma one low-resolution pixel) and with the colour
 * difference between the pixel and the image where the sample's ray went (Gaussian in the summed
 * absolute RGB difference, sigma {@value #COLOUR_SIGMA} of 765). Class boundaries so follow the
 * image's edges instead of the low-resolution staircase; rendering costs the square of the scale.
 *
 * <p>Low-resolution sample {@code (i, j)} is the ray through the pixel centre
 * {@code ((i + 0.5) W / w - 0.5, (j + 0.5) H / h - 0.5)} of the full frame, as
 * {@code CameraIntrinsics#resized} places it. Unknown samples ({@link LabelImage#UNLABELLED}) vote
 * like a class, so regions where rays hit nothing keep their extent. Stateless and thread-safe.
 */
public final class LabelUpsampler {
  /** Colour sigma, in summed absolute 8-bit RGB differences (0..765). */
  public static final float COLOUR_SIGMA = 30f;
  /** Spatial sigma, in low-resolution pixels. */
  public static final float SPATIAL_SIGMA = 1f;
  private static final float[] COLOUR_WEIGHT = new float[3 * 255 + 1];

  static {
    for (int d = 0; d < COLOUR_WEIGHT.length; d++) {
      // A floor keeps a pixel unlike all its samples (a thin structure the low-res render missed)
      // decided by distance rather than by rounding noise.
      COLOUR_WEIGHT[d] = (float) Math.max(Math.exp(-0.5 * (d / COLOUR_SIGMA) * (d / COLOUR_SIGMA)), 1e-6);
    }
  }

  private LabelUpsampler() {}

  /** A full-resolution class map and the confidence of each pixel's class. */
  public record Result(short[] labels, float[] confidence) {}

  /**
   * Upsamples {@code labels} and {@code confidence} ({@code lowWidth x lowHeight}, row-major) to the
   * size of {@code guide}. A pixel's confidence is the weighted mean confidence of the samples that
   * voted for its class.
   *
   * @throws IllegalArgumentException if the arrays do not hold {@code lowWidth x lowHeight} values
   *     or the low resolution exceeds the guide's
   */
  public static Result jointBilateral(short[] labels, float[] confidence, int lowWidth, int lowHeight, RgbImage guide) {
    check(labels, confidence, lowWidth, lowHeight, guide);
    int w = guide.width();
    int h = guide.height();
    if (lowWidth == w && lowHeight == h) {
      return new Result(labels.clone(), confidence.clone()); // nothing to upsample: no vote may change a sample
    }
    byte[] g = guide.pixels();
    byte[] lowGuide = sampleGuide(guide, lowWidth, lowHeight);
    int[] xi = new int[4 * w];
    float[] xw = new float[4 * w];
    taps(w, lowWidth, xi, xw);
    int[] yi = new int[4 * h];
    float[] yw = new float[4 * h];
    taps(h, lowHeight, yi, yw);
    short[] out = new short[w * h];
    float[] outConf = new float[w * h];
    short[] voteLabel = new short[16];
    float[] voteWeight = new float[16];
    float[] voteConf = new float[16];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = 3 * (y * w + x);
        int r = g[p] & 0xFF;
        int gr = g[p + 1] & 0xFF;
        int b = g[p + 2] & 0xFF;
        int votes = 0;
        for (int m = 0; m < 4; m++) {
          float wy = yw[4 * y + m];
          if (wy == 0f) {
            continue;
          }
          int row = yi[4 * y + m] * lowWidth;
          for (int k = 0; k < 4; k++) {
            float wx = xw[4 * x + k];
            if (wx == 0f) {
              continue;
            }
            int q = row + xi[4 * x + k];
            int lq = 3 * q;
            int d = Math.abs(r - (lowGuide[lq] & 0xFF)) + Math.abs(gr - (lowGuide[lq + 1] & 0xFF))
                + Math.abs(b - (lowGuide[lq + 2] & 0xFF));
            float wt = wx * wy * COLOUR_WEIGHT[d];
            short l = labels[q];
            int v = 0;
            while (v < votes && voteLabel[v] != l) {
              v++;
            }
            if (v == votes) {
              voteLabel[v] = l;
              voteWeight[v] = 0f;
              voteConf[v] = 0f;
              votes++;
            }
            voteWeight[v] += wt;
            voteConf[v] += wt * confidence[q];
          }
        }
        int best = 0;
        for (int v = 1; v < votes; v++) {
          if (voteWeight[v] > voteWeight[best]) {
            best = v;
          }
        }
        out[y * w + x] = voteLabel[best];
        outConf[y * w + x] = voteConf[best] / voteWeight[best];
      }
    }
    return new Result(out, outConf);
  }

  /**
   * A copy of {@code labels} with every sample whose confidence is at most {@code minConfidence}
   * (or NaN) made {@link LabelImage#UNLABELLED}: the renderer reports a ray that hit nothing as
   * class 0 with confidence 0, which must vote as unknown, not for class 0.
   */
  public static short[] unknownAtOrBelow(short[] labels, float[] confidence, float minConfidence) {
    if (confidence.length != labels.length) {
      throw new IllegalArgumentException("expected a confidence per label (" + labels.length + "), found "
          + confidence.length);
    }
    short[] out = labels.clone();
    for (int i = 0; i < out.length; i++) {
      if (!(confidence[i] > minConfidence)) {
        out[i] = LabelImage.UNLABELLED;
      }
    }
    return out;
  }

  /**
   * Nearest-sample upsampling to {@code width x height} (the staircase {@link #jointBilateral}
   * avoids; kept as its baseline).
   */
  public static Result nearest(short[] labels, float[] confidence, int lowWidth, int lowHeight, int width, int height) {
    checkArrays(labels, confidence, lowWidth, lowHeight);
    short[] out = new short[width * height];
    float[] outConf = new float[width * height];
    for (int y = 0; y < height; y++) {
      int j = Math.min(lowHeight - 1, (int) ((y + 0.5) * lowHeight / height));
      for (int x = 0; x < width; x++) {
        int i = Math.min(lowWidth - 1, (int) ((x + 0.5) * lowWidth / width));
        out[y * width + x] = labels[j * lowWidth + i];
        outConf[y * width + x] = confidence[j * lowWidth + i];
      }
    }
    return new Result(out, outConf);
  }

  private static void check(short[] labels, float[] confidence, int lowWidth, int lowHeight, RgbImage guide) {
    if (lowWidth < 1 || lowHeight < 1 || lowWidth > guide.width() || lowHeight > guide.height()) {
      throw new IllegalArgumentException("expected a low resolution within the guide's " + guide.width() + " x "
          + guide.height() + ", found " + lowWidth + " x " + lowHeight);
    }
    checkArrays(labels, confidence, lowWidth, lowHeight);
  }

  private static void checkArrays(short[] labels, float[] confidence, int lowWidth, int lowHeight) {
    if (labels.length != (long) lowWidth * lowHeight || confidence.length != labels.length) {
      throw new IllegalArgumentException("expected " + lowWidth + " x " + lowHeight + " = " + lowWidth * lowHeight
          + " labels and confidences, found " + labels.length + " and " + confidence.length);
    }
  }

  /**
   * For each of {@code n} full-resolution positions, the 4 nearest of {@code lowN} sample indices and
   * their spatial weights (0 for taps outside the image).
   */
  private static void taps(int n, int lowN, int[] idx, float[] wt) {
    double ratio = (double) lowN / n;
    for (int x = 0; x < n; x++) {
      double u = (x + 0.5) * ratio - 0.5; // this pixel in low-resolution sample coordinates
      int i0 = (int) Math.floor(u) - 1;
      for (int k = 0; k < 4; k++) {
        int i = i0 + k;
        idx[4 * x + k] = Math.max(0, Math.min(lowN - 1, i));
        double d = (u - i) / SPATIAL_SIGMA;
        // The kernel stops short of 2 samples away: when the pixel sits exactly on a sample, the 4
        // taps reach 2 away on one side only, and that one-sided tap would tip close votes.
        boolean inside = i >= 0 && i < lowN && Math.abs(u - i) < 2;
        wt[4 * x + k] = inside ? (float) Math.exp(-0.5 * d * d) : 0f;
      }
    }
  }

  /** The guide's colour where each low-resolution sample's ray went (bilinear at its pixel centre). */
  private static byte[] sampleGuide(RgbImage guide, int lw, int lh) {
    int w = guide.width();
    int h = guide.height();
    byte[] g = guide.pixels();
    byte[] out = new byte[3 * lw * lh];
    for (int j = 0; j < lh; j++) {
      double fy = Math.min(h - 1, Math.max(0, (j + 0.5) * h / lh - 0.5));
      int y0 = (int) fy;
      int y1 = Math.min(h - 1, y0 + 1);
      double ty = fy - y0;
      for (int i = 0; i < lw; i++) {
        double fx = Math.min(w - 1, Math.max(0, (i + 0.5) * w / lw - 0.5));
        int x0 = (int) fx;
        int x1 = Math.min(w - 1, x0 + 1);
        double tx = fx - x0;
        for (int c = 0; c < 3; c++) {
          double top = (1 - tx) * (g[3 * (y0 * w + x0) + c] & 0xFF) + tx * (g[3 * (y0 * w + x1) + c] & 0xFF);
          double bottom = (1 - tx) * (g[3 * (y1 * w + x0) + c] & 0xFF) + tx * (g[3 * (y1 * w + x1) + c] & 0xFF);
          out[3 * (j * lw + i) + c] = (byte) Math.round((1 - ty) * top + ty * bottom);
        }
      }
    }
    return out;
  }
}
