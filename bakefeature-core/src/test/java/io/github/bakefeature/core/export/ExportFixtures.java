package io.github.bakefeature.core.export;

import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.field.RenderedView;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.api.scene.Scene;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;

/** View sources for export tests that need no trained model. */
final class ExportFixtures {
  private ExportFixtures() {}

  /**
   * A perfect model: renders each frame's ground-truth depth, colour and classes (confidence 0.9,
   * 0 where there is no depth), at the frame's own resolution only.
   */
  static ViewSource oracle(Scene scene) {
    return (frame, camera, outputs) -> {
      Frame f = scene.frame(frame);
      if (!camera.equals(f.intrinsics())) {
        throw new IllegalArgumentException("the oracle renders frames at their own resolution only");
      }
      try {
        RgbImage rgb = f.rgb();
        DepthImage d = f.depth().orElseThrow();
        LabelImage gt = f.groundTruth().orElseThrow();
        int n = camera.width() * camera.height();
        float[] colour = new float[3 * n];
        for (int i = 0; i < 3 * n; i++) {
          colour[i] = (rgb.pixels()[i] & 0xff) / 255f;
        }
        float[] conf = new float[n];
        short[] cls = gt.labels().clone();
        for (int i = 0; i < n; i++) {
          boolean hit = d.metres()[i] > 0;
          conf[i] = hit ? 0.9f : 0f;
          if (!hit || cls[i] < 0) {
            cls[i] = 0;
            conf[i] = 0f;
          }
        }
        return new RenderedView(camera.width(), camera.height(), outputs.contains(RenderOutput.COLOUR) ? colour : null,
            outputs.contains(RenderOutput.DEPTH) ? d.metres().clone() : null, null, 0,
            outputs.contains(RenderOutput.CLASSES) ? cls : null, outputs.contains(RenderOutput.CLASSES) ? conf : null, 0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  /** A view source that renders a fixed class map and confidence for every frame. */
  static ViewSource constant(short[] classes, float[] confidence) {
    return (frame, camera, outputs) -> new RenderedView(camera.width(), camera.height(), null, null, null, 0,
        classes.clone(), confidence.clone(), 0);
  }

  static Set<RenderOutput> all() {
    return Set.of(RenderOutput.values());
  }

  static CameraIntrinsics camera(int w, int h) {
    return CameraIntrinsics.fromHorizontalFov(w, h, 60);
  }
}
