package io.github.bakefeature.api.annotation;

import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * A brush stroke on one frame: a polyline in image coordinates (pixels, pixel centres at integer
 * coordinates) swept by a disc of radius {@code radius} pixels. A {@link Kind#PAINT} stroke sets
 * the covered pixels to {@code classId}; an {@link Kind#ERASE} stroke clears them ({@code classId}
 * is then -1). A single point is a dot.
 *
 * <p>{@code points} holds x0, y0, x1, y1, ...; it is owned by the stroke and must not be mutated.
 */
public record Stroke(Kind kind, int classId, float radius, float[] points) {

  /** What a stroke does to the pixels it covers. */
  public enum Kind {
    PAINT,
    ERASE
  }

  /** Largest accepted brush radius in pixels. */
  public static final float MAX_RADIUS = 256f;
  /** Largest accepted number of polyline vertices. */
  public static final int MAX_POINTS = 100_000;

  public Stroke {
    if (kind == null) {
      throw new IllegalArgumentException("stroke kind must be PAINT or ERASE, found null");
    }
    if (kind == Kind.PAINT && classId < 0) {
      throw new IllegalArgumentException("a paint stroke needs a class id >= 0, found " + classId);
    }
    if (kind == Kind.ERASE) {
      classId = -1;
    }
    if (!(radius >= 0.5f && radius <= MAX_RADIUS)) {
      throw new IllegalArgumentException(
          "brush radius must be in [0.5, " + MAX_RADIUS + "] pixels, found " + radius);
    }
    if (points == null || points.length < 2 || points.length % 2 != 0) {
      throw new IllegalArgumentException("expected x,y pairs (at least one point), found "
          + (points == null ? "null" : points.length + " values"));
    }
    if (points.length / 2 > MAX_POINTS) {
      throw new IllegalArgumentException(
          "expected at most " + MAX_POINTS + " points, found " + points.length / 2);
    }
    for (float p : points) {
      if (!Float.isFinite(p)) {
        throw new IllegalArgumentException("stroke coordinates must be finite, found " + p);
      }
    }
  }

  /** A paint stroke with class {@code classId}. */
  public static Stroke paint(int classId, float radius, float... points) {
    return new Stroke(Kind.PAINT, classId, radius, points);
  }

  /** An erase stroke. */
  public static Stroke erase(float radius, float... points) {
    return new Stroke(Kind.ERASE, -1, radius, points);
  }

  /** Number of polyline vertices. */
  public int pointCount() {
    return points.length / 2;
  }

  /**
   * Calls {@code pixel} with the row-major index {@code y * width + x} of every pixel whose centre
   * lies within {@code radius} of the polyline, each pixel once, in increasing index order,
   * clipped to the image.
   *
   * <p>Cost: about the area the stroke covers plus a few pixels per row and segment, instead of
   * the stroke's bounding box times its points. Each segment tests only the pixels near it (per
   * row, the span its band crosses, widened by a bound on the rounding of the distance test); a
   * pixel already accepted by an earlier segment is skipped a 64-pixel word at a time.
   */
  public void forEachPixel(int width, int height, IntConsumer pixel) {
    if ((long) width * height > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("expected an image of at most 2^31 - 1 pixels (pixel indices are ints), found "
          + width + "x" + height);
    }
    // A stroke reaching far outside the image (ends at 1e20 px) would cancel to nothing in the
    // float distance below; it gets a double-precision one that stays exact there. Strokes on the
    // image keep the float one (the same pixels as ever).
    boolean far = points.length > 2 && !inside(width, height);
    float minX = Float.MAX_VALUE;
    float minY = Float.MAX_VALUE;
    float maxX = -Float.MAX_VALUE;
    float maxY = -Float.MAX_VALUE;
    for (int i = 0; i < points.length; i += 2) {
      minX = Math.min(minX, points[i]);
      maxX = Math.max(maxX, points[i]);
      minY = Math.min(minY, points[i + 1]);
      maxY = Math.max(maxY, points[i + 1]);
    }
    int x0 = Math.max(0, (int) Math.floor(minX - radius));
    int x1 = Math.min(width - 1, (int) Math.ceil(maxX + radius));
    int y0 = Math.max(0, (int) Math.floor(minY - radius));
    int y1 = Math.min(height - 1, (int) Math.ceil(maxY + radius));
    if (x0 > x1 || y0 > y1) {
      return;
    }
    // One bit per pixel of the clipped box: set once a segment accepts the pixel. A pixel is inside
    // the stroke iff some segment's own distance is within the radius (the minimum over segments
    // passes iff one of them does; the final float rounding is monotone), so testing segment by
    // segment accepts exactly the pixels the whole-polyline distance did.
    int words = ((x1 - x0) >>> 6) + 1;
    long[] mask = new long[Math.multiplyExact(y1 - y0 + 1, words)];
    float r2 = radius * radius;
    int n = points.length / 2;
    for (int i = 0; i == 0 || i + 1 < n; i++) {
      int j = n == 1 ? 0 : i + 1; // a single point is a segment from the point to itself
      coverSegment(2 * i, 2 * j, far, r2, width, height, x0, x1, y0, y1, words, mask);
    }
    for (int y = y0; y <= y1; y++) {
      int row = (y - y0) * words;
      int base = y * width + x0;
      for (int w = 0; w < words; w++) {
        long bits = mask[row + w];
        while (bits != 0) {
          pixel.accept(base + (w << 6) + Long.numberOfTrailingZeros(bits));
          bits &= bits - 1;
        }
      }
    }
  }

  /**
   * Marks in {@code mask} the unmarked pixels of the box {@code [x0, x1] x [y0, y1]} within the
   * radius of the segment from point offset {@code a} to {@code b}. Rows are limited to the
   * segment's box and each row to where the segment's band crosses it, both grown by
   * {@link #slack}, so that every pixel the rounded distance test could accept is tested.
   */
  private void coverSegment(int a, int b, boolean far, float r2, int width, int height, int x0, int x1,
      int y0, int y1, int words, long[] mask) {
    double ax = points[a];
    double ay = points[a + 1];
    double bx = points[b];
    double by = points[b + 1];
    double abx = bx - ax;
    double aby = by - ay;
    double len = Math.sqrt(abx * abx + aby * aby);
    double reach = radius + slack(ax, ay, bx, by, len, width, height);
    double rowLo = Math.max(y0, Math.floor(Math.min(ay, by) - reach));
    double rowHi = Math.min(y1, Math.ceil(Math.max(ay, by) + reach));
    double colLo = Math.max(x0, Math.floor(Math.min(ax, bx) - reach));
    double colHi = Math.min(x1, Math.ceil(Math.max(ax, bx) + reach));
    if (!(rowLo <= rowHi && colLo <= colHi)) {
      return; // also when a bound is NaN: the slack is finite for finite points, but stay safe
    }
    // The band |n . p - k| <= reach |ab| around the segment's line, with the implicit form the far
    // distance uses (exact products of floats in double), crossed by row y at
    // x aby in [c - halfWidth, c + halfWidth], c = y abx + k.
    double k = ax * by - ay * bx;
    double halfWidth = reach * len;
    for (int y = (int) rowLo, yEnd = (int) rowHi; y <= yEnd; y++) {
      double lo = colLo;
      double hi = colHi;
      if (len > 0) {
        double c = y * abx + k;
        if (aby != 0) {
          double u = (c - halfWidth) / aby;
          double v = (c + halfWidth) / aby;
          lo = Math.max(lo, Math.floor(Math.min(u, v)) - 1);
          hi = Math.min(hi, Math.ceil(Math.max(u, v)) + 1);
        } else if (!(Math.abs(c) <= halfWidth)) {
          continue; // a horizontal segment's band misses this row
        }
      }
      if (!(lo <= hi)) {
        continue;
      }
      markRow(a, b, far, r2, y, (int) lo, (int) hi, x0, (y - y0) * words, mask);
    }
  }

  /** Tests the unmarked pixels {@code [from, to]} of row {@code y} against one segment. */
  private void markRow(int a, int b, boolean far, float r2, int y, int from, int to, int x0, int row, long[] mask) {
    int first = from - x0;
    int last = to - x0;
    for (int w = first >>> 6, wEnd = last >>> 6; w <= wEnd; w++) {
      long span = -1L;
      if (w == first >>> 6) {
        span &= -1L << (first & 63);
      }
      if (w == wEnd) {
        span &= -1L >>> (63 - (last & 63));
      }
      long todo = span & ~mask[row + w];
      long hit = 0;
      while (todo != 0) {
        int bit = Long.numberOfTrailingZeros(todo);
        todo &= todo - 1;
        float x = x0 + (w << 6) + bit;
        float d2 = far ? farSegmentDistanceSquared(a, b, x, y) : segmentDistanceSquared(a, b, x, y);
        if (d2 <= r2) {
          hit |= 1L << bit;
        }
      }
      mask[row + w] |= hit;
    }
  }

  /**
   * A bound, in pixels, on how far outside the segment's true {@code radius}-capsule the rounded
   * distance tests can accept a pixel, plus a pixel of margin. The float test is off by a few
   * float ulps of the coordinates; the far one by the rounding of its implicit-form constant
   * (relative to the segment's length) and, near the ends, by the rounding of the projection that
   * picks end or side (a few double ulps of the coordinates). Generous by orders of magnitude:
   * for strokes on the image it is one pixel and a hair; only segments with ends near 1e15 px or
   * shorter than a rounding error get slack that reaches across the image.
   */
  private double slack(double ax, double ay, double bx, double by, double len, int width, int height) {
    double coords = Math.abs(ax) + Math.abs(ay) + Math.abs(bx) + Math.abs(by) + width + height + radius;
    double s = 1 + 0x1p-16 * coords;
    if (len > 0) {
      double products = (width + height) * (Math.abs(bx - ax) + Math.abs(by - ay))
          + Math.abs(ax * by) + Math.abs(ay * bx);
      s += 0x1p-40 * products / len + 0x1p-40 * coords;
    }
    return s;
  }

  /** Whether every point lies within {@code radius} + 1 px of the image's pixel centres. */
  private boolean inside(int width, int height) {
    float m = radius + 1f;
    for (int i = 0; i < points.length; i += 2) {
      if (points[i] < -m || points[i] > width - 1 + m || points[i + 1] < -m || points[i + 1] > height - 1 + m) {
        return false;
      }
    }
    return true;
  }

  /**
   * Squared distance from (x, y) to the segment between point offsets {@code a} and {@code b}, in
   * float; {@code a == b} is the distance to that point.
   */
  private float segmentDistanceSquared(int a, int b, float x, float y) {
    float ax = points[a];
    float ay = points[a + 1];
    float bx = points[b];
    float by = points[b + 1];
    float abx = bx - ax;
    float aby = by - ay;
    float len2 = abx * abx + aby * aby;
    float t = len2 > 0 ? ((x - ax) * abx + (y - ay) * aby) / len2 : 0f;
    t = Math.max(0f, Math.min(1f, t));
    float dx = x - (ax + t * abx);
    float dy = y - (ay + t * aby);
    return dx * dx + dy * dy;
  }

  /**
   * {@link #segmentDistanceSquared} for segments with far-away ends: beside a segment, the distance
   * to its line comes from the implicit form {@code n . p = k}, whose constant
   * {@code k = ax by - ay bx} is a difference of two exact double products of floats and so
   * correctly rounded, instead of from {@code x - (ax + t abx)}, which cancels.
   */
  private float farSegmentDistanceSquared(int a, int b, float x, float y) {
    double ax = points[a];
    double ay = points[a + 1];
    double bx = points[b];
    double by = points[b + 1];
    double abx = bx - ax;
    double aby = by - ay;
    double len2 = abx * abx + aby * aby;
    double dot = (x - ax) * abx + (y - ay) * aby;
    double d2;
    if (len2 == 0 || dot <= 0) {
      d2 = (x - ax) * (x - ax) + (y - ay) * (y - ay);
    } else if (dot >= len2) {
      d2 = (x - bx) * (x - bx) + (y - by) * (y - by);
    } else {
      double k = ax * by - ay * bx;
      double side = x * aby - y * abx - k; // -(b - a) x (p - a), expanded
      d2 = side * side / len2;
    }
    return (float) Math.min(Float.MAX_VALUE, d2);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Stroke s && s.kind == kind && s.classId == classId
        && Float.compare(s.radius, radius) == 0 && Arrays.equals(s.points, points);
  }

  @Override
  public int hashCode() {
    return (kind.hashCode() * 31 + classId) * 31 + Arrays.hashCode(points);
  }

  @Override
  public String toString() {
    return "Stroke[" + kind + ", class=" + classId + ", radius=" + radius + ", points=" + pointCount() + "]";
  }
}
