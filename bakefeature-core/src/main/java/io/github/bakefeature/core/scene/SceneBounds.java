package io.github.bakefeature.core.scene;

import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Computes scene bounds when {@code bbox.txt} is missing: back-projects a regular subsample of
 * every frame's depth into the world, takes robust per-axis extremes (the 0.1 and 99.9
 * percentiles, so a few flying pixels do not blow the box up), includes every camera centre, and
 * pads by {@link #PADDING} of the size on each side. A frame contributes at most
 * {@value #MAX_SAMPLES_PER_FRAME} points and the whole scene at most about
 * {@value #MAX_SAMPLES_TOTAL}, so memory stays bounded for long sequences. Depth is decoded one
 * frame at a time.
 */
public final class SceneBounds {
  /** Padding added on every side, as a fraction of the box size. */
  public static final double PADDING = 0.05;
  static final int MAX_SAMPLES_PER_FRAME = 4096;
  static final int MAX_SAMPLES_TOTAL = 1 << 20;
  private static final int MIN_SAMPLES_PER_FRAME = 256;

  private SceneBounds() {}

  /**
   * The padded box around the observed surfaces and the cameras of {@code frames}.
   *
   * @throws IOException if a depth map cannot be read (an {@code InvalidSceneException} naming it)
   */
  public static Aabb fromFrames(List<? extends Frame> frames) throws IOException {
    int n = frames.size();
    if (n == 0) {
      throw new IllegalArgumentException("bounds need at least one frame, found none");
    }
    int perFrame = Math.max(MIN_SAMPLES_PER_FRAME, Math.min(MAX_SAMPLES_PER_FRAME, MAX_SAMPLES_TOTAL / n));
    float[][] pts = new float[3][n * (perFrame + 1)];
    int count = 0;
    double[] c = new double[3];
    double[] dir = new double[3];
    for (Frame f : frames) {
      f.pose().cameraCentre(c);
      for (int a = 0; a < 3; a++) {
        pts[a][count] = (float) c[a];
      }
      count++;
      Optional<DepthImage> depth = f.depth();
      if (depth.isEmpty()) {
        continue;
      }
      DepthImage d = depth.get();
      CameraIntrinsics k = f.intrinsics();
      int stride = Math.max(1, (int) Math.ceil(Math.sqrt((double) d.width() * d.height() / perFrame)));
      int taken = 0;
      for (int y = stride / 2; y < d.height() && taken < perFrame; y += stride) {
        for (int x = stride / 2; x < d.width() && taken < perFrame; x += stride) {
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
