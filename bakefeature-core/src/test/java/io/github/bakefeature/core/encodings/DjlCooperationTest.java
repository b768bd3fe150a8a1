package io.github.bakefeature.core.encodings;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.bakefeature.core.djl.DjlRuntime;
import io.github.bakefeature.core.optim.Adam;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The library's training pattern end to end: the hash grid encodes in Java, its output
 * becomes a DJL leaf with {@code setRequiresGradient(true)}, a small DJL MLP and loss run under a
 * {@link GradientCollector}, and the leaf's gradient goes back to the Java kernel's backward and
 * sparse Adam step. Fitting a smooth 3D function, the loss must fall by a large factor.
 */
class DjlCooperationTest {
  private static final int HIDDEN = 32;

  private static float target(float x, float y, float z) {
    return (float) (Math.sin(2 * Math.PI * x) * Math.cos(2 * Math.PI * y) + z * z);
  }

  @Test
  void javaGridAndDjlMlpFitAFunctionTogether() {
    HashGridEncoding grid = HashGridEncoding.builder().optLevels(8).optLog2TableSize(14).optBaseResolution(4)
        .optMaxResolution(64).optSeed(1).build();
    int in = grid.outputDimension();
    Random r = new Random(2);
    // MLP parameters live in Java arrays too and are trained with the same Adam class.
    float[] w1 = new float[in * HIDDEN + HIDDEN];
    float[] w2 = new float[HIDDEN + 1];
    for (int i = 0; i < in * HIDDEN; i++) {
      w1[i] = (float) (r.nextGaussian() * Math.sqrt(2.0 / in));
    }
    for (int i = 0; i < HIDDEN; i++) {
      w2[i] = (float) (r.nextGaussian() * Math.sqrt(1.0 / HIDDEN));
    }
    Adam adam1 = Adam.builder().build(w1.length);
    Adam adam2 = Adam.builder().build(w2.length);
    int batch = 1024;
    float[] x = new float[3 * batch];
    float[] t = new float[batch];
    float[] encoded = new float[batch * in];
    int steps = 200;
    double[] losses = new double[steps];
    try (NDManager root = DjlRuntime.newManager()) {
      for (int step = 0; step < steps; step++) {
        for (int i = 0; i < batch; i++) {
          x[3 * i] = r.nextFloat();
          x[3 * i + 1] = r.nextFloat();
          x[3 * i + 2] = r.nextFloat();
          t[i] = target(x[3 * i], x[3 * i + 1], x[3 * i + 2]);
        }
        grid.encode(x, batch, encoded, in, 0);
        try (NDManager m = root.newSubManager()) {
          NDArray leaf = m.create(encoded, new Shape(batch, in));
          leaf.setRequiresGradient(true);
          NDArray a1 = m.create(w1, new Shape(w1.length));
          NDArray a2 = m.create(w2, new Shape(w2.length));
          a1.setRequiresGradient(true);
          a2.setRequiresGradient(true);
          float[] leafGrad;
          try (GradientCollector collector = DjlRuntime.newGradientCollector()) {
            NDArray weight1 = a1.get("0:" + in * HIDDEN).reshape(in, HIDDEN);
            NDArray bias1 = a1.get(in * HIDDEN + ":");
            NDArray weight2 = a2.get("0:" + HIDDEN).reshape(HIDDEN, 1);
            NDArray bias2 = a2.get(HIDDEN + ":");
            NDArray hidden = leaf.matMul(weight1).add(bias1).getNDArrayInternal().relu();
            NDArray prediction = hidden.matMul(weight2).add(bias2).reshape(batch);
            NDArray loss = prediction.sub(m.create(t)).square().mean();
            losses[step] = loss.getFloat();
            collector.backward(loss);
          }
          leafGrad = leaf.getGradient().toFloatArray();
          float[] g1 = a1.getGradient().toFloatArray();
          float[] g2 = a2.getGradient().toFloatArray();
          grid.backward(x, batch, leafGrad, in, 0);
          grid.step(1e-2f);
          adam1.step(w1, g1, 1e-2f);
          adam2.step(w2, g2, 1e-2f);
        }
      }
    }
    double first = mean(losses, 0, 10);
    double last = mean(losses, steps - 20, steps);
    System.err.println("DjlCooperationTest: mean loss of the first 10 steps " + first + ", of the last 20 " + last);
    assertTrue(last < 0.01 * first, "loss should fall at least 100x: first 10 steps " + first + ", last 20 " + last);
    assertTrue(grid.steps() == steps);
  }

  private static double mean(double[] v, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += v[i];
    }
    return s / (to - from);
  }
}
