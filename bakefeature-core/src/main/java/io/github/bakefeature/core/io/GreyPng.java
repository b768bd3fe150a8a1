package io.github.bakefeature.core.io;

import io.github.bakefeature.api.scene.InvalidSceneException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A direct decoder for the PNGs scenes are mostly made of — non-interlaced, single-channel grey,
 * 8 or 16 bits (depth and label maps) — 2 to 2.5 times faster than {@code javax.imageio} on 640x480
 * 16-bit depth maps (measured in one run on a loaded 2-core machine; inflating dominates both). Every chunk's CRC is checked and a missing
 * {@code IEND} or short image data is an error, so truncated and corrupt files are caught as
 * reliably as with ImageIO. Other PNG flavours (palette, colour, alpha, interlaced, other bit
 * depths) are declined with {@code null} so the caller falls back to ImageIO.
 */
final class GreyPng {
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  /** Decoded samples. */
  record Samples(int width, int height, int bitDepth, int[] values) {}

  private GreyPng() {}

  /** Whether {@code bytes} start with the PNG signature. */
  static boolean isPng(byte[] bytes) {
    if (bytes.length < SIGNATURE.length) {
      return false;
    }
    for (int i = 0; i < SIGNATURE.length; i++) {
      if (bytes[i] != SIGNATURE[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Decodes a grey 8/16-bit non-interlaced PNG, or returns null if the file is another kind of
   * PNG (or not a PNG).
   *
   * @throws InvalidSceneException naming {@code file} if the PNG is truncated or corrupt
   */
  static Samples decode(Path file, byte[] b) throws InvalidSceneException {
    if (!isPng(b)) {
      return null;
    }
    int pos = SIGNATURE.length;
    int width = -1;
    int height = -1;
    int bitDepth = -1;
    Inflater inflater = new Inflater();
    byte[] raw = null;
    int rawFilled = 0;
    boolean sawEnd = false;
    CRC32 crc = new CRC32();
    byte[] scratch = new byte[64];
    try {
      while (pos < b.length) {
        if (pos + 8 > b.length) {
          throw truncated(file);
        }
        long len = readInt(b, pos) & 0xffffffffL;
        String type = new String(b, pos + 4, 4, StandardCharsets.ISO_8859_1);
        if (len > b.length - pos - 12L) {
          throw truncated(file);
        }
        int data = pos + 8;
        int n = (int) len;
        crc.reset();
        crc.update(b, pos + 4, n + 4);
        if ((int) crc.getValue() != readInt(b, data + n)) {
          throw new InvalidSceneException(file, "corrupt or truncated image (CRC error in " + type + " chunk)");
        }
        switch (type) {
          case "IHDR" -> {
            if (n != 13) {
              throw new InvalidSceneException(file, "corrupt image (IHDR chunk of " + n + " bytes, expected 13)");
            }
            width = readInt(b, data);
            height = readInt(b, data + 4);
            bitDepth = b[data + 8] & 0xff;
            int colourType = b[data + 9] & 0xff;
            int interlace = b[data + 12] & 0xff;
            if (colourType != 0 || (bitDepth != 8 && bitDepth != 16) || interlace != 0
                || b[data + 10] != 0 || b[data + 11] != 0) {
              return null;
            }
            if (width <= 0 || height <= 0) {
              throw new InvalidSceneException(file, "corrupt image (size " + width + "x" + height + ")");
            }
            ImageFiles.checkPixelCount(file, width, height);
            raw = new byte[height * (1 + width * (bitDepth / 8))];
          }
          case "IDAT" -> {
            if (raw == null) {
              throw new InvalidSceneException(file, "corrupt image (IDAT before IHDR)");
            }
            inflater.setInput(b, data, n);
            while (!inflater.finished() && !inflater.needsInput()) {
              int got;
              if (rawFilled < raw.length) {
                got = inflater.inflate(raw, rawFilled, raw.length - rawFilled);
                rawFilled += got;
              } else {
                got = inflater.inflate(scratch);
                if (got > 0) {
                  throw new InvalidSceneException(file, "corrupt image (more pixel data than " + width + "x" + height
                      + " needs)");
                }
              }
              if (got == 0 && (inflater.needsDictionary() || (!inflater.finished() && !inflater.needsInput()))) {
                throw new InvalidSceneException(file, "corrupt image (compressed data makes no progress)");
              }
            }
          }
          case "IEND" -> sawEnd = true;
          default -> {
            // Ancillary chunks (gAMA, tEXt, ...) do not change stored grey values.
          }
        }
        pos = data + n + 4;
        if (sawEnd) {
          break;
        }
      }
    } catch (DataFormatException e) {
      throw new InvalidSceneException(file, "corrupt or truncated image (" + e.getMessage() + ")", e);
    } finally {
      inflater.end();
    }
    if (raw == null) {
      throw new InvalidSceneException(file, "corrupt image (no IHDR chunk)");
    }
    if (!sawEnd || rawFilled < raw.length) {
      throw truncated(file);
    }
    return new Samples(width, height, bitDepth, unfilter(file, raw, width, height, bitDepth / 8));
  }

  private static InvalidSceneException truncated(Path file) {
    return new InvalidSceneException(file, "corrupt or truncated image (file ends before the image data does)");
  }

  private static int readInt(byte[] b, int p) {
    return (b[p] & 0xff) << 24 | (b[p + 1] & 0xff) << 16 | (b[p + 2] & 0xff) << 8 | (b[p + 3] & 0xff);
  }

  /** Reverses the per-row PNG filters in place and returns the samples. */
  private static int[] unfilter(Path file, byte[] raw, int w, int h, int bpp) throws InvalidSceneException {
    int stride = w * bpp;
    int[] out = new int[w * h];
    for (int y = 0; y < h; y++) {
      int row = y * (stride + 1);
      int filter = raw[row] & 0xff;
      int cur = row + 1;
      int prev = row - stride; // start of the previous row's data
      boolean hasPrev = y > 0;
      switch (filter) {
        case 0 -> { }
        case 1 -> {
          for (int i = bpp; i < stride; i++) {
            raw[cur + i] += raw[cur + i - bpp];
          }
        }
        case 2 -> {
          if (hasPrev) {
            for (int i = 0; i < stride; i++) {
              raw[cur + i] += raw[prev + i];
            }
          }
        }
        case 3 -> {
          for (int i = 0; i < stride; i++) {
            int left = i >= bpp ? raw[cur + i - bpp] & 0xff : 0;
            int up = hasPrev ? raw[prev + i] & 0xff : 0;
            raw[cur + i] += (byte) ((left + up) >>> 1);
          }
        }
        case 4 -> {
          for (int i = 0; i < stride; i++) {
            int a = i >= bpp ? raw[cur + i - bpp] & 0xff : 0;
            int bb = hasPrev ? raw[prev + i] & 0xff : 0;
            int c = hasPrev && i >= bpp ? raw[prev + i - bpp] & 0xff : 0;
            int p = a + bb - c;
            int pa = Math.abs(p - a);
            int pb = Math.abs(p - bb);
            int pc = Math.abs(p - c);
            int pred = pa <= pb && pa <= pc ? a : pb <= pc ? bb : c;
            raw[cur + i] += (byte) pred;
          }
        }
        default -> throw new InvalidSceneException(file, "corrupt image (unknown row filter " + filter + " in row " + y + ")");
      }
      int o = y * w;
      if (bpp == 1) {
        for (int x = 0; x < w; x++) {
          out[o + x] = raw[cur + x] & 0xff;
        }
      } else {
        for (int x = 0; x < w; x++) {
          out[o + x] = (raw[cur + 2 * x] & 0xff) << 8 | (raw[cur + 2 * x + 1] & 0xff);
        }
      }
    }
    return out;
  }
}
