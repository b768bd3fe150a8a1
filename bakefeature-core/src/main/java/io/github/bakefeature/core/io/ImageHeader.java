package io.github.bakefeature.core.io;

/**
 * What an image file's header says, read without decoding pixels.
 *
 * @param width pixels
 * @param height pixels
 * @param bands channels as decoded (1 for grey or palette, 3 for RGB, 4 with alpha)
 * @param bitsPerSample bits of the first channel (8 or 16 for PNG; palette images report the index size)
 * @param palette whether pixel values are palette indices
 * @param format decoder's format name, lower case ({@code "png"}, {@code "jpeg"})
 */
public record ImageHeader(int width, int height, int bands, int bitsPerSample, boolean palette, String format) {

  /** {@code "WxH"}. */
  public String size() {
    return width + "x" + height;
  }

  /** E.g. {@code "16-bit grey png"} or {@code "8-bit 3-channel jpeg"}, for messages. */
  public String describe() {
    String kind = palette ? "palette" : bands == 1 ? "grey" : bands + "-channel";
    return bitsPerSample + "-bit " + kind + " " + format;
  }
}
