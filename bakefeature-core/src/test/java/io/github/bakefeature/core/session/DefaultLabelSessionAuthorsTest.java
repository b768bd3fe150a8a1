package io.github.bakefeature.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.pipelines.TrainerConfig;
import io.github.bakefeature.core.scene.SceneFolder;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several people on one session: each one's undo and redo take back and put back their own changes. */
class DefaultLabelSessionAuthorsTest {
  private static final int NONE = -1;

  @TempDir
  Path tmp;
  Path dir;

  @BeforeEach
  void scene() throws Exception {
    dir = SessionScenes.tinyTabletop(tmp.resolve("scene"));
  }

  /** {@code call} is refused with an {@link UndoConflictException} and no frame's scribbles change. */
  private static void assertRefusedUnchanged(DefaultLabelSession s, org.junit.jupiter.api.function.Executable call,
                                             String why) {
    java.util.List<short[]> before = new java.util.ArrayList<>();
    for (int f = 0; f < s.scene().size(); f++) {
      before.add(s.scribbles(f).labels().clone());
    }
    assertThrows(UndoConflictException.class, call, why);
    for (int f = 0; f < s.scene().size(); f++) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(before.get(f), s.scribbles(f).labels(),
          "a refused call changes nothing: frame " + f + " (" + why + ")");
    }
  }

  private DefaultLabelSession open() throws Exception {
    return DefaultLabelSession.builder(SceneFolder.open(dir)).optMethod(MethodPreset.SNERF_FREQ)
        .optTrainerConfig(TrainerConfig.builder().optRaysPerBatch(64).build()).optAutoStart(false).build();
  }

  @Test
  void eachPersonsUndoTakesBackTheirOwnLatestChangeAndLeavesTheOthersLaterOne() throws Exception {
    try (DefaultLabelSession s = open()) {
      s.applyStroke(0, Stroke.paint(1, 2f, 5, 5, 10, 5), "ann");
      s.applyStroke(0, Stroke.paint(2, 2f, 20, 15), "bob");
      assertTrue(s.undo("ann"));
      assertEquals(NONE, s.scribbles(0).get(5, 5), "ann's stroke is taken back");
      assertEquals(2, s.scribbles(0).get(20, 15), "bob's later stroke stays");
      assertFalse(s.canUndo("ann"), "ann has nothing left, and bob's stroke is not hers to undo");
      assertFalse(s.undo("ann"));
      assertEquals(2, s.scribbles(0).get(20, 15));
      assertTrue(s.canRedo("ann"));
      assertTrue(s.canUndo("bob"));

      assertTrue(s.undo("bob"));
      assertEquals(NONE, s.scribbles(0).get(20, 15));
      assertTrue(s.redo("ann"));
      assertEquals(1, s.scribbles(0).get(5, 5));
      assertEquals(NONE, s.scribbles(0).get(20, 15), "ann's redo does not bring back bob's stroke");
      assertTrue(s.redo("bob"));
      assertEquals(2, s.scribbles(0).get(20, 15));
      assertFalse(s.canRedo("ann"));
    }
    try (DefaultLabelSession again = open()) {
      assertTrue(again.store().loadWarnings().isEmpty(), "restore edits load as any: " + again.store().loadWarnings());
      assertEquals(1, again.scribbles(0).get(5, 5), "every step was saved");
      assertEquals(2, again.scribbles(0).get(20, 15));
    }
  }

  @Test
  void aChangeSomeoneElseChangedSinceIsNotUndoneAndLeavesTheAuthorsHistory() throws Exception {
    try (DefaultLabelSession s = open()) {
      s.applyStroke(1, Stroke.paint(1, 2f, 4, 4), "ann");
      s.applyStroke(1, Stroke.paint(1, 2f, 2, 10, 28, 10), "ann");
      s.applyStroke(1, Stroke.paint(2, 3f, 15, 10), "bob"); // on top of part of ann's line
      UndoConflictException e = assertThrows(UndoConflictException.class, () -> s.undo("ann"));
      assertEquals(1, e.frame());
      assertTrue(e.getMessage().contains("were changed after it"), e.getMessage());
      assertEquals(1, s.scribbles(1).get(5, 10), "nothing changed");
      assertEquals(2, s.scribbles(1).get(15, 10));
      assertTrue(s.undo("ann"), "the next call takes back her change before it");
      assertEquals(NONE, s.scribbles(1).get(4, 4));
      assertEquals(1, s.scribbles(1).get(5, 10));

      assertTrue(s.undo("bob"));
      assertEquals(1, s.scribbles(1).get(15, 10), "bob's undo gives back what lay under his paint");
      assertTrue(s.redo("bob"));
      assertEquals(2, s.scribbles(1).get(15, 10));
    }
  }

  @Test
  void anErasedAndRepaintedPixelIsTheLaterPersonsEvenWhereItHoldsTheSameClassAgain() throws Exception {
    try (DefaultLabelSession s = open()) {
      s.applyStroke(0, Stroke.paint(1, 2f, 10, 10), "ann");
      s.applyStroke(0, Stroke.erase(3f, 10, 10), "bob");
      s.applyStroke(0, Stroke.paint(1, 2f, 10, 10), "bob"); // the same class as ann's, now bob's
      assertRefusedUnchanged(s, () -> s.undo("ann"), "refused");
      assertEquals(1, s.scribbles(0).get(10, 10), "bob's stroke stays");
      assertTrue(s.undo("bob"));
      assertEquals(NONE, s.scribbles(0).get(10, 10), "under bob's repaint lies his erase");
    }
  }

  @Test
  void aRedoOverWhatAnotherPersonsUndoChangedIsRefused() throws Exception {
    try (DefaultLabelSession s = open()) {
      s.applyStroke(0, Stroke.paint(1, 2f, 10, 10), "ann");
      s.applyStroke(0, Stroke.paint(2, 2f, 10, 10), "bob");
      assertTrue(s.undo("bob"));
      assertTrue(s.undo("ann"));
      assertEquals(NONE, s.scribbles(0).get(10, 10));
      assertRefusedUnchanged(s, () -> s.redo("bob"), "bob's stroke was on top of ann's, now undone");
      assertEquals(NONE, s.scribbles(0).get(10, 10));
      assertTrue(s.redo("ann"));
      assertEquals(1, s.scribbles(0).get(10, 10));
    }
  }

  @Test
  void anotherPersonsStrokeOfTheSameClassCountsWhereItChangedNothing() throws Exception {
    try (DefaultLabelSession s = open()) {
      s.applyStroke(0, Stroke.paint(1, 2f, 10, 10), "ann");
      s.applyStroke(0, Stroke.paint(1, 2f, 10, 10, 20, 10), "bob"); // over hers, same class, and beyond
      assertRefusedUnchanged(s, () -> s.undo("ann"), "bob's stroke would lose (10, 10)");
      assertEquals(1, s.scribbles(0).get(10, 10));

      s.applyStroke(2, Stroke.paint(1, 3f, 8, 8), "ann");
      s.applyStroke(2, Stroke.paint(1, 1f, 8, 8), "bob"); // entirely on hers: no edit at all
      assertRefusedUnchanged(s, () -> s.undo("ann"), "refused");
      assertEquals(1, s.scribbles(2).get(8, 8));
    }
  }

  @Test
  void aPersonsOwnUndoneLaterStrokeDoesNotBlockTheUndoOfTheStrokeUnderIt() throws Exception {
    try (DefaultLabelSession s = open()) {
      s.applyStroke(0, Stroke.paint(1, 3f, 10, 10), "ann");
      s.applyStroke(0, Stroke.paint(2, 2f, 11, 10, 14, 10), "ann"); // over part of her first stroke
      s.applyStroke(0, Stroke.paint(3, 2f, 25, 20), "bob"); // elsewhere, later
      assertTrue(s.undo("ann"));
      assertEquals(1, s.scribbles(0).get(11, 10), "her first stroke shows again under the undone second");
      assertTrue(s.undo("ann"), "the second stroke and its undo cancel out");
      assertEquals(NONE, s.scribbles(0).get(10, 10));
      assertEquals(NONE, s.scribbles(0).get(11, 10));
      assertEquals(3, s.scribbles(0).get(25, 20));
      assertTrue(s.redo("ann"));
      assertTrue(s.redo("ann"));
      assertEquals(2, s.scribbles(0).get(12, 10));
      assertEquals(1, s.scribbles(0).get(10, 12));
    }
  }

  @Test
  void aChangeTheSharedUndoTookBackIsNotTakenBackAgain() throws Exception {
    try (DefaultLabelSession s = open()) {
      s.applyStroke(0, Stroke.paint(1, 2f, 10, 10), "bob");
      s.applyStroke(0, Stroke.erase(3f, 10, 10), "ann");
      assertTrue(s.undo());
      assertTrue(s.undo()); // a client without an author undid both
      assertEquals(NONE, s.scribbles(0).get(10, 10));
      assertRefusedUnchanged(s, () -> s.undo("ann"), "her erase is no longer in effect");
      assertEquals(NONE, s.scribbles(0).get(10, 10), "bob's stroke does not come back");
    }
  }

  @Test
  void aRedoIsCheckedAgainstEveryLaterEditTheSharedRedoBroughtBack() throws Exception {
    try (DefaultLabelSession s = open()) {
      s.applyStroke(0, Stroke.paint(1, 2f, 10, 10), "ann");
      s.applyStroke(0, Stroke.erase(3f, 10, 10), "bob");
      assertTrue(s.undo("bob"));
      assertTrue(s.undo("ann"));
      assertTrue(s.redo());
      assertTrue(s.redo()); // a client without an author redid both: bob's erase is in effect
      assertEquals(NONE, s.scribbles(0).get(10, 10));
      assertRefusedUnchanged(s, () -> s.redo("ann"), "refused");
      assertEquals(NONE, s.scribbles(0).get(10, 10), "bob's erase stays");
    }
  }

  @Test
  void aRedoOfAStrokeThatLayPartlyOnPaintSinceUndoneIsRefused() throws Exception {
    try (DefaultLabelSession s = open()) {
      s.applyStroke(0, Stroke.paint(1, 2f, 10, 10), "ann");
      s.applyStroke(0, Stroke.paint(1, 2f, 10, 10, 20, 10), "bob"); // changes only the pixels beyond hers
      assertTrue(s.undo("bob"));
      assertTrue(s.undo("ann"));
      assertRefusedUnchanged(s, () -> s.redo("bob"), "made again, it would paint (10, 10) too");
      assertEquals(NONE, s.scribbles(0).get(20, 10));
    }
  }

  @Test
  void nobodysChangeUnderSomeonesNoOpStrokeIsNotUndone() throws Exception {
    try (DefaultLabelSession s = open()) {
      s.applyStroke(0, Stroke.paint(1, 2f, 10, 10)); // no author
    }
    try (DefaultLabelSession s = open()) {
      s.applyStroke(0, Stroke.paint(1, 1f, 10, 10), "bob"); // on it, same class: no edit
      assertRefusedUnchanged(s, () -> s.undo("ann"), "refused");
      assertEquals(1, s.scribbles(0).get(10, 10));
    }
  }

  @Test
  void anEditWhoseUndoTheSharedUndoTookBackCountsAgain() throws Exception {
    try (DefaultLabelSession s = open()) {
      s.applyStroke(0, Stroke.paint(2, 2f, 10, 10), "carl");
      s.applyStroke(0, Stroke.paint(2, 2f, 10, 10, 20, 10), "ann"); // changes only beyond carl's
      s.applyStroke(0, Stroke.paint(3, 2f, 25, 20), "bob");
      assertTrue(s.undo("ann")); // a RESTORE: her stroke and it cancel out
      assertTrue(s.undo()); // a client without an author undoes that RESTORE: her stroke is back
      assertEquals(2, s.scribbles(0).get(20, 10));
      assertRefusedUnchanged(s, () -> s.undo("carl"), "ann's stroke covers (10, 10) again");
      assertEquals(2, s.scribbles(0).get(10, 10));
    }
  }

  @Test
  void undoTwiceThenRedoTwiceAfterSomeoneElsesEditWorks() throws Exception {
    try (DefaultLabelSession s = open()) {
      s.applyStroke(0, Stroke.paint(1, 3f, 6, 6, 16, 6), "ann");
      s.applyStroke(0, Stroke.erase(2f, 10, 6), "ann"); // part of it
      assertTrue(s.undo("ann"));
      assertTrue(s.undo("ann"));
      s.applyStroke(1, Stroke.paint(2, 2f, 5, 5), "bob");
      assertTrue(s.redo("ann"));
      assertTrue(s.redo("ann"), "putting the erase back touches only what it erased");
      assertEquals(1, s.scribbles(0).get(6, 6));
      assertEquals(NONE, s.scribbles(0).get(10, 6));
    }
  }

  @Test
  void aRedoneStrokeKeepsItsBrushAreaAgainstAnEarlierStrokesUndo() throws Exception {
    try (DefaultLabelSession s = open()) {
      s.applyStroke(0, Stroke.paint(1, 2f, 10, 10), "bob");
      s.applyStroke(0, Stroke.paint(1, 2f, 10, 10, 20, 10), "ann"); // across bob's, same class
      s.applyStroke(1, Stroke.paint(2, 2f, 5, 5), "carl");
      assertTrue(s.undo("ann"));
      s.applyStroke(1, Stroke.paint(2, 2f, 15, 15), "carl");
      assertTrue(s.redo("ann"));
      assertRefusedUnchanged(s, () -> s.undo("bob"), "ann's redone stroke covers (10, 10)");
      assertEquals(1, s.scribbles(0).get(10, 10));
    }
  }

  @Test
  void aClearIsRedoneAfterSomeonePaintedAnEmptyPartOfTheFrame() throws Exception {
    try (DefaultLabelSession s = open()) {
      s.applyStroke(0, Stroke.paint(1, 2f, 5, 5), "ann");
      s.clearFrame(0, "ann");
      assertTrue(s.undo("ann"));
      s.applyStroke(0, Stroke.paint(2, 2f, 25, 18), "bob");
      assertTrue(s.redo("ann"));
      assertEquals(NONE, s.scribbles(0).get(5, 5));
      assertEquals(2, s.scribbles(0).get(25, 18), "bob's later stroke stays");
    }
  }

  @Test
  void undoingARedoneChangeChecksALaterPersonsRedoneStrokeByItsPlaceNotByWhenItWasRedone() throws Exception {
    try (DefaultLabelSession s = open()) {
      s.applyStroke(0, Stroke.paint(1, 2f, 10, 10), "ann");
      s.applyStroke(0, Stroke.paint(1, 2f, 10, 10, 20, 10), "bob"); // covers ann's pixels without changing them
      assertTrue(s.undo("bob"));
      assertTrue(s.undo("ann"));
      s.applyStroke(1, Stroke.paint(2, 2f, 5, 5), "carl");
      assertTrue(s.redo("ann"));
      assertTrue(s.redo("bob"));
      assertEquals(1, s.scribbles(0).get(10, 10));
      assertEquals(1, s.scribbles(0).get(18, 10));
      assertRefusedUnchanged(s, () -> s.undo("ann"), "bob's stroke, made after hers, covers (10, 10)");
      assertEquals(1, s.scribbles(0).get(10, 10));
    }
  }

  @Test
  void aStrokeThatChangedNothingBlocksTheUndoOfWhatItCoversEvenForItsAuthor() throws Exception {
    try (DefaultLabelSession s = open()) {
      s.applyStroke(0, Stroke.paint(1, 3f, 10, 10), "ann");
      s.applyStroke(0, Stroke.paint(1, 1f, 10, 10), "ann"); // not an undo step: it changed nothing
      s.applyStroke(1, Stroke.paint(1, 1f, 5, 5), "bob");
      UndoConflictException e = assertThrows(UndoConflictException.class, () -> s.undo("ann"));
      assertTrue(e.getMessage().contains("perhaps your own"), e.getMessage());
      assertEquals(1, s.scribbles(0).get(10, 10), "made again without the first, the second paints (10, 10)");
    }
  }

  @Test
  void changesFromBeforeTheSessionOpenedAreEveryonesToUndoInOrder() throws Exception {
    try (DefaultLabelSession s = open()) {
      s.applyStroke(0, Stroke.paint(1, 2f, 5, 5), "ann");
      s.applyStroke(0, Stroke.paint(2, 2f, 20, 15)); // no author
    }
    try (DefaultLabelSession s = open()) {
      assertTrue(s.canUndo("carl"));
      s.applyStroke(2, Stroke.paint(1, 2f, 8, 8), "ann");
      assertFalse(s.canUndo("carl"), "the latest change is ann's");
      assertTrue(s.undo("ann"));
      assertTrue(s.undo("carl"), "the saved history, newest first");
      assertEquals(NONE, s.scribbles(0).get(20, 15));
      assertEquals(1, s.scribbles(0).get(5, 5));
      assertTrue(s.redo("carl"));
      assertEquals(2, s.scribbles(0).get(20, 15));
    }
  }

  @Test
  void theSharedHistoryStillUndoesInOrderAndABlankAuthorIsRefused() throws Exception {
    try (DefaultLabelSession s = open()) {
      s.applyStroke(0, Stroke.paint(1, 2f, 5, 5), "ann");
      s.applyStroke(0, Stroke.paint(2, 2f, 20, 15), "bob");
      assertTrue(s.undo());
      assertEquals(NONE, s.scribbles(0).get(20, 15), "undo() takes back the latest change, whoever made it");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.undo(" "));
      assertTrue(e.getMessage().contains("expected an author id of 1 to 128 characters, not blank, found a blank"
          + " string of 1 characters"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> s.undo("x".repeat(129)));
      assertTrue(e.getMessage().endsWith("found 129 characters"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> s.applyStroke(0, Stroke.paint(1, 2f, 5, 5), null));
    }
  }
}
