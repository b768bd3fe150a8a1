package io.github.bakefeature.api.scene;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DepthImageTest {

  @Test
  void refusesDepthWhosePixelCountOverflowsInt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DepthImage(65_536, 65_536, new float[0]));
    assertTrue(e.getMessage().contains("expected 4294967296 depth values"), e.getMessage());
  }

  @Test
  void resizesByNearestNeighbourWithPixelCentresAligned() {
    DepthImage d = new DepthImage(4, 2, new float[] {1, 2, 3, 4, 5, 0, 7, 8});
    assertSame(d, d.resized(4, 2));
    // Shrinking: output pixel centre (x + 0.5) * 4 / w' picks source column 2 (of 1) or 1 and 3 (of 2).
    assertArrayEquals(new float[] {7}, d.resized(1, 1).metres());
    assertArrayEquals(new float[] {0, 8}, d.resized(2, 1).metres(), "an invalid pixel stays invalid");
    // Doubling repeats every pixel twice in each direction; an invalid pixel stays 0, never blended.
    float[] up = d.resized(8, 4).metres();
    assertArrayEquals(new float[] {1, 1, 2, 2, 3, 3, 4, 4}, java.util.Arrays.copyOfRange(up, 0, 8));
    assertArrayEquals(new float[] {5, 5, 0, 0, 7, 7, 8, 8}, java.util.Arrays.copyOfRange(up, 24, 32));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.resized(0, 3));
    assertTrue(e.getMessage().contains("found 0x3"), e.getMessage());
  }
}
