package io.github.bakefeature.core.simulation;

import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.api.scene.LabelImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Derives sparse scribbles from dense ground truth, as a person would draw them: for every class
 * visible in a frame, one short stroke well inside one of its regions. Used to give every method
 * the same supervision in comparisons (and by tests). Deterministic for a seed.
 *
 * <p>A stroke starts at a random pixel at least {@code margin} pixels away from any other class
 * (and the image border), heads in a random direction and stops after {@code length} pixels or
 * before leaving that interior; it is rasterised with {@code radius} and clipped to the class.
 */
public final class GroundTruthScribbles {
  private final int length;
  private final float radius;
  private final int margin;
  private final int minPixels;

  /**
   * @param length stroke length in pixels
   * @param radius brush radius in pixels
   * @param margin distance to other classes and the border, in pixels
   * @param minPixels classes with fewer interior pixels in a frame get no stroke
   */
  public GroundTruthScribbles(int length, float radius, int margin, int minPixels) {
    this.length = length;
    this.radius = radius;
    this.margin = margin;
    this.minPixels = minPixels;
  }

  /** Short strokes (12 px, radius 2, 3 px margin, classes with at least 20 interior pixels). */
  public static GroundTruthScribbles defaults() {
    return new GroundTruthScribbles(12, 2f, 3, 20);
  }

  /** The strokes for one frame's ground truth, one per sufficiently visible class. */
  public List<Stroke> strokes(LabelImage truth, SplittableRandom random) {
    int w = truth.width();
    int h = truth.height();
    boolean[] interior = interior(truth);
    int classes = truth.maxLabel() + 1;
    List<Stroke> out = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      int count = 0;
      for (int i = 0; i < interior.length; i++) {
        if (interior[i] && truth.labels()[i] == c) {
          count++;
        }
      }
      if (count < minPixels) {
        continue;
      }
      int pick = random.nextInt(count);
      int start = -1;
      for (int i = 0; i < interior.length; i++) {
        if (interior[i] && truth.labels()[i] == c && pick-- == 0) {
          start = i;
          break;
        }
      }
      double angle = random.nextDouble() * 2 * Math.PI;
      float x0 = start % w;
      float y0 = start / w;
      float x1 = x0;
      float y1 = y0;
      for (int s = 1; s <= length; s++) {
        int x = Math.round(x0 + (float) Math.cos(angle) * s);
        int y = Math.round(y0 + (float) Math.sin(angle) * s);
        if (x < 0 || y < 0 || x >= w || y >= h || !interior[y * w + x] || truth.get(x, y) != c) {
          break;
        }
        x1 = x;
        y1 = y;
      }
      out.add(Stroke.paint(c, radius, x0, y0, x1, y1));
    }
    return out;
  }

  /** Rasterises strokes into a label image, clipped to each stroke's class in {@code truth}. */
  public static LabelImage rasterise(List<Stroke> strokes, LabelImage truth) {
    LabelImage out = LabelImage.unlabelled(truth.width(), truth.height());
    short[] l = out.labels();
    for (Stroke s : strokes) {
      s.forEachPixel(truth.width(), truth.height(), p -> {
        if (truth.labels()[p] == s.classId()) {
          l[p] = (short) s.classId();
        }
      });
    }
    return out;
  }

  /** Pixels whose {@code margin}-neighbourhood (square) is inside the image and of one class. */
  private boolean[] interior(LabelImage truth) {
    int w = truth.width();
    int h = truth.height();
    short[] l = truth.labels();
    boolean[] in = new boolean[w * h];
    for (int y = margin; y < h - margin; y++) {
      for (int x = margin; x < w - margin; x++) {
        short c = l[y * w + x];
        if (c < 0) {
          continue;
        }
        boolean ok = true;
        for (int dy = -margin; dy <= margin && ok; dy++) {
          for (int dx = -margin; dx <= margin; dx++) {
            if (l[(y + dy) * w + x + dx] != c) {
              ok = false;
              break;
            }
          }
        }
        in[y * w + x] = ok;
      }
    }
    return in;
  }
}
