package io.github.bakefeature.core.scene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ImageCacheTest {

  @Test
  void evictsLeastRecentlyUsedToStayWithinBudget() throws IOException {
    ImageCache c = new ImageCache(100);
    Object a = c.get("a", 40, Object::new);
    c.get("b", 40, Object::new);
    assertSame(a, c.get("a", 40, () -> { throw new AssertionError("a is cached"); }));
    c.get("c", 40, Object::new); // evicts b, the least recently used
    assertEquals(80, c.usedBytes());
    assertEquals(2, c.size());
    assertSame(a, c.get("a", 40, () -> { throw new AssertionError("a is cached"); }));
    int[] loads = {0};
    c.get("b", 40, () -> {
      loads[0]++;
      return new Object();
    });
    assertEquals(1, loads[0]);
    assertEquals(80, c.peakBytes());
  }

  @Test
  void valuesLargerThanTheBudgetAreReturnedButNotKept() throws IOException {
    ImageCache c = new ImageCache(10);
    c.get("small", 5, Object::new);
    Object big = c.get("big", 11, Object::new);
    assertEquals(1, c.size());
    assertEquals(5, c.usedBytes());
    org.junit.jupiter.api.Assertions.assertNotSame(big, c.get("big", 11, Object::new));
  }

  @Test
  void zeroBudgetCachesNothingAndInvalidateFrees() throws IOException {
    ImageCache none = new ImageCache(0);
    none.get("x", 1, Object::new);
    assertEquals(0, none.size());
    ImageCache c = new ImageCache(100);
    c.get("x", 30, Object::new);
    c.invalidate("x");
    assertEquals(0, c.usedBytes());
    assertEquals(1, c.loads());
  }
}
