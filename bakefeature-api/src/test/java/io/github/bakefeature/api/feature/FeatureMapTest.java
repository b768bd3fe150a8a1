package io.github.bakefeature.api.feature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FeatureMapTest {

  @Test
  void refusesDataWhoseValueCountOverflowsInt() {
    // 65536 * 65536 * 1 wraps to 0 in int.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new FeatureMap(65_536, 65_536, 1, new float[0]));
    assertTrue(e.getMessage().contains("expected 4294967296 values"), e.getMessage());
  }

  @Test
  void stretchedGridSpreadsItsCellsEvenlyOverTheImage() {
    FeatureMap m = new FeatureMap(3, 2, 1, new float[6]);
    assertTrue(m.stretched());
    // 3 cells over 10 pixels: (x + 0.5) * 3 / 10
    int[] expected = {0, 0, 0, 1, 1, 1, 1, 2, 2, 2};
    for (int x = 0; x < 10; x++) {
      assertEquals(expected[x], m.cellX(x, 10), "column " + x);
    }
  }

  @Test
  void explicitGridPlacesCellsByTheirSizeFromTheTopLeftAndClamps() {
    // Cells 2.5 px wide and 4 px high; the image is wider than the grid covers.
    FeatureMap m = new FeatureMap(3, 2, 1, new float[] {0, 1, 2, 3, 4, 5}, 2.5, 4);
    assertFalse(m.stretched());
    int[] columns = {0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2};
    for (int x = 0; x < columns.length; x++) {
      assertEquals(columns[x], m.cellX(x, 12), "column " + x);
    }
    float[] v = new float[1];
    m.lookup(6, 5, 12, 7, v, 0);
    assertEquals(5f, v[0]);
    m.lookup(1, 3, 12, 7, v, 0);
    assertEquals(0f, v[0]);
  }

  @Test
  void refusesCellSizesThatAreNeitherPositiveNorStretched() {
    for (double[] c : new double[][] {{0, 4}, {-1, -1}, {Double.NaN, 1}, {1, Double.POSITIVE_INFINITY}}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new FeatureMap(1, 1, 1, new float[1], c[0], c[1]));
      assertTrue(e.getMessage().contains("expected a cell size"), e.getMessage());
    }
  }
}
