package io.github.bakefeature.core.dataparsers;

import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.io.ImageFiles;
import io.github.bakefeature.core.scene.FileBackedFrame;
import io.github.bakefeature.core.scene.ImageCache;
import io.github.bakefeature.core.scene.SceneBounds;
import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.scene.SceneLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A scene whose frames decode the source dataset's files on demand, converting units and label ids
 * on the way, through one bounded {@link ImageCache}. Built by the importers after they validated
 * the layout; computing the bounds decodes every depth map once, which also validates it.
 */
final class ImportedScene implements Scene {
  private final Path directory;
  private final List<Frame> frames;
  private final List<String> classNames;
  private final Aabb bounds;
  private final boolean hasGt;

  private ImportedScene(Path directory, List<Frame> frames, List<String> classNames, boolean hasGt) throws IOException {
    this.directory = directory;
    this.frames = Collections.unmodifiableList(new ArrayList<>(frames));
    this.classNames = List.copyOf(classNames);
    this.hasGt = hasGt;
    this.bounds = SceneBounds.fromFrames(this.frames);
  }

  /** Assembles a scene and computes its bounds from depth and camera centres. */
  static ImportedScene of(Path directory, List<SourceFrame> frames, List<String> classNames) throws IOException {
    return of(directory, frames, classNames, frames.stream().anyMatch(f -> f.gt != null));
  }

  /**
   * Assembles a scene of frames of any kind (e.g. resampled ones, {@link ScanNetImporter});
   * {@code hasGt} says whether any frame has ground truth.
   */
  static ImportedScene of(Path directory, List<? extends Frame> frames, List<String> classNames, boolean hasGt)
      throws IOException {
    if (frames.isEmpty()) {
      throw new InvalidSceneException(directory, "empty dataset: expected at least one frame, found none");
    }
    return new ImportedScene(directory, new ArrayList<>(frames), classNames, hasGt);
  }

  /** A cache for one import: decoded images of ~100 VGA frames at most. */
  static ImageCache newCache() {
    return new ImageCache(SceneFolder.DEFAULT_CACHE_BYTES);
  }

  @Override
  public Optional<Path> directory() {
    return Optional.of(directory);
  }

  @Override
  public List<Frame> frames() {
    return frames;
  }

  @Override
  public Aabb bounds() {
    return bounds;
  }

  @Override
  public List<String> classNames() {
    return classNames;
  }

  @Override
  public boolean hasGroundTruth() {
    return hasGt;
  }

  /** Maps raw label values of a source file to class ids ({@link LabelImage#UNLABELLED} for void). */
  @FunctionalInterface
  interface LabelMapping {
    /** The class id of raw value {@code v}, or {@code Integer.MIN_VALUE} if {@code v} is unknown. */
    int map(int v);
  }

  /** One frame of a source dataset. */
  static final class SourceFrame implements FileBackedFrame {
    private final int index;
    private final String name;
    private final CameraIntrinsics k;
    private final Pose pose;
    private final Path rgb;
    private final Path depth;
    private final double metresPerUnit;
    private final int depthFactor;
    final Path gt;
    private final LabelMapping mapping;
    private final ImageCache cache;
    private final Undistortion undistortion;

    /**
     * @param depth depth PNG or null
     * @param metresPerUnit scale of the depth PNG's integers
     * @param depthFactor how much smaller the depth PNG is than {@code k}'s size
     * @param gt label PNG or null
     * @param mapping raw label value to class id
     */
    SourceFrame(int index, String name, CameraIntrinsics k, Pose pose, Path rgb, Path depth, double metresPerUnit,
                int depthFactor, Path gt, LabelMapping mapping, ImageCache cache) {
      this(index, name, k, pose, rgb, depth, metresPerUnit, depthFactor, gt, mapping, cache, null);
    }

    /**
     * A frame whose colour and depth are undistorted on decoding by {@code undistortion} (a map for
     * {@code k}; null: used as stored). Ground truth is not supported with undistortion.
     */
    SourceFrame(int index, String name, CameraIntrinsics k, Pose pose, Path rgb, Path depth, double metresPerUnit,
                int depthFactor, Path gt, LabelMapping mapping, ImageCache cache, Undistortion undistortion) {
      if (undistortion != null && gt != null) {
        throw new IllegalArgumentException("undistorting label images is not supported");
      }
      this.undistortion = undistortion;
      this.index = index;
      this.name = name;
      this.k = k;
      this.pose = pose;
      this.rgb = rgb;
      this.depth = depth;
      this.metresPerUnit = metresPerUnit;
      this.depthFactor = depthFactor;
      this.gt = gt;
      this.mapping = mapping;
      this.cache = cache;
    }

    @Override
    public int index() {
      return index;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public CameraIntrinsics intrinsics() {
      return k;
    }

    @Override
    public Pose pose() {
      return pose;
    }

    @Override
    public Optional<Path> rgbFile() {
      return undistortion == null ? Optional.of(rgb) : Optional.empty(); // undistorted: not the file's pixels
    }

    @Override
    public Optional<Path> sourceFile() {
      return Optional.of(rgb);
    }

    @Override
    public RgbImage rgb() throws IOException {
      return cache.get(rgb.toString(), (long) k.width() * k.height() * 3, () -> {
        RgbImage img = ImageFiles.readRgb(rgb);
        checkSize(rgb, img.width(), img.height(), 1);
        return undistortion == null ? img : undistortion.colour(img);
      });
    }

    @Override
    public boolean hasDepth() {
      return depth != null;
    }

    @Override
    public Optional<DepthImage> depth() throws IOException {
      if (depth == null) {
        return Optional.empty();
      }
      return Optional.of(cache.get(depth.toString(), (long) k.width() * k.height() * 4, () -> {
        DepthImage d = ImageFiles.readDepth(depth, metresPerUnit);
        checkSize(depth, d.width(), d.height(), depthFactor);
        DepthImage full = ImageFiles.resizeNearest(d, depthFactor);
        return undistortion == null ? full : undistortion.depth(full);
      }));
    }

    @Override
    public Optional<LabelImage> groundTruth() throws IOException {
      if (gt == null) {
        return Optional.empty();
      }
      return Optional.of(cache.get(gt.toString(), (long) k.width() * k.height() * 2, () -> {
        int[] size = new int[2];
        int[] raw = ImageFiles.readChannel(gt, size);
        checkSize(gt, size[0], size[1], 1);
        short[] l = new short[raw.length];
        for (int i = 0; i < raw.length; i++) {
          int id = mapping.map(raw[i]);
          if (id == Integer.MIN_VALUE) {
            throw new InvalidSceneException(gt, "label value " + raw[i] + " was not seen when the classes were listed");
          }
          l[i] = (short) id;
        }
        return new LabelImage(size[0], size[1], l);
      }));
    }

    @Override
    public Optional<LabelImage> scribbles() {
      return Optional.empty();
    }

    private void checkSize(Path p, int w, int h, int factor) throws InvalidSceneException {
      if (w * factor != k.width() || h * factor != k.height()) {
        throw new InvalidSceneException(p, "expected " + k.width() / factor + "x" + k.height() / factor
            + " like the other images of this frame, found " + w + "x" + h);
      }
    }

    @Override
    public String toString() {
      return "Frame[" + index + " '" + name + "' from " + rgb.getFileName() + "]";
    }
  }

  /** Frame name in the written scene for position {@code i}. */
  static String frameName(int i) {
    return SceneLayout.frameName(i);
  }
}
