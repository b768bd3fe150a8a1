package io.github.bakefeature.api.annotation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StrokeTest {
  private static int pixels(Stroke s, int w, int h) {
    AtomicInteger n = new AtomicInteger();
    s.forEachPixel(w, h, p -> n.incrementAndGet());
    return n.get();
  }

  @Test
  void segmentWithFarAwayEndsPaintsWhereItCrossesTheImage() {
    int inside = pixels(Stroke.paint(1, 2f, 0, 10, 31, 10), 32, 24);
    assertEquals(inside, pixels(Stroke.paint(1, 2f, -1e6f, 10, 1e6f, 10), 32, 24));
    assertEquals(inside, pixels(Stroke.paint(1, 2f, -1e20f, 10, 1e20f, 10), 32, 24));
    // A diagonal through the image, with ends far away and near: the same pixels.
    assertEquals(pixels(Stroke.paint(1, 1.5f, -2, -2, 25, 25), 32, 24),
        pixels(Stroke.paint(1, 1.5f, -1e15f, -1e15f, 1e15f, 1e15f), 32, 24));
  }
}
