package io.github.bakefeature.core.synth;

/**
 * A solid box {@code [-halfX, halfX] x [-halfY, halfY] x [-halfZ, halfZ]} in its local frame (so
 * axis-aligned or oriented). Parts: face {@code 2 * axis + (positive side ? 1 : 0)}, all planar.
 */
public final class Box extends Primitive {
  private final double hx;
  private final double hy;
  private final double hz;

  public Box(Placement placement, double halfX, double halfY, double halfZ, int classId, int instanceId,
             Texture texture) {
    super(placement, classId, instanceId, texture);
    if (!(halfX > 0) || !(halfY > 0) || !(halfZ > 0)) {
      throw new IllegalArgumentException("half sizes must be positive, found " + halfX + ", " + halfY + ", " + halfZ);
    }
    this.hx = halfX;
    this.hy = halfY;
    this.hz = halfZ;
  }

  @Override
  public boolean intersect(double ox, double oy, double oz, double dx, double dy, double dz,
                           double tMin, Hit hit) {
    double olx = localX(ox, oy, oz);
    double oly = localY(ox, oy, oz);
    double olz = localZ(ox, oy, oz);
    double dlx = ax * dx + ay * dy + az * dz;
    double dly = bx * dx + by * dy + bz * dz;
    double dlz = ex * dx + ey * dy + ez * dz;
    double tNear = Double.NEGATIVE_INFINITY;
    double tFar = Double.POSITIVE_INFINITY;
    int nearFace = -1;
    int farFace = -1;
    // Slab x.
    if (dlx == 0) {
      if (olx < -hx || olx > hx) {
        return false;
      }
    } else {
      double inv = 1.0 / dlx;
      double ta = (-hx - olx) * inv;
      double tb = (hx - olx) * inv;
      // Entering through the face the ray points away from.
      int enter = dlx > 0 ? 0 : 1;
      double t0 = Math.min(ta, tb);
      double t1 = Math.max(ta, tb);
      if (t0 > tNear) {
        tNear = t0;
        nearFace = enter;
      }
      if (t1 < tFar) {
        tFar = t1;
        farFace = 1 - enter;
      }
    }
    // Slab y.
    if (dly == 0) {
      if (oly < -hy || oly > hy) {
        return false;
      }
    } else {
      double inv = 1.0 / dly;
      double ta = (-hy - oly) * inv;
      double tb = (hy - oly) * inv;
      int enter = dly > 0 ? 2 : 3;
      double t0 = Math.min(ta, tb);
      double t1 = Math.max(ta, tb);
      if (t0 > tNear) {
        tNear = t0;
        nearFace = enter;
      }
      if (t1 < tFar) {
        tFar = t1;
        farFace = enter ^ 1;
      }
    }
    // Slab z.
    if (dlz == 0) {
      if (olz < -hz || olz > hz) {
        return false;
      }
    } else {
      double inv = 1.0 / dlz;
      double ta = (-hz - olz) * inv;
      double tb = (hz - olz) * inv;
      int enter = dlz > 0 ? 4 : 5;
      double t0 = Math.min(ta, tb);
      double t1 = Math.max(ta, tb);
      if (t0 > tNear) {
        tNear = t0;
        nearFace = enter;
      }
      if (t1 < tFar) {
        tFar = t1;
        farFace = enter ^ 1;
      }
    }
    if (tNear > tFar) {
      return false;
    }
    double t;
    int face;
    if (tNear > tMin) {
      t = tNear;
      face = nearFace;
    } else {
      // Ray starts inside the box: it leaves through the far face.
      t = tFar;
      face = farFace;
    }
    if (!(t > tMin && t < hit.t) || face < 0) {
      return false;
    }
    hit.t = t;
    hit.lx = olx + t * dlx;
    hit.ly = oly + t * dly;
    hit.lz = olz + t * dlz;
    // Snap the coordinate of the face exactly, so texturing sees the face plane.
    double s = (face & 1) == 1 ? 1 : -1;
    switch (face >> 1) {
      case 0 -> {
        hit.lx = s * hx;
        setWorldNormal(hit, s, 0, 0);
      }
      case 1 -> {
        hit.ly = s * hy;
        setWorldNormal(hit, 0, s, 0);
      }
      default -> {
        hit.lz = s * hz;
        setWorldNormal(hit, 0, 0, s);
      }
    }
    hit.part = face;
    hit.primitive = this;
    return true;
  }

  @Override
  public double[] bounds() {
    return boundsOfLocalBox(hx, hy, hz);
  }

  @Override
  public boolean isPlanar(int part) {
    return true;
  }
}
