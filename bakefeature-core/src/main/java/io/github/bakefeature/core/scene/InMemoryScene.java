package io.github.bakefeature.core.scene;

import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.api.scene.Scene;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A scene whose images are all in memory: synthetic scenes before they are written, test
 * fixtures, or scenes assembled by a user's own tool. Build with {@link #builder()}.
 */
public final class InMemoryScene implements Scene {
  private final List<Frame> frames;
  private final Aabb bounds;
  private final List<String> classNames;
  private final Path directory;

  private InMemoryScene(List<Frame> frames, Aabb bounds, List<String> classNames, Path directory) {
    this.frames = Collections.unmodifiableList(frames);
    this.bounds = bounds;
    this.classNames = List.copyOf(classNames);
    this.directory = directory;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Optional<Path> directory() {
    return Optional.ofNullable(directory);
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
    for (Frame f : frames) {
      if (((MemoryFrame) f).gt != null) {
        return true;
      }
    }
    return false;
  }

  /** A frame held in memory. */
  record MemoryFrame(int index, String name, CameraIntrinsics intrinsics, Pose pose, RgbImage rgbImage,
                     DepthImage depthImage, LabelImage gt, LabelImage scribbleImage) implements Frame {
    @Override
    public RgbImage rgb() {
      return rgbImage;
    }

    @Override
    public boolean hasDepth() {
      return depthImage != null;
    }

    @Override
    public Optional<DepthImage> depth() {
      return Optional.ofNullable(depthImage);
    }

    @Override
    public Optional<LabelImage> groundTruth() {
      return Optional.ofNullable(gt);
    }

    @Override
    public Optional<LabelImage> scribbles() {
      return Optional.ofNullable(scribbleImage);
    }
  }

  /** Collects frames; {@link #build()} validates sizes. */
  public static final class Builder {
    private final List<Frame> frames = new ArrayList<>();
    private Aabb bounds;
    private List<String> classNames = List.of();
    private Path directory;

    /** Adds a frame; depth, ground truth and scribbles may be null. */
    public Builder addFrame(CameraIntrinsics k, Pose pose, RgbImage rgb, DepthImage depth,
                            LabelImage groundTruth, LabelImage scribbles) {
      Objects.requireNonNull(k, "intrinsics");
      Objects.requireNonNull(pose, "pose");
      Objects.requireNonNull(rgb, "rgb");
      int i = frames.size();
      checkSize("rgb", i, rgb.width(), rgb.height(), k);
      if (depth != null) {
        checkSize("depth", i, depth.width(), depth.height(), k);
      }
      if (groundTruth != null) {
        checkSize("ground truth", i, groundTruth.width(), groundTruth.height(), k);
      }
      if (scribbles != null) {
        checkSize("scribbles", i, scribbles.width(), scribbles.height(), k);
      }
      frames.add(new MemoryFrame(i, SceneLayout.frameName(i), k, pose, rgb, depth, groundTruth, scribbles));
      return this;
    }

    private static void checkSize(String what, int i, int w, int h, CameraIntrinsics k) {
      if (w != k.width() || h != k.height()) {
        throw new IllegalArgumentException("frame " + i + ": " + what + " is " + w + "x" + h
            + " but the camera is " + k.width() + "x" + k.height());
      }
    }

    public Builder optBounds(Aabb b) {
      this.bounds = b;
      return this;
    }

    public Builder optClassNames(List<String> names) {
      this.classNames = List.copyOf(Objects.requireNonNull(names, "class names"));
      return this;
    }

    public Builder optDirectory(Path dir) {
      this.directory = dir;
      return this;
    }

    /**
     * @throws IllegalArgumentException if there are no frames, sizes differ, a label is not below
     *     the number of class names given, or no bounds were given and none can be computed. Labels
     *     without class names get names {@code "class k"} for every id up to the largest (as a
     *     scene folder's {@code n_classes} without names does).
     */
    public InMemoryScene build() {
      if (frames.isEmpty()) {
        throw new IllegalArgumentException("a scene needs at least one frame, found none");
      }
      int w = frames.get(0).intrinsics().width();
      int h = frames.get(0).intrinsics().height();
      for (Frame f : frames) {
        if (f.intrinsics().width() != w || f.intrinsics().height() != h) {
          throw new IllegalArgumentException("all frames must have the same size: frame 0 is " + w + "x"
              + h + ", frame " + f.index() + " is " + f.intrinsics().width() + "x" + f.intrinsics().height());
        }
      }
      List<String> names = classNames;
      int maxLabel = -1;
      for (Frame f : frames) {
        for (String kind : new String[] {"ground truth", "scribbles"}) {
          int m;
          try {
            m = (kind.equals("scribbles") ? f.scribbles() : f.groundTruth()).map(LabelImage::maxLabel).orElse(-1);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // in-memory frames never do I/O
          }
          if (!classNames.isEmpty() && m >= classNames.size()) {
            throw new IllegalArgumentException("frame " + f.index() + ": " + kind + " hold class id " + m
                + ", but the scene names " + classNames.size() + " classes; expected ids below " + classNames.size()
                + " (or unlabelled)");
          }
          maxLabel = Math.max(maxLabel, m);
        }
      }
      if (names.isEmpty() && maxLabel >= 0) {
        List<String> generated = new ArrayList<>();
        for (int c = 0; c <= maxLabel; c++) {
          generated.add("class " + c);
        }
        names = List.copyOf(generated);
      }
      Aabb b;
      try {
        b = bounds != null ? bounds : SceneBounds.fromFrames(frames);
      } catch (java.io.IOException e) {
        // In-memory frames never do I/O.
        throw new java.io.UncheckedIOException(e);
      }
      return new InMemoryScene(new ArrayList<>(frames), b, names, directory);
    }
  }
}
