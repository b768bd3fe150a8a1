package io.github.bakefeature.core.data;

import java.util.Arrays;

/** A small open-addressing hash map from long keys to non-negative ints (no boxing). */
final class LongIntMap {
  private static final long EMPTY = Long.MIN_VALUE;
  private long[] keys;
  private int[] values;
  private int size;
  private int mask;

  LongIntMap() {
    keys = new long[64];
    values = new int[64];
    Arrays.fill(keys, EMPTY);
    mask = 63;
  }

  int size() {
    return size;
  }

  private static int mix(long k) {
    long h = k * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }

  /** The value for {@code key}, or -1. */
  int get(long key) {
    int i = mix(key) & mask;
    while (true) {
      long k = keys[i];
      if (k == key) {
        return values[i];
      }
      if (k == EMPTY) {
        return -1;
      }
      i = (i + 1) & mask;
    }
  }

  void put(long key, int value) {
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    int i = mix(key) & mask;
    while (true) {
      long k = keys[i];
      if (k == key) {
        values[i] = value;
        return;
      }
      if (k == EMPTY) {
        keys[i] = key;
        values[i] = value;
        size++;
        return;
      }
      i = (i + 1) & mask;
    }
  }

  /** Removes {@code key} (backward-shift deletion keeps probe chains intact). */
  void remove(long key) {
    int i = mix(key) & mask;
    while (true) {
      long k = keys[i];
      if (k == EMPTY) {
        return;
      }
      if (k == key) {
        break;
      }
      i = (i + 1) & mask;
    }
    size--;
    int j = i;
    while (true) {
      j = (j + 1) & mask;
      long k = keys[j];
      if (k == EMPTY) {
        break;
      }
      int home = mix(k) & mask;
      // Move k back to i if its home slot is not in the cyclic range (i, j].
      boolean between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
      if (!between) {
        keys[i] = k;
        values[i] = values[j];
        i = j;
      }
    }
    keys[i] = EMPTY;
  }

  private void grow() {
    long[] ok = keys;
    int[] ov = values;
    keys = new long[ok.length * 2];
    values = new int[ok.length * 2];
    Arrays.fill(keys, EMPTY);
    mask = keys.length - 1;
    size = 0;
    for (int i = 0; i < ok.length; i++) {
      if (ok[i] != EMPTY) {
        put(ok[i], ov[i]);
      }
    }
  }
}
