package io.github.bakefeature.core.fields;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Architecture of a {@link SemanticField} (defaults: the paper's version): density MLP
 * {@code enc(x) -> 2 x hidden -> 1 + geoFeatures}, colour MLP {@code [SH4(d), geo] -> 2 x hidden -> 3},
 * feature MLP {@code geo -> 2 x hidden -> D}, semantic MLP {@code [relu(f), geo] -> hidden -> C}
 * trained as a {@link SemanticHead}. Build with {@link #builder(MethodPreset)}.
 */
public record FieldConfig(
    @JsonProperty("method") MethodPreset method,
    @JsonProperty("featureDimension") int featureDimension,
    @JsonProperty("classCount") int classCount,
    @JsonProperty("hiddenWidth") int hiddenWidth,
    @JsonProperty("geoFeatures") int geoFeatures,
    @JsonProperty("hashLevels") int hashLevels,
    @JsonProperty("hashFeaturesPerLevel") int hashFeaturesPerLevel,
    @JsonProperty("hashLog2TableSize") int hashLog2TableSize,
    @JsonProperty("hashBaseResolution") int hashBaseResolution,
    @JsonProperty("hashMaxResolution") int hashMaxResolution,
    @JsonProperty("frequencies") int frequencies,
    @JsonProperty("seed") long seed,
    @JsonProperty("semanticHead") SemanticHead semanticHead) {

  @JsonCreator
  public FieldConfig {
    if (method == null) {
      throw new IllegalArgumentException("method must be set");
    }
    if (method.usesFeatures() && featureDimension < 1) {
      throw new IllegalArgumentException("method " + method + " needs a feature dimension >= 1, found " + featureDimension);
    }
    if (!method.usesFeatures()) {
      featureDimension = 0;
    }
    if (semanticHead == null) {
      // Checkpoints written before the option existed were trained end to end.
      semanticHead = SemanticHead.END_TO_END;
    }
    int maxClasses = io.github.bakefeature.api.scene.LabelImage.MAX_CLASSES;
    if (classCount < 1 || classCount > maxClasses) {
      // Class maps hold 16-bit ids: beyond them a rendered id would wrap to a negative one.
      throw new IllegalArgumentException("class count must be in [1, " + maxClasses + "], found " + classCount);
    }
    if (hiddenWidth < 1 || geoFeatures < 1) {
      throw new IllegalArgumentException("hidden width and geo features must be >= 1, found "
          + hiddenWidth + " and " + geoFeatures);
    }
  }

  public static Builder builder(MethodPreset method) {
    return new Builder(method);
  }

  /** The same configuration with {@code c} classes. */
  public FieldConfig withClassCount(int c) {
    return new FieldConfig(method, featureDimension, c, hiddenWidth, geoFeatures, hashLevels,
        hashFeaturesPerLevel, hashLog2TableSize, hashBaseResolution, hashMaxResolution, frequencies, seed,
        semanticHead);
  }

  /** Options; defaults follow the paper's code. */
  public static final class Builder {
    private final MethodPreset method;
    private int featureDimension = 64;
    private int classCount = 2;
    private int hiddenWidth = 64;
    private int geoFeatures = 15;
    private int hashLevels = 16;
    private int hashFeaturesPerLevel = 2;
    private int hashLog2TableSize = 19;
    private int hashBaseResolution = 16;
    private int hashMaxResolution = 2048;
    private int frequencies = -1;
    private long seed = 0;
    private SemanticHead semanticHead;

    Builder(MethodPreset method) {
      this.method = method;
    }

    /** Rendered feature dimension D (ignored by methods without features); default 64. */
    public Builder optFeatureDimension(int d) {
      this.featureDimension = d;
      return this;
    }

    /** Number of semantic classes C; default 2. */
    public Builder optClassCount(int c) {
      this.classCount = c;
      return this;
    }

    /** Width of hidden layers; default 64. */
    public Builder optHiddenWidth(int w) {
      this.hiddenWidth = w;
      return this;
    }

    /** Geometric features passed from the density MLP to the heads; default 15. */
    public Builder optGeoFeatures(int g) {
      this.geoFeatures = g;
      return this;
    }

    /** Hash grid levels; default 16. */
    public Builder optHashLevels(int l) {
      this.hashLevels = l;
      return this;
    }

    /** Features per hash grid level; default 2. */
    public Builder optHashFeaturesPerLevel(int f) {
      this.hashFeaturesPerLevel = f;
      return this;
    }

    /** log2 of the hash table size per level; default 19. */
    public Builder optHashLog2TableSize(int t) {
      this.hashLog2TableSize = t;
      return this;
    }

    /** Coarsest hash grid resolution; default 16. */
    public Builder optHashBaseResolution(int r) {
      this.hashBaseResolution = r;
      return this;
    }

    /**
     * Finest hash grid resolution; the per-level scale is derived from it. Default 2048 (instant-ngp's
     * choice, per-level scale 1.38 over 16 levels): the paper code's constant scale 2.0 reaches
     * 16 x 2^15 cells per axis at the finest level, far finer than any pixel footprint here, so those
     * levels only add hash collisions and cache misses (in an early 600-step comparison on the
     * tabletop preset, 2048 gave the higher held-out PSNR). Pass 0 for the paper's scale 2.0.
     */
    public Builder optHashMaxResolution(int r) {
      this.hashMaxResolution = r;
      return this;
    }

    /** Frequencies L of the frequency encoding; default 2 (hybrid) or 10 (frequency only). */
    public Builder optFrequencies(int l) {
      this.frequencies = l;
      return this;
    }

    /** Seed of every random initialisation. */
    public Builder optSeed(long s) {
      this.seed = s;
      return this;
    }

    /**
     * How the semantic loss reaches the field; default {@link SemanticHead#DAMPED} for methods with
     * features, {@link SemanticHead#END_TO_END} (Semantic-NeRF) for the others.
     */
    public Builder optSemanticHead(SemanticHead h) {
      this.semanticHead = h;
      return this;
    }

    public FieldConfig build() {
      int l = frequencies >= 0 ? frequencies
          : method.encoding() == MethodPreset.PositionEncodingKind.FREQUENCY ? 10 : 2;
      return new FieldConfig(method, featureDimension, classCount, hiddenWidth, geoFeatures, hashLevels,
          hashFeaturesPerLevel, hashLog2TableSize, hashBaseResolution, hashMaxResolution, l, seed,
          semanticHead != null ? semanticHead : SemanticHead.defaultFor(method));
    }
  }
}
