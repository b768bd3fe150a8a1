package io.github.bakefeature.core.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrainerConfigTest {
  @Test
  void rejectsNonFiniteOrOutOfRangeSettingsNamingThem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainerConfig.builder().optLearningRate(Float.NaN));
    assertEquals("expected the learning rate in (0.0, 10.0], found NaN", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TrainerConfig.builder().optLearningRate(-1f));
    // A batch too large to hold in memory is refused up front rather than failing a step for memory.
    e = assertThrows(IllegalArgumentException.class, () -> TrainerConfig.builder().optRaysPerBatch(300_000_000));
    assertEquals("rays per batch must be in [2, 65536] (the paper uses 1024), found 300000000", e.getMessage());
    assertEquals(65536, TrainerConfig.builder().optRaysPerBatch(65536).build().raysPerBatch());
    e = assertThrows(IllegalArgumentException.class, () -> TrainerConfig.builder().optLossWeights(1, -1, 1, 1));
    assertTrue(e.getMessage().contains("depth loss weight"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TrainerConfig.builder().optSurfaceBand(-2f));
    assertThrows(IllegalArgumentException.class, () -> TrainerConfig.builder().optDecay(0, 0.5f));
    assertThrows(IllegalArgumentException.class, () -> TrainerConfig.builder().optDecay(100, 7f));
    assertThrows(IllegalArgumentException.class, () -> TrainerConfig.builder().optOccupancy(0, 16));
    assertThrows(IllegalArgumentException.class,
        () -> TrainerConfig.builder().optUniformSamples(0).optSurfaceSamples(0).build());
  }

  @Test
  void acceptsZeroWeightsToSwitchALossOff() {
    TrainerConfig c = TrainerConfig.builder().optLossWeights(0, 0, 1, 0).optFreeSpaceWeight(0).optOccupancy(64, 0).build();
    assertEquals(0f, c.rgbWeight());
    assertEquals(0, c.occupancyUpdateEvery());
  }

  @Test
  void theCanonicalConstructorChecksLikeTheBuilder() {
    // Before: new TrainerConfig(0, ...) built, and its first step reported a divergence ("lower the
    // learning rate"); a NaN learning rate ruined the parameters in step 0.
    TrainerConfig d = TrainerConfig.builder().build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TrainerConfig(0,
        d.uniformSamples(), d.surfaceSamples(), d.surfaceBand(), d.learningRate(), d.gridLearningRate(), d.beta1(),
        d.beta2(), d.epsilon(), d.decaySteps(), d.decayFactor(), d.minLearningRateFraction(), d.rgbWeight(),
        d.depthWeight(), d.semanticWeight(), d.featureWeight(), d.freeSpaceWeight(), d.occupancyResolution(),
        d.occupancyUpdateEvery(), d.seed()));
    assertTrue(e.getMessage().startsWith("rays per batch must be in [2, 65536]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new TrainerConfig(d.raysPerBatch(),
        d.uniformSamples(), d.surfaceSamples(), d.surfaceBand(), Float.NaN, d.gridLearningRate(), d.beta1(),
        d.beta2(), d.epsilon(), d.decaySteps(), d.decayFactor(), d.minLearningRateFraction(), d.rgbWeight(),
        d.depthWeight(), d.semanticWeight(), d.featureWeight(), d.freeSpaceWeight(), d.occupancyResolution(),
        d.occupancyUpdateEvery(), d.seed()));
    assertEquals("expected the learning rate in (0.0, 10.0], found NaN", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new TrainerConfig(d.raysPerBatch(),
        d.uniformSamples(), d.surfaceSamples(), d.surfaceBand(), d.learningRate(), d.gridLearningRate(), 1f,
        d.beta2(), d.epsilon(), d.decaySteps(), d.decayFactor(), d.minLearningRateFraction(), d.rgbWeight(),
        d.depthWeight(), d.semanticWeight(), d.featureWeight(), d.freeSpaceWeight(), d.occupancyResolution(),
        d.occupancyUpdateEvery(), d.seed()));
    assertTrue(e.getMessage().contains("Adam beta1"), e.getMessage());
  }
}
