package io.github.bakefeature.api.scene;

/**
 * An 8-bit sRGB image: {@code pixels} holds {@code height * width * 3} bytes, row-major, channels
 * interleaved R, G, B. The array is owned by the image and must not be mutated.
 *
 * <p>Pixel accessors do not check their indices (they sit in inner loops): an index outside the
 * image reads another pixel or throws. {@code equals} and {@code hashCode} are the record's, so
 * they compare the array by identity; compare contents with {@link java.util.Arrays#equals}.
 */
public record RgbImage(int width, int height, byte[] pixels) {

  public RgbImage {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("image size must be positive, found " + width + "x" + height);
    }
    if (pixels == null || pixels.length != 3L * width * height) {
      throw new IllegalArgumentException("expected " + 3L * width * height + " bytes for a " + width
          + "x" + height + " RGB image, found " + (pixels == null ? "null" : pixels.length));
    }
  }

  /** Channel c (0 = R, 1 = G, 2 = B) of pixel (x, y), in 0..255. */
  public int get(int x, int y, int c) {
    return pixels[(y * width + x) * 3 + c] & 0xff;
  }

  /** Pixel (x, y) packed as 0xRRGGBB. */
  public int rgb(int x, int y) {
    int i = (y * width + x) * 3;
    return (pixels[i] & 0xff) << 16 | (pixels[i + 1] & 0xff) << 8 | (pixels[i + 2] & 0xff);
  }

  @Override
  public String toString() {
    return "RgbImage[" + width + "x" + height + "]";
  }
}
