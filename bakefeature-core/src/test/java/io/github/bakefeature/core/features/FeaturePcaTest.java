package io.github.bakefeature.core.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.feature.FeatureMap;
import io.github.bakefeature.api.scene.RgbImage;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FeaturePcaTest {

  /** A 20x10 map of 6-d features spread along three orthogonal directions with std 10, 3 and 1. */
  private static FeatureMap map(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double s = 1 / Math.sqrt(2);
    double[][] dirs = {{s, s, 0, 0, 0, 0}, {0, 0, 1, 0, 0, 0}, {s, -s, 0, 0, 0, 0}};
    double[] sd = {10, 3, 1};
    float[] data = new float[20 * 10 * 6];
    for (int i = 0; i < 200; i++) {
      for (int k = 0; k < 3; k++) {
        double a = rnd.nextGaussian() * sd[k];
        for (int c = 0; c < 6; c++) {
          data[i * 6 + c] += (float) (a * dirs[k][c]);
        }
      }
      data[i * 6 + 5] += 5f; // an offset the mean removes
    }
    return new FeatureMap(20, 10, 6, data);
  }

  @Test
  void findsTheDirectionsOfLargestVarianceInOrder() {
    FeaturePca pca = FeaturePca.fit(List.of(map(1), map(2), map(3)), 600, 0);
    float[] comp = pca.components();
    double s = 1 / Math.sqrt(2);
    double[][] expected = {{s, s, 0, 0, 0, 0}, {0, 0, 1, 0, 0, 0}, {s, -s, 0, 0, 0, 0}};
    for (int k = 0; k < 3; k++) {
      double dot = 0;
      int big = 0;
      for (int c = 0; c < 6; c++) {
        dot += comp[k * 6 + c] * expected[k][c];
        big = Math.abs(comp[k * 6 + c]) > Math.abs(comp[k * 6 + big]) ? c : big;
      }
      assertEquals(1, Math.abs(dot), 0.002, "component " + k + " (up to sign)");
      assertTrue(comp[k * 6 + big] > 0, "sign convention: the largest loading is positive");
    }
    double[] var = pca.variances();
    assertEquals(100, var[0], 15);
    assertEquals(9, var[1], 2);
    assertEquals(1, var[2], 0.3);
  }

  @Test
  void colourImagesHaveTheRequestedShapeAndUseTheFullRange() {
    FeatureMap a = map(4);
    FeaturePca pca = FeaturePca.fit(List.of(a), 1000, 0);
    RgbImage grid = pca.toRgb(a);
    assertEquals(20, grid.width());
    assertEquals(10, grid.height());
    RgbImage big = pca.toRgb(a, 60, 25);
    assertEquals(60, big.width());
    assertEquals(25, big.height());
    for (int k = 0; k < 3; k++) {
      int lo = 255;
      int hi = 0;
      for (int y = 0; y < 10; y++) {
        for (int x = 0; x < 20; x++) {
          int v = grid.get(x, y, k);
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
      assertEquals(0, lo, "1st percentile maps to 0, lower values clip");
      assertEquals(255, hi);
    }
    // nearest-neighbour upscaling: pixel (59, 24) shows cell (19, 9)
    assertEquals(grid.rgb(19, 9), big.rgb(59, 24));
    assertEquals(grid.rgb(0, 0), big.rgb(1, 1));
  }

  @Test
  void equalFeaturesGetEqualColoursInEveryFrame() {
    FeatureMap a = map(5);
    FeatureMap b = map(6);
    FeaturePca pca = FeaturePca.fit(List.of(a, b), 400, 1);
    float[] data = b.data().clone();
    System.arraycopy(a.data(), 0, data, 6 * 7, 6); // cell 7 of b = cell 0 of a
    RgbImage ca = pca.toRgb(a);
    RgbImage cb = pca.toRgb(new FeatureMap(20, 10, 6, data));
    assertEquals(ca.rgb(0, 0), cb.rgb(7, 0));
    // and the fit is deterministic
    assertArrayEquals(pca.components(), FeaturePca.fit(List.of(a, b), 400, 1).components());
  }

  @Test
  void jacobiDiagonalisesASymmetricMatrix() {
    double[][] m = {{4, 1, 2}, {1, 3, 0}, {2, 0, 5}};
    double[][] v = new double[3][3];
    double[] e = FeaturePca.jacobi(m, v);
    for (int k = 0; k < 3; k++) {
      for (int i = 0; i < 3; i++) {
        double mv = 0;
        for (int j = 0; j < 3; j++) {
          mv += m[i][j] * v[j][k];
        }
        assertEquals(e[k] * v[i][k], mv, 1e-9);
      }
    }
    assertEquals(12, e[0] + e[1] + e[2], 1e-9); // trace
  }

  @Test
  void rejectsMismatchedInput() {
    FeaturePca pca = FeaturePca.fit(List.of(map(7)), 100, 0);
    assertThrows(IllegalArgumentException.class, () -> pca.toRgb(new FeatureMap(2, 2, 3, new float[12])));
    assertThrows(IllegalArgumentException.class, () -> FeaturePca.fit(List.of(), 100, 0));
    assertThrows(IllegalArgumentException.class,
        () -> FeaturePca.fit(List.of(map(7), new FeatureMap(2, 2, 3, new float[12])), 100, 0));
  }

  @Test
  void leavesOutNonFiniteCellsAndSizesItsBufferByTheMapsNotTheRequest() {
    // Before: one NaN made every component NaN (every pixel grey 128), Integer.MAX_VALUE samples
    // threw "integer overflow" and 10^8 samples of 4x4 cells allocated 2 GB.
    FeatureMap clean = map(1);
    float[] dirty = clean.data().clone();
    dirty[7] = Float.NaN;
    dirty[6 * 33] = Float.POSITIVE_INFINITY;
    FeaturePca pca = FeaturePca.fit(List.of(new FeatureMap(20, 10, 6, dirty)), 600, 0);
    RgbImage rgb = pca.toRgb(clean);
    boolean allGrey = true;
    for (byte b : rgb.pixels()) {
      allGrey &= (b & 0xFF) == 128;
    }
    assertTrue(!allGrey, "finite components");
    FeaturePca.fit(List.of(clean), Integer.MAX_VALUE, 0);
    FeaturePca.fit(List.of(clean), 100_000_000, 0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FeaturePca.fit(new float[] {0, 1, Float.NaN, 3}, 2, 2));
    assertTrue(e.getMessage().contains("found NaN in sample 1, channel 0"), e.getMessage());
  }
}
