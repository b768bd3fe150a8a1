package io.github.bakefeature.core.losses;

import ai.djl.ndarray.NDArray;
import io.github.bakefeature.core.djl.DjlRuntime;

/**
 * The training objectives of the paper (eq. 8-12) on rendered ray batches. Each returns a scalar
 * already averaged as documented; weights are applied by the caller.
 */
public final class Losses {
  private Losses() {}

  /** Photometric loss (eq. 8): mean squared error over rays and channels. */
  public static NDArray rgb(NDArray rendered, NDArray target) {
    return rendered.sub(target).square().mean();
  }

  /**
   * Depth loss (eq. 9): mean absolute error over rays with a measurement ({@code mask} 1) in
   * metres; rays without depth contribute nothing.
   */
  public static NDArray depth(NDArray rendered, NDArray target, NDArray mask, int validCount) {
    return rendered.sub(target).abs().mul(mask).sum().div(count(rendered, validCount));
  }

  /**
   * Semantic loss (eq. 10): softmax cross-entropy of rendered logits {@code [R, C]} against
   * one-hot targets {@code [R, C]} (all-zero rows for unlabelled rays), averaged over labelled rays.
   */
  public static NDArray semantic(NDArray logits, NDArray oneHot, int labelledCount) {
    return logits.logSoftmax(1).mul(oneHot).sum().neg().div(count(logits, labelledCount));
  }

  /** Feature loss (eq. 11): L1 distance, averaged over rays and feature channels. */
  public static NDArray feature(NDArray rendered, NDArray target) {
    return rendered.sub(target).abs().mean();
  }

  /**
   * Free-space loss: the compositing weight rays put on samples {@code outside [R, S]} (1 where a
   * sample lies outside the band around the ray's measured depth), averaged over the
   * {@code validCount} rays with depth. Zero when every ray's light ends within the band.
   */
  public static NDArray freeSpace(NDArray weights, NDArray outside, int validCount) {
    return weights.mul(outside).sum().div(count(weights, validCount));
  }

  /** {@code max(1, n)} as a scalar that outlives the backward pass (see {@link DjlRuntime#scalar}). */
  private static NDArray count(NDArray like, int n) {
    return DjlRuntime.scalar(like.getManager(), Math.max(1, n));
  }
}
