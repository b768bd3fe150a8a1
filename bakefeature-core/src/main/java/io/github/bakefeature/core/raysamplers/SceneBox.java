package io.github.bakefeature.core.raysamplers;

import io.github.bakefeature.api.scene.Aabb;

/**
 * The scene box in float form for hot loops: maps world points (metres) to the unit cube
 * {@code [0, 1]^3} the encodings expect, clamping points slightly outside, and intersects rays
 * with the box.
 */
public final class SceneBox {
  private final float minX;
  private final float minY;
  private final float minZ;
  private final float sizeX;
  private final float sizeY;
  private final float sizeZ;
  private final float diagonal;
  private final Aabb aabb;

  public SceneBox(Aabb b) {
    this.aabb = b;
    this.minX = (float) b.minX();
    this.minY = (float) b.minY();
    this.minZ = (float) b.minZ();
    this.sizeX = (float) b.size(0);
    this.sizeY = (float) b.size(1);
    this.sizeZ = (float) b.size(2);
    this.diagonal = (float) b.diagonal();
  }

  public Aabb aabb() {
    return aabb;
  }

  /** Box diagonal in metres. */
  public float diagonal() {
    return diagonal;
  }

  /** Writes the unit-cube coordinates of world point (x, y, z) to {@code out[off..off+2]}, clamped to [0, 1]. */
  public void normalise(float x, float y, float z, float[] out, int off) {
    out[off] = clamp01((x - minX) / sizeX);
    out[off + 1] = clamp01((y - minY) / sizeY);
    out[off + 2] = clamp01((z - minZ) / sizeZ);
  }

  private static float clamp01(float v) {
    return v < 0f ? 0f : (v > 1f ? 1f : v);
  }

  /**
   * Entry and exit distances of ray {@code o + t d} with the box, written to {@code out[0], out[1]}
   * ({@code out[0] > out[1]} when the ray misses).
   */
  public void intersect(float ox, float oy, float oz, float dx, float dy, float dz, float[] out) {
    float t0 = -Float.MAX_VALUE;
    float t1 = Float.MAX_VALUE;
    // Unrolled slab test; 1/0 = +-inf handles axis-parallel rays.
    float ix = 1f / dx;
    float a = (minX - ox) * ix;
    float b = (minX + sizeX - ox) * ix;
    t0 = Math.max(t0, Math.min(a, b));
    t1 = Math.min(t1, Math.max(a, b));
    float iy = 1f / dy;
    a = (minY - oy) * iy;
    b = (minY + sizeY - oy) * iy;
    t0 = Math.max(t0, Math.min(a, b));
    t1 = Math.min(t1, Math.max(a, b));
    float iz = 1f / dz;
    a = (minZ - oz) * iz;
    b = (minZ + sizeZ - oz) * iz;
    t0 = Math.max(t0, Math.min(a, b));
    t1 = Math.min(t1, Math.max(a, b));
    out[0] = t0;
    out[1] = t1;
  }
}
