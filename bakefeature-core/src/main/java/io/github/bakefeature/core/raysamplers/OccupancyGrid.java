package io.github.bakefeature.core.raysamplers;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A {@code res^3} grid over the unit cube of the scene box telling where the field may have
 * density, used to skip empty space when rendering (instant-ngp's occupancy grid). A cell is
 * occupied if a measured surface fell in or next to it ({@link #markSurface}) or if the field's
 * density there, tracked as a decaying running maximum ({@link #update}), exceeds a threshold.
 * Without depth, every cell is occupied until the field shows it empty; with depth, a cell is
 * empty unless a measurement or the field says otherwise, so marching skips everything but the
 * neighbourhood of surfaces from the first step on.
 *
 * <p>Updates and queries must not run concurrently (the field model guards this); queries are
 * allocation-free.
 */
public final class OccupancyGrid {
  /** Field density evaluated at points in the unit cube. */
  @FunctionalInterface
  public interface DensityFunction {
    /** Writes the density (1/metre) at {@code count} unit-cube points {@code [count, 3]} to {@code out}. */
    void density(float[] points, int count, float[] out);
  }

  private final int res;
  private final float[] density;
  private final boolean[] surface;
  private final boolean[] occupied;
  private boolean anySurface;
  private boolean anyUpdate;
  private float threshold;

  /** @param threshold density (1/metre) above which a cell counts as occupied */
  public OccupancyGrid(int res, float threshold) {
    if (res < 2 || res > 512) {
      throw new IllegalArgumentException("occupancy resolution must be in [2, 512], found " + res);
    }
    this.res = res;
    this.threshold = threshold;
    int n = res * res * res;
    this.density = new float[n];
    this.surface = new boolean[n];
    this.occupied = new boolean[n];
    Arrays.fill(occupied, true);
  }

  public int resolution() {
    return res;
  }

  public float threshold() {
    return threshold;
  }

  private int cell(float x, float y, float z) {
    int ix = Math.min(res - 1, Math.max(0, (int) (x * res)));
    int iy = Math.min(res - 1, Math.max(0, (int) (y * res)));
    int iz = Math.min(res - 1, Math.max(0, (int) (z * res)));
    return (iz * res + iy) * res + ix;
  }

  /** Whether the cell containing unit-cube point (x, y, z) may hold density. */
  public boolean isOccupied(float x, float y, float z) {
    return occupied[cell(x, y, z)];
  }

  /** Whether cell (ix, iy, iz) may hold density. */
  public boolean isOccupied(int ix, int iy, int iz) {
    return occupied[(iz * res + iy) * res + ix];
  }

  /** Fraction of occupied cells. */
  public double occupiedFraction() {
    int n = 0;
    for (boolean b : occupied) {
      if (b) {
        n++;
      }
    }
    return (double) n / occupied.length;
  }

  /**
   * Marks the cells within {@code dilation} cells of a measured surface point (unit cube) as
   * occupied for good. Call {@link #commitSurfaces()} after marking.
   */
  public void markSurface(float x, float y, float z, int dilation) {
    int cx = Math.min(res - 1, Math.max(0, (int) (x * res)));
    int cy = Math.min(res - 1, Math.max(0, (int) (y * res)));
    int cz = Math.min(res - 1, Math.max(0, (int) (z * res)));
    for (int iz = Math.max(0, cz - dilation); iz <= Math.min(res - 1, cz + dilation); iz++) {
      for (int iy = Math.max(0, cy - dilation); iy <= Math.min(res - 1, cy + dilation); iy++) {
        for (int ix = Math.max(0, cx - dilation); ix <= Math.min(res - 1, cx + dilation); ix++) {
          surface[(iz * res + iy) * res + ix] = true;
        }
      }
    }
    anySurface = true;
  }

  /** Recomputes occupancy after surfaces were marked. */
  public void commitSurfaces() {
    recompute();
  }

  /**
   * Re-evaluates the field's density at one random point in each of {@code cells} random cells
   * (all cells if {@code cells >= res^3}) and keeps a decaying maximum per cell:
   * {@code d = max(d * decay, density)}.
   */
  public void update(DensityFunction field, int cells, float decay, SplittableRandom random) {
    int n = res * res * res;
    int m = Math.min(cells, n);
    int[] idx = new int[m];
    float[] pts = new float[m * 3];
    float inv = 1f / res;
    for (int i = 0; i < m; i++) {
      int c = m == n ? i : random.nextInt(n);
      idx[i] = c;
      int ix = c % res;
      int iy = (c / res) % res;
      int iz = c / (res * res);
      pts[3 * i] = (ix + (float) random.nextDouble()) * inv;
      pts[3 * i + 1] = (iy + (float) random.nextDouble()) * inv;
      pts[3 * i + 2] = (iz + (float) random.nextDouble()) * inv;
    }
    float[] d = new float[m];
    field.density(pts, m, d);
    if (!anyUpdate) {
      // First update. With measured surfaces, cells the field has not (yet) shown to be dense are
      // empty; without them, cells not evaluated yet keep the "occupied" prior until visited.
      Arrays.fill(density, m == n || anySurface ? 0f : threshold * 1.01f);
      anyUpdate = true;
    }
    for (int i = 0; i < m; i++) {
      int c = idx[i];
      density[c] = Math.max(density[c] * decay, d[i]);
    }
    recompute();
  }

  private void recompute() {
    for (int c = 0; c < occupied.length; c++) {
      boolean fieldSays = anyUpdate ? density[c] > threshold : !anySurface;
      occupied[c] = surface[c] || fieldSays;
    }
  }

  /** A copy (for snapshots read by renderers while training updates the original). */
  public OccupancyGrid copy() {
    OccupancyGrid g = new OccupancyGrid(res, threshold);
    System.arraycopy(density, 0, g.density, 0, density.length);
    System.arraycopy(surface, 0, g.surface, 0, surface.length);
    System.arraycopy(occupied, 0, g.occupied, 0, occupied.length);
    g.anySurface = anySurface;
    g.anyUpdate = anyUpdate;
    return g;
  }

  public void writeState(DataOutputStream out) throws IOException {
    out.writeInt(res);
    out.writeFloat(threshold);
    out.writeBoolean(anySurface);
    out.writeBoolean(anyUpdate);
    for (float v : density) {
      out.writeFloat(v);
    }
    byte[] bits = new byte[(surface.length + 7) / 8];
    for (int i = 0; i < surface.length; i++) {
      if (surface[i]) {
        bits[i >> 3] |= (byte) (1 << (i & 7));
      }
    }
    out.write(bits);
  }

  public static OccupancyGrid readState(DataInputStream in) throws IOException {
    int res = in.readInt();
    float threshold = in.readFloat();
    OccupancyGrid g = new OccupancyGrid(res, threshold);
    g.anySurface = in.readBoolean();
    g.anyUpdate = in.readBoolean();
    for (int i = 0; i < g.density.length; i++) {
      g.density[i] = in.readFloat();
    }
    byte[] bits = new byte[(g.surface.length + 7) / 8];
    in.readFully(bits);
    for (int i = 0; i < g.surface.length; i++) {
      g.surface[i] = (bits[i >> 3] & (1 << (i & 7))) != 0;
    }
    g.recompute();
    return g;
  }
}
