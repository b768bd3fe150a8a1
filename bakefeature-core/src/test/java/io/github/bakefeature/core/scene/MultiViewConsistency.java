package io.github.bakefeature.core.scene;

import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.Pose;
import java.io.IOException;
import java.util.Arrays;

/**
 * Test utility: how well two posed depth maps agree. Every valid pixel of frame A is
 * back-projected with A's camera and pose into the world, mapped into frame B with B's pose and
 * projected with B's camera; where it lands on B's image the error is
 * {@code |depth_B(projected pixel) - z_B(point)|}. depth_B is interpolated bilinearly in inverse
 * depth (exact on planes, whose inverse depth is affine in pixel coordinates), and pixels whose
 * 2x2 neighbourhood in B straddles a depth edge (spread > 5 %) are skipped, so the error measures
 * the poses, cameras and depth units rather than the sampling. Points hidden in B by something
 * nearer are not removed: with a wrong convention everything looks "hidden", and that must count.
 */
public final class MultiViewConsistency {

  /** Error statistics in metres over {@code pixels} overlapping pixels. */
  public record Stats(double median, double p90, int pixels, double overlap) {
    /** Statistics of pooled errors (sorted in place). */
    public static Stats of(double[] errors, double overlap) {
      int n = errors.length;
      if (n == 0) {
        return new Stats(Double.NaN, Double.NaN, 0, overlap);
      }
      Arrays.sort(errors);
      return new Stats(errors[n / 2], errors[(int) Math.floor(0.9 * (n - 1))], n, overlap);
    }

    @Override
    public String toString() {
      return String.format(java.util.Locale.ROOT, "median %.5f m, p90 %.5f m over %d pixels (overlap %.2f)",
          median, p90, pixels, overlap);
    }
  }

  private MultiViewConsistency() {}

  /** Errors of A's depth seen from B, every {@code step}-th pixel of A. */
  public static Stats measure(Frame a, Frame b, int step) throws IOException {
    return measure(a.intrinsics(), a.pose(), a.depth().orElseThrow(), b.intrinsics(), b.pose(),
        b.depth().orElseThrow(), step);
  }

  /** As {@link #measure(Frame, Frame, int)} on explicit cameras, poses and depth maps. */
  public static Stats measure(CameraIntrinsics ka, Pose pa, DepthImage da, CameraIntrinsics kb, Pose pb,
                              DepthImage db, int step) {
    double[] overlap = new double[1];
    double[] e = errors(ka, pa, da, kb, pb, db, step, overlap);
    return Stats.of(e, overlap[0]);
  }

  /** The raw per-pixel errors; {@code overlapOut[0]} receives the fraction of A's valid pixels used. */
  public static double[] errors(CameraIntrinsics ka, Pose pa, DepthImage da, CameraIntrinsics kb, Pose pb,
                                DepthImage db, int step, double[] overlapOut) {
    double[] dir = new double[3];
    double[] w = new double[3];
    double[] c = new double[3];
    double[] errs = new double[(da.width() / step + 1) * (da.height() / step + 1)];
    int n = 0;
    int valid = 0;
    for (int v = 0; v < da.height(); v += step) {
      for (int u = 0; u < da.width(); u += step) {
        float z = da.get(u, v);
        if (z <= 0) {
          continue;
        }
        valid++;
        ka.unproject(u, v, dir);
        pa.cameraToWorldPoint(dir[0] * z, dir[1] * z, z, w);
        pb.worldToCameraPoint(w[0], w[1], w[2], c);
        if (c[2] <= 1e-6) {
          continue;
        }
        double ub = kb.fx() * c[0] / c[2] + kb.cx();
        double vb = kb.fy() * c[1] / c[2] + kb.cy();
        if (!(ub >= 0 && vb >= 0 && ub <= db.width() - 1 && vb <= db.height() - 1)) {
          continue;
        }
        double d = sample(db, ub, vb);
        if (Double.isNaN(d)) {
          continue;
        }
        errs[n++] = Math.abs(d - c[2]);
      }
    }
    overlapOut[0] = (double) n / Math.max(1, valid);
    return Arrays.copyOf(errs, n);
  }

  /** Bilinear in inverse depth, or NaN at invalid pixels or depth edges. */
  private static double sample(DepthImage d, double u, double v) {
    int x0 = (int) Math.floor(u);
    int y0 = (int) Math.floor(v);
    int x1 = Math.min(x0 + 1, d.width() - 1);
    int y1 = Math.min(y0 + 1, d.height() - 1);
    double fx = u - x0;
    double fy = v - y0;
    float a = d.get(x0, y0);
    float b = d.get(x1, y0);
    float c = d.get(x0, y1);
    float e = d.get(x1, y1);
    float lo = Math.min(Math.min(a, b), Math.min(c, e));
    float hi = Math.max(Math.max(a, b), Math.max(c, e));
    if (lo <= 0 || hi > 1.05f * lo) {
      return Double.NaN;
    }
    double inv = (1 - fy) * ((1 - fx) / a + fx / b) + fy * ((1 - fx) / c + fx / e);
    return 1 / inv;
  }
}
