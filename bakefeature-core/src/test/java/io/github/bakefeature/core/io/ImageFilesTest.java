package io.github.bakefeature.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.RgbImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFilesTest {
  @TempDir Path tmp;

  static BufferedImage noise(int w, int h, long seed) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    Random r = new Random(seed);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, r.nextInt(1 << 24));
      }
    }
    return img;
  }

  static byte[] encode(BufferedImage img, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(img, format, out));
    return out.toByteArray();
  }

  @Test
  void rgbPngRoundTripsExactly() throws IOException {
    byte[] px = new byte[5 * 4 * 3];
    new Random(1).nextBytes(px);
    RgbImage img = new RgbImage(5, 4, px);
    Path f = tmp.resolve("a.png");
    ImageFiles.writeRgbPng(img, f);
    assertArrayEquals(px, ImageFiles.readRgb(f).pixels());
    ImageHeader h = ImageFiles.readHeader(f);
    assertEquals(new ImageHeader(5, 4, 3, 8, false, "png"), h);
  }

  @Test
  void greyPngKeepsStoredValuesInsteadOfGammaConvertingThem() throws IOException {
    BufferedImage g = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
    g.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {10, 128, 250});
    Path f = tmp.resolve("g.png");
    Files.write(f, encode(g, "png"));
    RgbImage rgb = ImageFiles.readRgb(f);
    assertEquals(10, rgb.get(0, 0, 0));
    assertEquals(128, rgb.get(1, 0, 1));
    assertEquals(250, rgb.get(2, 0, 2));
  }

  @Test
  void greyWithAlphaPngKeepsStoredValuesToo() throws IOException {
    for (int bits : new int[] {8, 16}) {
      java.awt.image.ComponentColorModel cm = new java.awt.image.ComponentColorModel(
          java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY), new int[] {bits, bits}, true, false,
          java.awt.Transparency.TRANSLUCENT, bits == 8 ? java.awt.image.DataBuffer.TYPE_BYTE : java.awt.image.DataBuffer.TYPE_USHORT);
      java.awt.image.WritableRaster raster = cm.createCompatibleWritableRaster(2, 1);
      int scale = bits == 8 ? 1 : 257;
      raster.setSamples(0, 0, 2, 1, 0, new int[] {128 * scale, 64 * scale});
      raster.setSamples(0, 0, 2, 1, 1, new int[] {255 * scale, 255 * scale});
      BufferedImage ga = new BufferedImage(cm, raster, false, null);
      Path f = tmp.resolve("ga" + bits + ".png");
      Files.write(f, encode(ga, "png"));
      RgbImage rgb = ImageFiles.readRgb(f);
      assertEquals(128, rgb.get(0, 0, 0), bits + "-bit grey+alpha");
      assertEquals(64, rgb.get(1, 0, 2), bits + "-bit grey+alpha");
    }
  }

  @Test
  void rejectsTruncatedJpegEvenThoughTheDecoderOnlyWarns() throws IOException {
    byte[] jpg = encode(noise(64, 48, 2), "jpg");
    Path ok = tmp.resolve("ok.jpg");
    Files.write(ok, jpg);
    assertEquals(64, ImageFiles.readRgb(ok).width());
    Path cut = tmp.resolve("cut.jpg");
    Files.write(cut, Arrays.copyOf(jpg, jpg.length * 2 / 3));
    // The header is intact, so only decoding can find the damage.
    assertEquals(64, ImageFiles.readHeader(cut).width());
    InvalidSceneException e = assertThrows(InvalidSceneException.class, () -> ImageFiles.readRgb(cut));
    assertEquals(cut, e.file());
    assertTrue(e.getMessage().contains("cut.jpg") && e.getMessage().contains("corrupt or truncated"), e.getMessage());
  }

  @Test
  void rejectsTruncatedPng() throws IOException {
    byte[] png = encode(noise(64, 48, 3), "png");
    Path cut = tmp.resolve("cut.png");
    Files.write(cut, Arrays.copyOf(png, png.length / 2));
    InvalidSceneException e = assertThrows(InvalidSceneException.class, () -> ImageFiles.readRgb(cut));
    assertTrue(e.getMessage().contains("cut.png") && e.getMessage().contains("corrupt or truncated"), e.getMessage());
    assertFalse(e.getMessage().contains("java.") || e.getMessage().contains("Exception"), "no class names: " + e.getMessage());
  }

  @Test
  void rejectsFilesThatAreNotImagesOrMissing() throws IOException {
    Path txt = tmp.resolve("x.png");
    Files.writeString(txt, "hello");
    InvalidSceneException e = assertThrows(InvalidSceneException.class, () -> ImageFiles.readHeader(txt));
    assertTrue(e.getMessage().contains("not a readable image"), e.getMessage());
    Path empty = tmp.resolve("empty.png");
    Files.write(empty, new byte[0]);
    assertThrows(InvalidSceneException.class, () -> ImageFiles.readRgb(empty));
    InvalidSceneException missing = assertThrows(InvalidSceneException.class,
        () -> ImageFiles.readRgb(tmp.resolve("nope.png")));
    assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
  }

  @Test
  void depthRoundTripsToTheMillimetreAndMarksUnstorableDepthInvalid() throws IOException {
    float[] m = {0f, 1.2344f, 1.2346f, 65.534f, 70f, Float.NaN};
    Path f = tmp.resolve("d.png");
    ImageFiles.writeDepthPng(new DepthImage(3, 2, m), f);
    assertEquals(new ImageHeader(3, 2, 1, 16, false, "png"), ImageFiles.readHeader(f));
    float[] back = ImageFiles.readDepth(f, 0.001).metres();
    assertArrayEquals(new float[] {0f, 1.234f, 1.235f, 65.534f, 0f, 0f}, back, 1e-6f);
  }

  @Test
  void treats65535AsInvalidDepth() throws IOException {
    BufferedImage b = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
    b.getRaster().setSamples(0, 0, 2, 1, 0, new int[] {0xFFFF, 1500});
    Path f = tmp.resolve("d.png");
    Files.write(f, encode(b, "png"));
    assertArrayEquals(new float[] {0f, 1.5f}, ImageFiles.readDepth(f, 0.001).metres(), 1e-6f);
  }

  @Test
  void rejectsEightBitDepth() throws IOException {
    BufferedImage g = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
    Path f = tmp.resolve("d8.png");
    Files.write(f, encode(g, "png"));
    InvalidSceneException e = assertThrows(InvalidSceneException.class, () -> ImageFiles.readDepth(f, 0.001));
    assertTrue(e.getMessage().contains("expected a 16-bit single-channel depth PNG, found 8-bit"), e.getMessage());
  }

  @Test
  void labelsRoundTripInEightAndSixteenBit() throws IOException {
    for (int maxId : new int[] {3, 254, 300}) {
      short[] l = {LabelImage.UNLABELLED, 0, 1, (short) maxId};
      Path f = tmp.resolve("l" + maxId + ".png");
      ImageFiles.writeLabelPng(new LabelImage(2, 2, l), true, f);
      assertEquals(maxId + 1 > 255 ? 16 : 8, ImageFiles.readHeader(f).bitsPerSample());
      assertArrayEquals(l, ImageFiles.readLabels(f, false, -1, maxId + 1).labels());
      InvalidSceneException e = assertThrows(InvalidSceneException.class,
          () -> ImageFiles.readLabels(f, false, -1, maxId));
      assertTrue(e.getMessage().contains("label value " + (maxId + 1) + " is out of range"), e.getMessage());
    }
  }

  @Test
  void resizesDepthByNearestNeighbour() {
    DepthImage d = new DepthImage(2, 1, new float[] {1f, 2f});
    assertArrayEquals(new float[] {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2},
        ImageFiles.resizeNearest(d, 3).metres());
  }
}
