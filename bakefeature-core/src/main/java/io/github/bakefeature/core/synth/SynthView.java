package io.github.bakefeature.core.synth;

import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.RgbImage;

/**
 * One rendered view with its full ground truth: colour, exact z-depth (metres; 0 where the ray
 * hits nothing), classes, and per pixel the instance id ({@link SceneObject#instanceId()}, -1 =
 * none) and surface id ({@link Hit#surfaceId()}, -1 = none). Arrays are row-major and owned by
 * the view; do not mutate them.
 */
public record SynthView(CameraIntrinsics intrinsics, Pose pose, RgbImage rgb, DepthImage depth, LabelImage labels,
                        short[] instances, int[] surfaces) {

  /** Instance id of pixel (x, y), or -1. */
  public int instance(int x, int y) {
    return instances[y * intrinsics.width() + x];
  }

  /** Surface id of pixel (x, y), or -1. */
  public int surface(int x, int y) {
    return surfaces[y * intrinsics.width() + x];
  }
}
