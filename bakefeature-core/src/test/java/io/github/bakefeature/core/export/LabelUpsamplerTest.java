package io.github.bakefeature.core.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.RgbImage;
import org.junit.jupiter.api.Test;

class LabelUpsamplerTest {
  private static final int W = 64;
  private static final int H = 48;
  private static final int EDGE = 21; // not on the 4x grid: the low-res samples straddle it

  /** Red left of column {@link #EDGE} (class 0), blue from it on (class 1). */
  private static RgbImage twoColours() {
    byte[] px = new byte[3 * W * H];
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        int p = 3 * (y * W + x);
        px[p] = (byte) (x < EDGE ? 200 : 20);
        px[p + 2] = (byte) (x < EDGE ? 20 : 200);
        px[p + 1] = 40;
      }
    }
    return new RgbImage(W, H, px);
  }

  private static short truth(int x) {
    return (short) (x < EDGE ? 0 : 1);
  }

  /** What a renderer returns at {@code lw x lh}: each ray's class where its pixel centre falls. */
  private static short[] rendered(int lw, int lh) {
    short[] l = new short[lw * lh];
    for (int j = 0; j < lh; j++) {
      for (int i = 0; i < lw; i++) {
        double x = (i + 0.5) * W / lw - 0.5;
        l[j * lw + i] = (short) (x < EDGE - 0.5 ? 0 : 1);
      }
    }
    return l;
  }

  private static float[] constant(int n, float v) {
    float[] f = new float[n];
    java.util.Arrays.fill(f, v);
    return f;
  }

  private static int wrong(short[] labels) {
    int n = 0;
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        n += labels[y * W + x] != truth(x) ? 1 : 0;
      }
    }
    return n;
  }

  @Test
  void classBoundaryFollowsTheColourEdgeWhereNearestUpsamplingMakesAStep() {
    int lw = W / 4;
    int lh = H / 4;
    short[] low = rendered(lw, lh);
    LabelUpsampler.Result jbu = LabelUpsampler.jointBilateral(low, constant(lw * lh, 0.9f), lw, lh, twoColours());
    LabelUpsampler.Result near = LabelUpsampler.nearest(low, constant(lw * lh, 0.9f), lw, lh, W, H);
    assertEquals(W * H, jbu.labels().length);
    assertTrue(wrong(near.labels()) >= H, "nearest misplaces at least a column: " + wrong(near.labels()));
    assertEquals(0, wrong(jbu.labels()), "joint bilateral puts the boundary on the colour edge");
  }

  @Test
  void aUniformMapStaysUniformWithItsConfidenceWhateverTheImage() {
    int lw = 13; // not a divisor of the width: the taps fall anywhere between samples
    int lh = 7;
    short[] low = new short[lw * lh];
    java.util.Arrays.fill(low, (short) 4);
    LabelUpsampler.Result r = LabelUpsampler.jointBilateral(low, constant(lw * lh, 0.6f), lw, lh, twoColours());
    for (int p = 0; p < W * H; p++) {
      assertEquals(4, r.labels()[p]);
      assertEquals(0.6f, r.confidence()[p], 1e-5f);
    }
  }

  @Test
  void unknownSamplesVoteLikeAClassAndConfidenceIsTheWinnersMean() {
    int lw = W / 4;
    int lh = H / 4;
    short[] low = rendered(lw, lh);
    float[] conf = new float[lw * lh];
    for (int i = 0; i < low.length; i++) {
      if (low[i] == 1) {
        low[i] = LabelImage.UNLABELLED; // the right side: rays that hit nothing
        conf[i] = 0f;
      } else {
        conf[i] = 0.75f;
      }
    }
    LabelUpsampler.Result r = LabelUpsampler.jointBilateral(low, conf, lw, lh, twoColours());
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        int p = y * W + x;
        assertEquals(x < EDGE ? 0 : LabelImage.UNLABELLED, r.labels()[p], "pixel " + x + "," + y);
        assertEquals(x < EDGE ? 0.75f : 0f, r.confidence()[p], 1e-5f, "pixel " + x + "," + y);
      }
    }
  }

  @Test
  void samplesAtOrBelowTheConfidenceBecomeUnknownInACopy() {
    short[] labels = {0, 0, 2, 3};
    float[] conf = {0f, Float.NaN, 0.5f, 0.51f};
    short[] out = LabelUpsampler.unknownAtOrBelow(labels, conf, 0.5f);
    assertEquals("[-1, -1, -1, 3]", java.util.Arrays.toString(out));
    assertEquals("[0, 0, 2, 3]", java.util.Arrays.toString(labels), "the input is not changed");
    assertThrows(IllegalArgumentException.class, () -> LabelUpsampler.unknownAtOrBelow(labels, new float[3], 0f));
  }

  @Test
  void rejectsArraysThatDoNotMatchTheLowResolution() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LabelUpsampler.jointBilateral(new short[10], new float[10], 4, 3, twoColours()));
    assertTrue(e.getMessage().contains("expected 4 x 3 = 12 labels and confidences, found 10 and 10"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> LabelUpsampler.jointBilateral(new short[W * H * 4], new float[W * H * 4], 2 * W, 2 * H, twoColours()));
    assertTrue(e.getMessage().contains("within the guide's 64 x 48"), e.getMessage());
  }

  private static RgbImage grey(int w, int h) {
    byte[] px = new byte[3 * w * h];
    java.util.Arrays.fill(px, (byte) 120);
    return new RgbImage(w, h, px);
  }

  @Test
  void atEqualSizesTheLabelsAndConfidencesComeBackAsTheyAre() {
    short[] l = {0, 0, 0, 2, 0, 0, 1, 1, 0, 0, 0, 0}; // an isolated 2 a vote of its neighbours would remove
    float[] c = {0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 0.4f, 0.3f, 0.2f, 0.1f, 0.5f, 0.5f, 0.5f};
    LabelUpsampler.Result r = LabelUpsampler.jointBilateral(l, c, 4, 3, grey(4, 3));
    org.junit.jupiter.api.Assertions.assertArrayEquals(l, r.labels());
    org.junit.jupiter.api.Assertions.assertArrayEquals(c, r.confidence());
  }

  @Test
  void votesAreMirrorSymmetricWhereFullResolutionPixelsSitExactlyOnSamples() {
    // 7 samples to 21 pixels (a third): pixel 3i + 1 sits on sample i, where the 4 nearest taps
    // reach 2 samples away on the right only. Samples 1 and 5 (class 1) have the pixel's colour,
    // their neighbours (class 0) a colour 21 levels away (weight 0.78 each): class 1 wins by 1.0
    // to 0.95, unless a one-sided tap 2 away (class 0, sample 3, the pixel's colour) is counted.
    short[] low = {0, 1, 0, 0, 0, 1, 0};
    byte[] px = new byte[3 * 21];
    java.util.Arrays.fill(px, (byte) 100);
    for (int i : new int[] {0, 2, 4, 6}) {
      for (int c = 0; c < 3; c++) {
        px[3 * (3 * i + 1) + c] = (byte) 107;
      }
    }
    LabelUpsampler.Result r = LabelUpsampler.jointBilateral(low, constant(7, 0.9f), 7, 1, new RgbImage(21, 1, px));
    short[] out = r.labels();
    assertEquals(1, out[16], java.util.Arrays.toString(out));
    assertEquals(1, out[4], "the mirror image of pixel 16: " + java.util.Arrays.toString(out));
    for (int x = 0; x < 21; x++) {
      assertEquals(out[20 - x], out[x], "pixel " + x + " of " + java.util.Arrays.toString(out));
    }
  }
}
