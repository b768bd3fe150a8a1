package io.github.bakefeature.core.session;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One undo and one redo stack of edits per person (author) sharing a label session, for undo that
 * takes back a person's own changes and not another's later ones ({@link AnnotationStore#takeBack},
 * {@link AnnotationStore#putBack}). In memory only: a reopened session starts with empty stacks
 * and undoes the saved history in order, as {@link AnnotationStore#undo()} does. Bounded: at most
 * {@value #MAX_AUTHORS} authors (the least recently active is forgotten) and, per author,
 * {@value #MAX_EDITS} edits or {@value #MAX_BYTES} bytes of them (the oldest are forgotten).
 * Not thread-safe: the session guards it with its edit lock.
 */
final class AuthorHistories {
  static final int MAX_AUTHORS = 256;
  static final int MAX_EDITS = 1_000;
  static final long MAX_BYTES = 64L << 20;
  /** Longest author id, in characters. */
  static final int MAX_AUTHOR_LENGTH = 128;

  private static final class Stacks {
    final ArrayDeque<Edit> undo = new ArrayDeque<>();
    final ArrayDeque<Edit> redo = new ArrayDeque<>();
    long bytes;
  }

  private final Map<String, Stacks> byAuthor = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Stacks> eldest) {
      return size() > MAX_AUTHORS;
    }
  };
  /** Ids of the edits some author's stacks have held: the history entries that are someone's. */
  private final Set<Long> attributed = new HashSet<>();

  /** {@code author}, checked: 1 to {@value #MAX_AUTHOR_LENGTH} characters, not blank. */
  static String check(String author) {
    if (author == null || author.isBlank() || author.length() > MAX_AUTHOR_LENGTH) {
      throw new IllegalArgumentException("expected an author id of 1 to " + MAX_AUTHOR_LENGTH
          + " characters, not blank, found " + (author == null ? "null" : "'" + author.strip() + "' ("
          + author.length() + " characters)"));
    }
    return author;
  }

  private Stacks stacks(String author) {
    return byAuthor.computeIfAbsent(author, a -> new Stacks());
  }

  /** {@code author} made {@code e}: it becomes their latest undoable edit and their redo stack empties. */
  void made(String author, Edit e) {
    Stacks s = stacks(author);
    for (Edit r : s.redo) {
      s.bytes -= r.byteSize();
    }
    s.redo.clear();
    pushUndo(author, e);
  }

  /** Pushes {@code e} on {@code author}'s undo stack (their redo stack is kept). */
  void pushUndo(String author, Edit e) {
    Stacks s = stacks(author);
    s.undo.push(e);
    add(s, e);
  }

  /** Pushes {@code e} on {@code author}'s redo stack. */
  void pushRedo(String author, Edit e) {
    Stacks s = stacks(author);
    s.redo.push(e);
    add(s, e);
  }

  private void add(Stacks s, Edit e) {
    attributed.add(e.id());
    s.bytes += e.byteSize();
    // The oldest undo entries go first, then the oldest redo entries; the newest undo entry stays.
    while (s.undo.size() + s.redo.size() > 1 && (s.undo.size() + s.redo.size() > MAX_EDITS || s.bytes > MAX_BYTES)) {
      ArrayDeque<Edit> from = s.undo.size() > 1 || s.redo.isEmpty() ? s.undo : s.redo;
      s.bytes -= from.removeLast().byteSize();
    }
  }

  /** Removes and returns {@code author}'s latest undoable edit, or null. */
  Edit popUndo(String author) {
    Stacks s = byAuthor.get(author);
    Edit e = s == null ? null : s.undo.poll();
    if (e != null) {
      s.bytes -= e.byteSize();
    }
    return e;
  }

  /** Removes and returns {@code author}'s latest redoable edit, or null. */
  Edit popRedo(String author) {
    Stacks s = byAuthor.get(author);
    Edit e = s == null ? null : s.redo.poll();
    if (e != null) {
      s.bytes -= e.byteSize();
    }
    return e;
  }

  boolean hasUndo(String author) {
    Stacks s = byAuthor.get(author);
    return s != null && !s.undo.isEmpty();
  }

  boolean hasRedo(String author) {
    Stacks s = byAuthor.get(author);
    return s != null && !s.redo.isEmpty();
  }

  /** Counts edit {@code id} (an undo or redo made for an author) as someone's, not as everyone's. */
  void attribute(long id) {
    attributed.add(id);
  }

  /**
   * After {@code e}'s pixels holding {@code from} were set to {@code to} (e taken back or put back
   * while later edits covered some of its pixels), the later edits in every author's stacks that
   * recorded {@code from} as their value before on one of those pixels get {@code to} instead: that
   * is what lies under them now. Otherwise undoing such an edit would bring back what {@code e}
   * wrote after its author took it back.
   */
  void rebase(Edit e, short[] from, short[] to) {
    Map<Integer, Integer> index = null;
    for (Stacks s : byAuthor.values()) {
      for (ArrayDeque<Edit> d : java.util.List.of(s.undo, s.redo)) {
        boolean touched = false;
        Edit[] entries = d.toArray(new Edit[0]);
        for (int k = 0; k < entries.length; k++) {
          Edit x = entries[k];
          if (x.id() <= e.id() || x.frame() != e.frame()) {
            continue;
          }
          if (index == null) {
            index = new java.util.HashMap<>();
            for (int i = 0; i < e.pixels().length; i++) {
              index.put(e.pixels()[i], i);
            }
          }
          short[] before = null;
          for (int i = 0; i < x.pixels().length; i++) {
            Integer j = index.get(x.pixels()[i]);
            if (j != null && x.before()[i] == from[j] && from[j] != to[j]) {
              before = before != null ? before : x.before().clone(); // the store's history shares x
              before[i] = to[j];
            }
          }
          if (before != null) {
            entries[k] = new Edit(x.id(), x.frame(), x.kind(), x.stroke(), x.pixels(), before, x.after(),
                x.crcBefore(), x.crcAfter());
            touched = true;
          }
        }
        if (touched) {
          d.clear();
          d.addAll(java.util.Arrays.asList(entries));
        }
      }
    }
  }

  /** Whether edit {@code id} is (or was) in some author's stacks; other edits are everyone's. */
  boolean isAttributed(long id) {
    return attributed.contains(id);
  }

  void clear() {
    byAuthor.clear();
    attributed.clear();
  }
}
