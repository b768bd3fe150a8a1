package io.github.bakefeature.core.raysamplers;

/**
 * Sample positions along a batch of rays with a fixed number of samples per ray (the layout the
 * training step needs for dense {@code [rays, samples]} tensors). For ray {@code r} and sample
 * {@code s}, index {@code i = r * samplesPerRay + s}: {@code t[i]} is the distance from the ray
 * origin (metres, ascending along the ray) and {@code delta[i]} the length of the interval it
 * stands for (eq. 3: {@code delta_i = t_{i+1} - t_i}).
 *
 * <p>Buffers grow on demand and are reused between batches; not thread-safe.
 */
public final class RaySamples {
  private int rays;
  private int samplesPerRay;
  private float[] t = new float[0];
  private float[] delta = new float[0];

  /** Prepares room for {@code rays x samplesPerRay} samples (keeps buffers when large enough). */
  public void reset(int rays, int samplesPerRay) {
    this.rays = rays;
    this.samplesPerRay = samplesPerRay;
    int n = rays * samplesPerRay;
    if (t.length < n) {
      t = new float[n];
      delta = new float[n];
    }
  }

  public int rays() {
    return rays;
  }

  public int samplesPerRay() {
    return samplesPerRay;
  }

  /** Number of samples, {@code rays * samplesPerRay}. */
  public int size() {
    return rays * samplesPerRay;
  }

  /** Distances along the rays; valid up to {@link #size()}. */
  public float[] t() {
    return t;
  }

  /** Interval lengths; valid up to {@link #size()}. */
  public float[] delta() {
    return delta;
  }

  /**
   * Writes the world positions {@code o + t d} of all samples, normalised to the unit cube of
   * {@code box} (see {@link SceneBox}), into {@code out[3i..3i+2]}.
   */
  public void positions(float[] origins, float[] dirs, SceneBox box, float[] out) {
    int s = samplesPerRay;
    for (int r = 0; r < rays; r++) {
      float ox = origins[3 * r];
      float oy = origins[3 * r + 1];
      float oz = origins[3 * r + 2];
      float dx = dirs[3 * r];
      float dy = dirs[3 * r + 1];
      float dz = dirs[3 * r + 2];
      for (int k = 0; k < s; k++) {
        int i = r * s + k;
        float ti = t[i];
        box.normalise(ox + ti * dx, oy + ti * dy, oz + ti * dz, out, 3 * i);
      }
    }
  }
}
