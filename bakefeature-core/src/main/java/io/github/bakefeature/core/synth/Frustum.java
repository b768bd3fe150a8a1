package io.github.bakefeature.core.synth;

/**
 * A solid capped cone frustum along its local y axis: {@code |y| <= halfHeight}, radius
 * {@code bottomRadius} at {@code y = -halfHeight} growing linearly to {@code topRadius} at
 * {@code y = +halfHeight}. Equal radii make a capped cylinder. Parts: 0 side (curved), 1 bottom
 * cap, 2 top cap (planar). A zero radius at one end makes a cone without that cap.
 */
public final class Frustum extends Primitive {
  private final double h;
  private final double r0;
  private final double r1;
  /** Radius at local y is {@code rm + k y}. */
  private final double rm;
  private final double k;
  private final double slopeNorm;

  public Frustum(Placement placement, double halfHeight, double bottomRadius, double topRadius,
                 int classId, int instanceId, Texture texture) {
    super(placement, classId, instanceId, texture);
    if (!(halfHeight > 0) || !(bottomRadius >= 0) || !(topRadius >= 0) || !(bottomRadius + topRadius > 0)) {
      throw new IllegalArgumentException("expected halfHeight > 0 and non-negative radii not both 0, found "
          + halfHeight + ", " + bottomRadius + ", " + topRadius);
    }
    this.h = halfHeight;
    this.r0 = bottomRadius;
    this.r1 = topRadius;
    this.rm = 0.5 * (bottomRadius + topRadius);
    this.k = (topRadius - bottomRadius) / (2 * halfHeight);
    this.slopeNorm = 1.0 / Math.sqrt(1 + k * k);
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
    double best = hit.t;
    int part = -1;
    // Side: x^2 + z^2 = (rm + k y)^2 with |y| <= h and rm + k y >= 0.
    double ro = rm + k * oly;
    double a = dlx * dlx + dlz * dlz - k * k * dly * dly;
    double halfB = olx * dlx + olz * dlz - k * ro * dly;
    double c = olx * olx + olz * olz - ro * ro;
    if (a != 0) {
      double disc = halfB * halfB - a * c;
      if (disc >= 0) {
        double sq = Math.sqrt(disc);
        double q = halfB >= 0 ? -(halfB + sq) : -(halfB - sq);
        double ta = q / a;
        double tb = q == 0 ? ta : c / q;
        double t0 = Math.min(ta, tb);
        double t1 = Math.max(ta, tb);
        if (t0 > tMin && t0 < best && onSide(oly + t0 * dly)) {
          best = t0;
          part = 0;
        } else if (t1 > tMin && t1 < best && onSide(oly + t1 * dly)) {
          best = t1;
          part = 0;
        }
      }
    } else if (halfB != 0) {
      // Ray parallel to a cone generator: one root.
      double t = -c / (2 * halfB);
      if (t > tMin && t < best && onSide(oly + t * dly)) {
        best = t;
        part = 0;
      }
    }
    // Caps.
    if (dly != 0) {
      if (r0 > 0) {
        double t = (-h - oly) / dly;
        if (t > tMin && t < best) {
          double x = olx + t * dlx;
          double z = olz + t * dlz;
          if (x * x + z * z <= r0 * r0) {
            best = t;
            part = 1;
          }
        }
      }
      if (r1 > 0) {
        double t = (h - oly) / dly;
        if (t > tMin && t < best) {
          double x = olx + t * dlx;
          double z = olz + t * dlz;
          if (x * x + z * z <= r1 * r1) {
            best = t;
            part = 2;
          }
        }
      }
    }
    if (part < 0) {
      return false;
    }
    double lx = olx + best * dlx;
    double ly = oly + best * dly;
    double lz = olz + best * dlz;
    hit.t = best;
    hit.part = part;
    hit.primitive = this;
    hit.lx = lx;
    hit.lz = lz;
    if (part == 0) {
      hit.ly = ly;
      // Gradient of x^2 + z^2 - (rm + k y)^2, normalised: (x/r, -k, z/r) / sqrt(1 + k^2).
      double rad = Math.sqrt(lx * lx + lz * lz);
      double inv = rad > 0 ? 1.0 / rad : 0;
      setWorldNormal(hit, lx * inv * slopeNorm, -k * slopeNorm, lz * inv * slopeNorm);
    } else if (part == 1) {
      hit.ly = -h;
      setWorldNormal(hit, 0, -1, 0);
    } else {
      hit.ly = h;
      setWorldNormal(hit, 0, 1, 0);
    }
    return true;
  }

  private boolean onSide(double y) {
    return y >= -h && y <= h && rm + k * y >= 0;
  }

  @Override
  public double[] bounds() {
    double r = Math.max(r0, r1);
    return boundsOfLocalBox(r, h, r);
  }

  @Override
  public boolean isPlanar(int part) {
    return part != 0;
  }
}
