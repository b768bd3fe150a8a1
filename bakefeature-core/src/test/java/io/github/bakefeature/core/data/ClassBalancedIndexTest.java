package io.github.bakefeature.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClassBalancedIndexTest {

  @Test
  void samplesClassesUniformlyRegardlessOfTheirPixelCounts() {
    ClassBalancedIndex idx = new ClassBalancedIndex();
    for (int p = 0; p < 1000; p++) {
      idx.set(0, p, 0); // a big class
    }
    for (int p = 0; p < 10; p++) {
      idx.set(1, p, 2); // a tiny class
    }
    SplittableRandom rnd = new SplittableRandom(1);
    int[] hits = new int[3];
    for (int i = 0; i < 20000; i++) {
      long k = idx.sample(rnd);
      hits[idx.get(ClassBalancedIndex.frameOf(k), ClassBalancedIndex.pixelOf(k))]++;
    }
    assertEquals(0, hits[1]);
    assertEquals(0.5, hits[0] / 20000.0, 0.02);
    assertEquals(0.5, hits[2] / 20000.0, 0.02);
  }

  @Test
  void incrementalUpdatesMatchAReferenceMapThroughRandomEdits() {
    ClassBalancedIndex idx = new ClassBalancedIndex();
    Map<Long, Integer> ref = new HashMap<>();
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < 50000; i++) {
      int f = rnd.nextInt(4);
      int p = rnd.nextInt(300);
      int c = rnd.nextInt(6) - 2; // -2..3, negatives clear
      idx.set(f, p, c);
      if (c < 0) {
        ref.remove(ClassBalancedIndex.key(f, p));
      } else {
        ref.put(ClassBalancedIndex.key(f, p), c);
      }
    }
    assertEquals(ref.size(), idx.size());
    int[] counts = new int[4];
    for (Map.Entry<Long, Integer> e : ref.entrySet()) {
      counts[e.getValue()]++;
      assertEquals(e.getValue(), idx.get(ClassBalancedIndex.frameOf(e.getKey()), ClassBalancedIndex.pixelOf(e.getKey())));
    }
    for (int c = 0; c < 4; c++) {
      assertEquals(counts[c], idx.count(c));
    }
    // Every sample is a labelled pixel of the reference.
    for (int i = 0; i < 1000; i++) {
      assertTrue(ref.containsKey(idx.sample(rnd)));
    }
  }

  @Test
  void returnsMinusOneWhenNothingIsLabelled() {
    ClassBalancedIndex idx = new ClassBalancedIndex();
    assertEquals(-1, idx.sample(new SplittableRandom(0)));
    idx.set(0, 5, 1);
    idx.set(0, 5, -1);
    assertEquals(-1, idx.sample(new SplittableRandom(0)));
    assertEquals(0, idx.nonEmptyClasses());
  }
}
