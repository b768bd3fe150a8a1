package io.github.bakefeature.api.annotation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StrokeRasterTest {

  private static int[] pixels(Stroke s, int w, int h) {
    int[][] buf = {new int[64]};
    int[] n = {0};
    s.forEachPixel(w, h, p -> {
      if (n[0] == buf[0].length) {
        buf[0] = Arrays.copyOf(buf[0], n[0] * 2);
      }
      buf[0][n[0]++] = p;
    });
    return Arrays.copyOf(buf[0], n[0]);
  }

  private static int[] reference(Stroke s, int w, int h) {
    int[][] buf = {new int[64]};
    int[] n = {0};
    BruteForceStroke.forEachPixel(s, w, h, p -> {
      if (n[0] == buf[0].length) {
        buf[0] = Arrays.copyOf(buf[0], n[0] * 2);
      }
      buf[0][n[0]++] = p;
    });
    return Arrays.copyOf(buf[0], n[0]);
  }

  private static void assertSamePixels(Stroke s, int w, int h) {
    int[] expected = reference(s, w, h);
    int[] actual = pixels(s, w, h);
    assertArrayEquals(expected, actual, () -> s + " on " + w + "x" + h + " points " + Arrays.toString(
        Arrays.copyOf(s.points(), Math.min(12, s.points().length))));
  }

  /** A coordinate: mostly on or near the image, sometimes far off it or exactly on a pixel centre. */
  private static float coordinate(SplittableRandom r, int size) {
    return switch (r.nextInt(10)) {
      case 0 -> (float) (r.nextDouble(-3, 3) * Math.pow(10, r.nextInt(1, 21)));
      case 1 -> r.nextInt(-2, size + 2);
      case 2 -> r.nextInt(size) + 0.5f;
      case 3 -> (float) r.nextDouble(-300, size + 300);
      default -> (float) r.nextDouble(-4, size + 4);
    };
  }

  private static float radius(SplittableRandom r) {
    return switch (r.nextInt(6)) {
      case 0 -> (float) r.nextDouble(0.5, 1.0);
      case 1 -> 0.5f + r.nextInt(8) * 0.5f; // half-integers: pixel centres exactly on the rim
      case 2 -> (float) r.nextDouble(20, Stroke.MAX_RADIUS);
      case 3 -> Stroke.MAX_RADIUS;
      default -> (float) r.nextDouble(0.5, 8);
    };
  }

  @Test
  void randomStrokesCoverExactlyThePixelsOfTheBruteForceTestInRowMajorOrder() {
    SplittableRandom r = new SplittableRandom(20240517);
    for (int trial = 0; trial < 3000; trial++) {
      int w = 1 + r.nextInt(r.nextBoolean() ? 8 : 90);
      int h = 1 + r.nextInt(r.nextBoolean() ? 8 : 70);
      int n = switch (r.nextInt(5)) {
        case 0 -> 1;
        case 1 -> 2;
        default -> 1 + r.nextInt(40);
      };
      float[] pts = new float[2 * n];
      for (int i = 0; i < n; i++) {
        if (i > 0 && r.nextInt(8) == 0) {
          // Repeated and nearly repeated points: zero and sub-ulp segments.
          pts[2 * i] = r.nextBoolean() ? pts[2 * i - 2] : Math.nextUp(pts[2 * i - 2]);
          pts[2 * i + 1] = pts[2 * i - 1];
        } else {
          pts[2 * i] = coordinate(r, w);
          pts[2 * i + 1] = coordinate(r, h);
        }
      }
      Stroke s = r.nextBoolean() ? Stroke.paint(r.nextInt(5), radius(r), pts) : Stroke.erase(radius(r), pts);
      assertSamePixels(s, w, h);
    }
  }

  @Test
  void strokesAtTheEdgesOfTheirPrecisionCoverTheSamePixelsAsTheBruteForceTest() {
    int w = 64;
    int h = 48;
    float[][] cases = {
        {-1e20f, 10, 1e20f, 10},
        {-1e15f, -1e15f, 1e15f, 1e15f},
        {-1e20f, 3e19f, 1e20f, -7e19f},
        {-3e38f, -3e38f, 3e38f, 3e38f},
        {1e20f, 1e20f, 1.0000001e20f, 1e20f, -1e20f, -1e20f},
        {20, 20},
        {-1e20f, -1e20f},
        {10, 10, 10, 10, 10, 10},
        {10, 10, Math.nextUp(10f), 10, 40, 30},
        {0, 0, 63, 47, 0, 47, 63, 0},
        {-0f, -0f, 0f, 0f},
        {-200, 24, 264, 24},
        {31.5f, -1e7f, 31.5f, 1e7f},
    };
    for (float[] pts : cases) {
      for (float radius : new float[] {0.5f, 0.70710677f, 1f, 1.5f, 3f, 40f, Stroke.MAX_RADIUS}) {
        assertSamePixels(Stroke.paint(0, radius, pts), w, h);
      }
    }
  }

  @Test
  void aLongZigZagAtTheLargestRadiusCoversTheSamePixelsAsTheBruteForceTest() {
    Stroke s = zigZag(500, Stroke.MAX_RADIUS, 320, 240);
    int[] expected = reference(s, 320, 240);
    assertEquals(320 * 240, expected.length, "a radius-256 stroke across a 320x240 frame covers all of it");
    assertArrayEquals(expected, pixels(s, 320, 240));
    Stroke thin = zigZag(500, 0.5f, 320, 240);
    assertArrayEquals(reference(thin, 320, 240), pixels(thin, 320, 240));
  }

  @Test
  void aStrokeOffTheImageCoversNothingAndDoesNotFail() {
    assertEquals(0, pixels(Stroke.paint(0, 3f, -50, -50, -40, -60), 32, 24).length);
    assertEquals(0, pixels(Stroke.paint(0, 3f, 1e30f, 1e30f), 32, 24).length);
    assertTrue(pixels(Stroke.paint(0, 3f, -50, 12, 100, 12), 32, 24).length > 0);
  }

  /** A polyline of {@code points} vertices bouncing between the left and right edges, top to bottom. */
  static Stroke zigZag(int points, float radius, int width, int height) {
    float[] p = new float[2 * points];
    for (int i = 0; i < points; i++) {
      p[2 * i] = (i & 1) == 0 ? 0 : width - 1;
      p[2 * i + 1] = (float) i * (height - 1) / (points - 1);
    }
    return Stroke.paint(0, radius, p);
  }
}
