package io.github.bakefeature.examples.gui;

import io.github.bakefeature.api.scene.RgbImage;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** PNG encoding to bytes (the server never writes these images to disk). */
final class Png {
  private Png() {}

  /** An 8-bit RGB image as PNG. */
  static byte[] rgb(RgbImage img) {
    BufferedImage bi = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_3BYTE_BGR);
    byte[] dst = ((DataBufferByte) bi.getRaster().getDataBuffer()).getData();
    byte[] src = img.pixels();
    for (int i = 0; i < src.length; i += 3) {
      dst[i] = src[i + 2];
      dst[i + 1] = src[i + 1];
      dst[i + 2] = src[i];
    }
    return encode(bi);
  }

  /** {@code argb[y * width + x]} packed 0xAARRGGBB as an RGBA PNG. */
  static byte[] argb(int width, int height, int[] argb) {
    BufferedImage bi = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
    int[] dst = ((DataBufferInt) bi.getRaster().getDataBuffer()).getData();
    System.arraycopy(argb, 0, dst, 0, dst.length);
    return encode(bi);
  }

  /**
   * Class ids drawn opaque in their class colour ({@code palette[id]}, 0xRRGGBB), transparent where
   * {@code ids[i] < 0} or the id has no colour.
   */
  static byte[] classes(int width, int height, short[] ids, int[] palette) {
    int[] px = new int[width * height];
    for (int i = 0; i < px.length; i++) {
      int c = ids[i];
      px[i] = c >= 0 && c < palette.length ? 0xFF000000 | palette[c] : 0;
    }
    return argb(width, height, px);
  }

  /** Box-filtered downscale so that the width is at most {@code maxWidth}. */
  static RgbImage shrink(RgbImage img, int maxWidth) {
    if (img.width() <= maxWidth) {
      return img;
    }
    int w = maxWidth;
    int h = Math.max(1, (int) Math.round((double) img.height() * w / img.width()));
    byte[] out = new byte[w * h * 3];
    byte[] src = img.pixels();
    for (int y = 0; y < h; y++) {
      int y0 = y * img.height() / h;
      int y1 = Math.max(y0 + 1, (y + 1) * img.height() / h);
      for (int x = 0; x < w; x++) {
        int x0 = x * img.width() / w;
        int x1 = Math.max(x0 + 1, (x + 1) * img.width() / w);
        int r = 0;
        int g = 0;
        int b = 0;
        int n = 0;
        for (int yy = y0; yy < y1; yy++) {
          for (int xx = x0; xx < x1; xx++) {
            int i = (yy * img.width() + xx) * 3;
            r += src[i] & 0xff;
            g += src[i + 1] & 0xff;
            b += src[i + 2] & 0xff;
            n++;
          }
        }
        int o = (y * w + x) * 3;
        out[o] = (byte) (r / n);
        out[o + 1] = (byte) (g / n);
        out[o + 2] = (byte) (b / n);
      }
    }
    return new RgbImage(w, h, out);
  }

  private static byte[] encode(BufferedImage bi) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bi.getWidth() * bi.getHeight() + 1024);
    try {
      if (!ImageIO.write(bi, "png", out)) {
        throw new IllegalStateException("no PNG writer available");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in-memory stream: cannot happen
    }
    return out.toByteArray();
  }
}
