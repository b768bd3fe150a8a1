package io.github.bakefeature.core.synth;

/**
 * A simple depth-sensor model applied to synthetic depth maps (colour and labels stay exact).
 *
 * @param sigma relative noise: each depth {@code z} gets Gaussian noise with standard deviation
 *     {@code sigma * z} (0 = none), then is quantised to millimetres
 * @param holeFraction fraction of each frame covered by random elliptical blobs of invalid depth
 *     (0 = none)
 * @param minCosine pixels whose surface is seen at a grazing angle, {@code |cos(normal, ray)| <
 *     minCosine}, are invalid (0 = never)
 * @param maxRange depths beyond this (metres) are invalid ({@code +inf} = never)
 */
public record DepthNoise(double sigma, double holeFraction, double minCosine, double maxRange) {
  /** Exact depth. */
  public static final DepthNoise NONE = new DepthNoise(0, 0, 0, Double.POSITIVE_INFINITY);
  /** Grazing-angle cut-off used when holes are requested through {@link #of}. */
  public static final double DEFAULT_MIN_COSINE = 0.1;
  /** Range cut-off used when holes are requested through {@link #of} (metres). */
  public static final double DEFAULT_MAX_RANGE = 8.0;

  public DepthNoise {
    if (!(sigma >= 0 && sigma <= 0.5)) {
      throw new IllegalArgumentException("depth noise sigma must be in [0, 0.5] (relative to depth), found " + sigma);
    }
    if (!(holeFraction >= 0 && holeFraction <= 0.9)) {
      throw new IllegalArgumentException("depth hole fraction must be in [0, 0.9], found " + holeFraction);
    }
    if (!(minCosine >= 0 && minCosine < 1)) {
      throw new IllegalArgumentException("minimum cosine must be in [0, 1), found " + minCosine);
    }
    if (!(maxRange > 0)) {
      throw new IllegalArgumentException("maximum range must be positive, found " + maxRange);
    }
  }

  /**
   * Noise {@code sigma} (relative) and blob holes covering {@code holeFraction}; when holes are
   * requested, grazing ({@value #DEFAULT_MIN_COSINE}) and far-range ({@value #DEFAULT_MAX_RANGE} m)
   * pixels are invalid too, as on a real sensor.
   */
  public static DepthNoise of(double sigma, double holeFraction) {
    // holeFraction != 0 rather than > 0: NaN and negative values reach the constructor's check.
    return holeFraction != 0
        ? new DepthNoise(sigma, holeFraction, DEFAULT_MIN_COSINE, DEFAULT_MAX_RANGE)
        : new DepthNoise(sigma, 0, 0, Double.POSITIVE_INFINITY);
  }

  /** Whether this model changes anything. */
  public boolean enabled() {
    return sigma > 0 || holeFraction > 0 || minCosine > 0 || maxRange < Double.POSITIVE_INFINITY;
  }
}
