package io.github.bakefeature.api.scene;

/**
 * A depth map: z-depth along the camera's optical axis (not ray length), in metres, row-major.
 * A value of 0 (or any non-finite or negative value) marks an invalid pixel. The array is owned by
 * the image and must not be mutated.
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

  @Override
  public String toString() {
    return "DepthImage[" + width + "x" + height + "]";
  }
}
