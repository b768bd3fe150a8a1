package io.github.bakefeature.core.dataparsers;

import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.RgbImage;

/**
 * Removes OpenCV's radial-tangential lens distortion ({@code k1, k2, p1, p2, k3}) from images of
 * one camera, keeping its pinhole intrinsics and image size (OpenCV's {@code undistort} with
 * {@code newCameraMatrix = K}). Output pixel {@code (u, v)} has the normalised coordinates
 * {@code x = (u - cx) / fx}, {@code y = (v - cy) / fy}; the distortion model moves them to
 *
 * <pre>
 * r2 = x^2 + y^2,  radial = 1 + k1 r2 + k2 r2^2 + k3 r2^3
 * x' = x radial + 2 p1 x y + p2 (r2 + 2 x^2)
 * y' = y radial + p1 (r2 + 2 y^2) + 2 p2 x y
 * </pre>
 *
 * and the output pixel takes the source image at {@code (fx x' + cx, fy y' + cy)}: colour
 * bilinearly, depth from the nearest source pixel (never interpolated, so an invalid 0 stays
 * invalid and no depth is made up across an edge). A source position outside the source image
 * (beyond its outer pixel edges, half a pixel past the outer pixel centres) gives black colour and
 * invalid depth, as OpenCV's constant border; between the outer pixel centres and edges colour is
 * clamped to the edge pixels. The map is computed once, for all frames of the camera; applying
 * it allocates only the output image.
 */
final class Undistortion {
  private final int width;
  private final int height;
  /** Index of the top-left bilinear neighbour of each output pixel, -1 outside the source. */
  private final int[] corner;
  private final float[] wx;
  private final float[] wy;
  /** Index of the nearest source pixel, -1 outside the source. */
  private final int[] nearest;
  private final int stepX;
  private final int stepY;

  /** The map for camera {@code k} whose images carry distortion {@code d} ({@code k1, k2, p1, p2, k3}). */
  Undistortion(CameraIntrinsics k, double[] d) {
    int w = k.width();
    int h = k.height();
    this.width = w;
    this.height = h;
    int n = w * h;
    corner = new int[n];
    wx = new float[n];
    wy = new float[n];
    nearest = new int[n];
    stepX = w > 1 ? 1 : 0;
    stepY = h > 1 ? w : 0;
    double[] p = new double[2];
    for (int v = 0; v < h; v++) {
      double y = (v - k.cy()) / k.fy();
      for (int u = 0; u < w; u++) {
        double x = (u - k.cx()) / k.fx();
        distort(x, y, d, p);
        double us = k.fx() * p[0] + k.cx();
        double vs = k.fy() * p[1] + k.cy();
        int o = v * w + u;
        if (!(us >= -0.5 && us < w - 0.5 && vs >= -0.5 && vs < h - 0.5)) {
          corner[o] = -1;
          nearest[o] = -1;
          continue;
        }
        nearest[o] = (int) Math.floor(vs + 0.5) * w + (int) Math.floor(us + 0.5);
        double cu = Math.max(0, Math.min(w - 1, us));
        double cv = Math.max(0, Math.min(h - 1, vs));
        int x0 = Math.min((int) Math.floor(cu), Math.max(0, w - 2));
        int y0 = Math.min((int) Math.floor(cv), Math.max(0, h - 2));
        corner[o] = y0 * w + x0;
        wx[o] = (float) (cu - x0);
        wy[o] = (float) (cv - y0);
      }
    }
  }

  /** The distorted normalised coordinates of undistorted ones ({@code d = k1, k2, p1, p2, k3}). */
  static void distort(double x, double y, double[] d, double[] out) {
    double r2 = x * x + y * y;
    double radial = 1 + r2 * (d[0] + r2 * (d[1] + r2 * d[4]));
    out[0] = x * radial + 2 * d[2] * x * y + d[3] * (r2 + 2 * x * x);
    out[1] = y * radial + d[2] * (r2 + 2 * y * y) + 2 * d[3] * x * y;
  }

  /** The undistorted colour image: bilinear, black where the source has no pixel. */
  RgbImage colour(RgbImage in) {
    checkSize(in.width(), in.height());
    byte[] src = in.pixels();
    byte[] out = new byte[src.length];
    for (int o = 0; o < corner.length; o++) {
      int a = corner[o];
      if (a < 0) {
        continue; // black
      }
      float fx = wx[o];
      float fy = wy[o];
      int i00 = a * 3;
      int i01 = (a + stepX) * 3;
      int i10 = (a + stepY) * 3;
      int i11 = (a + stepX + stepY) * 3;
      for (int ch = 0; ch < 3; ch++) {
        float top = (src[i00 + ch] & 0xFF) * (1 - fx) + (src[i01 + ch] & 0xFF) * fx;
        float bottom = (src[i10 + ch] & 0xFF) * (1 - fx) + (src[i11 + ch] & 0xFF) * fx;
        out[o * 3 + ch] = (byte) Math.min(255, (int) (top * (1 - fy) + bottom * fy + 0.5f));
      }
    }
    return new RgbImage(width, height, out);
  }

  /** The undistorted depth map: nearest source pixel, invalid (0) where the source has no pixel. */
  DepthImage depth(DepthImage in) {
    checkSize(in.width(), in.height());
    float[] src = in.metres();
    float[] out = new float[src.length];
    for (int o = 0; o < nearest.length; o++) {
      int s = nearest[o];
      if (s >= 0) {
        out[o] = src[s];
      }
    }
    return new DepthImage(width, height, out);
  }

  private void checkSize(int w, int h) {
    if (w != width || h != height) {
      throw new IllegalArgumentException("undistortion map is for " + width + "x" + height + " images, found "
          + w + "x" + h);
    }
  }
}
