package io.github.bakefeature.core.cameras;

import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.Pose;

/**
 * Generates world-space rays through pixel centres of a pinhole camera (OpenCV axes, metres).
 * Allocation-free: the camera is flattened once into a {@code float[13]} and rays are written into
 * caller-owned arrays.
 *
 * <p>For every ray it also writes {@code zToT}: the ray distance per unit of z-depth, so that the
 * depth maps of the scene format (z along the optical axis) convert to ray distances as
 * {@code t = z * zToT} and back.
 */
public final class CameraRays {
  /** Size of a packed camera: fx, fy, cx, cy, then the 3x3 rotation and translation of camera-to-world. */
  public static final int PACKED = 16;

  private CameraRays() {}

  /** Packs intrinsics and camera-to-world into {@code out[offset .. offset + PACKED)}. */
  public static void pack(CameraIntrinsics k, Pose pose, float[] out, int offset) {
    out[offset] = (float) k.fx();
    out[offset + 1] = (float) k.fy();
    out[offset + 2] = (float) k.cx();
    out[offset + 3] = (float) k.cy();
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        out[offset + 4 + r * 4 + c] = (float) pose.cameraToWorld(r, c);
      }
    }
  }

  /** A packed camera. */
  public static float[] pack(CameraIntrinsics k, Pose pose) {
    float[] p = new float[PACKED];
    pack(k, pose, p, 0);
    return p;
  }

  /**
   * Writes the ray through image coordinates (u, v) of the packed camera at {@code cam[camOffset]}
   * into slot {@code i}: origin {@code origins[3i..3i+2]}, unit direction {@code dirs[3i..3i+2]},
   * and {@code zToT[i]}.
   */
  public static void ray(float[] cam, int camOffset, float u, float v, int i,
                         float[] origins, float[] dirs, float[] zToT) {
    float x = (u - cam[camOffset + 2]) / cam[camOffset];
    float y = (v - cam[camOffset + 3]) / cam[camOffset + 1];
    float norm = (float) Math.sqrt(x * x + y * y + 1f);
    float inv = 1f / norm;
    int m = camOffset + 4;
    float dx = (cam[m] * x + cam[m + 1] * y + cam[m + 2]) * inv;
    float dy = (cam[m + 4] * x + cam[m + 5] * y + cam[m + 6]) * inv;
    float dz = (cam[m + 8] * x + cam[m + 9] * y + cam[m + 10]) * inv;
    origins[3 * i] = cam[m + 3];
    origins[3 * i + 1] = cam[m + 7];
    origins[3 * i + 2] = cam[m + 11];
    dirs[3 * i] = dx;
    dirs[3 * i + 1] = dy;
    dirs[3 * i + 2] = dz;
    zToT[i] = norm;
  }

  /**
   * Rays for pixels {@code [first, first + count)} of a {@code width}-wide image in row-major
   * order, written to slots {@code 0..count-1}.
   */
  public static void rowMajor(float[] cam, int width, int first, int count,
                              float[] origins, float[] dirs, float[] zToT) {
    for (int i = 0; i < count; i++) {
      int p = first + i;
      ray(cam, 0, p % width, p / width, i, origins, dirs, zToT);
    }
  }
}
