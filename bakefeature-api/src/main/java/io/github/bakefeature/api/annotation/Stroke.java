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
        if (distanceSquared(x, y) <= r2) {
          pixel.accept(y * width + x);
        }
      }
    }
  }

  /**
   * Squared distance from (x, y) to the polyline, in double precision and without cancellation,
   * so that a segment with far-away ends (1e20 px) still paints where it crosses the image.
   */
  private float distanceSquared(float x, float y) {
    double best = Double.MAX_VALUE;
    int n = points.length / 2;
    if (n == 1) {
      double dx = x - (double) points[0];
      double dy = y - (double) points[1];
      return (float) Math.min(Float.MAX_VALUE, dx * dx + dy * dy);
    }
    for (int i = 0; i + 1 < n; i++) {
      double ax = points[2 * i];
      double ay = points[2 * i + 1];
      double abx = points[2 * i + 2] - ax;
      double aby = points[2 * i + 3] - ay;
      double px = x - ax;
      double py = y - ay;
      double len2 = abx * abx + aby * aby;
      double dot = px * abx + py * aby;
      double d2;
      if (len2 == 0 || dot <= 0) {
        d2 = px * px + py * py; // nearest to the start
      } else if (dot >= len2) {
        double qx = x - (ax + abx);
        double qy = y - (ay + aby);
        d2 = qx * qx + qy * qy; // nearest to the end
      } else {
        // Beside the segment: distance to the line from the cross product, which stays exact
        // when the ends are far away (the projected point ax + t * abx would cancel to nothing).
        double cross = px * aby - py * abx;
        d2 = cross * cross / len2;
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
