package io.github.bakefeature.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FrameSuggesterTest {

  /** {@code n} pixels: the first {@code empty} saw nothing (confidence 0), the rest {@code c}. */
  private static float[] view(int n, int empty, float c) {
    float[] v = new float[n];
    Arrays.fill(v, empty, n, c);
    return v;
  }

  @Test
  void aFrameLookingMostlyIntoEmptySpaceIsNotPreferredOverOneWithUncertainHits() {
    float[] emptySpace = view(1000, 700, 0.95f); // 70% sky, confidently segmented elsewhere
    float[] uncertain = view(1000, 0, 0.6f);     // every pixel a surface, the model unsure
    assertEquals(0.95, FrameSuggester.score(emptySpace, null), 1e-6);
    assertEquals(0.6, FrameSuggester.score(uncertain, null), 1e-6);
    FrameSuggester s = new FrameSuggester(2, 64, 48, FrameSuggester.RAY_BUDGET);
    float[][] views = {emptySpace, uncertain};
    assertEquals(1, s.next((f, w, h) -> FrameSuggester.score(views[f], null)));
  }

  @Test
  void pixelsWithoutAMeasuredDepthDoNotCount() {
    float[] conf = view(100, 0, 0.9f);
    float[] depth = new float[100];
    Arrays.fill(depth, 1.5f);
    for (int p = 0; p < 50; p++) {
      conf[p] = 0.3f;  // confused where the sensor saw nothing (a window, the sky)
      depth[p] = 0f;
    }
    assertEquals(0.9, FrameSuggester.score(conf, depth), 1e-6);
    assertEquals(0.6, FrameSuggester.score(conf, null), 1e-6);
  }

  @Test
  void aFrameShowingAlmostNothingIsNotRanked() {
    assertTrue(Double.isNaN(FrameSuggester.score(view(1000, 1000, 0f), null)));
    assertTrue(Double.isNaN(FrameSuggester.score(view(1000, 990, 0.2f), null)), "1% of the pixels");
    assertEquals(0.2, FrameSuggester.score(view(1000, 970, 0.2f), null), 1e-6);
    FrameSuggester s = new FrameSuggester(3, 64, 48, FrameSuggester.RAY_BUDGET);
    double[] scores = {0.8, Double.NaN, 0.7};
    assertEquals(2, s.next((f, w, h) -> scores[f]));
    assertEquals(0, new FrameSuggester(2, 64, 48, FrameSuggester.RAY_BUDGET).next((f, w, h) -> Double.NaN),
        "nothing rankable: frame 0");
  }

  @Test
  void aShortSceneHasEveryFrameScoredAtAnEighthOfItsSizeOnEveryCall() {
    FrameSuggester s = new FrameSuggester(24, 640, 480, FrameSuggester.RAY_BUDGET);
    assertEquals(80, s.width());
    assertEquals(60, s.height());
    AtomicInteger calls = new AtomicInteger();
    assertEquals(17, s.next((f, w, h) -> {
      calls.incrementAndGet();
      return f == 17 ? 0.1 : 0.5;
    }));
    assertEquals(24, calls.get());
  }

  @Test
  void aLongSceneIsScannedWithinTheRayBudgetAndEveryFrameIsConsideredWithinACycle() {
    int frames = 1000;
    FrameSuggester s = new FrameSuggester(frames, 640, 480, FrameSuggester.RAY_BUDGET);
    assertEquals(40, s.width(), "1/16 of the size, to cover more frames per call");
    assertEquals(30, s.height());
    int perCall = s.framesPerCall();
    assertTrue(perCall >= 100 && (long) perCall * 40 * 30 <= FrameSuggester.RAY_BUDGET, "per call " + perCall);
    double[] truth = new SplittableRandom(5).doubles(frames, 0.5, 0.9).toArray();
    truth[777] = 0.2;
    AtomicInteger calls = new AtomicInteger();
    FrameSuggester.Scorer scorer = (f, w, h) -> {
      calls.incrementAndGet();
      assertEquals(40, w);
      assertEquals(30, h);
      return truth[f];
    };
    int cycle = (frames + perCall - 1) / (perCall - FrameSuggester.REFRESHED);
    int answer = -1;
    for (int call = 0; call < cycle; call++) {
      calls.set(0);
      answer = s.next(scorer);
      assertTrue(calls.get() <= perCall, "call " + call + " scored " + calls.get() + " frames");
    }
    assertEquals(777, answer, "found within one cycle of calls");
    assertEquals(777, s.next(scorer), "and kept: it is scored again on every call");
    // Once labelled, it is no longer the least confident; the stale score does not win again.
    truth[777] = 0.95;
    int next = s.next(scorer);
    assertTrue(next != 777 && truth[next] < 0.9, "suggested " + next);
  }
}
