package io.github.bakefeature.core.session;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One undo and one redo stack of changes per person (author) sharing a label session, so that a
 * person's undo takes back their own latest change and not another's later one. In memory only: a
 * reopened session starts with empty stacks and undoes the saved history in order, as
 * {@link AnnotationStore#undo()} does. Bounded: at most {@value #MAX_AUTHORS} authors (the least
 * recently active is forgotten) and, per author, {@value #MAX_STEPS} changes or
 * {@value #MAX_BYTES} bytes of them (the oldest are forgotten). Not thread-safe: the session guards
 * it with its edit lock.
 */
final class AuthorHistories {
  static final int MAX_AUTHORS = 64;
  static final int MAX_STEPS = 1_000;
  static final long MAX_BYTES = 16L << 20;
  /** Longest author id, in characters. */
  static final int MAX_AUTHOR_LENGTH = 128;

  /**
   * A person's change {@code edit} and how to reach it in the store's history. On an undo stack:
   * {@code effect} is the edit whose application wrote the change's pixels (the edit itself, or a
   * {@link Edit.Kind#RESTORE} that put it back). On a redo stack, also how it was taken back:
   * {@code undoEdit} is the RESTORE edit that did it, or -1 for a plain undo of {@code effect};
   * edits with an id above {@link #after()} came later.
   */
  record Step(Edit edit, long effect, long undoEdit) {
    static Step made(Edit e) {
      return new Step(e, e.id(), -1);
    }

    /** The edit that last placed this change: the RESTORE that took it back, else its effect. */
    long after() {
      return undoEdit >= 0 ? undoEdit : effect;
    }
  }

  private static final class Stacks {
    final ArrayDeque<Step> undo = new ArrayDeque<>();
    final ArrayDeque<Step> redo = new ArrayDeque<>();
    long bytes;
  }

  private final Map<String, Stacks> byAuthor = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Stacks> eldest) {
      return size() > MAX_AUTHORS;
    }
  };
  /** Ids of the edits made for some author (their changes and their undo and redo steps). */
  private final Set<Long> attributed = new HashSet<>();
  /**
   * Applied edits whose effect a RESTORE edit took back exactly, each mapped to its partner (both
   * ways): while both are applied they change nothing together, so later undo checks leave them out.
   */
  private final Map<Long, Long> cancelled = new java.util.HashMap<>();
  /** RESTORE edits that made a person's change again (a redo), mapped to that change. */
  private final Map<Long, Edit> remade = new java.util.HashMap<>();

  /** {@code author}, checked: 1 to {@value #MAX_AUTHOR_LENGTH} characters, not blank. */
  static String check(String author) {
    if (author == null || author.isBlank() || author.length() > MAX_AUTHOR_LENGTH) {
      throw new IllegalArgumentException("expected an author id of 1 to " + MAX_AUTHOR_LENGTH
          + " characters, not blank, found " + (author == null ? "null"
          : author.isBlank() ? "a blank string of " + author.length() + " characters"
          : author.length() + " characters"));
    }
    return author;
  }

  private Stacks stacks(String author) {
    return byAuthor.computeIfAbsent(author, a -> new Stacks());
  }

  /** {@code author} made {@code e}: it becomes their latest undoable change and their redo stack empties. */
  void made(String author, Edit e) {
    Stacks s = stacks(author);
    for (Step r : s.redo) {
      s.bytes -= r.edit().byteSize();
    }
    s.redo.clear();
    pushUndo(author, Step.made(e));
  }

  void pushUndo(String author, Step step) {
    Stacks s = stacks(author);
    s.undo.push(step);
    add(s, step);
  }

  void pushRedo(String author, Step step) {
    Stacks s = stacks(author);
    s.redo.push(step);
    add(s, step);
  }

  private void add(Stacks s, Step step) {
    attribute(step.edit().id());
    s.bytes += step.edit().byteSize();
    // The oldest undo entries go first, then the oldest redo entries; the newest undo entry stays.
    while (s.undo.size() + s.redo.size() > 1 && (s.undo.size() + s.redo.size() > MAX_STEPS || s.bytes > MAX_BYTES)) {
      ArrayDeque<Step> from = s.undo.size() > 1 || s.redo.isEmpty() ? s.undo : s.redo;
      s.bytes -= from.removeLast().edit().byteSize();
    }
  }

  /** Removes and returns {@code author}'s latest undoable change, or null. */
  Step popUndo(String author) {
    return pop(author, true);
  }

  /** Removes and returns {@code author}'s latest redoable change, or null. */
  Step popRedo(String author) {
    return pop(author, false);
  }

  private Step pop(String author, boolean undo) {
    Stacks s = byAuthor.get(author);
    Step step = s == null ? null : (undo ? s.undo : s.redo).poll();
    if (step != null) {
      s.bytes -= step.edit().byteSize();
    }
    return step;
  }

  boolean hasUndo(String author) {
    Stacks s = byAuthor.get(author);
    return s != null && !s.undo.isEmpty();
  }

  boolean hasRedo(String author) {
    Stacks s = byAuthor.get(author);
    return s != null && !s.redo.isEmpty();
  }

  /** Counts edit {@code id} (a change, undo or redo made for an author) as someone's, not as everyone's. */
  void attribute(long id) {
    attributed.add(id);
  }

  /** Whether edit {@code id} was made for some author; other edits are everyone's to undo in order. */
  boolean isAttributed(long id) {
    return attributed.contains(id);
  }

  /** Edit {@code effect} and the RESTORE edit {@code restore} that took it back now cancel out. */
  void cancel(long effect, long restore) {
    cancelled.put(effect, restore);
    cancelled.put(restore, effect);
  }

  /** Edit {@code effect} is in effect again ({@code restore}, which took it back, was undone). */
  void uncancel(long effect, long restore) {
    cancelled.remove(effect);
    cancelled.remove(restore);
  }

  /** RESTORE edit {@code restore} made {@code original} (a person's change) again. */
  void remade(long restore, Edit original) {
    remade.put(restore, original);
  }

  /** The person's change RESTORE edit {@code id} made again, or null. */
  Edit remadeFrom(long id) {
    return remade.get(id);
  }

  /** The edit that cancels edit {@code id} out, or -1. */
  long partner(long id) {
    return cancelled.getOrDefault(id, -1L);
  }

  /** Forgets ids below {@code oldest}: the history no longer holds them, so nothing asks about them. */
  void forgetBefore(long oldest) {
    if (attributed.size() + cancelled.size() + remade.size() > 4 * AnnotationStore.MAX_HISTORY) {
      attributed.removeIf(id -> id < oldest);
      cancelled.keySet().removeIf(id -> id < oldest);
      remade.keySet().removeIf(id -> id < oldest);
    }
  }

  void clear() {
    byAuthor.clear();
    attributed.clear();
    cancelled.clear();
    remade.clear();
  }
}
