package io.github.bakefeature.core.scene;

import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.LabelImage;
import java.nio.file.Path;

/**
 * The sizes a scribble PNG ({@code semantic/<frame>.png}) may have, and how it is brought to the
 * frame's size.
 *
 * <p>The app writes scribbles at the colour images' size. The paper's tool (ethz-asl/autolabel)
 * writes them at its canvas size, 720 px wide and {@code round(720 H / W)} high for W x H images,
 * and its dataset loader resizes them (nearest neighbour) to the images. So a label PNG of
 * {@code w x h} fits W x H frames if it is that size, or if it has the same aspect ratio within
 * one label pixel of rounding on either axis: {@code |w H - h W| <= max(W, H)}. Such a PNG is read
 * resampled to W x H, nearest neighbour at pixel centres: frame pixel (x, y) takes label pixel
 * ({@code floor((x + 0.5) w / W)}, {@code floor((y + 0.5) h / H)}).
 */
public final class LabelSizes {
  /** Width of the paper's tool's canvas, at which it saves scribbles. */
  public static final int PAPER_TOOL_WIDTH = 720;

  private LabelSizes() {}

  /** Whether a {@code w x h} scribble PNG fits frames of {@code width x height} (see the class doc). */
  public static boolean fits(int w, int h, int width, int height) {
    if (w == width && h == height) {
      return true;
    }
    return w > 0 && h > 0 && Math.abs((long) w * height - (long) h * width) <= Math.max(width, height);
  }

  /**
   * Checks that a {@code w x h} scribble PNG fits frames of {@code width x height}.
   *
   * @throws InvalidSceneException naming {@code file}, saying which sizes were expected, if not
   */
  public static void check(Path file, int w, int h, int width, int height) throws InvalidSceneException {
    if (!fits(w, h, width, height)) {
      throw new InvalidSceneException(file, "expected " + width + "x" + height + " like the colour images, or the"
          + " same aspect ratio (|w*" + height + " - h*" + width + "| <= " + Math.max(width, height) + ", e.g. "
          + PAPER_TOOL_WIDTH + "x" + Math.round((double) PAPER_TOOL_WIDTH * height / width)
          + " as the paper's tool saves them), found " + w + "x" + h);
    }
  }

  /**
   * {@code labels} at {@code width x height}: itself if it is that size, else resampled nearest
   * neighbour at pixel centres (see the class doc).
   */
  public static LabelImage toFrameSize(LabelImage labels, int width, int height) {
    int w = labels.width();
    int h = labels.height();
    if (w == width && h == height) {
      return labels;
    }
    int[] col = new int[width];
    for (int x = 0; x < width; x++) {
      // floor((x + 0.5) w / W) in integers; below w since x < W.
      col[x] = (int) (((2L * x + 1) * w) / (2L * width));
    }
    short[] src = labels.labels();
    short[] out = new short[width * height];
    for (int y = 0; y < height; y++) {
      int row = (int) (((2L * y + 1) * h) / (2L * height)) * w;
      int o = y * width;
      for (int x = 0; x < width; x++) {
        out[o + x] = src[row + col[x]];
      }
    }
    return new LabelImage(width, height, out);
  }
}
