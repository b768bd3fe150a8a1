package io.github.bakefeature.core.export;

import io.github.bakefeature.api.field.FieldModel;
import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.field.RenderedView;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.api.session.LabelSession;
import io.github.bakefeature.core.features.ProgressListener;
import io.github.bakefeature.core.session.DefaultLabelSession;
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

  /** Frames of {@code scene} rendered by {@code model}. */
  static ViewSource of(FieldModel model, Scene scene) {
    return (frame, camera, outputs) -> model.render(camera, scene.frame(frame).pose(), outputs);
  }

  /**
   * Frames of the session's scene rendered by its current model. The library's own session renders
   * any camera; other implementations only render a frame at its own resolution.
   */
  static ViewSource of(LabelSession session) {
    if (session instanceof DefaultLabelSession d) {
      return (frame, camera, outputs) -> d.model().render(camera, d.scene().frame(frame).pose(), outputs);
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
}
