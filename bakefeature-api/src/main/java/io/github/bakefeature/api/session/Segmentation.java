package io.github.bakefeature.api.session;

import io.github.bakefeature.api.scene.LabelImage;

/**
 * The current dense segmentation of one frame: class ids {@code [H, W]} and the softmax
 * probability of the chosen class {@code [H, W]} in [0, 1], as predicted by the model after
 * {@code step} training steps.
 */
public record Segmentation(int frame, LabelImage classes, float[] confidence, long step) {

  /** Mean confidence over the frame, used to suggest which frame to label next. */
  public double meanConfidence() {
    double s = 0;
    for (float c : confidence) {
      s += c;
    }
    return s / confidence.length;
  }
}
