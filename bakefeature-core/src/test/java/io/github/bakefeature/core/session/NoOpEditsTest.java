package io.github.bakefeature.core.session;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NoOpEditsTest {
  private static Edit edit(long id, int frame, int... pixels) {
    return new Edit(id, frame, Edit.Kind.STROKE, null, pixels, new short[pixels.length], new short[pixels.length], 0, 0);
  }

  @Test
  void aLaterNoOpOnTheChangesPixelsConflictsWhoeverMadeItButAnEarlierOneDoesNot() {
    NoOpEdits n = new NoOpEdits(100, f -> String.format("%05d.png", f));
    n.add(0, new int[] {5, 6}, 3); // after edit 3
    n.add(0, new int[] {7}, 1);
    n.add(1, null, 9); // a clear of an empty frame 1
    n.check(edit(4, 0, 5), 4); // the no-op on 5 came before edit 4
    UndoConflictException e = assertThrows(UndoConflictException.class, () -> n.check(edit(2, 0, 5, 6), 2), "covers 5 and 6");
    assertTrue(e.getMessage().startsWith("frame 00000.png: a later stroke or clear"), e.getMessage());
    assertThrows(UndoConflictException.class, () -> n.check(edit(2, 0, 6), 2));
    assertThrows(UndoConflictException.class, () -> n.check(edit(8, 1, 50), 8), "the clear covers the frame");
    n.check(edit(2, 0, 9), 2); // untouched pixel
  }

  @Test
  void aChangeOlderThanAForgottenNoOpOnItsFrameConflicts() {
    NoOpEdits n = new NoOpEdits(100, f -> String.format("%05d.png", f));
    n.add(0, new int[] {99}, 5);
    for (int i = 0; i < NoOpEdits.MAX_ENTRIES; i++) {
      n.add(1, new int[] {1}, 6); // push the first entry out
    }
    assertThrows(UndoConflictException.class, () -> n.check(edit(2, 0, 3), 2));
    n.check(edit(7, 0, 3), 7); // made after everything forgotten
  }
}
