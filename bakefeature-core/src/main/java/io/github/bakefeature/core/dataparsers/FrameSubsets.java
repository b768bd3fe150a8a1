package io.github.bakefeature.core.dataparsers;

import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.scene.FileBackedFrame;
import io.github.bakefeature.core.scene.SceneBounds;
import io.github.bakefeature.core.scene.SceneLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Thins an imported sequence: 30 Hz captures hold far more, and far more alike, frames than
 * labelling or fitting needs. To import a thinned sequence use
 * {@link SceneImporter#read(Path, int)}, which never decodes the frames left out; this thins a
 * scene already read.
 */
public final class FrameSubsets {
  private FrameSubsets() {}

  /**
   * Frames 0, n, 2n, ... of {@code scene}, renumbered 0, 1, 2, ... (index and name), with bounds
   * computed from the kept frames (decoding their depth once). Images still decode lazily through
   * the source frames; a frame's colour file, if it has one, is still copied byte for byte by
   * {@link io.github.bakefeature.core.scene.SceneWriter}. {@code n = 1} returns {@code scene}.
   *
   * @throws IllegalArgumentException if {@code n < 1}
   */
  public static Scene everyNth(Scene scene, int n) throws IOException {
    checkEvery(n);
    if (n == 1) {
      return scene;
    }
    List<Frame> kept = new ArrayList<>();
    for (int i = 0; i < scene.size(); i += n) {
      kept.add(new Renumbered(kept.size(), scene.frame(i)));
    }
    return new Subset(scene, Collections.unmodifiableList(kept), SceneBounds.fromFrames(kept));
  }

  /** Positions 0, n, 2n, ... below {@code size}: the frames an importer keeps with every = n. */
  static List<Integer> positions(int size, int n) {
    checkEvery(n);
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < size; i += n) {
      out.add(i);
    }
    return out;
  }

  static void checkEvery(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("every must be a positive number of frames, found " + n);
    }
  }

  private record Subset(Scene source, List<Frame> frames, Aabb bounds) implements Scene {
    @Override
    public Optional<Path> directory() {
      return source.directory();
    }

    @Override
    public List<String> classNames() {
      return source.classNames();
    }

    @Override
    public boolean hasGroundTruth() {
      // The importers give ground truth to every frame or to none.
      return source.hasGroundTruth();
    }
  }

  /** A source frame under a new index and name. */
  private static final class Renumbered implements FileBackedFrame {
    private final int index;
    private final Frame source;

    Renumbered(int index, Frame source) {
      this.index = index;
      this.source = source;
    }

    @Override
    public int index() {
      return index;
    }

    @Override
    public String name() {
      return SceneLayout.frameName(index);
    }

    @Override
    public CameraIntrinsics intrinsics() {
      return source.intrinsics();
    }

    @Override
    public Pose pose() {
      return source.pose();
    }

    @Override
    public Optional<Path> rgbFile() {
      return source instanceof FileBackedFrame fb ? fb.rgbFile() : Optional.empty();
    }

    @Override
    public Optional<Path> sourceFile() {
      return source instanceof FileBackedFrame fb ? fb.sourceFile() : Optional.empty();
    }

    @Override
    public RgbImage rgb() throws IOException {
      return source.rgb();
    }

    @Override
    public boolean hasDepth() {
      return source.hasDepth();
    }

    @Override
    public Optional<DepthImage> depth() throws IOException {
      return source.depth();
    }

    @Override
    public Optional<LabelImage> groundTruth() throws IOException {
      return source.groundTruth();
    }

    @Override
    public Optional<LabelImage> scribbles() throws IOException {
      return source.scribbles();
    }

    @Override
    public String toString() {
      return "Frame[" + index + " from " + source + "]";
    }
  }
}
