package io.github.bakefeature.api.session;

import java.util.Map;

/**
 * A snapshot of the background training: the step count, the latest weighted loss terms
 * ({@code "rgb"}, {@code "depth"}, {@code "semantic"}, {@code "feature"}, {@code "free_space"}:
 * light stopped outside the band around the measured depth, and {@code "total"}; an
 * implementation may report more), throughput, seconds since the last annotation change, and
 * whether training is paused.
 */
public record TrainingProgress(
    long step,
    Map<String, Double> losses,
    double stepsPerSecond,
    double secondsSinceLastAnnotation,
    boolean paused,
    long annotatedPixels) {

  public TrainingProgress {
    losses = Map.copyOf(losses);
  }
}
