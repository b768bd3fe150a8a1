package io.github.bakefeature.core.pipelines;

import io.github.bakefeature.api.field.FieldModel;
import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.field.RenderedView;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.eval.ImageMetrics;
import io.github.bakefeature.core.eval.SegmentationMetrics;
import io.github.bakefeature.core.features.ProgressListener;
import java.io.IOException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;

/**
 * Quality of a model on a set of frames (usually held out): mean PSNR of colour, mean and median
 * absolute z-depth error over pixels with measured depth, and — when the scene has dense ground
 * truth — mean IoU, per-class IoU and pixel accuracy.
 */
public record Evaluation(int frames, double psnr, double depthMae, double depthMedianAbsError,
                         double miou, double[] perClassIou, double pixelAccuracy) {
  /** The stage an evaluation reports to its {@link ProgressListener}: one unit per frame. */
  public static final String PROGRESS_STAGE = "evaluate";

  /** Renders {@code frameIndices} of {@code scene} as novel views (no depth input) and measures them. */
  public static Evaluation of(FieldModel model, Scene scene, int[] frameIndices) throws IOException {
    return of(model, scene, frameIndices, false);
  }

  /**
   * Renders {@code frameIndices} of {@code scene} and measures them. With {@code measuredDepth},
   * frames are rendered the way a label session segments them, sampling around each frame's
   * measured depth (then the depth error only says how well the field agrees with that depth).
   */
  public static Evaluation of(FieldModel model, Scene scene, int[] frameIndices, boolean measuredDepth)
      throws IOException {
    return of(model, scene, frameIndices, measuredDepth, ProgressListener.NONE);
  }

  /**
   * {@link #of(FieldModel, Scene, int[], boolean)}, reporting stage {@link #PROGRESS_STAGE} to
   * {@code progress}: 0 of the frames at once, then one more after each frame is rendered and
   * measured (a full-size render takes seconds on a CPU, so an evaluation of many frames takes minutes).
   */
  public static Evaluation of(FieldModel model, Scene scene, int[] frameIndices, boolean measuredDepth,
                              ProgressListener progress) throws IOException {
    java.util.Objects.requireNonNull(progress, "progress");
    if (frameIndices.length == 0) {
      throw new IllegalArgumentException("expected at least one frame to evaluate, found none");
    }
    progress.progress(PROGRESS_STAGE, 0, frameIndices.length);
    int measured = 0;
    double psnrSum = 0;
    int classes = Math.max(model.classCount(), scene.classNames().size());
    SegmentationMetrics seg = new SegmentationMetrics(Math.max(1, classes));
    boolean anyGt = false;
    float[] errors = new float[0];
    int nErr = 0;
    double errSum = 0;
    for (int fi : frameIndices) {
      Frame f = scene.frame(fi);
      Optional<LabelImage> gt = f.groundTruth();
      EnumSet<RenderOutput> outs = EnumSet.of(RenderOutput.COLOUR, RenderOutput.DEPTH);
      if (gt.isPresent()) {
        outs.add(RenderOutput.CLASSES);
      }
      RenderedView v = measuredDepth && model instanceof SemanticFieldModel sm
          ? sm.renderFrame(f, f.intrinsics(), outs)
          : model.render(f.intrinsics(), f.pose(), outs);
      psnrSum += ImageMetrics.psnr(ImageMetrics.mse(v.colour(), f.rgb()));
      Optional<DepthImage> depth = f.depth();
      if (depth.isPresent()) {
        float[] m = depth.get().metres();
        if (errors.length < nErr + m.length) {
          errors = Arrays.copyOf(errors, Math.max(nErr + m.length, errors.length * 2));
        }
        for (int i = 0; i < m.length; i++) {
          if (m[i] > 0 && Float.isFinite(m[i])) {
            float e = Math.abs(v.depth()[i] - m[i]);
            errors[nErr++] = e;
            errSum += e;
          }
        }
      }
      if (gt.isPresent()) {
        anyGt = true;
        seg.add(v.classMap(), gt.get());
      }
      progress.progress(PROGRESS_STAGE, ++measured, frameIndices.length);
    }
    double median = Double.NaN;
    if (nErr > 0) {
      float[] e = Arrays.copyOf(errors, nErr);
      Arrays.sort(e);
      median = e[nErr / 2];
    }
    return new Evaluation(frameIndices.length, psnrSum / frameIndices.length,
        nErr > 0 ? errSum / nErr : Double.NaN, median,
        anyGt ? seg.meanIou() : Double.NaN, anyGt ? seg.perClassIou() : new double[0],
        anyGt ? seg.pixelAccuracy() : Double.NaN);
  }

  /**
   * Every {@code every}-th frame starting at {@code offset}: the held-out split.
   *
   * @throws IllegalArgumentException unless {@code every >= 1} and {@code 0 <= offset < every}
   */
  public static int[] heldOut(int frames, int every, int offset) {
    checkSplit(every, offset);
    return java.util.stream.IntStream.range(0, frames).filter(i -> i % every == offset).toArray();
  }

  /** The complement of {@link #heldOut}: the training split. */
  public static int[] training(int frames, int every, int offset) {
    checkSplit(every, offset);
    return java.util.stream.IntStream.range(0, frames).filter(i -> i % every != offset).toArray();
  }

  private static void checkSplit(int every, int offset) {
    if (every < 1 || offset < 0 || offset >= every) {
      throw new IllegalArgumentException("expected a hold-out interval >= 1 and an offset in [0, interval), found"
          + " interval " + every + " and offset " + offset);
    }
  }
}
