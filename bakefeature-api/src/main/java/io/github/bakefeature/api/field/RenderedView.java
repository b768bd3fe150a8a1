package io.github.bakefeature.api.field;

import io.github.bakefeature.api.scene.LabelImage;

/**
 * The outputs of rendering one camera view. Arrays are row-major with channels interleaved; an
 * output that was not requested is {@code null}. Confidence is the softmax probability of the
 * predicted class, in [0, 1]; it is 0 exactly where the pixel's ray hit nothing (its class is then
 * 0 and means nothing). {@code step} is the training step of the model that rendered it.
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

  /** The class map as a label image, or null if classes were not requested. */
  public LabelImage classMap() {
    return classes == null ? null : new LabelImage(width, height, classes);
  }
}
