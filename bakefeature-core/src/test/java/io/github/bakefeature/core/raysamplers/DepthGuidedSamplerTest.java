package io.github.bakefeature.core.raysamplers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.Aabb;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DepthGuidedSamplerTest {
  private final SceneBox box = new SceneBox(new Aabb(-2, -2, -2, 2, 2, 2));

  @Test
  void putsSurfaceSamplesInTheBandAroundMeasuredDepthAndKeepsThemSorted() {
    DepthGuidedSampler s = DepthGuidedSampler.builder().optUniformSamples(8).optSurfaceSamples(16)
        .optBandFraction(0.01f).build();
    float[] o = {0, 0, 0};
    float[] d = {0, 0, 1};
    RaySamples out = new RaySamples();
    s.sample(1, o, d, new float[] {1.5f}, box, new SplittableRandom(3), out);
    float band = 0.01f * box.diagonal();
    int inBand = 0;
    for (int i = 0; i < out.size(); i++) {
      if (i > 0) {
        assertTrue(out.t()[i] >= out.t()[i - 1], "samples must be sorted");
      }
      if (Math.abs(out.t()[i] - 1.5f) <= band) {
        inBand++;
      }
      assertTrue(out.delta()[i] >= 0);
    }
    assertTrue(inBand >= 16, "expected all 16 surface samples in the band, found " + inBand);
  }

  @Test
  void fallsBackToStratifiedSamplesOverTheBoxWithoutDepth() {
    DepthGuidedSampler s = DepthGuidedSampler.builder().optUniformSamples(8).optSurfaceSamples(8).build();
    RaySamples out = new RaySamples();
    s.sample(1, new float[] {0, 0, 0}, new float[] {1, 0, 0}, new float[] {0f}, box, new SplittableRandom(1), out);
    assertEquals(16, out.samplesPerRay());
    // Spread over [near, 2]: one per stratum.
    float step = (2f - 0.05f) / 16;
    for (int i = 0; i < 16; i++) {
      float lo = 0.05f + i * step;
      assertTrue(out.t()[i] >= lo - 1e-5 && out.t()[i] <= lo + step + 1e-5, "sample " + i + " at " + out.t()[i]);
    }
    // Deltas sum to the span.
    float sum = 0;
    for (int i = 0; i < 16; i++) {
      sum += out.delta()[i];
    }
    assertEquals(2f - out.t()[0], sum, step);
  }

  @Test
  void isDeterministicForTheSameRandomSeed() {
    DepthGuidedSampler s = DepthGuidedSampler.builder().build();
    RaySamples a = new RaySamples();
    RaySamples b = new RaySamples();
    float[] o = {0.1f, 0.2f, 0.3f};
    float[] d = {0.6f, 0.0f, 0.8f};
    s.sample(1, o, d, new float[] {1f}, box, new SplittableRandom(42), a);
    s.sample(1, o, d, new float[] {1f}, box, new SplittableRandom(42), b);
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.t()[i], b.t()[i]);
    }
  }
}
