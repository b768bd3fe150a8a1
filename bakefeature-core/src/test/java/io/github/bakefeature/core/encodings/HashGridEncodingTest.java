package io.github.bakefeature.core.encodings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Gradient checks and training-state behaviour of the Java hash grid.
 *
 * <p>Tolerances of the finite-difference checks: the encoding is linear in its parameters and,
 * inside a cell, linear along each input axis, so central differences have no truncation error;
 * what remains is float rounding of the forward pass divided by the step 2h. Parameters:
 * h = 1e-2, outputs round by ~6e-8 each, error below 1e-5; allowed 1e-3 relative to
 * max(1, |gradient|). Inputs: h = 1e-3 on a grid of finest resolution 34, points at least 5% of
 * a cell from any face at every level (so x +- h stays in its cells); the scaled position x N
 * rounds by ~2e-6 of a cell, giving ~1e-3 absolute error against gradients of 10-100; allowed
 * 1e-3 relative to max(10, |gradient|).
 */
class HashGridEncodingTest {

  /** 8 levels, T = 2^12: levels 0-2 dense (N = 4, 7, 12), 3-7 hashed. */
  static HashGridEncoding smallGrid(int features, boolean sparse) {
    HashGridEncoding grid = HashGridEncoding.builder().optLevels(8).optFeaturesPerLevel(features)
        .optLog2TableSize(12).optBaseResolution(4).optPerLevelScale(1.8).optSparseUpdates(sparse).build();
    randomise(grid, 7);
    return grid;
  }

  static void randomise(HashGridEncoding grid, long seed) {
    Random r = new Random(seed);
    float[] p = grid.parameters();
    for (int i = 0; i < p.length; i++) {
      p[i] = r.nextFloat() * 2 - 1;
    }
  }

  static float[] randomPoints(int n, long seed) {
    Random r = new Random(seed);
    float[] x = new float[3 * n];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextFloat();
    }
    return x;
  }

  static float[] randomGrad(int n, long seed) {
    Random r = new Random(seed);
    float[] g = new float[n];
    for (int i = 0; i < n; i++) {
      g[i] = r.nextFloat() * 2 - 1;
    }
    return g;
  }

  private static double loss(HashGridEncoding grid, float[] x, int n, float[] g) {
    float[] y = grid.encode(x, n);
    double l = 0;
    for (int i = 0; i < y.length; i++) {
      l += (double) y[i] * g[i];
    }
    return l;
  }

  @Test
  void defaultsAreThePapersGrid() {
    HashGridEncoding grid = HashGridEncoding.builder().build();
    assertEquals(16, grid.levels());
    assertEquals(32, grid.outputDimension());
    assertEquals(16, grid.resolution(0));
    assertEquals(16 << 15, grid.resolution(15));
    assertTrue(grid.isDense(0) && grid.isDense(1) && grid.isDense(2));
    assertFalse(grid.isDense(3));
    assertEquals(17 * 17 * 17, grid.levelRows(0));
    assertEquals(1 << 19, grid.levelRows(3));
    assertEquals(0, grid.rowOffset(3) % 64);
    assertEquals((long) grid.rowCount() * 2, grid.parameterCount());
    float max = 0;
    for (float v : grid.parameters()) {
      max = Math.max(max, Math.abs(v));
    }
    assertTrue(max <= 1e-4f && max > 0.9e-4f, "uniform init in [-1e-4, 1e-4], max |p| = " + max);
    HashGridEncoding derived = HashGridEncoding.builder().optMaxResolution(2048).build();
    assertEquals(2048, derived.resolution(15));
    assertEquals(Math.exp(Math.log(2048.0 / 16) / 15), derived.perLevelScale(), 1e-12);
  }

  @Test
  void parameterGradientMatchesCentralDifferences() {
    for (int features : new int[] {2, 3}) {
      HashGridEncoding grid = smallGrid(features, true);
      int n = 48;
      float[] x = randomPoints(n, 11);
      float[] g = randomGrad(n * grid.outputDimension(), 12);
      grid.backward(x, n, g, grid.outputDimension(), 0);
      float[] analytic = grid.gradients().clone();
      float[] p = grid.parameters();
      Random r = new Random(5);
      int checked = 0;
      int nonZero = 0;
      float h = 1e-2f;
      for (int k = 0; k < 400; k++) {
        int i = r.nextInt(p.length);
        if (analytic[i] == 0f && k % 4 != 0) {
          continue; // mostly check touched entries, some untouched ones too
        }
        float saved = p[i];
        p[i] = saved + h;
        double lp = loss(grid, x, n, g);
        p[i] = saved - h;
        double lm = loss(grid, x, n, g);
        p[i] = saved;
        double fd = (lp - lm) / (2 * h);
        assertEquals(fd, analytic[i], 1e-3 * Math.max(1, Math.abs(fd)), "F=" + features + " parameter " + i);
        checked++;
        nonZero += analytic[i] != 0 ? 1 : 0;
      }
      assertTrue(nonZero >= 20, "checked " + checked + " entries, " + nonZero + " with a gradient");
    }
  }

  /** Points whose fractional cell position is in [0.05, 0.95] on every axis at every level. */
  private static float[] pointsAwayFromFaces(HashGridEncoding grid, int n, long seed) {
    Random r = new Random(seed);
    float[] x = new float[3 * n];
    int found = 0;
    while (found < n) {
      boolean ok = true;
      float[] c = {r.nextFloat(), r.nextFloat(), r.nextFloat()};
      for (int l = 0; l < grid.levels() && ok; l++) {
        for (float v : c) {
          float pos = v * grid.resolution(l);
          float f = pos - (float) Math.floor(pos);
          ok &= f > 0.05f && f < 0.95f;
        }
      }
      if (ok) {
        System.arraycopy(c, 0, x, 3 * found++, 3);
      }
    }
    return x;
  }

  @Test
  void inputGradientMatchesCentralDifferences() {
    // Coarser grid (N = 2 .. 34, the two finest hashed) so h * N_max = 0.034 of a cell stays
    // inside the 5% margin while h is large enough for float positions (x N rounds by ~2e-6).
    for (int features : new int[] {2, 4}) {
      HashGridEncoding grid = HashGridEncoding.builder().optLevels(8).optFeaturesPerLevel(features)
          .optLog2TableSize(12).optBaseResolution(2).optPerLevelScale(1.5).build();
      randomise(grid, 8);
      assertFalse(grid.isDense(7));
      int n = 32;
      float[] x = pointsAwayFromFaces(grid, n, 21);
      float[] g = randomGrad(n * grid.outputDimension(), 22);
      float[] analytic = new float[3 * n];
      grid.inputGradient(x, n, g, grid.outputDimension(), 0, analytic);
      float h = 1e-3f;
      for (int i = 0; i < 3 * n; i++) {
        float saved = x[i];
        x[i] = saved + h;
        double lp = loss(grid, x, n, g);
        float xp = x[i];
        x[i] = saved - h;
        double lm = loss(grid, x, n, g);
        float xm = x[i];
        x[i] = saved;
        double fd = (lp - lm) / ((double) xp - xm);
        // rounding of x N (~2e-6 of a cell) and of the outputs, over 2h: ~1e-3 absolute
        assertEquals(fd, analytic[i], 1e-3 * Math.max(10, Math.abs(fd)), "F=" + features + " coordinate " + i);
      }
    }
  }

  @Test
  void clampsPointsOutsideTheUnitCube() {
    HashGridEncoding grid = smallGrid(2, true);
    float[] outside = {-0.01f, 0.5f, 1.02f, 0.3f, 1.5f, -3f};
    float[] clamped = {0f, 0.5f, 1f, 0.3f, 1f, 0f};
    assertArrayEquals(grid.encode(clamped, 2), grid.encode(outside, 2));
    float[] g = randomGrad(2 * grid.outputDimension(), 3);
    float[] dx = new float[6];
    grid.inputGradient(outside, 2, g, grid.outputDimension(), 0, dx);
    assertEquals(0f, dx[0]);
    assertEquals(0f, dx[2]);
    assertNotEquals(0f, dx[1]);
    assertEquals(0f, dx[4]);
    assertEquals(0f, dx[5]);
  }

  @Test
  void resultsDoNotDependOnTheTaskSplit() {
    int n = 3000;
    float[] x = randomPoints(n, 31);
    float[] reference = null;
    float[] referenceParams = null;
    float[] refOut = null;
    for (int tasks : new int[] {1, 2, 3, 7}) {
      HashGridEncoding grid = smallGrid(2, true);
      grid.setTasks(tasks);
      float[] out = grid.encode(x, n);
      float[] g = randomGrad(n * grid.outputDimension(), 32);
      grid.backward(x, n, g, grid.outputDimension(), 0);
      float[] grads = grid.gradients().clone();
      grid.step(1e-2f);
      if (reference == null) {
        reference = grads;
        referenceParams = grid.parameters().clone();
        refOut = out;
      } else {
        assertArrayEquals(refOut, out, "forward with " + tasks + " tasks");
        assertArrayEquals(reference, grads, "gradient with " + tasks + " tasks");
        assertArrayEquals(referenceParams, grid.parameters(), "parameters after step with " + tasks + " tasks");
      }
    }
  }

  @Test
  void fusedBackwardAndStepEqualsBackwardThenStep() {
    for (int features : new int[] {2, 3}) {
      for (int tasks : new int[] {1, 2, 5}) {
        HashGridEncoding separate = smallGrid(features, true);
        HashGridEncoding fused = smallGrid(features, true);
        fused.setTasks(tasks);
        int dim = separate.outputDimension();
        for (int s = 0; s < 4; s++) {
          // Small batches (serial in backward) and large ones (split by level) alike.
          int n = s % 2 == 0 ? 40 : 3000;
          float[] x = randomPoints(n, 50 + s);
          float[] g = randomGrad(n * dim, 60 + s);
          separate.backward(x, n, g, dim, 0);
          separate.step(1e-2f);
          fused.backwardAndStep(x, n, g, dim, 0, 1e-2f);
          String where = "F=" + features + ", tasks=" + tasks + ", step " + s;
          assertArrayEquals(separate.parameters(), fused.parameters(), where);
          assertEquals(separate.steps(), fused.steps(), where);
        }
        for (float v : fused.gradients()) {
          assertEquals(0f, v);
        }
      }
    }
  }

  @Test
  void sparseAndDenseAdamAgreeWhenEveryEntryIsTouched() {
    // Two dense levels of 3^3 and 4^3 vertices; 4000 points touch every vertex in every step.
    HashGridEncoding sparse = HashGridEncoding.builder().optLevels(2).optBaseResolution(2).optPerLevelScale(1.5)
        .optLog2TableSize(8).optSparseUpdates(true).build();
    HashGridEncoding dense = HashGridEncoding.builder().optLevels(2).optBaseResolution(2).optPerLevelScale(1.5)
        .optLog2TableSize(8).optSparseUpdates(false).build();
    assertArrayEquals(sparse.parameters(), dense.parameters());
    int n = 4000;
    for (int s = 0; s < 10; s++) {
      float[] x = randomPoints(n, 100 + s);
      float[] g = randomGrad(n * 4, 200 + s);
      sparse.backward(x, n, g, 4, 0);
      dense.backward(x, n, g, 4, 0);
      sparse.step(1e-2f);
      dense.step(1e-2f);
      assertArrayEquals(dense.parameters(), sparse.parameters(), "step " + s);
    }
    for (int r = 0; r < sparse.levelRows(0); r++) {
      assertEquals(10, sparse.optimizer().rowSteps(r));
    }
  }

  @Test
  void sparseStepOnlyMovesTouchedEntries() {
    HashGridEncoding grid = smallGrid(2, true);
    float[] before = grid.parameters().clone();
    float[] x = {0.1f, 0.2f, 0.3f};
    grid.backward(x, 1, new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 16, 0);
    grid.step(1e-3f);
    int moved = 0;
    for (int i = 0; i < before.length; i++) {
      if (before[i] != grid.parameters()[i]) {
        moved++;
      }
    }
    assertTrue(moved > 0 && moved <= 8 * 8 * 2, "moved " + moved);
    for (float v : grid.gradients()) {
      assertEquals(0f, v);
    }
  }

  @Test
  void stateRoundTripIsBitExactAndTrainingContinuesIdentically() throws IOException {
    HashGridEncoding a = smallGrid(2, true);
    int n = 500;
    for (int s = 0; s < 3; s++) {
      a.backward(randomPoints(n, s), n, randomGrad(n * 16, s), 16, 0);
      a.step(1e-2f);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    a.writeState(new DataOutputStream(bytes));
    HashGridEncoding b = HashGridEncoding.builder().optLevels(8).optLog2TableSize(12).optBaseResolution(4)
        .optPerLevelScale(1.8).optSeed(999).build();
    b.readState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    assertArrayEquals(a.parameters(), b.parameters());
    assertEquals(3, b.steps());
    for (int s = 3; s < 6; s++) {
      float[] x = randomPoints(n, s);
      float[] g = randomGrad(n * 16, s);
      a.backward(x, n, g, 16, 0);
      b.backward(x, n, g, 16, 0);
      a.step(1e-2f);
      b.step(1e-2f);
    }
    assertArrayEquals(a.parameters(), b.parameters());
  }

  @Test
  void rejectsStateOfAnotherConfiguration() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    smallGrid(2, true).writeState(new DataOutputStream(bytes));
    HashGridEncoding other = HashGridEncoding.builder().optLevels(8).optLog2TableSize(13).optBaseResolution(4)
        .optPerLevelScale(1.8).build();
    IOException e = assertThrows(IOException.class,
        () -> other.readState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
    assertTrue(e.getMessage().contains("log2 table size"), e.getMessage());
  }

  @Test
  void rejectsBadArguments() {
    HashGridEncoding grid = smallGrid(2, true);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> grid.encode(new float[6], 3, new float[48], 16, 0));
    assertTrue(e.getMessage().contains("input"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> grid.encode(new float[6], 2, new float[40], 20, 8));
    assertThrows(IllegalArgumentException.class, () -> grid.backward(new float[6], 2, new float[16], 16, 0));
    assertThrows(IllegalArgumentException.class, () -> HashGridEncoding.builder().optLevels(0));
    assertThrows(IllegalArgumentException.class,
        () -> HashGridEncoding.builder().optBaseResolution(64).optMaxResolution(32).build());
  }
}
