package io.github.bakefeature.api.annotation;

import java.util.function.IntConsumer;

/**
 * The rasteriser {@link Stroke#forEachPixel} replaced, kept verbatim as the reference: every pixel
 * of the stroke's bounding box against every segment (cost: box pixels x points).
 */
final class BruteForceStroke {
  private BruteForceStroke() {}

  static void forEachPixel(Stroke s, int width, int height, IntConsumer pixel) {
    float[] points = s.points();
    float radius = s.radius();
    boolean far = points.length > 2 && !inside(points, radius, width, height);
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
        if ((far ? farDistanceSquared(points, x, y) : distanceSquared(points, x, y)) <= r2) {
          pixel.accept(y * width + x);
        }
      }
    }
  }

  private static boolean inside(float[] points, float radius, int width, int height) {
    float m = radius + 1f;
    for (int i = 0; i < points.length; i += 2) {
      if (points[i] < -m || points[i] > width - 1 + m || points[i + 1] < -m || points[i + 1] > height - 1 + m) {
        return false;
      }
    }
    return true;
  }

  private static float distanceSquared(float[] points, float x, float y) {
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

  private static float farDistanceSquared(float[] points, float x, float y) {
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
        double side = x * aby - y * abx - k;
        d2 = side * side / len2;
      }
      best = Math.min(best, d2);
    }
    return (float) Math.min(Float.MAX_VALUE, best);
  }
}
