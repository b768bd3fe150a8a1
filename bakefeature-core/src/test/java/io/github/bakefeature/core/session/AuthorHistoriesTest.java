package io.github.bakefeature.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AuthorHistoriesTest {
  private static Edit edit(long id, int pixels) {
    return new Edit(id, 0, Edit.Kind.STROKE, null, new int[pixels], new short[pixels], new short[pixels], 0, 0);
  }

  @Test
  void keepsTheNewestEditsOfAnAuthorWithinTheCountCap() {
    AuthorHistories h = new AuthorHistories();
    for (int i = 0; i < AuthorHistories.MAX_STEPS + 5; i++) {
      h.made("ann", edit(i, 1));
    }
    int n = 0;
    long expected = AuthorHistories.MAX_STEPS + 4;
    for (AuthorHistories.Step e; (e = h.popUndo("ann")) != null; n++) {
      assertEquals(expected--, e.edit().id(), "newest first");
    }
    assertEquals(AuthorHistories.MAX_STEPS, n);
  }

  @Test
  void keepsTheNewestEditAloneWhenItExceedsTheByteCap() {
    AuthorHistories h = new AuthorHistories();
    h.made("ann", edit(1, 10));
    h.made("ann", edit(2, (int) (AuthorHistories.MAX_BYTES / 8) + 1)); // larger than the cap by itself
    assertEquals(2, h.popUndo("ann").edit().id());
    assertNull(h.popUndo("ann"), "the older edit made room");
  }

  @Test
  void aNewEditEmptiesTheAuthorsRedoStackOnlyAndForgetsTheLeastRecentlyActiveAuthorPastTheCap() {
    AuthorHistories h = new AuthorHistories();
    h.made("ann", edit(1, 1));
    h.pushRedo("ann", h.popUndo("ann"));
    h.made("bob", edit(2, 1));
    assertTrue(h.hasRedo("ann"), "bob's edit leaves ann's redo");
    h.made("ann", edit(3, 1));
    assertFalse(h.hasRedo("ann"));
    assertTrue(h.isAttributed(1) && h.isAttributed(2) && !h.isAttributed(4));
    for (int a = 0; a < AuthorHistories.MAX_AUTHORS; a++) {
      h.made("author-" + a, edit(10 + a, 1));
    }
    assertFalse(h.hasUndo("ann"), "ann was the least recently active");
    assertTrue(h.hasUndo("author-0"));
  }
}
