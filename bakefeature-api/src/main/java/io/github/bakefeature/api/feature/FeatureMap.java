package io.github.bakefeature.api.feature;

/**
 * A dense grid of feature vectors for one image: {@code height x width} cells (may be coarser than
 * the image, e.g. one cell per 8x8 ViT patch), {@code dimension} channels each, stored row-major
 * with channels interleaved ({@code data[(y * width + x) * dimension + c]}). The array is owned by
 * the map and must not be mutated.
 *
 * <p><b>Geometry.</b> Which cell an image pixel reads ({@link #lookup}) depends on how the grid
 * lies on the image:
 *
 * <ul>
 *   <li><i>stretched</i> ({@code cellWidth = cellHeight = 0}, the four-argument constructor): the
 *       cells are spread evenly over the whole image, so pixel {@code px} of an image
 *       {@code imageWidth} wide reads column {@code floor((px + 0.5) width / imageWidth)}. The
 *       filter bank's grid, whose cells average exactly those pixels;
 *   <li><i>explicit</i> ({@code cellWidth, cellHeight > 0}): cell column {@code cx} covers the
 *       image pixels {@code [cx cellWidth, (cx + 1) cellWidth)} from the left edge, so pixel
 *       {@code px} reads column {@code floor((px + 0.5) / cellWidth)}, clamped to the grid (and the
 *       same for rows). A ViT's grid: its patches are {@code patch} pixels of the resized image,
 *       {@code patch / s} image pixels for a resize factor {@code s}, and the last column may cover
 *       padding beyond the image, so stretching it over the image would misplace every cell but
 *       the first.
 * </ul>
 *
 * <p>{@link #get} does not check its indices; {@code equals} compares {@code data} by identity
 * (a record): compare contents with {@link java.util.Arrays#equals}.
 *
 * @param width cells per row
 * @param height rows of cells
 * @param dimension channels per cell
 * @param data {@code height x width x dimension} values
 * @param cellWidth width of a cell in image pixels, or 0 for a grid stretched over the image
 * @param cellHeight height of a cell in image pixels, or 0 for a grid stretched over the image
 */
public record FeatureMap(int width, int height, int dimension, float[] data, double cellWidth, double cellHeight) {

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
    boolean stretched = cellWidth == 0 && cellHeight == 0;
    boolean explicit = cellWidth > 0 && cellHeight > 0 && Double.isFinite(cellWidth) && Double.isFinite(cellHeight);
    if (!stretched && !explicit) {
      throw new IllegalArgumentException("expected a cell size of positive, finite pixels on both axes (or 0 x 0 for"
          + " a grid stretched over the image), found " + cellWidth + " x " + cellHeight);
    }
  }

  /** A grid stretched over the whole image (see the class comment). */
  public FeatureMap(int width, int height, int dimension, float[] data) {
    this(width, height, dimension, data, 0, 0);
  }

  /** Whether the grid is stretched over the whole image rather than laid out by its cell size. */
  public boolean stretched() {
    return cellWidth == 0;
  }

  /** Channel {@code c} of cell (x, y). */
  public float get(int x, int y, int c) {
    return data[(y * width + x) * dimension + c];
  }

  /** The grid column image column {@code px} of an image {@code imageWidth} wide reads (see the class comment). */
  public int cellX(int px, int imageWidth) {
    return cell(px, imageWidth, width, cellWidth);
  }

  /** The grid row image row {@code py} of an image {@code imageHeight} high reads (see the class comment). */
  public int cellY(int py, int imageHeight) {
    return cell(py, imageHeight, height, cellHeight);
  }

  private static int cell(int p, int imageSize, int cells, double cellSize) {
    int c = cellSize > 0 ? (int) Math.floor((p + 0.5) / cellSize) : (int) ((p + 0.5) * cells / imageSize);
    return Math.max(0, Math.min(cells - 1, c));
  }

  /**
   * Copies the feature of the cell that image pixel (px, py) of an image of size
   * {@code imageWidth x imageHeight} falls in ({@link #cellX}, {@link #cellY}: nearest-neighbour
   * lookup, as in the paper) into {@code out[offset .. offset + dimension)}.
   */
  public void lookup(int px, int py, int imageWidth, int imageHeight, float[] out, int offset) {
    int cx = cellX(px, imageWidth);
    int cy = cellY(py, imageHeight);
    System.arraycopy(data, (cy * width + cx) * dimension, out, offset, dimension);
  }

  @Override
  public String toString() {
    return "FeatureMap[" + width + "x" + height + "x" + dimension
        + (stretched() ? "" : String.format(java.util.Locale.ROOT, ", cells %.4gx%.4g px", cellWidth, cellHeight)) + "]";
  }
}
