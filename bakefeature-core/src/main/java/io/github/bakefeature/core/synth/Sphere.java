package io.github.bakefeature.core.synth;

/** A solid sphere around the placement's centre; the rotation only turns its texture. One part (0), curved. */
public final class Sphere extends Primitive {
  private final double r;

  public Sphere(Placement placement, double radius, int classId, int instanceId, Texture texture) {
    super(placement, classId, instanceId, texture);
    if (!(radius > 0)) {
      throw new IllegalArgumentException("radius must be positive, found " + radius);
    }
    this.r = radius;
  }

  /** Radius in metres. */
  public double radius() {
    return r;
  }

  /** Centre in world coordinates, written to {@code out[0..2]}. */
  public void centre(double[] out) {
    out[0] = cx;
    out[1] = cy;
    out[2] = cz;
  }

  @Override
  public boolean intersect(double ox, double oy, double oz, double dx, double dy, double dz,
                           double tMin, Hit hit) {
    double px = ox - cx;
    double py = oy - cy;
    double pz = oz - cz;
    double a = dx * dx + dy * dy + dz * dz;
    double halfB = px * dx + py * dy + pz * dz;
    double c = px * px + py * py + pz * pz - r * r;
    double disc = halfB * halfB - a * c;
    if (disc < 0) {
      return false;
    }
    double sq = Math.sqrt(disc);
    // Numerically stable roots (no cancellation): q = -(halfB + sign(halfB) sq).
    double q = halfB >= 0 ? -(halfB + sq) : -(halfB - sq);
    double t0;
    double t1;
    if (q == 0) {
      t0 = 0;
      t1 = 0;
    } else {
      double ra = q / a;
      double rb = c / q;
      t0 = Math.min(ra, rb);
      t1 = Math.max(ra, rb);
    }
    double t = t0 > tMin ? t0 : t1;
    if (!(t > tMin && t < hit.t)) {
      return false;
    }
    double hx = px + t * dx;
    double hy = py + t * dy;
    double hz = pz + t * dz;
    double inv = 1.0 / r;
    hit.t = t;
    hit.nx = hx * inv;
    hit.ny = hy * inv;
    hit.nz = hz * inv;
    hit.lx = ax * hx + ay * hy + az * hz;
    hit.ly = bx * hx + by * hy + bz * hz;
    hit.lz = ex * hx + ey * hy + ez * hz;
    hit.part = 0;
    hit.primitive = this;
    return true;
  }

  @Override
  public double[] bounds() {
    return new double[] {cx - r, cy - r, cz - r, cx + r, cy + r, cz + r};
  }

  @Override
  public boolean isPlanar(int part) {
    return false;
  }
}
