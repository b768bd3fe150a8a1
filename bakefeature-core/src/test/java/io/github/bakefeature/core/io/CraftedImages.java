package io.github.bakefeature.core.io;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;

/** Small image files whose headers claim a size their data does not have. */
public final class CraftedImages {
  private CraftedImages() {}

  /**
   * A valid-looking PNG (correct CRCs) whose header says {@code w x h} but whose image data is a
   * few bytes, a few hundred bytes in all.
   *
   * @param colourType 0 = grey, 2 = RGB
   */
  public static byte[] pngClaiming(int w, int h, int colourType, int bitDepth) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h);
    ihdr.put((byte) bitDepth).put((byte) colourType).put((byte) 0).put((byte) 0).put((byte) 0);
    chunk(out, "IHDR", ihdr.array());
    Deflater deflater = new Deflater();
    deflater.setInput(new byte[256]);
    deflater.finish();
    byte[] z = new byte[512];
    int n = deflater.deflate(z);
    deflater.end();
    chunk(out, "IDAT", java.util.Arrays.copyOf(z, n));
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  /** A small baseline JPEG whose frame header (SOF0) is patched to say {@code w x h}. */
  public static byte[] jpegClaiming(int w, int h) throws IOException {
    ByteArrayOutputStream enc = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(16, 12, BufferedImage.TYPE_3BYTE_BGR), "jpg", enc);
    byte[] b = enc.toByteArray();
    for (int i = 0; i + 8 < b.length; i++) {
      if ((b[i] & 0xff) == 0xff && (b[i + 1] & 0xff) == 0xc0) {
        // FFC0, length (2), precision (1), height (2), width (2)
        b[i + 5] = (byte) (h >> 8);
        b[i + 6] = (byte) h;
        b[i + 7] = (byte) (w >> 8);
        b[i + 8] = (byte) w;
        return b;
      }
    }
    throw new IllegalStateException("no SOF0 marker in the encoded JPEG");
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(t);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
