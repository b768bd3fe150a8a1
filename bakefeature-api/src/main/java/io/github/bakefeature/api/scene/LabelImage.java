package io.github.bakefeature.api.scene;

/**
 * A per-pixel class map: class ids {@code 0..C-1} or {@link #UNLABELLED}, row-major. Used for
 * scribbles (sparse) and for dense ground truth or predictions. On disk the scene format stores
 * {@code id + 1} with 0 meaning unlabelled; this type stores the id itself. The array is owned by
 * the image and must not be mutated.
 *
 * <p>Pixel accessors do not check their indices (they sit in inner loops): an index outside the
 * image reads another pixel or throws. {@code equals} and {@code hashCode} are the record's, so
 * they compare the array by identity; compare contents with {@link java.util.Arrays#equals}.
 */
public record LabelImage(int width, int height, short[] labels) {
  /** Marks a pixel without a label (scribbles) or to be ignored (ground truth). */
  public static final short UNLABELLED = -1;
  /**
   * Most classes a label image can hold: ids are stored as signed {@code short}, negative meaning
   * unlabelled, so the largest id is {@link Short#MAX_VALUE} (on disk, {@code id + 1} = 32768
   * still fits a 16-bit PNG).
   */
  public static final int MAX_CLASSES = Short.MAX_VALUE + 1;

  public LabelImage {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("image size must be positive, found " + width + "x" + height);
    }
    if (labels == null || labels.length != (long) width * height) {
      throw new IllegalArgumentException("expected " + (long) width * height + " labels for a " + width
          + "x" + height + " image, found " + (labels == null ? "null" : labels.length));
    }
  }

  /** An image with every pixel unlabelled. */
  public static LabelImage unlabelled(int width, int height) {
    long n = (long) width * height;
    if (width <= 0 || height <= 0 || n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("expected a positive image size of at most " + (Integer.MAX_VALUE - 8)
          + " pixels, found " + width + "x" + height + " = " + n + " pixels");
    }
    short[] l = new short[(int) n];
    java.util.Arrays.fill(l, UNLABELLED);
    return new LabelImage(width, height, l);
  }

  /** Class id of pixel (x, y), or {@link #UNLABELLED}. */
  public int get(int x, int y) {
    return labels[y * width + x];
  }

  /** Number of labelled pixels. */
  public int labelledCount() {
    int n = 0;
    for (short s : labels) {
      if (s >= 0) {
        n++;
      }
    }
    return n;
  }

  /** Largest class id present, or -1 if none. */
  public int maxLabel() {
    int m = -1;
    for (short s : labels) {
      m = Math.max(m, s);
    }
    return m;
  }

  @Override
  public String toString() {
    return "LabelImage[" + width + "x" + height + "]";
  }
}
