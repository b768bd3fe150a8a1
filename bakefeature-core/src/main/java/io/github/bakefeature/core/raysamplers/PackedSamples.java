package io.github.bakefeature.core.raysamplers;

/**
 * A variable number of samples per ray, packed: the samples of ray {@code r} are
 * {@code [rayStart[r], rayStart[r + 1])}, with distances {@code t} (metres, ascending) and
 * interval lengths {@code delta}. Produced by {@link OccupancyMarcher} for rendering. Buffers are
 * reused between calls; not thread-safe.
 */
public final class PackedSamples {
  int rays;
  int size;
  int[] rayStart = new int[1];
  float[] t = new float[0];
  float[] delta = new float[0];

  public int rays() {
    return rays;
  }

  /** Total samples over all rays. */
  public int size() {
    return size;
  }

  /** Offsets, length {@code rays + 1}. */
  public int[] rayStart() {
    return rayStart;
  }

  public float[] t() {
    return t;
  }

  public float[] delta() {
    return delta;
  }

  /** Copies fixed-count samples ({@code samplesPerRay} for every ray) into this packed form. */
  public void copyFrom(RaySamples fixed) {
    int rays = fixed.rays();
    int s = fixed.samplesPerRay();
    reset(rays);
    int n = fixed.size();
    if (t.length < n) {
      t = new float[n];
      delta = new float[n];
    }
    System.arraycopy(fixed.t(), 0, t, 0, n);
    System.arraycopy(fixed.delta(), 0, delta, 0, n);
    for (int r = 0; r <= rays; r++) {
      rayStart[r] = r * s;
    }
    size = n;
  }

  void reset(int rays) {
    this.rays = rays;
    this.size = 0;
    if (rayStart.length < rays + 1) {
      rayStart = new int[rays + 1];
    }
  }

  void add(float ti, float di) {
    if (size == t.length) {
      int n = Math.max(1024, t.length * 2);
      t = java.util.Arrays.copyOf(t, n);
      delta = java.util.Arrays.copyOf(delta, n);
    }
    t[size] = ti;
    delta[size] = di;
    size++;
  }

  /**
   * Writes the unit-cube positions of all samples ({@code [size, 3]}) given the rays' origins and
   * unit directions.
   */
  public void positions(float[] origins, float[] dirs, SceneBox box, float[] out) {
    for (int r = 0; r < rays; r++) {
      float ox = origins[3 * r];
      float oy = origins[3 * r + 1];
      float oz = origins[3 * r + 2];
      float dx = dirs[3 * r];
      float dy = dirs[3 * r + 1];
      float dz = dirs[3 * r + 2];
      for (int i = rayStart[r]; i < rayStart[r + 1]; i++) {
        float ti = t[i];
        box.normalise(ox + ti * dx, oy + ti * dy, oz + ti * dz, out, 3 * i);
      }
    }
  }
}
