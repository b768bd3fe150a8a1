package io.github.bakefeature.examples.gui;

import java.util.function.LongSupplier;

/**
 * How much time the render worker may spend, across all frames and clients: a token bucket that
 * earns {@code share} of every second as render time (up to {@code burstNanos} saved while idle)
 * and is charged each job's duration. A job starts only while the balance is positive, so over
 * any long stretch rendering takes at most {@code share} of the time (plus one burst and one job),
 * however many frames are viewed; a short burst (switching frames) is served at once.
 *
 * <p>Time comes from an injected clock, so the accounting is testable without waiting. Thread-safe.
 */
final class RenderBudget {
  private final double share;
  private final long burstNanos;
  private final LongSupplier clock;
  private double balance;
  private long updated;

  /**
   * @param share fraction of time rendering may take, in (0, 1]
   * @param burstNanos render time that can be saved up while idle (and the starting balance)
   * @param clock nanoseconds, as {@link System#nanoTime}
   */
  RenderBudget(double share, long burstNanos, LongSupplier clock) {
    if (!(share > 0 && share <= 1)) {
      throw new IllegalArgumentException("share must be in (0, 1], found " + share);
    }
    if (burstNanos < 0) {
      throw new IllegalArgumentException("burst must be >= 0, found " + burstNanos);
    }
    this.share = share;
    this.burstNanos = burstNanos;
    this.clock = clock;
    this.balance = burstNanos;
    this.updated = clock.getAsLong();
  }

  /** Nanoseconds until the next job may start (0: now). */
  synchronized long delayNanos() {
    refill();
    return balance > 0 ? 0 : (long) Math.ceil(-balance / share) + 1;
  }

  /** Charges a job that took {@code nanos}. */
  synchronized void spent(long nanos) {
    refill();
    balance -= Math.max(0, nanos);
  }

  /** Time rendering may take, as a fraction. */
  double share() {
    return share;
  }

  private void refill() {
    long now = clock.getAsLong();
    if (now > updated) {
      balance = Math.min(burstNanos, balance + (now - updated) * share);
      updated = now;
    }
  }
}
