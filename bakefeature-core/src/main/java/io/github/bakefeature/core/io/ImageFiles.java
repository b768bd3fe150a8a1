package io.github.bakefeature.core.io;

import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.RgbImage;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads and writes the images of the scene format with {@code javax.imageio}: 8-bit RGB (PNG or
 * JPEG), 16-bit depth PNG in millimetres (0 = invalid) and 8/16-bit label PNGs. Every read error —
 * missing, unreadable, truncated (decoder warnings count as errors) — becomes an
 * {@link InvalidSceneException} naming the file. Writes are atomic.
 */
public final class ImageFiles {

  static {
    ImageIO.setUseCache(false);
  }

  private ImageFiles() {}

  /** Width and height of an image from its header, without decoding pixels. */
  public static int[] readSize(Path file) throws InvalidSceneException {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      if (in == null) {
        throw new InvalidSceneException(file, "cannot open image file");
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new InvalidSceneException(file, "not a readable image (expected PNG or JPEG)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        return new int[] {reader.getWidth(0), reader.getHeight(0)};
      } finally {
        reader.dispose();
      }
    } catch (InvalidSceneException e) {
      throw e;
    } catch (NoSuchFileException e) {
      throw new InvalidSceneException(file, "file does not exist");
    } catch (IOException | RuntimeException e) {
      throw new InvalidSceneException(file, "unreadable image header (" + e.getMessage() + ")", e);
    }
  }

  /** Decodes an image, treating decoder warnings (e.g. a truncated JPEG) as errors. */
  public static BufferedImage decode(Path file) throws InvalidSceneException {
    if (!Files.isRegularFile(file)) {
      throw new InvalidSceneException(file, "file does not exist");
    }
    try (InputStream raw = Files.newInputStream(file);
         ImageInputStream in = ImageIO.createImageInputStream(raw)) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new InvalidSceneException(file, "not a readable image (expected PNG or JPEG)");
      }
      ImageReader reader = readers.next();
      List<String> warnings = new ArrayList<>();
      try {
        reader.setInput(in, true, true);
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        BufferedImage img = reader.read(0);
        if (!warnings.isEmpty()) {
          throw new InvalidSceneException(file, "corrupt or truncated image (" + warnings.get(0) + ")");
        }
        return img;
      } finally {
        reader.dispose();
      }
    } catch (InvalidSceneException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new InvalidSceneException(file, "corrupt or truncated image (" + e.getMessage() + ")", e);
    }
  }

  /** Reads an 8-bit colour image (grey images are replicated to three channels). */
  public static RgbImage readRgb(Path file) throws InvalidSceneException {
    return toRgb(decode(file));
  }

  /** Converts any decoded image to packed 8-bit RGB. */
  public static RgbImage toRgb(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    byte[] px = new byte[w * h * 3];
    if (img.getType() == BufferedImage.TYPE_3BYTE_BGR) {
      byte[] src = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
      for (int i = 0; i < w * h; i++) {
        px[3 * i] = src[3 * i + 2];
        px[3 * i + 1] = src[3 * i + 1];
        px[3 * i + 2] = src[3 * i];
      }
    } else {
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        img.getRGB(0, y, w, 1, row, 0, w);
        for (int x = 0; x < w; x++) {
          int i = (y * w + x) * 3;
          int c = row[x];
          px[i] = (byte) (c >> 16);
          px[i + 1] = (byte) (c >> 8);
          px[i + 2] = (byte) c;
        }
      }
    }
    return new RgbImage(w, h, px);
  }

  /**
   * Reads the first channel of a single-channel image as unsigned integers (8 or 16 bit;
   * palette images give palette indices).
   */
  public static int[] readChannel(Path file, int[] sizeOut) throws InvalidSceneException {
    BufferedImage img = decode(file);
    Raster r = img.getRaster();
    int w = img.getWidth();
    int h = img.getHeight();
    if (r.getNumBands() != 1) {
      throw new InvalidSceneException(file,
          "expected a single-channel (grey or palette) image, found " + r.getNumBands() + " channels");
    }
    sizeOut[0] = w;
    sizeOut[1] = h;
    return r.getSamples(0, 0, w, h, 0, new int[w * h]);
  }

  /**
   * Reads a 16-bit depth PNG in millimetres (0 and 65535 = invalid) as metres, scaled by
   * {@code metresPerUnit} (0.001 for millimetres).
   */
  public static DepthImage readDepth(Path file, double metresPerUnit) throws InvalidSceneException {
    int[] size = new int[2];
    int[] raw = readChannel(file, size);
    float[] m = new float[raw.length];
    for (int i = 0; i < raw.length; i++) {
      int v = raw[i];
      m[i] = v == 0 || v == 0xFFFF ? 0f : (float) (v * metresPerUnit);
    }
    return new DepthImage(size[0], size[1], m);
  }

  /**
   * Reads a label PNG where 0 = unlabelled and k + 1 = class k (the scribble format), or, when
   * {@code zeroBased}, where k = class k and {@code voidValue} (if >= 0) = unlabelled.
   *
   * @param classCount ids must be below this (0 = no check)
   */
  public static LabelImage readLabels(Path file, boolean zeroBased, int voidValue, int classCount)
      throws InvalidSceneException {
    int[] size = new int[2];
    int[] raw = readChannel(file, size);
    short[] l = new short[raw.length];
    int worst = -1;
    for (int i = 0; i < raw.length; i++) {
      int v = raw[i];
      int id;
      if (zeroBased) {
        id = v == voidValue ? LabelImage.UNLABELLED : v;
      } else {
        id = v - 1;
      }
      if (classCount > 0 && id >= classCount) {
        worst = Math.max(worst, v);
      }
      l[i] = (short) id;
    }
    if (worst >= 0) {
      throw new InvalidSceneException(file, "label value " + worst + " is out of range: the scene has "
          + classCount + " classes, so values must be at most " + (zeroBased ? classCount - 1 : classCount)
          + (zeroBased ? "" : " (0 = unlabelled, k+1 = class k)"));
    }
    return new LabelImage(size[0], size[1], l);
  }

  /** Writes an RGB image as PNG (atomically). */
  public static void writeRgbPng(RgbImage img, Path file) throws IOException {
    BufferedImage b = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_3BYTE_BGR);
    byte[] dst = ((DataBufferByte) b.getRaster().getDataBuffer()).getData();
    byte[] src = img.pixels();
    for (int i = 0; i < img.width() * img.height(); i++) {
      dst[3 * i] = src[3 * i + 2];
      dst[3 * i + 1] = src[3 * i + 1];
      dst[3 * i + 2] = src[3 * i];
    }
    writePng(b, file);
  }

  /** Writes depth in metres as a 16-bit PNG in millimetres (0 = invalid), atomically. */
  public static void writeDepthPng(DepthImage depth, Path file) throws IOException {
    BufferedImage b = new BufferedImage(depth.width(), depth.height(), BufferedImage.TYPE_USHORT_GRAY);
    short[] dst = ((DataBufferUShort) b.getRaster().getDataBuffer()).getData();
    float[] m = depth.metres();
    for (int i = 0; i < m.length; i++) {
      float d = m[i];
      long mm = d > 0 && Float.isFinite(d) ? Math.round(d * 1000.0) : 0;
      dst[i] = (short) Math.min(0xFFFE, mm);
    }
    writePng(b, file);
  }

  /**
   * Writes labels as a PNG: with {@code plusOne}, 0 = unlabelled and k + 1 = class k (scribble
   * format); otherwise the class id itself and {@code 255} for unlabelled. 8-bit when every value
   * fits, else 16-bit.
   */
  public static void writeLabelPng(LabelImage labels, boolean plusOne, Path file) throws IOException {
    short[] l = labels.labels();
    int max = 0;
    int[] v = new int[l.length];
    for (int i = 0; i < l.length; i++) {
      int id = l[i];
      v[i] = plusOne ? (id < 0 ? 0 : id + 1) : (id < 0 ? 255 : id);
      max = Math.max(max, v[i]);
    }
    boolean wide = max > 255 || (!plusOne && max >= 255 && hasLabelAtLeast(l, 255));
    BufferedImage b = new BufferedImage(labels.width(), labels.height(),
        wide ? BufferedImage.TYPE_USHORT_GRAY : BufferedImage.TYPE_BYTE_GRAY);
    WritableRaster r = b.getRaster();
    if (wide && !plusOne) {
      for (int i = 0; i < l.length; i++) {
        v[i] = l[i] < 0 ? 0xFFFF : l[i];
      }
    }
    r.setSamples(0, 0, labels.width(), labels.height(), 0, v);
    writePng(b, file);
  }

  private static boolean hasLabelAtLeast(short[] l, int t) {
    for (short s : l) {
      if (s >= t) {
        return true;
      }
    }
    return false;
  }

  /** Writes any image as PNG, atomically. */
  public static void writePng(BufferedImage img, Path file) throws IOException {
    AtomicFiles.write(file, out -> {
      if (!ImageIO.write(img, "png", out)) {
        throw new IOException("no PNG writer for image type " + img.getType());
      }
    });
  }
}
