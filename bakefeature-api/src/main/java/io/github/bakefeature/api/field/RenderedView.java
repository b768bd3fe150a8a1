package io.github.bakefeature.api.field;

import io.github.bakefeature.api.scene.LabelImage;

/**
 * The outputs of rendering one camera view. Arrays are row-major with channels interleaved; an
 * output that was not requested is {@code null}, and so are {@code features} (with
 * {@code featureDimension} 0) from a model without a feature head (the {@code snerf-*} baselines).
 * Confidence is the softmax probability of the
 * predicted class, in [0, 1]; it is 0 exactly where the pixel's ray hit nothing (its class is then
 * 0 and means nothing) or where the pixel has no class ({@link LabelImage#UNLABELLED}, see
 * {@link #withClassesBelow}). {@code step} is the training step of the model that rendered it.
 */
public record RenderedView(
    int width,
    int height,
    float[] colour,
    float[] depth,
    float[] features,
    int featureDimension,
    short[] classes,
    float[] confidence,
    long step) {

  /**
   * This view with every class id at or above {@code classCount} made {@link LabelImage#UNLABELLED}
   * with confidence 0: for a model with more outputs than the caller has classes (a label session
   * keeps at least two, so that confidence means something with one class). This view itself if
   * no id is that large or classes were not rendered; otherwise a shallow copy with new class and
   * confidence arrays (colour, depth and features are shared), this view unchanged.
   *
   * @throws IllegalArgumentException if {@code classCount} is negative
   */
  public RenderedView withClassesBelow(int classCount) {
    if (classCount < 0) {
      throw new IllegalArgumentException("class count must be >= 0, found " + classCount);
    }
    if (classes == null) {
      return this;
    }
    short[] ids = null;
    float[] conf = null;
    for (int i = 0; i < classes.length; i++) {
      if (classes[i] >= classCount) {
        if (ids == null) {
          ids = classes.clone();
          conf = confidence == null ? null : confidence.clone();
        }
        ids[i] = LabelImage.UNLABELLED;
        if (conf != null) {
          conf[i] = 0f;
        }
      }
    }
    return ids == null ? this
        : new RenderedView(width, height, colour, depth, features, featureDimension, ids, conf, step);
  }

  /** The class map as a label image, or null if classes were not requested. */
  public LabelImage classMap() {
    return classes == null ? null : new LabelImage(width, height, classes);
  }
}
