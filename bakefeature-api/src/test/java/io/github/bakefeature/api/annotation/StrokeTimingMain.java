package io.github.bakefeature.api.annotation;

/**
 * Times {@link Stroke#forEachPixel} against the brute-force rasteriser it replaced on the largest
 * strokes the limits allow (10,000-point zig-zags across a 320x240 frame). Not a test: run by hand.
 */
public final class StrokeTimingMain {
  private StrokeTimingMain() {}

  public static void main(String[] args) {
    int w = 320;
    int h = 240;
    for (float radius : new float[] {Stroke.MAX_RADIUS, 1.5f}) {
      Stroke s = StrokeRasterTest.zigZag(10_000, radius, w, h);
      long[] count = new long[1];
      for (int round = 0; round < 3; round++) {
        long t0 = System.nanoTime();
        s.forEachPixel(w, h, p -> count[0]++);
        long t1 = System.nanoTime();
        BruteForceStroke.forEachPixel(s, w, h, p -> count[0]++);
        long t2 = System.nanoTime();
        System.out.printf("radius %.1f, 10,000 points, %dx%d: new %.1f ms, old %.1f ms%n", radius, w, h,
            (t1 - t0) / 1e6, (t2 - t1) / 1e6);
      }
    }
  }
}
