package io.github.bakefeature.core.eval;

import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.field.RenderedView;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.export.ViewSource;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;

/**
 * Mean IoU, per-class IoU and pixel accuracy of a model's dense predictions against a scene's
 * reference labels ({@link GroundTruth}), accumulated over frames into one confusion matrix
 * ({@link SegmentationMetrics}). Predictions are requested through the frames' own cameras (a
 * {@link ViewSource#upsampledClasses} source renders them smaller and brings them back to that size).
 *
 * @param source {@link GroundTruth#kind()}
 * @param frames frames evaluated
 * @param pixels reference pixels counted (ignored pixels excluded)
 * @param perClassIou IoU by class id, NaN for classes in neither reference nor prediction
 * @param classNames names by class id (the scene's current ones, {@link io.github.bakefeature.core.export.ExportClasses#fromScene},
 *     padded with {@code class k})
 */
public record SegmentationEvaluation(String source, int[] frames, long pixels, double miou, double pixelAccuracy,
                                     double[] perClassIou, List<String> classNames) {

  /**
   * Evaluates {@code frames} (null = every frame with a reference) of {@code scene}.
   *
   * @param classCount classes the model predicts
   * @throws IllegalArgumentException if a requested frame has no reference
   */
  public static SegmentationEvaluation of(ViewSource views, int classCount, Scene scene, GroundTruth truth,
                                          int[] frames) throws IOException {
    int[] available = truth.frames();
    int[] use = frames == null ? available : frames;
    if (use.length == 0) {
      throw new IllegalArgumentException("no frames to evaluate: the " + truth.kind() + " reference covers "
          + available.length + " frames and none was selected");
    }
    java.util.Arrays.sort(available);
    for (int f : use) {
      if (java.util.Arrays.binarySearch(available, f) < 0) {
        throw new IllegalArgumentException("frame " + f + " has no " + truth.kind() + " reference; frames with one: "
            + java.util.Arrays.toString(available));
      }
    }
    // Read every reference before the first render: a bad labelme file (an unknown label, broken
    // JSON) must fail in a second, not after minutes of rendering. They are read again below,
    // one at a time, so memory stays one frame's worth.
    for (int f : use) {
      truth.truth(f);
    }
    int c = Math.max(1, Math.max(classCount, scene.classNames().size()));
    SegmentationMetrics m = new SegmentationMetrics(c);
    for (int f : use) {
      LabelImage gt = truth.truth(f);
      RenderedView v;
      try {
        v = views.render(f, scene.frame(f).intrinsics(), EnumSet.of(RenderOutput.CLASSES));
      } catch (java.io.UncheckedIOException e) {
        throw e.getCause(); // e.g. the colour image an upsampling source reads
      }
      m.add(v.classMap(), gt);
    }
    // Current names: a label session may have added or renamed classes since the scene was opened.
    List<String> names = io.github.bakefeature.core.export.ExportClasses.fromScene(scene, c).stream()
        .limit(c).map(io.github.bakefeature.api.annotation.SemanticClass::name).toList();
    return new SegmentationEvaluation(truth.kind(), use.clone(), m.pixels(), m.meanIou(), m.pixelAccuracy(),
        m.perClassIou(), names);
  }
}
