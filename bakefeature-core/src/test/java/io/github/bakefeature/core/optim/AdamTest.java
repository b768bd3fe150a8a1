package io.github.bakefeature.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AdamTest {

  /** Textbook Adam in double for one scalar: p, m, v after each gradient. */
  private static double[] handAdam(double p, double[] grads, double lr, double b1, double b2, double eps) {
    double m = 0;
    double v = 0;
    for (int t = 1; t <= grads.length; t++) {
      double g = grads[t - 1];
      m = b1 * m + (1 - b1) * g;
      v = b2 * v + (1 - b2) * g * g;
      double lrT = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
      p -= lrT * m / (Math.sqrt(v) + eps);
    }
    return new double[] {p, m, v};
  }

  @Test
  void matchesHandComputedStepsWithBiasCorrection() {
    Adam adam = Adam.builder().optBeta1(0.9f).optBeta2(0.99f).optEpsilon(1e-8f).build(2);
    float[] p = {0.5f, -1.25f};
    float[] g = new float[2];
    double[][] grads = {{0.3, -2.0, 0.7}, {1e-3, 4e-3, -5e-3}};
    float lr = 0.01f;
    for (int t = 0; t < 3; t++) {
      g[0] = (float) grads[0][t];
      g[1] = (float) grads[1][t];
      adam.step(p, g, lr);
      assertArrayEquals(new float[] {0, 0}, g, "step clears the gradient");
    }
    // First step of Adam moves by lr * sign(g) (up to eps): check it explicitly, then 3 steps.
    double[] e0 = handAdam(0.5, grads[0], lr, 0.9f, 0.99f, 1e-8f);
    double[] e1 = handAdam(-1.25, grads[1], lr, 0.9f, 0.99f, 1e-8f);
    // float arithmetic vs double reference: relative 1e-6 of the step sizes involved (~1e-2).
    assertEquals(e0[0], p[0], 1e-6);
    assertEquals(e1[0], p[1], 1e-6);
    assertEquals(3, adam.rowSteps(0));
    Adam single = Adam.builder().build(1);
    float[] q = {1f};
    single.step(q, new float[] {-3f}, 0.1f);
    assertEquals(1.1f, q[0], 1e-6f, "first step is lr * -sign(g)");
  }

  @Test
  void sparseEqualsDenseWhenEveryRowIsTouched() {
    int rows = 200;
    int width = 3;
    Adam dense = Adam.builder().optRowWidth(width).build(rows * width);
    Adam sparse = Adam.builder().optRowWidth(width).build(rows * width);
    Random r = new Random(1);
    float[] pd = new float[rows * width];
    for (int i = 0; i < pd.length; i++) {
      pd[i] = (float) r.nextGaussian();
    }
    float[] ps = pd.clone();
    long[] bits = new long[(rows + 63) / 64];
    for (int step = 0; step < 20; step++) {
      float[] gd = new float[pd.length];
      for (int i = 0; i < gd.length; i++) {
        gd[i] = (float) r.nextGaussian() * (i % 7 == 0 ? 0f : 1f); // some zero gradients too
      }
      float[] gs = gd.clone();
      for (int row = 0; row < rows; row++) {
        bits[row >>> 6] |= 1L << row;
      }
      dense.step(pd, gd, 1e-2f);
      sparse.stepTouched(ps, gs, 1e-2f, bits);
      assertArrayEquals(pd, ps, "step " + step);
      assertArrayEquals(new long[bits.length], bits, "sparse step clears the touched bits");
    }
  }

  @Test
  void sparseStepLeavesUntouchedRowsAndCountsStepsPerRow() {
    Adam adam = Adam.builder().build(4);
    float[] p = {1, 2, 3, 4};
    float[] g = {0.5f, 0.5f, 0.5f, 0.5f};
    long[] bits = {0b0101L};
    adam.stepTouched(p, g, 0.1f, bits);
    assertEquals(2f, p[1]);
    assertEquals(4f, p[3]);
    assertEquals(0.5f, g[1], "untouched gradient is kept for later");
    assertEquals(0.9f, p[0], 1e-6f);
    assertEquals(1, adam.rowSteps(0));
    assertEquals(0, adam.rowSteps(1));
    // Row 1 touched for the first time now gets the first-step bias correction (moves by lr).
    bits[0] = 0b0010L;
    adam.stepTouched(p, g, 0.1f, bits);
    assertEquals(1.9f, p[1], 1e-6f);
    assertEquals(1, adam.rowSteps(1));
  }

  @Test
  void stateRoundTripIsBitExact() throws IOException {
    Adam a = Adam.builder().optRowWidth(2).build(10);
    Random r = new Random(3);
    float[] pa = new float[10];
    for (int s = 0; s < 5; s++) {
      float[] g = new float[10];
      for (int i = 0; i < 10; i++) {
        g[i] = (float) r.nextGaussian();
      }
      a.stepTouched(pa, g, 0.05f, new long[] {0b10110L});
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    a.writeState(new DataOutputStream(bytes));
    Adam b = Adam.builder().optRowWidth(2).build(10);
    b.readState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    float[] pb = pa.clone();
    for (int s = 0; s < 3; s++) {
      float[] g = new float[10];
      for (int i = 0; i < 10; i++) {
        g[i] = (float) r.nextGaussian();
      }
      float[] g2 = g.clone();
      a.step(pa, g, 0.05f);
      b.step(pb, g2, 0.05f);
    }
    assertArrayEquals(pa, pb);
    for (int row = 0; row < 5; row++) {
      assertEquals(a.rowSteps(row), b.rowSteps(row));
    }
  }

  @Test
  void rejectsStateOfAnotherShapeAndBadSettings() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Adam.builder().build(8).writeState(new DataOutputStream(bytes));
    Adam other = Adam.builder().build(9);
    IOException e = assertThrows(IOException.class,
        () -> other.readState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
    assertTrue(e.getMessage().contains("rows"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Adam.builder().optBeta1(1f));
    assertThrows(IllegalArgumentException.class, () -> Adam.builder().optRowWidth(3).build(10));
    Adam adam = Adam.builder().build(4);
    assertThrows(IllegalArgumentException.class, () -> adam.step(new float[3], new float[4], 0.1f));
  }

  @Test
  void biasCorrectionConvergesToOne() {
    Adam adam = Adam.builder().build(1);
    assertEquals(Math.sqrt(1 - 0.99) / (1 - 0.9), adam.biasCorrection(1), 1e-6);
    assertEquals(1f, adam.biasCorrection(1_000_000));
    assertEquals(Math.sqrt(1 - Math.pow(0.99f, 500)) / (1 - Math.pow(0.9f, 500)), adam.biasCorrection(500), 1e-6);
  }
}
