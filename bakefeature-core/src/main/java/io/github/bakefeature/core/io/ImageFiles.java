package io.github.bakefeature.core.io;

import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.RgbImage;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads and writes the images of the scene format with {@code javax.imageio}: 8-bit RGB (PNG or
 * JPEG), 16-bit depth PNG in millimetres (0 = invalid) and 8/16-bit label PNGs. Every read error —
 * missing, unreadable, not an image, truncated (decoder warnings count as errors, which is how a
 * truncated JPEG shows up), wrong channel count or bit depth — becomes an
 * {@link InvalidSceneException} naming the file and saying what was expected. Writes are atomic.
 */
public final class ImageFiles {
  /** Largest depth a 16-bit millimetre PNG can hold; 65535 is reserved as invalid. */
  public static final double MAX_DEPTH_MM = 0xFFFE;
  /**
   * Most pixels of an image this class decodes, 2^26 (8192x8192, 67 Mpx): an RGB frame of that
   * size already takes 400 MB while decoding, far beyond what a scene frame needs. Checked on the
   * header before any pixel buffer is allocated, so a corrupt or hostile header cannot make a tiny
   * file allocate gigabytes.
   */
  public static final long MAX_PIXELS = 1L << 26;

  static {
    ImageIO.setUseCache(false);
  }

  private ImageFiles() {}

  /** Width and height of an image from its header, without decoding pixels. */
  public static int[] readSize(Path file) throws InvalidSceneException {
    ImageHeader h = readHeader(file);
    return new int[] {h.width(), h.height()};
  }

  /** Size, channels, bit depth and format of an image from its header, without decoding pixels. */
  public static ImageHeader readHeader(Path file) throws InvalidSceneException {
    requireFile(file);
    try (InputStream raw = Files.newInputStream(file);
         ImageInputStream in = ImageIO.createImageInputStream(raw)) {
      ImageReader reader = readerFor(file, in);
      try {
        reader.setInput(in, true, true);
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        ImageTypeSpecifier type = reader.getRawImageType(0);
        int bands = -1;
        int bits = -1;
        boolean palette = false;
        if (type != null) {
          bands = type.getSampleModel().getNumBands();
          bits = type.getSampleModel().getSampleSize(0);
          palette = type.getColorModel() instanceof IndexColorModel;
        }
        if (w <= 0 || h <= 0) {
          throw new InvalidSceneException(file, "image header gives an empty size " + w + "x" + h);
        }
        checkPixelCount(file, w, h);
        return new ImageHeader(w, h, bands, bits, palette, reader.getFormatName().toLowerCase(Locale.ROOT));
      } finally {
        reader.dispose();
      }
    } catch (InvalidSceneException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new InvalidSceneException(file, "unreadable image header (" + ErrorText.reason(e) + ")", e);
    }
  }

  /** Decodes an image, treating decoder warnings (e.g. a truncated JPEG) as errors. */
  public static BufferedImage decode(Path file) throws InvalidSceneException {
    return decode(file, readBytes(file));
  }

  private static byte[] readBytes(Path file) throws InvalidSceneException {
    requireFile(file);
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InvalidSceneException(file, "unreadable (" + ErrorText.reason(e) + ")", e);
    }
  }

  private static BufferedImage decode(Path file, byte[] bytes) throws InvalidSceneException {
    try (InputStream raw = new java.io.ByteArrayInputStream(bytes);
         ImageInputStream in = ImageIO.createImageInputStream(raw)) {
      ImageReader reader = readerFor(file, in);
      List<String> warnings = new ArrayList<>();
      try {
        reader.setInput(in, true, true);
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        checkPixelCount(file, reader.getWidth(0), reader.getHeight(0));
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
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      String why = root == e ? ErrorText.reason(e) : ErrorText.reason(e) + ": " + ErrorText.reason(root);
      throw new InvalidSceneException(file, "corrupt or truncated image (" + why + ")", e);
    }
  }

  /** Refuses a {@code w x h} image of more than {@link #MAX_PIXELS} pixels, naming {@code file}. */
  static void checkPixelCount(Path file, int w, int h) throws InvalidSceneException {
    if ((long) w * h > MAX_PIXELS) {
      throw new InvalidSceneException(file, "image too large: " + w + "x" + h + ", at most " + MAX_PIXELS
          + " pixels (8192x8192)");
    }
  }

  private static void requireFile(Path file) throws InvalidSceneException {
    if (Files.isDirectory(file)) {
      throw new InvalidSceneException(file, "expected an image file, found a folder");
    }
    if (!Files.isRegularFile(file)) {
      throw new InvalidSceneException(file, "file does not exist");
    }
  }

  private static ImageReader readerFor(Path file, ImageInputStream in) throws InvalidSceneException {
    if (in == null) {
      throw new InvalidSceneException(file, "cannot open image file");
    }
    Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
    if (!readers.hasNext()) {
      throw new InvalidSceneException(file, "not a readable image (expected PNG or JPEG)");
    }
    return readers.next();
  }

  /** Reads an 8-bit colour image (grey images are replicated to three channels, alpha dropped). */
  public static RgbImage readRgb(Path file) throws InvalidSceneException {
    return toRgb(decode(file));
  }

  /** Converts any decoded image to packed 8-bit RGB. */
  public static RgbImage toRgb(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    byte[] px = new byte[w * h * 3];
    Raster r = img.getRaster();
    if (img.getType() == BufferedImage.TYPE_3BYTE_BGR
        && r.getDataBuffer() instanceof DataBufferByte db && db.getNumBanks() == 1
        && db.getData().length == w * h * 3) {
      byte[] src = db.getData();
      for (int i = 0; i < w * h; i++) {
        px[3 * i] = src[3 * i + 2];
        px[3 * i + 1] = src[3 * i + 1];
        px[3 * i + 2] = src[3 * i];
      }
    } else if ((r.getNumBands() == 1 || (r.getNumBands() == 2
        && img.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY))
        && !(img.getColorModel() instanceof IndexColorModel)) {
      // Grey (with or without alpha, which is dropped): copy the stored values. getRGB would treat
      // them as linear and gamma-encode them.
      int shift = Math.max(0, r.getSampleModel().getSampleSize(0) - 8);
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        r.getSamples(0, y, w, 1, 0, row);
        for (int x = 0; x < w; x++) {
          byte g = (byte) (row[x] >> shift);
          int i = (y * w + x) * 3;
          px[i] = g;
          px[i + 1] = g;
          px[i + 2] = g;
        }
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
    byte[] bytes = readBytes(file);
    GreyPng.Samples fast = GreyPng.decode(file, bytes);
    if (fast != null) {
      sizeOut[0] = fast.width();
      sizeOut[1] = fast.height();
      return fast.values();
    }
    return channel(file, decode(file, bytes), sizeOut);
  }

  private static int[] channel(Path file, BufferedImage img, int[] sizeOut) throws InvalidSceneException {
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
   * Reads a 16-bit single-channel depth PNG (0 and 65535 = invalid) as metres, scaled by
   * {@code metresPerUnit} (0.001 for millimetres). 8-bit or colour images are rejected: they are
   * almost always a visualisation saved by mistake, and reading them would give silently wrong
   * depth.
   */
  public static DepthImage readDepth(Path file, double metresPerUnit) throws InvalidSceneException {
    byte[] bytes = readBytes(file);
    GreyPng.Samples fast = GreyPng.decode(file, bytes);
    int[] size = new int[2];
    int[] raw;
    if (fast != null) {
      if (fast.bitDepth() != 16) {
        throw new InvalidSceneException(file, "expected a 16-bit single-channel depth PNG, found "
            + fast.bitDepth() + "-bit with 1 channel");
      }
      size[0] = fast.width();
      size[1] = fast.height();
      raw = fast.values();
    } else {
      BufferedImage img = decode(file, bytes);
      Raster r = img.getRaster();
      int bits = r.getSampleModel().getSampleSize(0);
      if (r.getNumBands() != 1 || bits != 16 || img.getColorModel() instanceof IndexColorModel) {
        throw new InvalidSceneException(file, "expected a 16-bit single-channel depth PNG, found "
            + (img.getColorModel() instanceof IndexColorModel ? "a palette image"
                : bits + "-bit with " + r.getNumBands() + " channel" + (r.getNumBands() == 1 ? "" : "s")));
      }
      raw = channel(file, img, size);
    }
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
    if (file.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.jpe?g")) {
      throw new InvalidSceneException(file, "expected a lossless PNG for labels, found a JPEG file");
    }
    int[] size = new int[2];
    int[] raw = readChannel(file, size);
    short[] l = new short[raw.length];
    // Ids are stored as short: beyond LabelImage.MAX_CLASSES they would wrap to "unlabelled".
    int limit = classCount > 0 ? Math.min(classCount, LabelImage.MAX_CLASSES) : LabelImage.MAX_CLASSES;
    int worst = -1;
    for (int i = 0; i < raw.length; i++) {
      int v = raw[i];
      int id;
      if (zeroBased) {
        id = v == voidValue ? LabelImage.UNLABELLED : v;
      } else {
        id = v - 1;
      }
      if (id >= limit) {
        worst = Math.max(worst, v);
        continue;
      }
      l[i] = (short) id;
    }
    if (worst >= 0) {
      String why = classCount > 0 && classCount <= LabelImage.MAX_CLASSES ? "the scene has " + classCount + " classes"
          : "labels hold at most " + LabelImage.MAX_CLASSES + " classes";
      throw new InvalidSceneException(file, "label value " + worst + " is out of range: " + why
          + ", so values must be at most " + (zeroBased ? limit - 1 : limit)
          + (zeroBased ? "" : " (0 = unlabelled, k+1 = class k)"));
    }
    return new LabelImage(size[0], size[1], l);
  }

  /**
   * Depth enlarged by an integer factor with nearest-neighbour sampling: output pixel (x, y) takes
   * input pixel (x / f, y / f), which is also the input pixel whose centre is nearest.
   */
  public static DepthImage resizeNearest(DepthImage d, int factor) {
    if (factor < 1) {
      throw new IllegalArgumentException("factor must be >= 1, found " + factor);
    }
    // Pixel centres aligned at an integer factor: each source pixel becomes a factor x factor block.
    return d.resized(Math.multiplyExact(d.width(), factor), Math.multiplyExact(d.height(), factor));
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

  /**
   * Writes depth in metres as a 16-bit PNG in millimetres (rounded), atomically. Invalid pixels and
   * depths beyond {@link #MAX_DEPTH_MM} mm (which cannot be stored) are written as 0 = invalid
   * rather than clamped to a wrong distance.
   */
  public static void writeDepthPng(DepthImage depth, Path file) throws IOException {
    BufferedImage b = new BufferedImage(depth.width(), depth.height(), BufferedImage.TYPE_USHORT_GRAY);
    short[] dst = ((DataBufferUShort) b.getRaster().getDataBuffer()).getData();
    float[] m = depth.metres();
    for (int i = 0; i < m.length; i++) {
      float d = m[i];
      long mm = d > 0 && Float.isFinite(d) ? Math.round(d * 1000.0) : 0;
      dst[i] = (short) (mm <= MAX_DEPTH_MM ? mm : 0);
    }
    writePng(b, file);
  }

  /**
   * Writes labels as a PNG: with {@code plusOne}, 0 = unlabelled and k + 1 = class k (scribble
   * format); otherwise the class id itself and {@code 255} (8-bit) or {@code 65535} (16-bit) for
   * unlabelled. 8-bit when every value fits, else 16-bit.
   */
  public static void writeLabelPng(LabelImage labels, boolean plusOne, Path file) throws IOException {
    short[] l = labels.labels();
    int maxId = -1;
    for (short s : l) {
      maxId = Math.max(maxId, s);
    }
    boolean wide = plusOne ? maxId + 1 > 255 : maxId >= 255;
    int voidValue = wide ? 0xFFFF : 0xFF;
    int[] v = new int[l.length];
    for (int i = 0; i < l.length; i++) {
      int id = l[i];
      v[i] = plusOne ? (id < 0 ? 0 : id + 1) : (id < 0 ? voidValue : id);
    }
    BufferedImage b = new BufferedImage(labels.width(), labels.height(),
        wide ? BufferedImage.TYPE_USHORT_GRAY : BufferedImage.TYPE_BYTE_GRAY);
    WritableRaster r = b.getRaster();
    r.setSamples(0, 0, labels.width(), labels.height(), 0, v);
    writePng(b, file);
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
