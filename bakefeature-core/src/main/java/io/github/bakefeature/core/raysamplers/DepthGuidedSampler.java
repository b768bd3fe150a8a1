package io.github.bakefeature.core.raysamplers;

import java.util.SplittableRandom;

/**
 * Places a fixed number of samples on each training ray: {@code uniformSamples} stratified
 * samples over the ray's span inside the scene box (they see free space and keep the field honest
 * where depth is missing) and {@code surfaceSamples} stratified samples in a band of half-width
 * {@code band} around the measured depth. Where depth is invalid, all samples are stratified over
 * the box span. This is what makes CPU training practical: most of the network's work lands where
 * the surface is, instead of on empty space (cf. DS-NeRF, which the paper builds on).
 *
 * <p>Samples are returned sorted by distance with interval lengths for compositing (eq. 2-3).
 * Deterministic for a given random generator; allocation-free per call.
 */
public final class DepthGuidedSampler {
  private final int uniformSamples;
  private final int surfaceSamples;
  private final float bandFraction;
  private final float near;
  private final float[] span = new float[2];
  private float[] scratchU = new float[0];
  private float[] scratchS = new float[0];

  private DepthGuidedSampler(Builder b) {
    this.uniformSamples = b.uniformSamples;
    this.surfaceSamples = b.surfaceSamples;
    this.bandFraction = b.bandFraction;
    this.near = b.near;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Samples per ray, {@code uniformSamples + surfaceSamples}. */
  public int samplesPerRay() {
    return uniformSamples + surfaceSamples;
  }

  /**
   * Samples {@code rays} rays.
   *
   * @param depthT measured depth of each ray as a ray distance (metres), {@code <= 0} if invalid
   * @param random jitter source; pass a generator seeded per step for reproducibility
   */
  public void sample(int rays, float[] origins, float[] dirs, float[] depthT, SceneBox box,
                     SplittableRandom random, RaySamples out) {
    int s = samplesPerRay();
    out.reset(rays, s);
    if (scratchU.length < s) {
      scratchU = new float[s];
      scratchS = new float[s];
    }
    float band = bandFraction * box.diagonal();
    float[] t = out.t();
    float[] delta = out.delta();
    for (int r = 0; r < rays; r++) {
      box.intersect(origins[3 * r], origins[3 * r + 1], origins[3 * r + 2],
          dirs[3 * r], dirs[3 * r + 1], dirs[3 * r + 2], span);
      float tn = Math.max(span[0], near);
      float tf = span[1];
      if (!(tf > tn)) {
        // Camera outside the box looking away, or a degenerate ray: sample in front of it.
        tn = near;
        tf = near + box.diagonal();
      }
      float d = depthT[r];
      int base = r * s;
      if (d > 0 && surfaceSamples > 0) {
        stratified(tn, tf, uniformSamples, random, scratchU, 0);
        float lo = Math.max(tn, d - band);
        float hi = Math.min(tf, d + band);
        if (!(hi > lo)) {
          lo = Math.max(near, d - band);
          hi = d + band;
        }
        stratified(lo, hi, surfaceSamples, random, scratchS, 0);
        merge(scratchU, uniformSamples, scratchS, surfaceSamples, t, base);
        tf = Math.max(tf, hi);
      } else {
        stratified(tn, tf, s, random, t, base);
      }
      for (int k = 0; k < s - 1; k++) {
        delta[base + k] = t[base + k + 1] - t[base + k];
      }
      // The last sample stands for the rest of the span (at least as long as its neighbour gap).
      float last = tf - t[base + s - 1];
      delta[base + s - 1] = Math.max(last, s > 1 ? delta[base + s - 2] : last);
    }
  }

  /** {@code n} jittered stratified samples in [lo, hi], ascending, written from {@code out[off]}. */
  static void stratified(float lo, float hi, int n, SplittableRandom random, float[] out, int off) {
    float step = (hi - lo) / n;
    for (int i = 0; i < n; i++) {
      out[off + i] = lo + (i + (float) random.nextDouble()) * step;
    }
  }

  private static void merge(float[] a, int na, float[] b, int nb, float[] out, int off) {
    int i = 0;
    int j = 0;
    int k = off;
    while (i < na && j < nb) {
      out[k++] = a[i] <= b[j] ? a[i++] : b[j++];
    }
    while (i < na) {
      out[k++] = a[i++];
    }
    while (j < nb) {
      out[k++] = b[j++];
    }
  }

  /** Options of the sampler. */
  public static final class Builder {
    private int uniformSamples = 12;
    private int surfaceSamples = 20;
    private float bandFraction = 0.005f;
    private float near = 0.05f;

    /** Stratified samples over the box span per ray (default 12). */
    public Builder optUniformSamples(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("uniform samples must be >= 1, found " + n);
      }
      this.uniformSamples = n;
      return this;
    }

    /** Samples around the measured depth per ray (default 20). */
    public Builder optSurfaceSamples(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("surface samples must be >= 0, found " + n);
      }
      this.surfaceSamples = n;
      return this;
    }

    /** Half-width of the surface band as a fraction of the box diagonal (default 0.005). */
    public Builder optBandFraction(float f) {
      if (!(f > 0)) {
        throw new IllegalArgumentException("band fraction must be > 0, found " + f);
      }
      this.bandFraction = f;
      return this;
    }

    /** Nearest sample distance from the camera in metres (default 0.05). */
    public Builder optNear(float near) {
      this.near = near;
      return this;
    }

    public DepthGuidedSampler build() {
      return new DepthGuidedSampler(this);
    }
  }
}
