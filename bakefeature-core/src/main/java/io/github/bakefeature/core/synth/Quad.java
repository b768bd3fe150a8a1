package io.github.bakefeature.core.synth;

/**
 * A two-sided rectangle: the local plane {@code y = 0}, {@code |x| <= halfX}, {@code |z| <= halfZ},
 * with the local +y axis as its normal. Floors, walls, ceilings and rugs' tops. One part (0), planar.
 */
public final class Quad extends Primitive {
  private final double hx;
  private final double hz;

  public Quad(Placement placement, double halfX, double halfZ, int classId, int instanceId, Texture texture) {
    super(placement, classId, instanceId, texture);
    if (!(halfX > 0) || !(halfZ > 0)) {
      throw new IllegalArgumentException("half sizes must be positive, found " + halfX + ", " + halfZ);
    }
    this.hx = halfX;
    this.hz = halfZ;
  }

  @Override
  public boolean intersect(double ox, double oy, double oz, double dx, double dy, double dz,
                           double tMin, Hit hit) {
    double dly = bx * dx + by * dy + bz * dz;
    if (dly == 0) {
      return false;
    }
    double oly = localY(ox, oy, oz);
    double t = -oly / dly;
    if (!(t > tMin && t < hit.t)) {
      return false;
    }
    double lx = localX(ox, oy, oz) + t * (ax * dx + ay * dy + az * dz);
    if (lx < -hx || lx > hx) {
      return false;
    }
    double lz = localZ(ox, oy, oz) + t * (ex * dx + ey * dy + ez * dz);
    if (lz < -hz || lz > hz) {
      return false;
    }
    hit.t = t;
    hit.lx = lx;
    hit.ly = 0;
    hit.lz = lz;
    hit.part = 0;
    hit.nx = bx;
    hit.ny = by;
    hit.nz = bz;
    hit.primitive = this;
    return true;
  }

  @Override
  public double[] bounds() {
    return boundsOfLocalBox(hx, 0, hz);
  }

  @Override
  public boolean isPlanar(int part) {
    return true;
  }
}
