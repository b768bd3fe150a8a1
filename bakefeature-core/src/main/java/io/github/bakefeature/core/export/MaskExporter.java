package io.github.bakefeature.core.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.bakefeature.api.annotation.SemanticClass;
import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.field.RenderedView;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.io.AtomicFiles;
import io.github.bakefeature.core.io.ImageFiles;
import io.github.bakefeature.core.viz.ColourMaps;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes dense per-frame segmentation masks predicted by a model (the export of the paper's tool).
 * For each frame {@code <name>} (the scene's frame name, e.g. {@code 00042}) it writes, atomically:
 *
 * <pre>
 * masks/&lt;name&gt;.png     class ids: pixel value = class id (0-based, NOT the +1 scene format),
 *                        {@link #UNKNOWN_8} (8-bit) or {@link #UNKNOWN_16} (16-bit) = unknown
 * overlays/&lt;name&gt;.png  the frame's RGB image with class colours blended in (unknown pixels untouched)
 * classes.json          {"classes": [{"id", "name", "colour"}], "unknown": 255|65535, "bit_depth": 8|16}
 * </pre>
 *
 * <p>Masks are 8-bit grey when the model has at most 255 classes (ids 0..254, 255 = unknown) and
 * 16-bit grey otherwise (65535 = unknown), the same for every frame of an export. A pixel is
 * unknown when its ray hit nothing (rendered confidence 0) or its confidence is at most
 * {@link Builder#optMinConfidence}. With {@link Builder#optKeepComponents} each class keeps only
 * its largest connected regions, smaller ones taking the surrounding class
 * ({@link ConnectedComponents#keepLargest}). With {@link Builder#optRenderScale} below 1 frames are
 * rendered smaller (the cost falls with the square of the scale) and the class map is brought back
 * to the frame's size along the edges of its colour image ({@link LabelUpsampler#jointBilateral}).
 */
public final class MaskExporter {
  /** Unknown pixels in 8-bit masks. */
  public static final int UNKNOWN_8 = 0xFF;
  /** Unknown pixels in 16-bit masks. */
  public static final int UNKNOWN_16 = 0xFFFF;
  /** Sub-folder of the class-id masks. */
  public static final String MASKS = "masks";
  /** Sub-folder of the overlays. */
  public static final String OVERLAYS = "overlays";
  /** The legend file. */
  public static final String LEGEND = "classes.json";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final List<SemanticClass> classes;
  private final int keepComponents;
  private final ConnectedComponents.Connectivity connectivity;
  private final float opacity;
  private final float minConfidence;
  private final boolean overlays;
  private final double renderScale;

  private MaskExporter(Builder b) {
    this.classes = b.classes;
    this.keepComponents = b.keepComponents;
    this.connectivity = b.connectivity;
    this.opacity = b.opacity;
    this.minConfidence = b.minConfidence;
    this.overlays = b.overlays;
    this.renderScale = b.renderScale;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** What an export wrote. */
  public record Summary(Path directory, int frames, int bitDepth, long pixelsCleaned, long unknownPixels) {}

  /**
   * Renders {@code frames} of {@code scene} with {@code views} (at the frames' own resolution times
   * the render scale) and writes their masks and overlays, at the frames' resolution, into
   * {@code outDir}.
   *
   * @param classCount classes the model predicts (sets the bit depth and pads the legend)
   */
  public Summary export(ViewSource views, Scene scene, int classCount, int[] frames, Path outDir) throws IOException {
    java.util.Objects.requireNonNull(views, "views");
    java.util.Objects.requireNonNull(scene, "scene");
    java.util.Objects.requireNonNull(frames, "frames");
    java.util.Objects.requireNonNull(outDir, "outDir");
    if (classCount < 1) {
      throw new IllegalArgumentException("expected the model's class count (>= 1), found " + classCount);
    }
    // Every frame checked before the first file is written: a bad index must not leave half an export.
    for (int fi : frames) {
      if (fi < 0 || fi >= scene.size()) {
        throw new IllegalArgumentException("frame must be in [0, " + scene.size() + "), found " + fi);
      }
    }
    List<SemanticClass> legend = classes != null ? padded(classes, classCount) : ExportClasses.fromScene(scene, classCount);
    int[] palette = ExportClasses.palette(legend);
    boolean wide = legend.size() > UNKNOWN_8;
    Files.createDirectories(outDir.resolve(MASKS));
    if (overlays) {
      Files.createDirectories(outDir.resolve(OVERLAYS));
    }
    // The legend first: the masks of an export stopped half-way (Ctrl-C) can still be read.
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("classes", ExportClasses.legend(legend));
    doc.put("encoding", "pixel value = class id; " + (wide ? UNKNOWN_16 : UNKNOWN_8) + " = unknown");
    doc.put("unknown", wide ? UNKNOWN_16 : UNKNOWN_8);
    doc.put("bit_depth", wide ? 16 : 8);
    doc.put("keep_components", keepComponents);
    doc.put("connectivity", connectivity == ConnectedComponents.Connectivity.FOUR ? 4 : 8);
    doc.put("render_scale", renderScale);
    AtomicFiles.writeString(outDir.resolve(LEGEND), JSON.writeValueAsString(doc));
    ConnectedComponents cc = keepComponents > 0 ? new ConnectedComponents(connectivity) : null;
    long cleaned = 0;
    long unknown = 0;
    ViewSource source = ViewSource.upsampledClasses(views, scene, renderScale, minConfidence);
    for (int fi : frames) {
      Frame f = scene.frame(fi);
      CameraIntrinsics k = f.intrinsics();
      RenderedView v;
      try {
        v = source.render(fi, k, EnumSet.of(RenderOutput.CLASSES));
      } catch (java.io.UncheckedIOException e) {
        throw e.getCause(); // the frame's colour image, read to guide the upsampling
      }
      short[] labels = v.classes().clone();
      float[] conf = v.confidence();
      int width = k.width();
      int height = k.height();
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] < 0 || !(conf[i] > minConfidence)) {
          labels[i] = LabelImage.UNLABELLED;
          unknown++;
        }
      }
      if (cc != null) {
        cleaned += cc.keepLargest(labels, width, height, keepComponents);
      }
      LabelImage mask = new LabelImage(width, height, labels);
      writeMask(mask, wide, outDir.resolve(MASKS).resolve(f.name() + ".png"));
      if (overlays) {
        ImageFiles.writeRgbPng(ColourMaps.overlay(f.rgb(), mask, palette, opacity),
            outDir.resolve(OVERLAYS).resolve(f.name() + ".png"));
      }
    }
    return new Summary(outDir, frames.length, wide ? 16 : 8, cleaned, unknown);
  }

  /**
   * Writes one mask: class id per pixel, unknown ({@code < 0}) as 255 (8-bit) or 65535
   * ({@code wide}, 16-bit).
   */
  public static void writeMask(LabelImage mask, boolean wide, Path file) throws IOException {
    short[] l = mask.labels();
    int unknown = wide ? UNKNOWN_16 : UNKNOWN_8;
    int[] v = new int[l.length];
    for (int i = 0; i < l.length; i++) {
      int id = l[i];
      if (id >= unknown) {
        throw new IllegalArgumentException("class id " + id + " does not fit a " + (wide ? 16 : 8)
            + "-bit mask (at most " + (unknown - 1) + ")");
      }
      v[i] = id < 0 ? unknown : id;
    }
    BufferedImage b = new BufferedImage(mask.width(), mask.height(),
        wide ? BufferedImage.TYPE_USHORT_GRAY : BufferedImage.TYPE_BYTE_GRAY);
    b.getRaster().setSamples(0, 0, mask.width(), mask.height(), 0, v);
    ImageFiles.writePng(b, file);
  }

  /** Reads a mask written by {@link #writeMask}: unknown pixels become {@link LabelImage#UNLABELLED}. */
  public static LabelImage readMask(Path file) throws IOException {
    io.github.bakefeature.core.io.ImageHeader h = ImageFiles.readHeader(file);
    int unknown = h.bitsPerSample() > 8 ? UNKNOWN_16 : UNKNOWN_8;
    return ImageFiles.readLabels(file, true, unknown, 0);
  }

  private static List<SemanticClass> padded(List<SemanticClass> given, int count) {
    if (given.size() >= count) {
      return given;
    }
    java.util.ArrayList<SemanticClass> l = new java.util.ArrayList<>(given);
    for (int i = given.size(); i < count; i++) {
      l.add(new SemanticClass(i, "class " + i, io.github.bakefeature.core.viz.Palette.colour(i)));
    }
    return List.copyOf(l);
  }

  /** Options. */
  public static final class Builder {
    private List<SemanticClass> classes;
    private int keepComponents;
    private ConnectedComponents.Connectivity connectivity = ConnectedComponents.Connectivity.FOUR;
    private float opacity = 0.5f;
    private float minConfidence;
    private boolean overlays = true;
    private double renderScale = 1;

    /** Names and colours of the classes (default: the scene's names, default palette). */
    public Builder optClasses(List<SemanticClass> c) {
      this.classes = List.copyOf(java.util.Objects.requireNonNull(c, "classes"));
      return this;
    }

    /** Keep the {@code n} largest connected regions per class; 0 = no clean-up (default). */
    public Builder optKeepComponents(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("components to keep must be >= 0, found " + n);
      }
      this.keepComponents = n;
      return this;
    }

    /** Neighbourhood of the clean-up (default 4-connected). */
    public Builder optConnectivity(ConnectedComponents.Connectivity c) {
      this.connectivity = java.util.Objects.requireNonNull(c, "connectivity");
      return this;
    }

    /** Opacity of the class colours in overlays, 0..1 (default 0.5). */
    public Builder optOverlayOpacity(float o) {
      if (!(o >= 0 && o <= 1)) {
        throw new IllegalArgumentException("overlay opacity must be in [0, 1], found " + o);
      }
      this.opacity = o;
      return this;
    }

    /** Pixels with confidence at most this are unknown (default 0: only rays that hit nothing). */
    public Builder optMinConfidence(float c) {
      if (!(c >= 0 && c < 1)) {
        throw new IllegalArgumentException("minimum confidence must be in [0, 1), found " + c);
      }
      this.minConfidence = c;
      return this;
    }

    /**
     * Render at this fraction of each frame's resolution, in (0, 1] (default 1); masks are still
     * written at the frame's resolution, upsampled along the colour image's edges.
     */
    public Builder optRenderScale(double s) {
      if (!(s > 0 && s <= 1)) {
        throw new IllegalArgumentException("mask render scale must be in (0, 1], found " + s);
      }
      this.renderScale = s;
      return this;
    }

    /** Also write overlays (default true). */
    public Builder optOverlays(boolean o) {
      this.overlays = o;
      return this;
    }

    public MaskExporter build() {
      return new MaskExporter(this);
    }
  }
}
