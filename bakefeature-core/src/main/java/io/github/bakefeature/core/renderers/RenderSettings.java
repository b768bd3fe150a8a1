package io.github.bakefeature.core.renderers;

/**
 * How full frames are rendered: rays per chunk (bounds memory), the marching step as a fraction of
 * the scene diagonal, the cap on samples per ray, and the compositing weight below which a sample's
 * heads (colour, feature, logits) are not evaluated.
 */
public record RenderSettings(int chunkRays, float stepFraction, int maxSamplesPerRay, float minWeight) {

  public RenderSettings {
    if (chunkRays < 1 || !(stepFraction > 0) || maxSamplesPerRay < 1 || minWeight < 0) {
      throw new IllegalArgumentException("invalid render settings: chunk " + chunkRays + ", step "
          + stepFraction + ", max samples " + maxSamplesPerRay + ", min weight " + minWeight);
    }
  }

  /** 4096 rays per chunk, step = diagonal / 1024, at most 256 samples per ray, heads where w > 1e-4. */
  public static RenderSettings defaults() {
    return new RenderSettings(4096, 1f / 1024f, 256, 1e-4f);
  }
}
