package io.github.bakefeature.api.feature;

/**
 * A dense grid of feature vectors for one image: {@code height x width} cells (may be coarser than
 * the image, e.g. one cell per 8x8 ViT patch), {@code dimension} channels each, stored row-major
 * with channels interleaved ({@code data[(y * width + x) * dimension + c]}). The array is owned by
 * the map and must not be mutated.
 */
public record FeatureMap(int width, int height, int dimension, float[] data) {

  public FeatureMap {
    if (width <= 0 || height <= 0 || dimension <= 0) {
      throw new IllegalArgumentException("feature map must have positive size and dimension, found "
          + width + "x" + height + "x" + dimension);
    }
    if (data == null || data.length != (long) width * height * dimension) {
      throw new IllegalArgumentException("expected " + (long) width * height * dimension
          + " values for a " + width + "x" + height + "x" + dimension + " feature map, found "
          + (data == null ? "null" : data.length));
    }
  }

  /** Channel {@code c} of cell (x, y). */
  public float get(int x, int y, int c) {
    return data[(y * width + x) * dimension + c];
  }

  /**
   * Copies the feature of the cell nearest to image pixel (px, py) of an image of size
   * {@code imageWidth x imageHeight} into {@code out[offset .. offset + dimension)} (nearest-neighbour
   * lookup, as in the paper: the grid is stretched over the whole image).
   */
  public void lookup(int px, int py, int imageWidth, int imageHeight, float[] out, int offset) {
    int cx = Math.min(width - 1, (int) ((px + 0.5) * width / imageWidth));
    int cy = Math.min(height - 1, (int) ((py + 0.5) * height / imageHeight));
    System.arraycopy(data, (cy * width + cx) * dimension, out, offset, dimension);
  }

  @Override
  public String toString() {
    return "FeatureMap[" + width + "x" + height + "x" + dimension + "]";
  }
}
