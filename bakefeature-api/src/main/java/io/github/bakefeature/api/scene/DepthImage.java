package io.github.bakefeature.api.scene;

/**
 * A depth map: z-depth along the camera's optical axis (not ray length), in metres, row-major.
 * A value of 0 (or any non-finite or negative value) marks an invalid pixel. The array is owned by
 * the image and must not be mutated.
 *
 * <p>Pixel accessors do not check their indices (they sit in inner loops): an index outside the
 * image reads another pixel or throws. {@code equals} and {@code hashCode} are the record's, so
 * they compare the array by identity; compare contents with {@link java.util.Arrays#equals}.
 */
public record DepthImage(int width, int height, float[] metres) {

  public DepthImage {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("image size must be positive, found " + width + "x" + height);
    }
    if (metres == null || metres.length != (long) width * height) {
      throw new IllegalArgumentException("expected " + (long) width * height + " depth values for a "
          + width + "x" + height + " image, found " + (metres == null ? "null" : metres.length));
    }
  }

  /** Depth of pixel (x, y) in metres; 0 if invalid. */
  public float get(int x, int y) {
    float d = metres[y * width + x];
    return d > 0 && Float.isFinite(d) ? d : 0f;
  }

  /** Whether pixel (x, y) holds a measurement. */
  public boolean isValid(int x, int y) {
    float d = metres[y * width + x];
    return d > 0 && Float.isFinite(d);
  }

  /** Fraction of pixels holding a measurement, in [0, 1]. */
  public double coverage() {
    int n = 0;
    for (float d : metres) {
      if (d > 0 && Float.isFinite(d)) {
        n++;
      }
    }
    return (double) n / metres.length;
  }

  /**
   * This depth map resized to {@code newWidth x newHeight} by nearest neighbour, pixel centres
   * aligned as in {@link CameraIntrinsics#resized}: depth is never interpolated across an edge,
   * and an invalid pixel stays invalid. Returns this image at its own size.
   *
   * @throws IllegalArgumentException if a size is not positive
   */
  public DepthImage resized(int newWidth, int newHeight) {
    if (newWidth == width && newHeight == height) {
      return this;
    }
    if (newWidth <= 0 || newHeight <= 0 || (long) newWidth * newHeight > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("expected a positive size of at most " + (Integer.MAX_VALUE - 8)
          + " pixels, found " + newWidth + "x" + newHeight);
    }
    float[] out = new float[newWidth * newHeight];
    for (int y = 0; y < newHeight; y++) {
      int sy = Math.min(height - 1, (int) ((y + 0.5) * height / newHeight));
      for (int x = 0; x < newWidth; x++) {
        out[y * newWidth + x] = metres[sy * width + Math.min(width - 1, (int) ((x + 0.5) * width / newWidth))];
      }
    }
    return new DepthImage(newWidth, newHeight, out);
  }

  @Override
  public String toString() {
    return "DepthImage[" + width + "x" + height + "]";
  }
}
