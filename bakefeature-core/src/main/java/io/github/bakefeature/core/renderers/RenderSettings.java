package io.github.bakefeature.core.renderers;

/**
 * How full frames are rendered: rays per chunk (bounds memory); for marching, the step as a
 * fraction of the scene diagonal and the cap on samples per ray; for depth-guided sampling of
 * frames with measured depth, the sample counts and band (as in training); and the compositing
 * weight below which a sample's heads (colour, feature, logits) are not evaluated.
 */
public record RenderSettings(int chunkRays, float stepFraction, int maxSamplesPerRay, float minWeight,
                             int depthGuidedUniformSamples, int depthGuidedSurfaceSamples, float depthGuidedBand) {

  public RenderSettings {
    if (chunkRays < 1 || !(stepFraction > 0) || maxSamplesPerRay < 1 || minWeight < 0
        || depthGuidedUniformSamples < 1 || depthGuidedSurfaceSamples < 0 || !(depthGuidedBand > 0)) {
      throw new IllegalArgumentException("invalid render settings: chunk " + chunkRays + ", step " + stepFraction
          + ", max samples " + maxSamplesPerRay + ", min weight " + minWeight + ", depth-guided "
          + depthGuidedUniformSamples + "+" + depthGuidedSurfaceSamples + " band " + depthGuidedBand);
    }
  }

  /**
   * 4096 rays per chunk; marching step = diagonal / 1024, at most 256 samples per ray; heads where
   * w > 1e-4; depth-guided 12 + 20 samples in a band of 0.005 of the diagonal (the training defaults).
   */
  public static RenderSettings defaults() {
    return new RenderSettings(4096, 1f / 1024f, 256, 1e-4f, 12, 20, 0.005f);
  }

  /** The same settings with depth-guided sampling matching a trainer's. */
  public RenderSettings withDepthGuided(int uniform, int surface, float band) {
    return new RenderSettings(chunkRays, stepFraction, maxSamplesPerRay, minWeight, uniform, surface, band);
  }
}
