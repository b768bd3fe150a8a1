package io.github.bakefeature.api.field;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.LabelImage;
import org.junit.jupiter.api.Test;

class RenderedViewTest {
  private static RenderedView view(short[] classes, float[] confidence) {
    return new RenderedView(2, 2, new float[12], new float[4], null, 0, classes, confidence, 7);
  }

  @Test
  void idsBeyondTheClassCountBecomeUnlabelledWithZeroConfidenceInACopy() {
    short[] ids = {0, 1, 2, 1};
    float[] conf = {0.9f, 0.8f, 0.7f, 0.6f};
    RenderedView v = view(ids, conf);
    RenderedView one = v.withClassesBelow(1);
    short u = LabelImage.UNLABELLED;
    assertArrayEquals(new short[] {0, u, u, u}, one.classes());
    assertArrayEquals(new float[] {0.9f, 0f, 0f, 0f}, one.confidence());
    assertArrayEquals(new short[] {0, 1, 2, 1}, v.classes(), "the view itself is unchanged");
    assertArrayEquals(new float[] {0.9f, 0.8f, 0.7f, 0.6f}, v.confidence());
    assertSame(v.colour(), one.colour(), "a shallow copy");
    assertArrayEquals(new short[] {0, 1, u, 1}, v.withClassesBelow(2).classes());
    assertSame(v, v.withClassesBelow(3), "nothing to change");
  }

  @Test
  void viewsWithoutClassesOrConfidenceAndBadCounts() {
    RenderedView noClasses = view(null, null);
    assertSame(noClasses, noClasses.withClassesBelow(0));
    RenderedView noConfidence = view(new short[] {0, 3, 0, 0}, null).withClassesBelow(1);
    assertArrayEquals(new short[] {0, LabelImage.UNLABELLED, 0, 0}, noConfidence.classes());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> noClasses.withClassesBelow(-1));
    assertTrue(e.getMessage().contains("found -1"), e.getMessage());
  }
}
