package io.github.bakefeature.core.scene;

import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Computes scene bounds when {@code bbox.txt} is missing: back-projects a subsample of every
 * frame's depth into the world, takes robust per-axis extremes (the 0.1 and 99.9 percentiles, so
 * a few flying pixels do not blow the box up), includes every camera centre, and pads.
 */
public final class SceneBounds {
  /** Padding added on every side, as a fraction of the box size. */
  public static final double PADDING = 0.05;
  private static final int SAMPLES_PER_FRAME = 4096;

  private SceneBounds() {}

  public static Aabb fromFrames(List<Frame> frames) {
    int n = frames.size();
    float[][] pts = new float[3][n * (SAMPLES_PER_FRAME + 1)];
    int count = 0;
    double[] c = new double[3];
    double[] dir = new double[3];
    for (Frame f : frames) {
      f.pose().cameraCentre(c);
      for (int a = 0; a < 3; a++) {
        pts[a][count] = (float) c[a];
      }
      count++;
      Optional<DepthImage> depth;
      try {
        depth = f.depth();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (depth.isEmpty()) {
        continue;
      }
      DepthImage d = depth.get();
      CameraIntrinsics k = f.intrinsics();
      int stride = Math.max(1, (int) Math.ceil(Math.sqrt((double) d.width() * d.height() / SAMPLES_PER_FRAME)));
      int taken = 0;
      for (int y = stride / 2; y < d.height() && taken < SAMPLES_PER_FRAME; y += stride) {
        for (int x = stride / 2; x < d.width() && taken < SAMPLES_PER_FRAME; x += stride) {
          float z = d.get(x, y);
          if (z <= 0) {
            continue;
          }
          k.unproject(x, y, dir);
          f.pose().cameraToWorldPoint(dir[0] * z, dir[1] * z, z, c);
          for (int a = 0; a < 3; a++) {
            pts[a][count] = (float) c[a];
          }
          count++;
          taken++;
        }
      }
    }
    double[] lo = new double[3];
    double[] hi = new double[3];
    for (int a = 0; a < 3; a++) {
      float[] v = Arrays.copyOf(pts[a], count);
      Arrays.sort(v);
      lo[a] = v[(int) Math.floor(0.001 * (count - 1))];
      hi[a] = v[(int) Math.ceil(0.999 * (count - 1))];
    }
    // Camera centres always lie inside, even when they are outliers of the point set.
    for (Frame f : frames) {
      f.pose().cameraCentre(c);
      for (int a = 0; a < 3; a++) {
        lo[a] = Math.min(lo[a], c[a]);
        hi[a] = Math.max(hi[a], c[a]);
      }
    }
    for (int a = 0; a < 3; a++) {
      if (hi[a] - lo[a] < 1e-3) {
        // Degenerate (e.g. a single frame without depth): give the box some thickness.
        lo[a] -= 0.5;
        hi[a] += 0.5;
      }
    }
    return new Aabb(lo[0], lo[1], lo[2], hi[0], hi[1], hi[2]).padded(PADDING);
  }
}
