package io.github.bakefeature.api.scene;

/**
 * A pinhole camera (no distortion) with its image size. Focal lengths and principal point are in
 * pixels; the centre of pixel (u, v) has image coordinates (u, v) (OpenCV convention), so a
 * centred principal point is {@code ((width - 1) / 2, (height - 1) / 2)}.
 */
public record CameraIntrinsics(int width, int height, double fx, double fy, double cx, double cy) {

  public CameraIntrinsics {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("image size must be positive, found " + width + "x" + height);
    }
    if (!(fx > 0) || !(fy > 0) || !Double.isFinite(fx) || !Double.isFinite(fy)) {
      throw new IllegalArgumentException(
          "focal lengths must be positive and finite, found fx=" + fx + " fy=" + fy);
    }
    if (!Double.isFinite(cx) || !Double.isFinite(cy)) {
      throw new IllegalArgumentException("principal point must be finite, found cx=" + cx + " cy=" + cy);
    }
  }

  /** A camera with the given horizontal field of view (degrees) and a centred principal point. */
  public static CameraIntrinsics fromHorizontalFov(int width, int height, double hfovDegrees) {
    if (!(hfovDegrees > 0 && hfovDegrees < 180)) {
      throw new IllegalArgumentException("expected a horizontal field of view in (0, 180) degrees, found " + hfovDegrees);
    }
    double f = 0.5 * width / Math.tan(Math.toRadians(hfovDegrees) / 2);
    return new CameraIntrinsics(width, height, f, f, (width - 1) / 2.0, (height - 1) / 2.0);
  }

  /**
   * The same camera for an image resized to {@code newWidth x newHeight}; keeps pixel centres
   * aligned ({@code c' = (c + 0.5) s - 0.5}).
   */
  public CameraIntrinsics resized(int newWidth, int newHeight) {
    double sx = (double) newWidth / width;
    double sy = (double) newHeight / height;
    return new CameraIntrinsics(newWidth, newHeight, fx * sx, fy * sy,
        (cx + 0.5) * sx - 0.5, (cy + 0.5) * sy - 0.5);
  }

  /**
   * {@link #resized} to this camera's size times {@code scale}, each side rounded and at least 1
   * pixel (a render at a fraction, or a multiple, of the frame's resolution).
   *
   * @throws IllegalArgumentException if {@code scale} is not a positive finite number or a side
   *     would not fit an {@code int}
   */
  public CameraIntrinsics scaled(double scale) {
    if (!(scale > 0) || !Double.isFinite(scale)) {
      throw new IllegalArgumentException("scale must be a positive finite number, found " + scale);
    }
    long w = Math.max(1, Math.round(width * scale));
    long h = Math.max(1, Math.round(height * scale));
    if (w > Integer.MAX_VALUE || h > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a " + width + "x" + height + " camera scaled by " + scale
          + " does not fit an int image size");
    }
    return resized((int) w, (int) h);
  }

  /** Horizontal field of view in degrees. */
  public double horizontalFovDegrees() {
    return Math.toDegrees(2 * Math.atan(0.5 * width / fx));
  }

  /**
   * Writes the (unnormalised, z = 1) camera-frame direction through image coordinates (u, v) into
   * {@code out[0..2]}.
   */
  public void unproject(double u, double v, double[] out) {
    out[0] = (u - cx) / fx;
    out[1] = (v - cy) / fy;
    out[2] = 1.0;
  }

  /** The 3x3 matrix K, row-major. */
  public double[] matrix() {
    return new double[] {fx, 0, cx, 0, fy, cy, 0, 0, 1};
  }
}
