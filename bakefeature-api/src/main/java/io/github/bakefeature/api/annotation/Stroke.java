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
   * lies within {@code radius} of the polyline, each pixel once, clipped to the image.
   */
  public void forEachPixel(int width, int height, IntConsumer pixel) {
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
    float r2 = radius * radius;
    for (int y = y0; y <= y1; y++) {
      for (int x = x0; x <= x1; x++) {
        if ((far ? farDistanceSquared(x, y) : distanceSquared(x, y)) <= r2) {
          pixel.accept(y * width + x);
        }
      }
    }
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

  /** Squared distance from (x, y) to the polyline. */
  private float distanceSquared(float x, float y) {
    float best = Float.MAX_VALUE;
    int n = points.length / 2;
    if (n == 1) {
      float dx = x - points[0];
      float dy = y - points[1];
      return dx * dx + dy * dy;
    }
    for (int i = 0; i + 1 < n; i++) {
      float ax = points[2 * i];
      float ay = points[2 * i + 1];
      float bx = points[2 * i + 2];
      float by = points[2 * i + 3];
      float abx = bx - ax;
      float aby = by - ay;
      float len2 = abx * abx + aby * aby;
      float t = len2 > 0 ? ((x - ax) * abx + (y - ay) * aby) / len2 : 0f;
      t = Math.max(0f, Math.min(1f, t));
      float dx = x - (ax + t * abx);
      float dy = y - (ay + t * aby);
      best = Math.min(best, dx * dx + dy * dy);
    }
    return best;
  }

  /**
   * {@link #distanceSquared} for segments with far-away ends: beside a segment, the distance to its
   * line comes from the implicit form {@code n . p = k}, whose constant {@code k = ax by - ay bx}
   * is a difference of two exact double products of floats and so correctly rounded, instead of
   * from {@code x - (ax + t abx)}, which cancels.
   */
  private float farDistanceSquared(float x, float y) {
    double best = Double.MAX_VALUE;
    for (int i = 0; i + 3 < points.length; i += 2) {
      double ax = points[i];
      double ay = points[i + 1];
      double bx = points[i + 2];
      double by = points[i + 3];
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
      best = Math.min(best, d2);
    }
    return (float) Math.min(Float.MAX_VALUE, best);
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
