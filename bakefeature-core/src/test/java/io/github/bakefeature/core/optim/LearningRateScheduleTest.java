package io.github.bakefeature.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

  @Test
  void stepDecayMultipliesAtMilestoneFractions() {
    LearningRateSchedule s = LearningRateSchedule.stepDecay(5e-3f, 1000, 0.33f, 0.5, 0.75);
    assertEquals(5e-3f, s.learningRate(0));
    assertEquals(5e-3f, s.learningRate(499));
    assertEquals(5e-3f * 0.33f, s.learningRate(500), 1e-9f);
    assertEquals(5e-3f * 0.33f * 0.33f, s.learningRate(750), 1e-9f);
    assertEquals(5e-3f * 0.33f * 0.33f, s.learningRate(5000), 1e-9f);
  }

  @Test
  void exponentialInterpolatesGeometricallyAndHolds() {
    LearningRateSchedule s = LearningRateSchedule.exponential(1e-2f, 1e-4f, 100);
    assertEquals(1e-2f, s.learningRate(0), 1e-9f);
    assertEquals(1e-3f, s.learningRate(50), 1e-8f);
    assertEquals(1e-4f, s.learningRate(100), 1e-9f);
    assertEquals(1e-4f, s.learningRate(1000), 1e-9f);
  }

  @Test
  void rejectsInvalidSchedules() {
    assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.stepDecay(1e-3f, 100, 0.5f, 0.8, 0.2));
    assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.constant(-1f));
    assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.exponential(1e-3f, 0f, 10));
  }
}
