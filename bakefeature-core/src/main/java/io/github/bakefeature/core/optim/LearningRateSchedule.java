package io.github.bakefeature.core.optim;

import java.util.Arrays;

/**
 * Learning rate as a function of the training step (0-based: the rate used for the step that
 * makes the {@code step + 1}-th update). Implementations are immutable and thread-safe.
 */
@FunctionalInterface
public interface LearningRateSchedule {

  /** The learning rate for {@code step >= 0}. */
  float learningRate(long step);

  /** The same rate at every step. */
  static LearningRateSchedule constant(float learningRate) {
    checkRate("learning rate", learningRate);
    return step -> learningRate;
  }

  /**
   * Step decay: {@code initial * factor^k} where {@code k} is the number of milestones
   * {@code floor(fraction * totalSteps)} that are {@code <= step}. The paper's code multiplies
   * by 0.33 at fixed fractions of the run, e.g. {@code stepDecay(5e-3f, 10_000, 0.33f, 0.5, 0.75, 0.9)}.
   *
   * @param fractions milestones as fractions of {@code totalSteps}, each in (0, 1], ascending
   */
  static LearningRateSchedule stepDecay(float initial, long totalSteps, float factor, double... fractions) {
    checkRate("initial learning rate", initial);
    if (totalSteps < 1) {
      throw new IllegalArgumentException("total steps must be >= 1, got " + totalSteps);
    }
    if (!(factor > 0) || Float.isInfinite(factor)) {
      throw new IllegalArgumentException("decay factor must be finite and > 0, got " + factor);
    }
    long[] milestones = new long[fractions.length];
    for (int i = 0; i < fractions.length; i++) {
      double f = fractions[i];
      if (!(f > 0 && f <= 1) || (i > 0 && f < fractions[i - 1])) {
        throw new IllegalArgumentException("milestone fractions must be ascending in (0, 1], got "
            + Arrays.toString(fractions));
      }
      milestones[i] = (long) Math.floor(f * totalSteps);
    }
    return step -> {
      float lr = initial;
      for (long m : milestones) {
        if (step >= m) {
          lr *= factor;
        }
      }
      return lr;
    };
  }

  /**
   * Exponential decay from {@code initial} at step 0 to {@code last} at {@code totalSteps},
   * geometric in between ({@code initial * (last / initial)^(step / totalSteps)}), constant
   * {@code last} afterwards (nerfstudio's ExponentialDecayScheduler without warm-up).
   */
  static LearningRateSchedule exponential(float initial, float last, long totalSteps) {
    checkRate("initial learning rate", initial);
    checkRate("final learning rate", last);
    if (totalSteps < 1) {
      throw new IllegalArgumentException("total steps must be >= 1, got " + totalSteps);
    }
    double logRatio = Math.log((double) last / initial);
    return step -> {
      double t = Math.min(1.0, Math.max(0.0, (double) step / totalSteps));
      return (float) (initial * Math.exp(logRatio * t));
    };
  }

  private static void checkRate(String what, float rate) {
    if (!(rate > 0) || Float.isInfinite(rate)) {
      throw new IllegalArgumentException(what + " must be finite and > 0, got " + rate);
    }
  }
}
