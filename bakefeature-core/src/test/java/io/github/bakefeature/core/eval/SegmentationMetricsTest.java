package io.github.bakefeature.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.LabelImage;
import org.junit.jupiter.api.Test;

class SegmentationMetricsTest {

  @Test
  void computesPerClassIouAccumulatedOverFrames() {
    SegmentationMetrics m = new SegmentationMetrics(3);
    // Frame 1: truth 0 0 1 1, prediction 0 1 1 1.
    m.add(new short[] {0, 1, 1, 1}, new short[] {0, 0, 1, 1});
    // Frame 2: truth 1 1 -1 0, prediction 1 0 2 0 (the void pixel is ignored).
    m.add(new short[] {1, 0, 2, 0}, new short[] {1, 1, -1, 0});
    // Class 0: tp 2 (f1 p0, f2 p3), fn 1 (f1 p1), fp 1 (f2 p1) -> 2/4.
    assertEquals(0.5, m.iou(0), 1e-12);
    // Class 1: tp 3, fn 1, fp 1 -> 3/5.
    assertEquals(0.6, m.iou(1), 1e-12);
    // Class 2 appears nowhere counted -> NaN, excluded from the mean.
    assertTrue(Double.isNaN(m.iou(2)));
    assertEquals(0.55, m.meanIou(), 1e-12);
    assertEquals(5.0 / 7, m.pixelAccuracy(), 1e-12);
    assertEquals(7, m.pixels());
  }

  @Test
  void countsConfusionEntriesIncludingOutOfRangePredictions() {
    SegmentationMetrics m = new SegmentationMetrics(2);
    m.add(new short[] {0, 1, 1, 7, -3}, new short[] {0, 0, 0, 1, 1});
    assertEquals(1, m.count(0, 0));
    assertEquals(2, m.count(0, 1));
    assertEquals(0, m.count(1, 1));
    assertEquals(2, m.count(1, 2), "ids outside [0, C) land in column C");
    assertThrows(IndexOutOfBoundsException.class, () -> m.count(2, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> m.count(0, 3));
  }

  @Test
  void rejectsFramesOfDifferentSizes() {
    SegmentationMetrics m = new SegmentationMetrics(2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> m.add(LabelImage.unlabelled(2, 2), LabelImage.unlabelled(3, 2)));
    assertTrue(e.getMessage().contains("2x2") && e.getMessage().contains("3x2"), e.getMessage());
  }

  @Test
  void refusesGroundTruthIdsBeyondTheClassCountInsteadOfIgnoringThem() {
    // Before: truth {0, 5, 5, 5} with 2 classes scored 1 pixel, mIoU 1.0 and accuracy 1.0.
    SegmentationMetrics m = new SegmentationMetrics(2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> m.add(new short[] {0, 0, 0, 0}, new short[] {0, 5, 5, 5}));
    assertTrue(e.getMessage().contains("ground truth holds class id 5 at pixel 1; expected ids in [0, 2)"),
        e.getMessage());
    assertEquals(0, m.count(0, 0), "nothing of the refused frame was added");
    m.add(new short[] {0, 1}, new short[] {LabelImage.UNLABELLED, 1});
    assertEquals(1.0, m.pixelAccuracy(), 1e-12);
  }
}
