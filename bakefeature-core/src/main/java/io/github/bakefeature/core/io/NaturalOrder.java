package io.github.bakefeature.core.io;

import java.util.Comparator;

/**
 * Orders names the way a person counts: runs of digits compare as numbers, so {@code rgb_9.png}
 * comes before {@code rgb_10.png} and {@code frame-2} before {@code frame-10}. Everything else
 * compares character by character; names that are equal as numbers but differ in zero padding
 * ({@code 7} and {@code 007}) fall back to plain string order, so the order is total and
 * consistent with {@code equals}.
 */
public final class NaturalOrder implements Comparator<String> {
  /** The shared instance. */
  public static final NaturalOrder INSTANCE = new NaturalOrder();

  private NaturalOrder() {}

  @Override
  public int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char ca = a.charAt(i);
      char cb = b.charAt(j);
      if (isDigit(ca) && isDigit(cb)) {
        int ea = endOfDigits(a, i);
        int eb = endOfDigits(b, j);
        int c = compareDigits(a, i, ea, b, j, eb);
        if (c != 0) {
          return c;
        }
        i = ea;
        j = eb;
      } else {
        if (ca != cb) {
          return Character.compare(ca, cb);
        }
        i++;
        j++;
      }
    }
    int c = Integer.compare(a.length() - i, b.length() - j);
    return c != 0 ? c : a.compareTo(b);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static int endOfDigits(String s, int from) {
    int e = from;
    while (e < s.length() && isDigit(s.charAt(e))) {
      e++;
    }
    return e;
  }

  /** Compares two digit runs as arbitrarily large non-negative integers. */
  private static int compareDigits(String a, int i, int ea, String b, int j, int eb) {
    while (i < ea - 1 && a.charAt(i) == '0') {
      i++;
    }
    while (j < eb - 1 && b.charAt(j) == '0') {
      j++;
    }
    int c = Integer.compare(ea - i, eb - j);
    if (c != 0) {
      return c;
    }
    for (; i < ea; i++, j++) {
      c = Character.compare(a.charAt(i), b.charAt(j));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }
}
