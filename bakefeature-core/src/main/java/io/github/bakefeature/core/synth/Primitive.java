package io.github.bakefeature.core.synth;

import java.util.Objects;

/**
 * A solid (or, for {@link Quad}, a two-sided rectangle) with an analytic ray intersection, placed
 * by a rigid local frame: a centre and three orthonormal axes in world coordinates. Intersection
 * works for unnormalised ray directions, so the returned {@code t} is along the direction the
 * caller gave (the renderer passes directions with camera-z 1, making {@code t} the z-depth).
 *
 * <p>Immutable and thread-safe; the intersection methods allocate nothing.
 */
public abstract class Primitive {
  /** Surface ids reserve this many parts per primitive. */
  public static final int PARTS = 8;

  final int classId;
  final int instanceId;
  final Texture texture;
  private int index = -1;

  // Local frame: centre and local axes (unit, orthonormal, right-handed) in world coordinates.
  final double cx;
  final double cy;
  final double cz;
  final double ax;
  final double ay;
  final double az;
  final double bx;
  final double by;
  final double bz;
  final double ex;
  final double ey;
  final double ez;

  Primitive(Placement p, int classId, int instanceId, Texture texture) {
    this.classId = classId;
    this.instanceId = instanceId;
    this.texture = Objects.requireNonNull(texture, "texture");
    this.cx = p.x();
    this.cy = p.y();
    this.cz = p.z();
    double[] r = p.rotation();
    // Columns of the rotation are the local axes.
    this.ax = r[0];
    this.ay = r[3];
    this.az = r[6];
    this.bx = r[1];
    this.by = r[4];
    this.bz = r[7];
    this.ex = r[2];
    this.ey = r[5];
    this.ez = r[8];
  }

  /** Class id ({@code 0..C-1}) of this primitive. */
  public int classId() {
    return classId;
  }

  /** Id of the object instance this primitive belongs to (unique within a world). */
  public int instanceId() {
    return instanceId;
  }

  /** Albedo of the surface, evaluated in the local frame. */
  public Texture texture() {
    return texture;
  }

  /** Position in its world's primitive list (set when the world is built). */
  public int index() {
    return index;
  }

  void setIndex(int i) {
    if (index >= 0) {
      throw new IllegalStateException("primitive already belongs to a world");
    }
    index = i;
  }

  /**
   * Intersects the ray {@code o + t d} for {@code tMin < t < hit.t}; on success overwrites
   * {@code hit} (t, normal, local point, part, primitive) and returns true.
   */
  public abstract boolean intersect(double ox, double oy, double oz, double dx, double dy, double dz,
                                    double tMin, Hit hit);

  /** World-space bounds as {@code {minX, minY, minZ, maxX, maxY, maxZ}} (conservative). */
  public abstract double[] bounds();

  /** Whether the given part is flat (a plane), e.g. a box face or a cylinder cap. */
  public abstract boolean isPlanar(int part);

  // ---- helpers for subclasses: world <-> local -------------------------------------------------

  /** Local x of a world point. */
  final double localX(double x, double y, double z) {
    return ax * (x - cx) + ay * (y - cy) + az * (z - cz);
  }

  final double localY(double x, double y, double z) {
    return bx * (x - cx) + by * (y - cy) + bz * (z - cz);
  }

  final double localZ(double x, double y, double z) {
    return ex * (x - cx) + ey * (y - cy) + ez * (z - cz);
  }

  /** Writes the world normal for local normal (lx, ly, lz) (assumed unit) into the hit. */
  final void setWorldNormal(Hit hit, double lx, double ly, double lz) {
    hit.nx = ax * lx + bx * ly + ex * lz;
    hit.ny = ay * lx + by * ly + ey * lz;
    hit.nz = az * lx + bz * ly + ez * lz;
  }

  /** World bounds of a local box {@code [-hx,hx] x [-hy,hy] x [-hz,hz]} in this frame. */
  final double[] boundsOfLocalBox(double hx, double hy, double hz) {
    double rx = Math.abs(ax) * hx + Math.abs(bx) * hy + Math.abs(ex) * hz;
    double ry = Math.abs(ay) * hx + Math.abs(by) * hy + Math.abs(ey) * hz;
    double rz = Math.abs(az) * hx + Math.abs(bz) * hy + Math.abs(ez) * hz;
    return new double[] {cx - rx, cy - ry, cz - rz, cx + rx, cy + ry, cz + rz};
  }
}
