package io.github.bakefeature.core.encodings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.bakefeature.core.djl.DjlRuntime;
import org.junit.jupiter.api.Test;

/**
 * The Java kernels against the DJL-op reference (an independent implementation whose parameter
 * gradient comes from DJL autograd): forward within 1e-6 absolute (outputs are convex
 * combinations of parameters in [-1, 1], so float rounding is ~1e-7), parameter gradients within
 * 1e-5 relative to max(1, |g|) (sums of a few hundred terms added in a different order).
 */
class HashGridReferenceTest {

  private static void compare(HashGridEncoding grid, int n, long seed) {
    float[] x = HashGridEncodingTest.randomPoints(n, seed);
    // a few points on and beyond the faces exercise clamping and the x = 1 cell rule
    x[0] = 1f;
    x[1] = 0f;
    x[2] = 1.03f;
    x[3] = -0.2f;
    int out = grid.outputDimension();
    float[] g = HashGridEncodingTest.randomGrad(n * out, seed + 1);
    float[] y = grid.encode(x, n);
    grid.backward(x, n, g, out, 0);
    float[] javaGrad = grid.gradients();
    try (HashGridReference ref = new HashGridReference(grid); NDManager m = DjlRuntime.newManager()) {
      NDArray points = m.create(x, new Shape(n, 3));
      NDArray upstream = m.create(g, new Shape(n, out));
      float[] yRef = ref.encode(points).toFloatArray();
      assertEquals(y.length, yRef.length);
      for (int i = 0; i < y.length; i++) {
        assertEquals(yRef[i], y[i], 1e-6, "output " + i + " (point " + i / out + ", column " + i % out + ")");
      }
      ref.forwardBackward(points, upstream);
      float[] refGrad = ref.parameterGradient();
      assertEquals(javaGrad.length, refGrad.length);
      int nonZero = 0;
      for (int i = 0; i < refGrad.length; i++) {
        if (refGrad[i] != 0) {
          nonZero++;
        }
        if (!(Math.abs(refGrad[i] - javaGrad[i]) <= 1e-5 * Math.max(1, Math.abs(refGrad[i])))) {
          fail("gradient " + i + ": reference " + refGrad[i] + ", Java " + javaGrad[i]);
        }
      }
      assertTrue(nonZero > n, "gradient reaches " + nonZero + " parameters");
    }
  }

  @Test
  void javaKernelMatchesDjlReferenceOnDenseAndHashedLevels() {
    HashGridEncoding grid = HashGridEncodingTest.smallGrid(2, true);
    assertTrue(grid.isDense(0) && grid.isDense(2));
    assertFalse(grid.isDense(3));
    compare(grid, 3000, 41);
  }

  @Test
  void genericFeatureCountMatchesDjlReference() {
    compare(HashGridEncodingTest.smallGrid(4, true), 1000, 43);
  }

  @Test
  void papersDefaultGridMatchesDjlReference() {
    // 16 levels up to N = 524288 with 2^19-entry tables: checks offsets, padding and large hashes.
    HashGridEncoding grid = HashGridEncoding.builder().build();
    HashGridEncodingTest.randomise(grid, 9);
    compare(grid, 1000, 47);
  }
}
