package io.github.bakefeature.examples.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Parses {@code --frames} lists: {@code all}, or indices and ranges such as {@code 0,3,10-14}. */
final class FrameList {
  private FrameList() {}

  /**
   * The frame indices of {@code spec} (ascending, without duplicates); null or {@code all} gives
   * every frame.
   *
   * @throws IllegalArgumentException naming the bad item and the valid range
   */
  static int[] parse(String spec, int frames) {
    if (spec == null || spec.trim().equalsIgnoreCase("all")) {
      return java.util.stream.IntStream.range(0, frames).toArray();
    }
    if (spec.isBlank()) {
      // An empty value is a script's empty variable, not a request for every frame.
      throw new IllegalArgumentException("--frames: expected indices or ranges like 0,3,10-14 (or all), found nothing");
    }
    TreeSet<Integer> out = new TreeSet<>();
    // -1: keep empty items (",,," or "1,,2" is a typo, not an empty list).
    for (String item : spec.split(",", -1)) {
      String s = item.trim();
      int dash = s.indexOf('-', 1);
      try {
        int a;
        int b;
        if (dash > 0) {
          a = Integer.parseInt(s.substring(0, dash).trim());
          b = Integer.parseInt(s.substring(dash + 1).trim());
        } else {
          a = Integer.parseInt(s);
          b = a;
        }
        if (a > b) {
          throw new IllegalArgumentException("--frames: range '" + s + "' runs backwards; write it as " + b + "-" + a);
        }
        if (a < 0 || b >= frames) {
          throw new IllegalArgumentException("--frames: '" + s + "' is outside the scene's frames 0-" + (frames - 1));
        }
        for (int i = a; i <= b; i++) {
          out.add(i);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--frames: expected indices or ranges like 0,3,10-14 (or all), found '" + s + "'");
      }
    }
    List<Integer> l = new ArrayList<>(out);
    return l.stream().mapToInt(Integer::intValue).toArray();
  }
}
