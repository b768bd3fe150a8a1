package io.github.bakefeature.core.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The labelled pixels of a scene grouped by class, for the paper's class-balanced ray sampling
 * (section III-D): pick a class uniformly among classes that have labels, then a pixel uniformly
 * among that class's pixels.
 *
 * <p>Updated incrementally: labelling or clearing a pixel is O(1) (swap-remove in the class's
 * array plus a hash map from pixel to slot), so a stroke never triggers a rebuild. Pixels are keys
 * {@code frame << 32 | pixelIndex}. Not thread-safe; the owner synchronises.
 */
public final class ClassBalancedIndex {
  private long[][] members = new long[0][];
  private int[] counts = new int[0];
  private final LongIntMap slot = new LongIntMap();
  private final LongIntMap classOf = new LongIntMap();
  private int nonEmptyClasses;

  /** Packs a frame and pixel index into a key. */
  public static long key(int frame, int pixel) {
    return (long) frame << 32 | (pixel & 0xFFFFFFFFL);
  }

  public static int frameOf(long key) {
    return (int) (key >>> 32);
  }

  public static int pixelOf(long key) {
    return (int) key;
  }

  /** Sets the label of a pixel: a class id {@code >= 0}, or {@code < 0} to clear it. */
  public void set(int frame, int pixel, int classId) {
    long k = key(frame, pixel);
    int old = classOf.get(k);
    if (old == classId || (old < 0 && classId < 0)) {
      return;
    }
    if (old >= 0) {
      removeFrom(old, k);
    }
    if (classId >= 0) {
      ensureClass(classId);
      if (counts[classId] == members[classId].length) {
        members[classId] = Arrays.copyOf(members[classId], Math.max(16, counts[classId] * 2));
      }
      if (counts[classId] == 0) {
        nonEmptyClasses++;
      }
      members[classId][counts[classId]] = k;
      slot.put(k, counts[classId]);
      counts[classId]++;
      classOf.put(k, classId);
    }
  }

  private void removeFrom(int c, long k) {
    int s = slot.get(k);
    int last = --counts[c];
    long moved = members[c][last];
    members[c][s] = moved;
    if (moved != k) {
      slot.put(moved, s);
    }
    slot.remove(k);
    classOf.remove(k);
    if (counts[c] == 0) {
      nonEmptyClasses--;
    }
  }

  private void ensureClass(int c) {
    if (c >= members.length) {
      int n = Math.max(c + 1, members.length * 2);
      long[][] m = Arrays.copyOf(members, n);
      for (int i = members.length; i < n; i++) {
        m[i] = new long[0];
      }
      members = m;
      counts = Arrays.copyOf(counts, n);
    }
  }

  /** The class of a pixel, or -1. */
  public int get(int frame, int pixel) {
    return classOf.get(key(frame, pixel));
  }

  /** Labelled pixels in total. */
  public int size() {
    return classOf.size();
  }

  /** Labelled pixels of class {@code c}. */
  public int count(int c) {
    return c < counts.length ? counts[c] : 0;
  }

  /** Number of classes with at least one labelled pixel. */
  public int nonEmptyClasses() {
    return nonEmptyClasses;
  }

  /** A class-balanced random labelled pixel key, or -1 if nothing is labelled. */
  public long sample(SplittableRandom random) {
    if (nonEmptyClasses == 0) {
      return -1;
    }
    int pick = random.nextInt(nonEmptyClasses);
    for (int c = 0; c < counts.length; c++) {
      if (counts[c] > 0 && pick-- == 0) {
        return members[c][random.nextInt(counts[c])];
      }
    }
    throw new IllegalStateException("class counts out of sync");
  }
}
