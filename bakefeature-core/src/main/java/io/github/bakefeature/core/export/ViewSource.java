package io.github.bakefeature.core.export;

import io.github.bakefeature.api.field.FieldModel;
import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.field.RenderedView;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.api.session.LabelSession;
import io.github.bakefeature.core.features.ProgressListener;
import io.github.bakefeature.core.pipelines.SemanticFieldModel;
import io.github.bakefeature.core.session.DefaultLabelSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Renders scene frames with some model: a fitted {@link FieldModel} or a live {@link LabelSession}.
 * The camera may be the frame's own or a resized copy of it ({@link CameraIntrinsics#resized}); the
 * pose is always the frame's.
 */
@FunctionalInterface
public interface ViewSource {

  /** Renders scene frame {@code frame} through {@code camera} (metres, OpenCV axes). */
  RenderedView render(int frame, CameraIntrinsics camera, Set<RenderOutput> outputs);

  /**
   * Frames of {@code scene} rendered by {@code model}. The library's own model samples around a
   * frame's measured depth, as a label session segments it ({@link SemanticFieldModel#renderFrame});
   * another model renders the frame's pose.
   */
  static ViewSource of(FieldModel model, Scene scene) {
    if (model instanceof SemanticFieldModel m) {
      return (frame, camera, outputs) -> m.renderFrame(scene.frame(frame), camera, outputs);
    }
    return (frame, camera, outputs) -> model.render(camera, scene.frame(frame).pose(), outputs);
  }

  /**
   * Frames of the session's scene rendered by its current model, as the session renders them. The
   * library's own session renders any camera ({@link DefaultLabelSession#render(int,
   * CameraIntrinsics, Set)}); other implementations only render a frame at its own resolution.
   */
  static ViewSource of(LabelSession session) {
    if (session instanceof DefaultLabelSession d) {
      return d::render;
    }
    return (frame, camera, outputs) -> {
      CameraIntrinsics own = session.scene().frame(frame).intrinsics();
      if (!own.equals(camera)) {
        throw new IllegalArgumentException("this label session (" + session.getClass().getSimpleName()
            + ") renders frames only at their own resolution " + own.width() + "x" + own.height()
            + ", found a request for " + camera.width() + "x" + camera.height());
      }
      return session.render(frame, outputs);
    };
  }

  /**
   * {@code views}, reporting {@code stage} to {@code progress}: 0 of {@code total} at once, then one
   * more after each render. An export's or an evaluation's time is its renders (seconds per
   * full-size frame on a CPU), so this is their progress.
   */
  static ViewSource withProgress(ViewSource views, String stage, int total, ProgressListener progress) {
    java.util.Objects.requireNonNull(views, "views");
    java.util.Objects.requireNonNull(stage, "stage");
    java.util.Objects.requireNonNull(progress, "progress");
    AtomicLong done = new AtomicLong();
    progress.progress(stage, 0, total);
    return (frame, camera, outputs) -> {
      RenderedView v = views.render(frame, camera, outputs);
      progress.progress(stage, done.incrementAndGet(), total);
      return v;
    };
  }

  /**
   * {@code views} rendering class maps at {@code scale} of the frame's size and bringing them back
   * to it by {@link LabelUpsampler#jointBilateral}, guided by the frame's colour image: a render at
   * scale S costs about S² of a full one. Samples with confidence at most {@code minConfidence}
   * (always those whose ray hit nothing) vote as unknown; a pixel that only unknown samples voted
   * for comes back as class 0 with confidence 0, as a ray that hit nothing renders. The views it
   * returns render {@link RenderOutput#CLASSES} alone, through the frame's own camera.
   *
   * @param scale in (0, 1]; 1 returns {@code views} itself
   * @throws IllegalArgumentException (from the returned views) for another request, or for a frame
   *     whose colour image is not its camera's size
   * @throws UncheckedIOException (from the returned views) if the frame's colour image cannot be read
   */
  static ViewSource upsampledClasses(ViewSource views, Scene scene, double scale, float minConfidence) {
    java.util.Objects.requireNonNull(views, "views");
    java.util.Objects.requireNonNull(scene, "scene");
    if (!(scale > 0 && scale <= 1)) {
      throw new IllegalArgumentException("render scale must be in (0, 1], found " + scale);
    }
    if (scale == 1) {
      return views;
    }
    return (frame, camera, outputs) -> {
      var f = scene.frame(frame);
      CameraIntrinsics own = f.intrinsics();
      if (!outputs.equals(EnumSet.of(RenderOutput.CLASSES)) || camera.width() != own.width()
          || camera.height() != own.height()) {
        throw new IllegalArgumentException("upsampled renders give class maps at the frame's size: expected CLASSES"
            + " at " + own.width() + "x" + own.height() + ", found " + outputs + " at " + camera.width() + "x"
            + camera.height());
      }
      RgbImage rgb;
      try {
        rgb = f.rgb();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (rgb.width() != own.width() || rgb.height() != own.height()) {
        throw new IllegalArgumentException("frame " + f.name() + ": expected an RGB image of the camera's "
            + own.width() + "x" + own.height() + ", found " + rgb.width() + "x" + rgb.height());
      }
      CameraIntrinsics small = camera.scaled(scale);
      if (small.width() == own.width() && small.height() == own.height()) {
        return views.render(frame, camera, outputs); // a scale that rounds to the full size: the full render
      }
      RenderedView low = views.render(frame, small, outputs);
      short[] votes = LabelUpsampler.unknownAtOrBelow(low.classes(), low.confidence(), minConfidence);
      LabelUpsampler.Result up = LabelUpsampler.jointBilateral(votes, low.confidence(), low.width(), low.height(), rgb);
      short[] classes = up.labels();
      float[] confidence = up.confidence();
      for (int i = 0; i < classes.length; i++) {
        if (classes[i] == LabelImage.UNLABELLED) {
          classes[i] = 0;
          confidence[i] = 0f;
        }
      }
      return new RenderedView(own.width(), own.height(), null, null, null, 0, classes, confidence, low.step());
    };
  }
}
