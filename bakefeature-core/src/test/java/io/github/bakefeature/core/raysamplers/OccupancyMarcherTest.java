package io.github.bakefeature.core.raysamplers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.Aabb;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OccupancyMarcherTest {
  private final SceneBox box = new SceneBox(new Aabb(0, 0, 0, 1, 1, 1));

  @Test
  void keepsOnlySamplesInOccupiedCellsAndJumpsOverEmptySpace() {
    OccupancyGrid grid = new OccupancyGrid(16, 1f);
    // A wall of occupied cells at x in [0.5, 0.5625).
    grid.markSurface(0.53f, 0.5f, 0.5f, 0);
    grid.commitSurfaces();
    OccupancyMarcher m = new OccupancyMarcher(0.01f, 1000, 0.0f);
    PackedSamples out = new PackedSamples();
    m.march(1, new float[] {0.001f, 0.53f, 0.53f}, new float[] {1, 0, 0}, box, grid, out);
    assertTrue(out.size() >= 5 && out.size() <= 7, "expected ~6 samples in one 1/16 cell, found " + out.size());
    for (int i = 0; i < out.size(); i++) {
      float x = 0.001f + out.t()[i];
      assertTrue(x >= 0.5f && x < 0.5625f + 1e-4, "sample outside the occupied cell at x=" + x);
    }
  }

  @Test
  void everyCellIsOccupiedBeforeAnyEvidence() {
    OccupancyGrid grid = new OccupancyGrid(8, 1f);
    assertEquals(1.0, grid.occupiedFraction());
    OccupancyMarcher m = new OccupancyMarcher(0.1f, 1000, 0f);
    PackedSamples out = new PackedSamples();
    m.march(1, new float[] {0.5f, 0.5f, 0.01f}, new float[] {0, 0, 1}, box, grid, out);
    assertEquals(10, out.size());
  }

  @Test
  void fieldUpdatesClearEmptyCellsButKeepMeasuredSurfaces() {
    OccupancyGrid grid = new OccupancyGrid(8, 1f);
    grid.markSurface(0.1f, 0.1f, 0.1f, 0);
    grid.commitSurfaces();
    // A field that is dense only in the upper half (z > 0.5).
    grid.update((pts, n, out) -> {
      for (int i = 0; i < n; i++) {
        out[i] = pts[3 * i + 2] > 0.5f ? 10f : 0f;
      }
    }, 8 * 8 * 8, 0.95f, new SplittableRandom(1));
    assertTrue(grid.isOccupied(0.1f, 0.1f, 0.1f), "measured surface must stay occupied");
    assertTrue(grid.isOccupied(0.5f, 0.5f, 0.9f));
    assertTrue(!grid.isOccupied(0.9f, 0.9f, 0.2f));
    assertEquals(0.5 + 1.0 / 512, grid.occupiedFraction(), 1e-9);
  }

  @Test
  void withMeasuredSurfacesUnvisitedCellsStartEmpty() {
    OccupancyGrid grid = new OccupancyGrid(8, 1f);
    grid.markSurface(0.1f, 0.1f, 0.1f, 0);
    grid.commitSurfaces();
    assertEquals(1.0 / 512, grid.occupiedFraction(), 1e-9, "only the measured cell before any update");
    // A partial update visiting a few cells of a field that is dense everywhere.
    grid.update((pts, n, out) -> java.util.Arrays.fill(out, 0, n, 10f), 16, 0.95f, new SplittableRandom(2));
    assertTrue(grid.occupiedFraction() <= 17.0 / 512, "only visited cells can turn occupied");
  }

  @Test
  void withoutSurfacesUnvisitedCellsStayOccupiedUntilVisited() {
    OccupancyGrid grid = new OccupancyGrid(8, 1f);
    grid.update((pts, n, out) -> java.util.Arrays.fill(out, 0, n, 0f), 16, 0.95f, new SplittableRandom(2));
    assertTrue(grid.occupiedFraction() >= 1 - 16.0 / 512, "unvisited cells keep the occupied prior");
  }
}
