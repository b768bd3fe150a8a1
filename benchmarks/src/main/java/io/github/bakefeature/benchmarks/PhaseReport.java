package io.github.bakefeature.benchmarks;

import io.github.bakefeature.core.pipelines.FieldTrainer;
import java.util.Locale;

/** Where a trainer's steps spent their time, from its phase timers ({@link FieldTrainer#phaseNanos()}). */
public final class PhaseReport {
  private PhaseReport() {}

  /**
   * {@code "sample 1.4 encode 21.6 ... = 157.0"}: milliseconds per step of every phase between two
   * readings of the timers ({@code before} may be all zeros for "since the trainer was built").
   */
  public static String perStep(long[] before, long[] after, long steps) {
    String[] names = FieldTrainer.phaseNames();
    StringBuilder line = new StringBuilder();
    double total = 0;
    for (int i = 0; i < names.length; i++) {
      double ms = (after[i] - before[i]) / 1e6 / Math.max(1, steps);
      total += ms;
      line.append(String.format(Locale.ROOT, "%s%s %.1f", i > 0 ? " " : "", names[i], ms));
    }
    return line.append(String.format(Locale.ROOT, " = %.1f", total)).toString();
  }
}
