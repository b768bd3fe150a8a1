package io.github.bakefeature.core.renderers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.bakefeature.core.djl.DjlRuntime;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Compositing (eq. 2-3) against a float64 reference and its gradient against central finite
 * differences. The DJL path runs in float64 here so the check measures the formula, not float32
 * rounding: tolerance 1e-6 relative for the gradient (step h = 1e-6 on sigma in [0, 5]).
 */
class VolumeRendererTest {
  private static final int R = 3;
  private static final int S = 7;
  private static final int K = 2;

  private final SplittableRandom rnd = new SplittableRandom(5);
  private final double[] sigma = random(R * S, 0, 5);
  private final double[] delta = random(R * S, 0.01, 0.3);
  private final double[] values = random(R * S * K, -1, 1);
  private final double[] upstream = random(R * K, -1, 1);

  private double[] random(int n, double lo, double hi) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = lo + (hi - lo) * rnd.nextDouble();
    }
    return v;
  }

  /** L = sum_r sum_k g[r,k] * R(r, h_k) in float64. */
  private double loss(double[] sig) {
    double l = 0;
    for (int r = 0; r < R; r++) {
      double optical = 0;
      for (int s = 0; s < S; s++) {
        int i = r * S + s;
        double w = Math.exp(-optical) * (1 - Math.exp(-sig[i] * delta[i]));
        optical += sig[i] * delta[i];
        for (int k = 0; k < K; k++) {
          l += upstream[r * K + k] * w * values[i * K + k];
        }
      }
    }
    return l;
  }

  @Test
  void gradientWithRespectToDensityMatchesFiniteDifferences() {
    try (NDManager m = DjlRuntime.newManager();
         GradientCollector gc = DjlRuntime.newGradientCollector()) {
      NDArray sig = m.create(sigma, new Shape(R, S));
      sig.setRequiresGradient(true);
      NDArray w = VolumeRenderer.weights(sig, m.create(delta, new Shape(R, S)));
      NDArray out = VolumeRenderer.composite(w, m.create(values, new Shape(R, S, K)));
      NDArray l = out.mul(m.create(upstream, new Shape(R, K))).sum();
      assertEquals(loss(sigma), l.getDouble(), 1e-9);
      gc.backward(l);
      double[] grad = sig.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
      double h = 1e-6;
      for (int i = 0; i < sigma.length; i++) {
        double[] p = sigma.clone();
        p[i] += h;
        double up = loss(p);
        p[i] -= 2 * h;
        double down = loss(p);
        double fd = (up - down) / (2 * h);
        assertEquals(fd, grad[i], 1e-6 * Math.max(1, Math.abs(fd)), "d loss / d sigma[" + i + "]");
      }
    }
  }

  @Test
  void javaKernelForPackedRaysMatchesTheDjlWeights() {
    float[] sig = new float[R * S];
    float[] del = new float[R * S];
    for (int i = 0; i < sig.length; i++) {
      sig[i] = (float) sigma[i];
      del[i] = (float) delta[i];
    }
    float[] w = new float[R * S];
    // Composite each ray in two segments to exercise the carried transmittance.
    float[] tr = {1f, 1f, 1f};
    int[] firstHalf = new int[R + 1];
    int[] secondHalf = new int[R + 1];
    for (int r = 0; r < R; r++) {
      // Packed layout per segment: ray r's first 3 samples, then its remaining ones.
      firstHalf[r] = r * 3;
      secondHalf[r] = r * (S - 3);
    }
    firstHalf[R] = R * 3;
    secondHalf[R] = R * (S - 3);
    float[] s1 = new float[R * 3];
    float[] d1 = new float[R * 3];
    float[] s2 = new float[R * (S - 3)];
    float[] d2 = new float[R * (S - 3)];
    for (int r = 0; r < R; r++) {
      System.arraycopy(sig, r * S, s1, r * 3, 3);
      System.arraycopy(del, r * S, d1, r * 3, 3);
      System.arraycopy(sig, r * S + 3, s2, r * (S - 3), S - 3);
      System.arraycopy(del, r * S + 3, d2, r * (S - 3), S - 3);
    }
    float[] wa = new float[R * 3];
    float[] wb = new float[R * (S - 3)];
    VolumeRenderer.weights(R, firstHalf, s1, d1, tr, wa);
    VolumeRenderer.weights(R, secondHalf, s2, d2, tr, wb);
    for (int r = 0; r < R; r++) {
      System.arraycopy(wa, r * 3, w, r * S, 3);
      System.arraycopy(wb, r * (S - 3), w, r * S + 3, S - 3);
    }
    try (NDManager m = DjlRuntime.newManager()) {
      float[] ref = VolumeRenderer.weights(m.create(sig, new Shape(R, S)), m.create(del, new Shape(R, S))).toFloatArray();
      for (int i = 0; i < w.length; i++) {
        assertEquals(ref[i], w[i], 1e-6f);
      }
    }
  }

  @Test
  void weightsOfAnOpaqueFirstSampleTakeEverything() {
    try (NDManager m = DjlRuntime.newManager()) {
      NDArray w = VolumeRenderer.weights(m.create(new float[] {1e4f, 1f, 1f}, new Shape(1, 3)),
          m.create(new float[] {1f, 1f, 1f}, new Shape(1, 3)));
      float[] v = w.toFloatArray();
      assertEquals(1f, v[0], 1e-6f);
      assertEquals(0f, v[1], 1e-6f);
      assertEquals(0f, v[2], 1e-6f);
    }
  }
}
