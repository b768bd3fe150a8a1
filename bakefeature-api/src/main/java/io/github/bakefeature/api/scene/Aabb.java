package io.github.bakefeature.api.scene;

/**
 * An axis-aligned box in world coordinates (metres), e.g. the scene bounds the field is
 * normalised to. Invariant: every coordinate finite and {@code min < max} on each axis.
 */
public record Aabb(double minX, double minY, double minZ, double maxX, double maxY, double maxZ) {

  public Aabb {
    double[] v = {minX, minY, minZ, maxX, maxY, maxZ};
    for (double d : v) {
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException("bounds must be finite, found " + java.util.Arrays.toString(v));
      }
    }
    if (!(minX < maxX && minY < maxY && minZ < maxZ)) {
      throw new IllegalArgumentException(
          "bounds must have min < max on every axis, found min (" + minX + ", " + minY + ", " + minZ
              + ") max (" + maxX + ", " + maxY + ", " + maxZ + ")");
    }
  }

  /** Length of the diagonal in metres. */
  public double diagonal() {
    double dx = maxX - minX;
    double dy = maxY - minY;
    double dz = maxZ - minZ;
    return Math.sqrt(dx * dx + dy * dy + dz * dz);
  }

  /** Extent along axis 0, 1 or 2. */
  public double size(int axis) {
    return switch (axis) {
      case 0 -> maxX - minX;
      case 1 -> maxY - minY;
      case 2 -> maxZ - minZ;
      default -> throw new IllegalArgumentException("axis must be 0, 1 or 2, found " + axis);
    };
  }

  /** Lower corner along axis 0, 1 or 2. */
  public double min(int axis) {
    return switch (axis) {
      case 0 -> minX;
      case 1 -> minY;
      case 2 -> minZ;
      default -> throw new IllegalArgumentException("axis must be 0, 1 or 2, found " + axis);
    };
  }

  /** Upper corner along axis 0, 1 or 2. */
  public double max(int axis) {
    return switch (axis) {
      case 0 -> maxX;
      case 1 -> maxY;
      case 2 -> maxZ;
      default -> throw new IllegalArgumentException("axis must be 0, 1 or 2, found " + axis);
    };
  }

  public boolean contains(double x, double y, double z) {
    return x >= minX && x <= maxX && y >= minY && y <= maxY && z >= minZ && z <= maxZ;
  }

  /** This box grown by {@code fraction} of its size on every side (0.1 = 10 %). */
  public Aabb padded(double fraction) {
    double px = (maxX - minX) * fraction;
    double py = (maxY - minY) * fraction;
    double pz = (maxZ - minZ) * fraction;
    return new Aabb(minX - px, minY - py, minZ - pz, maxX + px, maxY + py, maxZ + pz);
  }

  /** The smallest box containing this one and the point. */
  public Aabb including(double x, double y, double z) {
    return new Aabb(Math.min(minX, x), Math.min(minY, y), Math.min(minZ, z),
        Math.max(maxX, x), Math.max(maxY, y), Math.max(maxZ, z));
  }

  /**
   * Intersects the ray {@code o + t d} with this box (slab method).
   *
   * @param out receives {@code tNear, tFar}; {@code tNear > tFar} when the ray misses
   */
  public void intersect(double ox, double oy, double oz, double dx, double dy, double dz, double[] out) {
    double t0 = Double.NEGATIVE_INFINITY;
    double t1 = Double.POSITIVE_INFINITY;
    for (int a = 0; a < 3; a++) {
      double o = a == 0 ? ox : a == 1 ? oy : oz;
      double d = a == 0 ? dx : a == 1 ? dy : dz;
      if (d == 0.0) {
        if (o < min(a) || o > max(a)) {
          t0 = Double.POSITIVE_INFINITY;
          t1 = Double.NEGATIVE_INFINITY;
        }
        continue;
      }
      double inv = 1.0 / d;
      double ta = (min(a) - o) * inv;
      double tb = (max(a) - o) * inv;
      t0 = Math.max(t0, Math.min(ta, tb));
      t1 = Math.min(t1, Math.max(ta, tb));
    }
    out[0] = t0;
    out[1] = t1;
  }

}
