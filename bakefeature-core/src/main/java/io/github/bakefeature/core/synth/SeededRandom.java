package io.github.bakefeature.core.synth;

/**
 * SplitMix64: a tiny generator whose output is fixed by its published algorithm, so a seed gives
 * the same scene on every JVM (unlike {@code SplittableRandom}, whose algorithm is unspecified).
 * Not thread-safe; the stateless {@link #mix} hashes are.
 */
final class SeededRandom {
  private long state;

  SeededRandom(long seed) {
    this.state = seed;
  }

  long nextLong() {
    state += 0x9E3779B97F4A7C15L;
    return mix(state);
  }

  /** Uniform in {@code [0, 1)}. */
  double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in {@code [lo, hi)}. */
  double range(double lo, double hi) {
    return lo + (hi - lo) * nextDouble();
  }

  /** Uniform integer in {@code [0, n)}. */
  int nextInt(int n) {
    return (int) ((nextLong() >>> 33) % n);
  }

  /** -1 or +1. */
  double sign() {
    return (nextLong() & 1) == 0 ? -1 : 1;
  }

  /** The SplitMix64 finaliser: a good 64-bit hash. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Hash of several values (order matters). */
  static long hash(long a, long b, long c) {
    return mix(mix(mix(a + 0x9E3779B97F4A7C15L) ^ b) + c * 0xD1B54A32D192ED03L);
  }

  /** Uniform in (0, 1] from a hash (never 0, safe for log). */
  static double unit(long h) {
    return ((h >>> 11) + 1) * 0x1.0p-53;
  }
}
