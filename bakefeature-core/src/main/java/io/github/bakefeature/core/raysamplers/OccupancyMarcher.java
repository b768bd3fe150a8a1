package io.github.bakefeature.core.raysamplers;

/**
 * Marches rays through the scene box at a fixed step and keeps only the samples that fall in
 * occupied cells of an {@link OccupancyGrid}, jumping over empty cells — the rendering sampler.
 * Deterministic (sample positions are {@code tStart + (k + 0.5) step}), so a model renders the
 * same image every time.
 */
public final class OccupancyMarcher {
  private final float step;
  private final int maxSamplesPerRay;
  private final float near;
  private final float[] span = new float[2];

  /**
   * @param step distance between samples in metres
   * @param maxSamplesPerRay cap on kept samples per ray (the nearest ones are kept)
   * @param near nearest sample distance in metres
   */
  public OccupancyMarcher(float step, int maxSamplesPerRay, float near) {
    if (!(step > 0)) {
      throw new IllegalArgumentException("march step must be > 0, found " + step);
    }
    this.step = step;
    this.maxSamplesPerRay = maxSamplesPerRay;
    this.near = near;
  }

  public float step() {
    return step;
  }

  /** Marches {@code rays} rays from their box entry to their exit, filling {@code out}. */
  public void march(int rays, float[] origins, float[] dirs, SceneBox box, OccupancyGrid grid, PackedSamples out) {
    float[] cursor = new float[rays];
    java.util.Arrays.fill(cursor, Float.NaN);
    march(rays, origins, dirs, box, grid, cursor, maxSamplesPerRay, out);
  }

  /**
   * Marches a segment of each ray: from {@code cursor[r]} (NaN = the ray's entry into the box) until
   * {@code maxKeep} samples were kept or the ray leaves the box. On return {@code cursor[r]} is where
   * the next segment starts, or +infinity when the ray is exhausted. Rays whose cursor is already
   * +infinity get no samples. Used for rendering in rounds with early ray termination.
   */
  public void march(int rays, float[] origins, float[] dirs, SceneBox box, OccupancyGrid grid, float[] cursor,
                    int maxKeep, PackedSamples out) {
    out.reset(rays);
    int res = grid.resolution();
    float[] unit = new float[3];
    float sx = (float) box.aabb().size(0);
    float sy = (float) box.aabb().size(1);
    float sz = (float) box.aabb().size(2);
    for (int r = 0; r < rays; r++) {
      out.rayStart[r] = out.size;
      if (cursor[r] == Float.POSITIVE_INFINITY) {
        continue;
      }
      float ox = origins[3 * r];
      float oy = origins[3 * r + 1];
      float oz = origins[3 * r + 2];
      float dx = dirs[3 * r];
      float dy = dirs[3 * r + 1];
      float dz = dirs[3 * r + 2];
      box.intersect(ox, oy, oz, dx, dy, dz, span);
      float t0 = Math.max(span[0], near);
      float t1 = span[1];
      if (!(t1 > t0)) {
        cursor[r] = Float.POSITIVE_INFINITY;
        continue;
      }
      // Direction in grid cells per metre, for jumping over empty cells.
      float gx = dx * res / sx;
      float gy = dy * res / sy;
      float gz = dz * res / sz;
      int kept = 0;
      float t = Float.isNaN(cursor[r]) ? t0 + 0.5f * step : cursor[r];
      while (t < t1 && kept < maxKeep) {
        box.normalise(ox + t * dx, oy + t * dy, oz + t * dz, unit, 0);
        float cx = unit[0] * res;
        float cy = unit[1] * res;
        float cz = unit[2] * res;
        int ix = Math.min(res - 1, (int) cx);
        int iy = Math.min(res - 1, (int) cy);
        int iz = Math.min(res - 1, (int) cz);
        if (grid.isOccupied(ix, iy, iz)) {
          out.add(t, step);
          kept++;
          t += step;
        } else {
          // Distance to leave this cell along the ray, then snap to the next sample position.
          float tx = exitDistance(cx, ix, gx);
          float ty = exitDistance(cy, iy, gy);
          float tz = exitDistance(cz, iz, gz);
          float exit = t + Math.min(tx, Math.min(ty, tz));
          float k = (float) Math.ceil((exit - t0) / step - 0.5f);
          float next = t0 + (k + 0.5f) * step;
          t = Math.max(next, t + step);
        }
      }
      cursor[r] = t < t1 ? t : Float.POSITIVE_INFINITY;
    }
    out.rayStart[rays] = out.size;
  }

  private static float exitDistance(float c, int i, float g) {
    if (g > 1e-9f) {
      return (i + 1 - c) / g + 1e-5f;
    }
    if (g < -1e-9f) {
      return (i - c) / g + 1e-5f;
    }
    return Float.MAX_VALUE;
  }
}
