package io.github.bakefeature.core.pipelines;

/**
 * Optimisation settings of a {@link FieldTrainer} (defaults from the paper's code where it gives
 * them: loss weights rgb 1, depth 0.1, semantic 1, feature 0.5; Adam lr 5e-3, betas 0.9/0.99,
 * eps 1e-15). Build with {@link #builder()}.
 */
public record TrainerConfig(
    int raysPerBatch,
    int uniformSamples,
    int surfaceSamples,
    float surfaceBand,
    float learningRate,
    float gridLearningRate,
    float beta1,
    float beta2,
    float epsilon,
    int decaySteps,
    float decayFactor,
    float minLearningRateFraction,
    float rgbWeight,
    float depthWeight,
    float semanticWeight,
    float featureWeight,
    float freeSpaceWeight,
    int occupancyResolution,
    int occupancyUpdateEvery,
    long seed) {

  /**
   * Largest batch a step may take: 65,536 rays of about 32 samples each already hold gigabytes of
   * activations on the CPU; beyond it a step would fail for memory, not train.
   */
  public static final int MAX_RAYS_PER_BATCH = 1 << 16;

  /**
   * The builder's checks, also for the canonical constructor (code that calls it directly, and
   * settings read back from a checkpoint): a zero batch or a NaN learning rate would otherwise
   * surface as a "diverged" step with parameters already ruined.
   *
   * @throws IllegalArgumentException naming the first setting out of range
   */
  public TrainerConfig {
    new Builder().optRaysPerBatch(raysPerBatch).optUniformSamples(uniformSamples).optSurfaceSamples(surfaceSamples)
        .optSurfaceBand(surfaceBand).optLearningRate(learningRate).optGridLearningRate(gridLearningRate)
        .optDecay(decaySteps, decayFactor).optLossWeights(rgbWeight, depthWeight, semanticWeight, featureWeight)
        .optFreeSpaceWeight(freeSpaceWeight).optOccupancy(occupancyResolution, occupancyUpdateEvery)
        .checkSamples();
    Builder.check("Adam beta1", beta1, 0f, Math.nextDown(1f), true); // 1 would divide by 1 - beta^t = 0
    Builder.check("Adam beta2", beta2, 0f, Math.nextDown(1f), true);
    Builder.check("Adam epsilon", epsilon, 0f, 1f, false);
    Builder.check("least learning-rate fraction", minLearningRateFraction, 0f, 1f, true);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Learning rate of the MLPs at {@code step}: step decay by {@code decayFactor} every {@code decaySteps}. */
  public float learningRate(long step) {
    return schedule(learningRate, step);
  }

  /** Learning rate of the hash grid at {@code step}. */
  public float gridLearningRate(long step) {
    return schedule(gridLearningRate, step);
  }

  private float schedule(float base, long step) {
    double f = Math.pow(decayFactor, (double) (step / Math.max(1, decaySteps)));
    return (float) (base * Math.max(minLearningRateFraction, f));
  }

  /** Options. */
  public static final class Builder {
    private int raysPerBatch = 1024;
    private int uniformSamples = 12;
    private int surfaceSamples = 20;
    private float surfaceBand = 0.005f;
    private float learningRate = 5e-3f;
    private float gridLearningRate = 1e-2f;
    private float beta1 = 0.9f;
    private float beta2 = 0.99f;
    private float epsilon = 1e-15f;
    private int decaySteps = 2000;
    private float decayFactor = 0.5f;
    private float minLearningRateFraction = 0.05f;
    private float rgbWeight = 1f;
    private float depthWeight = 0.1f;
    private float semanticWeight = 1f;
    private float featureWeight = 0.5f;
    private float freeSpaceWeight = 0.1f;
    private int occupancyResolution = 128;
    private int occupancyUpdateEvery = 16;
    private long seed = 0;

    /** Rays per training step (default 1024; at most {@value TrainerConfig#MAX_RAYS_PER_BATCH}). */
    public Builder optRaysPerBatch(int n) {
      if (n < 2 || n > MAX_RAYS_PER_BATCH) {
        throw new IllegalArgumentException("rays per batch must be in [2, " + MAX_RAYS_PER_BATCH + "] (the paper"
            + " uses 1024), found " + n);
      }
      this.raysPerBatch = n;
      return this;
    }

    /** Stratified samples per ray over the scene box (default 12). */
    public Builder optUniformSamples(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("uniform samples per ray must be >= 0, found " + n);
      }
      this.uniformSamples = n;
      return this;
    }

    /** Samples per ray around the measured depth (default 20). */
    public Builder optSurfaceSamples(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("surface samples per ray must be >= 0, found " + n);
      }
      this.surfaceSamples = n;
      return this;
    }

    /** Half-width of the depth band, as a fraction of the scene diagonal (default 0.005). */
    public Builder optSurfaceBand(float f) {
      this.surfaceBand = check("surface band", f, 0f, 1f, false);
      return this;
    }

    /** Adam learning rate of the MLPs (default 5e-3). */
    public Builder optLearningRate(float lr) {
      this.learningRate = check("learning rate", lr, 0f, 10f, false);
      return this;
    }

    /** Adam learning rate of the hash grid (default 1e-2, as instant-ngp). */
    public Builder optGridLearningRate(float lr) {
      this.gridLearningRate = check("grid learning rate", lr, 0f, 10f, false);
      return this;
    }

    /** Learning-rate step decay: multiply by {@code factor} every {@code steps} (default 0.5 / 2000). */
    public Builder optDecay(int steps, float factor) {
      if (steps < 1) {
        throw new IllegalArgumentException("decay period must be >= 1 step, found " + steps);
      }
      this.decaySteps = steps;
      this.decayFactor = check("decay factor", factor, 0f, 1f, true);
      return this;
    }

    /** Loss weights (default rgb 1, depth 0.1, semantic 1, feature 0.5). */
    public Builder optLossWeights(float rgb, float depth, float semantic, float feature) {
      this.rgbWeight = check("rgb loss weight", rgb, 0f, 1e6f, true);
      this.depthWeight = check("depth loss weight", depth, 0f, 1e6f, true);
      this.semanticWeight = check("semantic loss weight", semantic, 0f, 1e6f, true);
      this.featureWeight = check("feature loss weight", feature, 0f, 1e6f, true);
      return this;
    }

    /**
     * Weight of the free-space loss (default 0.1): the compositing weight that rays with a depth
     * measurement put outside the band around it. It keeps empty space empty and surfaces opaque,
     * which the colour and depth losses alone do not (a spread-out weight distribution can have
     * the right mean depth); sharp surfaces also let rendering stop rays early. 0 disables it.
     */
    public Builder optFreeSpaceWeight(float w) {
      this.freeSpaceWeight = check("free-space loss weight", w, 0f, 1e6f, true);
      return this;
    }

    /** Occupancy grid resolution (default 128) and update period in steps (default 16). */
    public Builder optOccupancy(int resolution, int updateEvery) {
      if (resolution < 1 || resolution > 1024 || updateEvery < 0) {
        throw new IllegalArgumentException("expected an occupancy resolution in [1, 1024] and an update period >= 0"
            + " (0 = never), found " + resolution + " and " + updateEvery);
      }
      this.occupancyResolution = resolution;
      this.occupancyUpdateEvery = updateEvery;
      return this;
    }

    /** Seed of ray sampling and jitter (default 0). */
    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** {@code v} if finite and in range ({@code min} itself allowed or not), else an error naming it. */
    private static float check(String what, float v, float min, float max, boolean minAllowed) {
      if (!(Float.isFinite(v) && (minAllowed ? v >= min : v > min) && v <= max)) {
        throw new IllegalArgumentException("expected the " + what + " in " + (minAllowed ? "[" : "(") + min + ", "
            + max + "], found " + v);
      }
      return v;
    }

    private void checkSamples() {
      if (uniformSamples + surfaceSamples < 1) {
        throw new IllegalArgumentException("expected at least one sample per ray, found " + uniformSamples
            + " uniform + " + surfaceSamples + " around the depth");
      }
    }

    public TrainerConfig build() {
      checkSamples();
      return new TrainerConfig(raysPerBatch, uniformSamples, surfaceSamples, surfaceBand, learningRate,
          gridLearningRate, beta1, beta2, epsilon, decaySteps, decayFactor, minLearningRateFraction, rgbWeight,
          depthWeight, semanticWeight, featureWeight, freeSpaceWeight, occupancyResolution, occupancyUpdateEvery, seed);
    }
  }
}
