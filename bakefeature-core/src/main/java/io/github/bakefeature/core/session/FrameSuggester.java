package io.github.bakefeature.core.session;

import java.util.Arrays;

/**
 * Chooses the frame a person should label next ({@code LabelSession#suggestNextFrame}): the frame
 * whose pixels showing something are, on average, least confident (see {@link #score}).
 *
 * <p>Cost per call is bounded by a ray budget ({@link #RAY_BUDGET}) rather than by the scene's
 * length: frames are rendered at 1/8 of their size, or 1/16 when that lets every frame fit the
 * budget. When even that does not fit, each call scores the next window of frames in a cycle, so
 * every frame is considered within {@code ceil(frames / window)} calls; scores are kept between
 * calls, and each call also scores again the {@link #REFRESHED} best-ranked frames of earlier
 * calls with the current model and returns the best frame it scored itself, never a stale one.
 *
 * <p>Thread-safe (calls are serialised).
 */
final class FrameSuggester {
  /** Rays one call may render: about what 24 frames at 1/8 of 640 x 480 cost. */
  static final int RAY_BUDGET = 1 << 17;
  /** Earlier best-ranked frames scored again by each windowed call. */
  static final int REFRESHED = 2;
  /** Least fraction of a frame's sampled pixels that must show something for it to be ranked. */
  static final double MIN_COVERAGE = 0.02;

  /** Scores one frame at a sampling size (see {@link #score}). */
  @FunctionalInterface
  interface Scorer {
    /** The score of frame {@code frame} rendered at {@code width x height}, or NaN if it cannot be ranked. */
    double score(int frame, int width, int height);
  }

  private final int frames;
  private final int width;
  private final int height;
  private final int perCall;
  private final double[] scores;
  private int cursor;

  /**
   * For {@code frames} frames of {@code frameWidth x frameHeight} pixels, rendering at most
   * {@code rayBudget} rays per call.
   */
  FrameSuggester(int frames, int frameWidth, int frameHeight, int rayBudget) {
    if (frames < 1) {
      throw new IllegalArgumentException("a suggestion needs at least one frame, found " + frames);
    }
    this.frames = frames;
    int divisor = 8;
    if ((long) frames * rays(frameWidth, frameHeight, 8) > rayBudget) {
      divisor = 16;
    }
    this.width = Math.max(8, frameWidth / divisor);
    this.height = Math.max(6, frameHeight / divisor);
    this.perCall = (int) Math.max(1, Math.min(frames, rayBudget / ((long) width * height)));
    this.scores = new double[frames];
    Arrays.fill(scores, Double.NaN);
  }

  private static long rays(int w, int h, int divisor) {
    return (long) Math.max(8, w / divisor) * Math.max(6, h / divisor);
  }

  /** Sampling width. */
  int width() {
    return width;
  }

  /** Sampling height. */
  int height() {
    return height;
  }

  /** Frames scored by one call at most. */
  int framesPerCall() {
    return perCall;
  }

  /**
   * Scores this call's frames with {@code scorer} (at most {@link #framesPerCall()} of them) and
   * returns the one with the lowest score (ties: the lowest index); frame 0 if none could be ranked.
   */
  synchronized int next(Scorer scorer) {
    if (perCall >= frames) {
      // Everything fits: every frame is scored now, nothing stale is kept.
      for (int f = 0; f < frames; f++) {
        scores[f] = scorer.score(f, width, height);
      }
      return Math.max(0, lowest());
    }
    int refresh = Math.min(REFRESHED, perCall - 1);
    int window = perCall - refresh;
    boolean[] scored = new boolean[frames];
    for (int k = 0; k < window; k++) {
      int f = (cursor + k) % frames;
      scores[f] = scorer.score(f, width, height);
      scored[f] = true;
    }
    cursor = (cursor + window) % frames;
    // The best-ranked frames from earlier calls are scored again: a frame labelled since (or
    // judged by an older model) must not keep winning on a stale score.
    for (int r = 0; r < refresh; r++) {
      int best = lowestExcept(scored);
      if (best < 0) {
        break;
      }
      scores[best] = scorer.score(best, width, height);
      scored[best] = true;
    }
    // Among this call's scores only: a lower stale score is the first refreshed next call.
    int best = -1;
    for (int f = 0; f < frames; f++) {
      if (scored[f] && !Double.isNaN(scores[f]) && (best < 0 || scores[f] < scores[best])) {
        best = f;
      }
    }
    return Math.max(0, best);
  }

  private int lowest() {
    return lowestExcept(null);
  }

  /** The frame with the lowest score (ties: the lowest index) not in {@code skip}, or -1. */
  private int lowestExcept(boolean[] skip) {
    int best = -1;
    for (int f = 0; f < frames; f++) {
      if ((skip == null || !skip[f]) && !Double.isNaN(scores[f]) && (best < 0 || scores[f] < scores[best])) {
        best = f;
      }
    }
    return best;
  }

  /**
   * The score of a rendered frame: the mean confidence of the pixels that show something, or NaN
   * if fewer than {@link #MIN_COVERAGE} of them do (a view into empty space has nothing to
   * label). A pixel shows something when its ray hit the model's surface, which the renderer
   * reports as a non-zero confidence (a hit's softmax confidence is at least 1 / classes; a ray
   * that saw nothing gets 0), and, where the frame's measured depth is given, the pixel has a
   * measurement ({@code depth[p] > 0}).
   *
   * @param depth measured depth at the rendered size, or null
   */
  static double score(float[] confidence, float[] depth) {
    double sum = 0;
    int n = 0;
    for (int p = 0; p < confidence.length; p++) {
      float c = confidence[p];
      if (c > 0 && (depth == null || depth[p] > 0)) {
        sum += c;
        n++;
      }
    }
    return n == 0 || n < MIN_COVERAGE * confidence.length ? Double.NaN : sum / n;
  }
}
