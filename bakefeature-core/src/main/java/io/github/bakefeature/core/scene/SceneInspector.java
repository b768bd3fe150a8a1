package io.github.bakefeature.core.scene;

import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.api.scene.Scene;
import java.io.IOException;
import java.util.Optional;

/**
 * Full validation of a scene: decodes every image of every frame (so truncated or corrupt files
 * are found, not just bad headers), checks that it matches the frame's camera and the class
 * count, checks that the poses follow the format's convention against the depth of overlapping
 * frames ({@link PoseCheck}; a warning, never an error), and summarises what it saw. Frames are visited one at a time, so memory stays within the
 * scene's image cache.
 */
public final class SceneInspector {

  /** Called after each frame with (frames done, total frames). */
  @FunctionalInterface
  public interface Progress {
    void frameDone(int done, int total);
  }

  private SceneInspector() {}

  /** Decodes every image of {@code scene}; see {@link #inspect(Scene, Progress)}. */
  public static SceneSummary inspect(Scene scene) throws IOException {
    return inspect(scene, (done, total) -> { });
  }

  /**
   * Decodes every image of {@code scene} and summarises it.
   *
   * @throws InvalidSceneException naming the first file that cannot be decoded or does not fit
   */
  public static SceneSummary inspect(Scene scene, Progress progress) throws IOException {
    int n = scene.size();
    int classes = scene.classNames().size();
    int depthFrames = 0;
    double coverageSum = 0;
    int gtFrames = 0;
    int annotated = 0;
    long scribblePixels = 0;
    for (int i = 0; i < n; i++) {
      FrameStats st = checkFrame(scene.frame(i), classes);
      if (st.depthCoverage() >= 0) {
        depthFrames++;
        coverageSum += st.depthCoverage();
      }
      gtFrames += st.groundTruth() ? 1 : 0;
      scribblePixels += st.scribblePixels();
      annotated += st.scribblePixels() > 0 ? 1 : 0;
      progress.frameDone(i + 1, n);
    }
    SceneFolder folder = scene instanceof SceneFolder sf ? sf : null;
    boolean computed = folder != null && folder.boundsComputed();
    String source = folder == null ? "provided" : folder.boundsSource().label();
    String warning = folder == null ? null : folder.boundsWarning().orElse(null);
    return new SceneSummary(n, scene.width(), scene.height(), scene.classNames(), scene.bounds(), computed,
        source, warning,
        depthFrames, depthFrames == 0 ? 0 : coverageSum / depthFrames, gtFrames, annotated, scribblePixels,
        depthFrames == 0 ? PoseCheck.unchecked("the scene has no depth") : PoseCheck.check(scene));
  }

  /**
   * Decodes and checks every image of {@code scene} as {@link #inspect} does, on all cores and
   * without the summary: what commands run before long work (features, training), so a truncated
   * depth or label file fails in seconds rather than after it.
   *
   * @throws InvalidSceneException naming the file of the lowest-numbered frame that fails
   */
  public static void decodeAll(Scene scene) throws IOException {
    int classes = scene.classNames().size();
    IOException[] failures = new IOException[scene.size()];
    java.util.stream.IntStream.range(0, scene.size()).parallel().forEach(i -> {
      try {
        checkFrame(scene.frame(i), classes);
      } catch (IOException e) {
        failures[i] = e;
      }
    });
    for (IOException e : failures) {
      if (e != null) {
        throw e;
      }
    }
  }

  /** @param depthCoverage fraction of valid depth pixels, -1 without depth */
  private record FrameStats(double depthCoverage, boolean groundTruth, long scribblePixels) {}

  private static FrameStats checkFrame(Frame f, int classes) throws IOException {
    int w = f.intrinsics().width();
    int h = f.intrinsics().height();
    RgbImage rgb = f.rgb();
    check(f, "colour image", rgb.width(), rgb.height(), w, h);
    Optional<DepthImage> depth = f.depth();
    double coverage = -1;
    if (depth.isPresent()) {
      check(f, "depth", depth.get().width(), depth.get().height(), w, h);
      coverage = depth.get().coverage();
    }
    Optional<LabelImage> gt = f.groundTruth();
    if (gt.isPresent()) {
      check(f, "ground truth", gt.get().width(), gt.get().height(), w, h);
      checkClasses(f, "ground truth", gt.get(), classes);
    }
    long labelled = 0;
    Optional<LabelImage> scribbles = f.scribbles();
    if (scribbles.isPresent()) {
      check(f, "scribbles", scribbles.get().width(), scribbles.get().height(), w, h);
      checkClasses(f, "scribbles", scribbles.get(), classes);
      labelled = scribbles.get().labelledCount();
    }
    return new FrameStats(coverage, gt.isPresent(), labelled);
  }

  private static void check(Frame f, String what, int w, int h, int ew, int eh) throws InvalidSceneException {
    if (w != ew || h != eh) {
      throw new InvalidSceneException(where(f), what + " is " + w + "x" + h + ", expected " + ew + "x" + eh);
    }
  }

  private static void checkClasses(Frame f, String what, LabelImage l, int classes) throws InvalidSceneException {
    int max = l.maxLabel();
    if (max >= 0 && max >= classes) {
      throw new InvalidSceneException(where(f), what + " use class " + max + " but the scene has "
          + classes + " classes");
    }
  }

  private static java.nio.file.Path where(Frame f) {
    if (f instanceof FileBackedFrame fb && fb.rgbFile().isPresent()) {
      return fb.rgbFile().get();
    }
    return java.nio.file.Path.of("frame " + f.name());
  }
}
