package io.github.bakefeature.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.InvalidSceneException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class GreyPngTest {
  static final Path F = Path.of("test.png");

  /** Minimal PNG encoder for tests: row y uses filter (y % 5), so every filter type is exercised. */
  static byte[] encode(int w, int h, int bitDepth, int[] v, int idatChunks) throws IOException {
    int bpp = bitDepth / 8;
    int stride = w * bpp;
    byte[][] rows = new byte[h][stride];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if (bpp == 1) {
          rows[y][x] = (byte) v[y * w + x];
        } else {
          rows[y][2 * x] = (byte) (v[y * w + x] >> 8);
          rows[y][2 * x + 1] = (byte) v[y * w + x];
        }
      }
    }
    ByteArrayOutputStream filtered = new ByteArrayOutputStream();
    for (int y = 0; y < h; y++) {
      int f = y % 5;
      filtered.write(f);
      for (int i = 0; i < stride; i++) {
        int a = i >= bpp ? rows[y][i - bpp] & 0xff : 0;
        int b = y > 0 ? rows[y - 1][i] & 0xff : 0;
        int c = y > 0 && i >= bpp ? rows[y - 1][i - bpp] & 0xff : 0;
        int pred = switch (f) {
          case 0 -> 0;
          case 1 -> a;
          case 2 -> b;
          case 3 -> (a + b) >>> 1;
          default -> {
            int p = a + b - c;
            int pa = Math.abs(p - a);
            int pb = Math.abs(p - b);
            int pc = Math.abs(p - c);
            yield pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          }
        };
        filtered.write((rows[y][i] - pred) & 0xff);
      }
    }
    Deflater d = new Deflater();
    d.setInput(filtered.toByteArray());
    d.finish();
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    while (!d.finished()) {
      z.write(buf, 0, d.deflate(buf));
    }
    byte[] zz = z.toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
    DataOutputStream ih = new DataOutputStream(ihdr);
    ih.writeInt(w);
    ih.writeInt(h);
    ih.write(new byte[] {(byte) bitDepth, 0, 0, 0, 0});
    chunk(out, "IHDR", ihdr.toByteArray());
    int per = (zz.length + idatChunks - 1) / idatChunks;
    for (int off = 0; off < zz.length; off += per) {
      chunk(out, "IDAT", Arrays.copyOfRange(zz, off, Math.min(zz.length, off + per)));
    }
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
    DataOutputStream o = new DataOutputStream(out);
    o.writeInt(data.length);
    byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
    o.write(t);
    o.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    o.writeInt((int) crc.getValue());
  }

  static int[] imageIoSamples(byte[] png) throws IOException {
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
    return img.getRaster().getSamples(0, 0, img.getWidth(), img.getHeight(), 0, new int[img.getWidth() * img.getHeight()]);
  }

  @Test
  void decodesEveryFilterTypeLikeImageIo() throws IOException {
    Random r = new Random(5);
    for (int bitDepth : new int[] {8, 16}) {
      for (int[] size : new int[][] {{1, 7}, {13, 11}, {64, 9}}) {
        int w = size[0];
        int h = size[1];
        int[] v = new int[w * h];
        for (int i = 0; i < v.length; i++) {
          // Smooth ramps plus noise: both small and large differences between neighbours.
          v[i] = ((i % w) * 997 + (i / w) * 331 + r.nextInt(50)) % (1 << bitDepth);
        }
        byte[] png = encode(w, h, bitDepth, v, 3);
        GreyPng.Samples s = GreyPng.decode(F, png);
        assertNotNull(s);
        assertEquals(bitDepth, s.bitDepth());
        assertArrayEquals(v, s.values(), bitDepth + "-bit " + w + "x" + h);
        assertArrayEquals(imageIoSamples(png), s.values(), "agrees with ImageIO");
      }
    }
  }

  @Test
  void decodesImageIoWrittenDepthIdentically() throws IOException {
    BufferedImage b = new BufferedImage(37, 23, BufferedImage.TYPE_USHORT_GRAY);
    int[] v = new int[37 * 23];
    Random r = new Random(9);
    for (int i = 0; i < v.length; i++) {
      v[i] = i % 5 == 0 ? 0 : 800 + r.nextInt(3000);
    }
    b.getRaster().setSamples(0, 0, 37, 23, 0, v);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(b, "png", out);
    assertArrayEquals(v, GreyPng.decode(F, out.toByteArray()).values());
  }

  @Test
  void declinesOtherPngKindsSoImageIoHandlesThem() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_3BYTE_BGR), "png", out);
    assertNull(GreyPng.decode(F, out.toByteArray()));
    assertNull(GreyPng.decode(F, "not a png".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void everyTruncationAndAnyFlippedByteIsAnInvalidSceneException() throws IOException {
    int[] v = new int[20 * 10];
    Arrays.setAll(v, i -> i * 37 % 65536);
    byte[] png = encode(20, 10, 16, v, 2);
    for (int cut = 0; cut < png.length; cut++) {
      byte[] t = Arrays.copyOf(png, cut);
      if (cut < 8) {
        assertNull(GreyPng.decode(F, t), "no signature: not a PNG, left to ImageIO");
        continue;
      }
      InvalidSceneException e = assertThrows(InvalidSceneException.class, () -> GreyPng.decode(F, t), "cut at " + cut);
      assertEquals(F, e.file());
    }
    for (int i = 8; i < png.length; i++) {
      byte[] c = png.clone();
      c[i] ^= 0x10;
      // Any change is caught (CRC, length or structure) — or, in IHDR, turns it into another kind of PNG.
      try {
        GreyPng.Samples s = GreyPng.decode(F, c);
        assertTrue(s == null, "flipped byte " + i + " went unnoticed");
      } catch (InvalidSceneException expected) {
        assertEquals(F, expected.file());
      }
    }
  }
}
