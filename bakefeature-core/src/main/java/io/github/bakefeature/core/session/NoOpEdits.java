package io.github.bakefeature.core.session;

import java.util.ArrayDeque;

/**
 * Strokes and clears that changed no pixel (a stroke over paint of its own class, a clear of an
 * empty frame): the store keeps no edit for them, yet they are someone's work, which one person's
 * undo must not overwrite. The most recent {@value #MAX_ENTRIES} are kept, with at most
 * {@value #MAX_PIXELS} pixels in all; a change older than a forgotten one on its frame conflicts
 * (whether the forgotten one covered it is not known any more). Not thread-safe: the session guards
 * it with its edit lock.
 */
final class NoOpEdits {
  static final int MAX_ENTRIES = 1_000;
  static final long MAX_PIXELS = 4L << 20;

  /** Pixels covered ({@code null}: the whole frame), made after the edit with id {@code after}. */
  private record Entry(int frame, int[] pixels, long after) {}

  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  /** By frame, the newest {@code after} of a forgotten entry. */
  private final java.util.Map<Integer, Long> forgotten = new java.util.HashMap<>();
  private final int framePixels;
  /** A frame's scribble file name, as the store's conflicts name it. */
  private final java.util.function.IntFunction<String> frameName;
  private long pixels;

  NoOpEdits(int framePixels, java.util.function.IntFunction<String> frameName) {
    this.framePixels = framePixels;
    this.frameName = frameName;
  }

  /** Records a change of {@code frame} covering {@code covered} (null: all of it) that changed nothing. */
  void add(int frame, int[] covered, long lastId) {
    entries.addLast(new Entry(frame, covered, lastId));
    pixels += covered == null ? 0 : covered.length;
    while (entries.size() > MAX_ENTRIES || pixels > MAX_PIXELS) {
      Entry old = entries.removeFirst();
      pixels -= old.pixels() == null ? 0 : old.pixels().length;
      forgotten.merge(old.frame(), old.after(), Math::max);
    }
  }

  /**
   * @throws UndoConflictException if a change that changed nothing, made after edit {@code since},
   *     covered one of {@code e}'s pixels: its author's included (it is not an undo step, yet made
   *     again in its place after {@code e} was taken back, it would paint those pixels)
   */
  void check(Edit e, long since) {
    Long lost = forgotten.get(e.frame());
    if (lost != null && lost >= since) {
      throw new UndoConflictException(e.frame(), "frame " + frameName.apply(e.frame()) + ": too many strokes were made since this"
          + " change to tell whether they covered it, so it cannot be taken back or put back exactly; paint over it"
          + " instead");
    }
    boolean[] mine = null;
    for (Entry n : entries) {
      if (n.frame() != e.frame() || n.after() < since) {
        continue;
      }
      boolean hit = n.pixels() == null;
      if (!hit) {
        if (mine == null) {
          mine = new boolean[framePixels];
          for (int p : e.pixels()) {
            mine[p] = true;
          }
        }
        for (int p : n.pixels()) {
          if (mine[p]) {
            hit = true;
            break;
          }
        }
      }
      if (hit) {
        throw new UndoConflictException(e.frame(), "frame " + frameName.apply(e.frame()) + ": a later stroke or clear (perhaps"
            + " your own) covered pixels of this change without changing them, so it cannot be taken back or put back exactly; paint over"
            + " it instead");
      }
    }
  }

  void clear() {
    entries.clear();
    forgotten.clear();
    pixels = 0;
  }
}
