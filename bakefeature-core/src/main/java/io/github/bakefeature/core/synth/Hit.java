package io.github.bakefeature.core.synth;

/**
 * The closest intersection found so far along one ray; reused across rays so tracing allocates
 * nothing. Ray parameter {@code t} is along the (unnormalised) ray direction given to the tracer.
 */
public final class Hit {
  /** Ray parameter of the hit. */
  public double t;
  /** Geometric unit normal in world coordinates (outward for solids; either side for quads). */
  public double nx;
  public double ny;
  public double nz;
  /** Hit point in the primitive's local frame (metres), used for texturing. */
  public double lx;
  public double ly;
  public double lz;
  /** Which face or part of the primitive was hit (see each primitive). */
  public int part;
  /** The primitive hit, or null if none. */
  public Primitive primitive;

  /** Forgets the previous hit. */
  public void reset() {
    primitive = null;
    t = Double.POSITIVE_INFINITY;
  }

  /** Surface id of the hit: {@code primitive index * 8 + part}, or -1 without a hit. */
  public int surfaceId() {
    return primitive == null ? -1 : primitive.index() * Primitive.PARTS + part;
  }
}
