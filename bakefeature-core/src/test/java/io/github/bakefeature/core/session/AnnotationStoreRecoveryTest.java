package io.github.bakefeature.core.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.core.io.ImageFiles;
import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.viz.Palette;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening a scene whose session files were damaged from outside: nothing is deleted, what can be
 * kept is kept, every problem names its file, and new strokes are saved and undoable afterwards.
 */
class AnnotationStoreRecoveryTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  private Path dir;
  private ReopenedStore stores;

  @BeforeEach
  void scene() throws Exception {
    stores = ReopenedStore.tabletop(tmp.resolve("scene"));
    dir = stores.dir();
  }

  /** Opens the scene again, closing the store opened before (the next run of the app). */
  private AnnotationStore open() throws Exception {
    return stores.open();
  }

  /** Closes the store on the current scene and writes a fresh one to {@code name}. */
  private void anotherScene(String name) throws Exception {
    stores.close();
    stores = ReopenedStore.tabletop(tmp.resolve(name));
    dir = stores.dir();
  }

  @AfterEach
  void closeStore() {
    stores.close();
  }

  private Path json() {
    return dir.resolve("session").resolve("session.json");
  }

  private Path editFile(long id) {
    return dir.resolve("session").resolve("edits").resolve(String.format("%012d.edit", id));
  }

  private LabelImage png(int frame) throws Exception {
    Path p = dir.resolve("semantic").resolve(String.format("%05d.png", frame));
    return Files.exists(p) ? ImageFiles.readLabels(p, false, -1, 0) : LabelImage.unlabelled(40, 30);
  }

  /** Names of every file under session/ (edits, set-aside folders), relative, sorted. */
  private List<String> sessionFiles() throws Exception {
    Path session = dir.resolve("session");
    try (Stream<Path> s = Files.walk(session)) {
      return s.filter(Files::isRegularFile).map(p -> session.relativize(p).toString()).sorted()
          .collect(Collectors.toList());
    }
  }

  /** The one set-aside folder (asserts there is exactly one). */
  private Path setAsideFolder() throws Exception {
    try (Stream<Path> s = Files.list(dir.resolve("session").resolve(AnnotationStore.SET_ASIDE))) {
      List<Path> all = s.collect(Collectors.toList());
      assertEquals(1, all.size(), "one set-aside folder: " + all);
      return all.get(0);
    }
  }

  private void editSessionJson(java.util.function.Consumer<ObjectNode> change) throws Exception {
    ObjectNode root = (ObjectNode) JSON.readTree(json().toFile());
    change.accept(root);
    Files.write(json(), JSON.writeValueAsBytes(root));
  }

  private static String all(List<String> warnings) {
    return String.join("\n", warnings);
  }

  private static Map<Integer, LabelImage> snapshot(AnnotationStore s) {
    Map<Integer, LabelImage> out = new TreeMap<>();
    for (int f = 0; f < s.scene().size(); f++) {
      out.put(f, s.scribbles(f));
    }
    return out;
  }

  private static void assertSameScribbles(Map<Integer, LabelImage> expected, AnnotationStore s, String what) {
    for (int f = 0; f < s.scene().size(); f++) {
      assertArrayEquals(expected.get(f).labels(), s.scribbles(f).labels(), what + ", frame " + f);
    }
  }

  /** A stroke after the recovery is saved (PNG, history on reopen) and can be undone and redone. */
  /** Returns the store as reopened last (the one given is closed by then). */
  private AnnotationStore assertNewStrokeIsSavedAndUndoable(AnnotationStore s) throws Exception {
    int size = s.historySize();
    int cursor = s.cursor();
    LabelImage before = s.scribbles(2);
    s.applyStroke(2, Stroke.paint(2, 2, 33, 22));
    assertEquals(2, s.scribbles(2).get(33, 22));
    assertEquals(2, png(2).get(33, 22), "the stroke is in semantic/00002.png");
    assertEquals(cursor + 1, s.cursor());
    AnnotationStore again = open();
    assertTrue(again.loadWarnings().isEmpty(), "the repaired session opens cleanly: " + again.loadWarnings());
    assertEquals(cursor + 1, again.cursor());
    assertEquals(s.historyIds(), again.historyIds(), "the new stroke is in the saved history");
    assertTrue(Files.exists(editFile(again.historyIds().get(again.cursor() - 1))), "its edit file is saved");
    assertNotNull(again.undo());
    assertArrayEquals(before.labels(), again.scribbles(2).labels(), "undo takes the stroke back");
    assertArrayEquals(before.labels(), png(2).labels());
    assertNotNull(again.redo());
    assertTrue(size + 1 >= again.historySize());
    AnnotationStore last = open();
    assertEquals(2, last.scribbles(2).get(33, 22));
    return last;
  }

  /** Found by SceneFilesFuzzTest: a bare "java.io.IOException: Is a directory" that named no file. */
  @Test
  void rejectsSessionJsonThatIsAFolderNamingItAndChangingNothing() throws Exception {
    AnnotationStore s = open();
    s.applyStroke(0, Stroke.paint(1, 3, 5, 5));
    stores.close();
    Files.delete(json());
    Files.createDirectory(json());
    LabelImage drawn = png(0);
    List<String> filesBefore = sessionFiles();

    InvalidSceneException e = assertThrows(InvalidSceneException.class, this::open);
    assertEquals(json(), e.file());
    assertTrue(e.getMessage().contains("session.json: expected the session file (JSON), found a folder"), e.getMessage());
    assertEquals(filesBefore, sessionFiles(), "nothing set aside or written");
    assertArrayEquals(drawn.labels(), png(0).labels());
    assertTrue(Files.isDirectory(json()));
  }

  // ---- X06: damaged edit files ------------------------------------------------------------------

  @Test
  void damagedEditFileKeepsEarlierHistoryAndDeletesNothing() throws Exception {
    AnnotationStore s = open();
    s.applyStroke(0, Stroke.paint(1, 3, 5, 5));      // edit 0, frame 0
    s.applyStroke(1, Stroke.paint(2, 3, 10, 10));    // edit 1, frame 1: will be damaged
    LabelImage frame1AfterEdit1 = s.scribbles(1);
    s.applyStroke(2, Stroke.paint(1, 3, 20, 20));    // edit 2, frame 2
    s.applyStroke(1, Stroke.paint(3, 3, 12, 10));    // edit 3, frame 1, overlaps edit 1
    s.applyStroke(0, Stroke.paint(2, 3, 30, 5));     // edit 4, frame 0
    s.applyStroke(2, Stroke.erase(2, 20, 20));       // edit 5, frame 2
    Map<Integer, LabelImage> drawn = snapshot(s);
    List<String> filesBefore = sessionFiles();
    try (RandomAccessFile f = new RandomAccessFile(editFile(1).toFile(), "rw")) {
      f.setLength(17); // truncate -s 17
    }

    AnnotationStore again = open();
    assertSameScribbles(drawn, again, "the scribbles are the source of truth");
    String warnings = all(again.loadWarnings());
    assertTrue(warnings.contains("000000000001.edit") && warnings.contains("truncated")
        && warnings.contains("expected at least") && warnings.contains("found 17"), warnings);
    assertFalse(warnings.contains("null"), warnings);
    assertEquals(List.of(0L, 2L, 3L, 4L, 5L), again.historyIds(),
        "only the damaged entry leaves: edit 0 (another frame) stays undoable before it");
    assertEquals(5, again.cursor());

    // Nothing was deleted: the damaged file was moved aside with its reason and the session as it was.
    Path aside = setAsideFolder();
    for (long id = 0; id <= 5; id++) {
      assertTrue(Files.exists(editFile(id)) || Files.exists(aside.resolve(editFile(id).getFileName())), "edit " + id);
    }
    assertTrue(Files.exists(aside.resolve("000000000001.edit")));
    assertEquals(17, Files.size(aside.resolve("000000000001.edit")));
    assertTrue(Files.exists(editFile(2)) && Files.exists(editFile(5)), "intact files stay where they were");
    String reasons = Files.readString(aside.resolve("reasons.txt"));
    assertTrue(reasons.contains("000000000001.edit: edit file is truncated"), reasons);
    assertTrue(Files.exists(aside.resolve("session.json")));
    assertTrue(sessionFiles().size() >= filesBefore.size(), sessionFiles() + " vs " + filesBefore);

    // Undo all the way: edits of frames 0 and 2 are undone exactly; frame 1 keeps the damaged edit's stroke.
    for (int k = 0; k < 5; k++) {
      assertNotNull(again.undo(), "undo " + k);
    }
    assertFalse(again.canUndo());
    assertEquals(0, again.scribbles(0).labelledCount());
    assertEquals(0, again.scribbles(2).labelledCount());
    assertArrayEquals(frame1AfterEdit1.labels(), again.scribbles(1).labels());
    assertArrayEquals(frame1AfterEdit1.labels(), png(1).labels());
    while (again.redo() != null) {
      // back to what was drawn
    }
    assertSameScribbles(drawn, again, "redo restores everything");
    assertNewStrokeIsSavedAndUndoable(again);
  }

  @Test
  void damagedEditDropsOnlyTheOlderEditsOfItsFrameThatCouldNoLongerBeUndoneExactly() throws Exception {
    AnnotationStore s = open();
    List<LabelImage> after = new ArrayList<>();
    for (int k = 0; k < 6; k++) {
      s.applyStroke(1, Stroke.paint(k % 3, 4, 10 + k, 10)); // overlapping strokes on one frame
      after.add(s.scribbles(1));
    }
    Files.write(editFile(2), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13});

    AnnotationStore again = open();
    assertArrayEquals(after.get(5).labels(), again.scribbles(1).labels());
    assertEquals(List.of(3L, 4L, 5L), again.historyIds(),
        "undoing edits 0 and 1 would also revert part of the lost edit 2, so they leave the undo history");
    String warnings = all(again.loadWarnings());
    assertTrue(warnings.contains("000000000002.edit") && warnings.contains("not an edit file")
        && warnings.contains("expected the header"), warnings);
    Path aside = setAsideFolder();
    String reasons = Files.readString(aside.resolve("reasons.txt"));
    for (long id : new long[] {0, 1, 2}) {
      assertTrue(Files.exists(aside.resolve(editFile(id).getFileName())), "edit " + id + " is kept aside");
    }
    assertTrue(reasons.contains("000000000000.edit: cannot be undone"), reasons);
    for (int k = 4; k >= 2; k--) {
      assertNotNull(again.undo());
      assertArrayEquals(after.get(k).labels(), again.scribbles(1).labels(), "undo back to after edit " + k);
    }
    assertFalse(again.canUndo());
    assertNewStrokeIsSavedAndUndoable(again);
  }

  @Test
  void damagedUndoneEditStopsRedoBeforeItAndKeepsTheUndoHistory() throws Exception {
    AnnotationStore s = open();
    for (int k = 0; k < 4; k++) {
      s.applyStroke(0, Stroke.paint(1, 3, 5 + 6 * k, 8));
    }
    LabelImage all = s.scribbles(0);
    s.undo();
    s.undo(); // cursor 2: edits 2 and 3 can be redone
    byte[] bytes = Files.readAllBytes(editFile(3));
    bytes[bytes.length - 20] ^= 0x40; // one flipped bit
    Files.write(editFile(3), bytes);

    AnnotationStore again = open();
    String warnings = all(again.loadWarnings());
    assertTrue(warnings.contains("000000000003.edit") && warnings.contains("checksum"), warnings);
    assertEquals(List.of(0L, 1L, 2L), again.historyIds());
    assertEquals(2, again.cursor());
    assertNotNull(again.redo());
    assertFalse(again.canRedo(), "redo stops before the damaged edit");
    assertEquals(1, again.scribbles(0).get(17, 8));
    assertEquals(-1, again.scribbles(0).get(23, 8));
    assertTrue(all.get(23, 8) == 1);
    assertTrue(Files.exists(setAsideFolder().resolve("000000000003.edit")));
    for (int k = 0; k < 3; k++) {
      assertNotNull(again.undo());
    }
    assertEquals(0, again.scribbles(0).labelledCount());
    assertNewStrokeIsSavedAndUndoable(again);
  }

  @Test
  void editFileThatDoesNotFitTheSceneIsSetAsideWithWhatWasExpectedAndFound() throws Exception {
    AnnotationStore s = open();
    s.applyStroke(0, Stroke.paint(1, 3, 5, 5));
    s.applyStroke(1, Stroke.paint(1, 3, 5, 5));
    // A well-formed edit file for frame 7 of a 3-frame scene, listed in the history.
    Edit foreign = new Edit(1, 7, Edit.Kind.CLEAR, null, new int[] {0}, new short[] {1}, new short[] {-1}, 1, 2);
    Files.write(editFile(1), foreign.toBytes());
    AnnotationStore again = open();
    String warnings = all(again.loadWarnings());
    assertTrue(warnings.contains("000000000001.edit") && warnings.contains("expected a frame index 0..2, found 7"), warnings);
    assertEquals(List.of(0L), again.historyIds());
    assertEquals(1, again.scribbles(1).get(5, 5), "the frame's scribbles are untouched");
    assertTrue(Files.exists(setAsideFolder().resolve("000000000001.edit")));
    assertNewStrokeIsSavedAndUndoable(again);
  }

  // ---- X07: invalid fields of session.json ------------------------------------------------------

  @Test
  void invalidClassColourIsReportedWithFileFieldAndFormatAndTheHistoryIsKept() throws Exception {
    AnnotationStore s = open();
    s.applyStroke(0, Stroke.paint(1, 3, 5, 5));
    s.applyStroke(0, Stroke.paint(2, 3, 15, 5));
    String name1 = s.classes().get(1).name();
    editSessionJson(root -> ((ObjectNode) root.get("classes").get(1)).put("colour", "orange"));

    AnnotationStore again = open();
    String warnings = all(again.loadWarnings());
    assertTrue(warnings.contains(json().toString()) && warnings.contains("classes[1]") && warnings.contains(name1)
        && warnings.contains("colour") && warnings.contains("#rrggbb") && warnings.contains("\"orange\""), warnings);
    assertFalse(warnings.contains("radix"), warnings);
    assertEquals(Palette.colour(1), again.classes().get(1).colour(), "the palette colour stands in");
    assertEquals(name1, again.classes().get(1).name());
    assertEquals(s.classes().size(), again.classes().size());
    assertEquals(List.of(0L, 1L), again.historyIds(), "a bad colour costs no history");
    assertTrue(Files.readString(setAsideFolder().resolve("session.json")).contains("orange"),
        "the session as it was is kept aside");
    assertTrue(JSON.readTree(json().toFile()).get("classes").get(1).get("colour").asText().matches("#[0-9a-f]{6}"),
        "session.json is repaired");
    assertNewStrokeIsSavedAndUndoable(again);
  }

  @Test
  void invalidClassNamesAndEntriesFallBackToTheMetadataNames() throws Exception {
    AnnotationStore s = open();
    s.applyStroke(0, Stroke.paint(1, 3, 5, 5));
    List<String> names = SceneFolder.open(dir).classNames();
    editSessionJson(root -> {
      ((ObjectNode) root.get("classes").get(0)).put("name", "  ");
      ((com.fasterxml.jackson.databind.node.ArrayNode) root.get("classes")).set(1, JSON.getNodeFactory().numberNode(5));
    });
    AnnotationStore again = open();
    String warnings = all(again.loadWarnings());
    assertTrue(warnings.contains("classes[0].name: expected a non-blank string, found \"  \""), warnings);
    assertTrue(warnings.contains("classes[1]: expected an object"), warnings);
    assertEquals(names.get(0), again.classes().get(0).name());
    assertEquals(names.get(1), again.classes().get(1).name());
    assertEquals(1, again.historySize());
  }

  @Test
  void garbledSessionJsonKeepsTheScribblesAndSetsTheOldHistoryAsideInsteadOfOverwritingIt() throws Exception {
    AnnotationStore s = open();
    s.applyStroke(0, Stroke.paint(1, 3, 5, 5));
    s.applyStroke(1, Stroke.paint(2, 3, 5, 5));
    Map<Integer, LabelImage> drawn = snapshot(s);
    byte[] edit0 = Files.readAllBytes(editFile(0));
    Files.writeString(json(), "{\"classes\": [ garbage");

    AnnotationStore again = open();
    assertSameScribbles(drawn, again, "scribbles kept");
    String warnings = all(again.loadWarnings());
    assertTrue(warnings.contains(json() + ": unreadable: expected JSON"), warnings);
    assertEquals(0, again.historySize());
    Path aside = setAsideFolder();
    assertArrayEquals(edit0, Files.readAllBytes(aside.resolve("000000000000.edit")), "old edits are kept, not overwritten");
    assertTrue(Files.exists(aside.resolve("000000000001.edit")));
    assertTrue(Files.readString(aside.resolve("session.json")).contains("garbage"));
    assertNewStrokeIsSavedAndUndoable(again);
    assertTrue(again.historyIds().get(0) >= 2, "new edits get new ids: " + again.historyIds());
  }

  @Test
  void emptyOrNonObjectSessionJsonIsHandledLikeAGarbledOne() throws Exception {
    for (String content : new String[] {"", "[1, 2]", "null"}) {
      anotherScene("scene-" + content.length() + content.hashCode());
      AnnotationStore s = open();
      s.applyStroke(0, Stroke.paint(1, 3, 5, 5));
      Files.writeString(json(), content);
      AnnotationStore again = open();
      assertTrue(all(again.loadWarnings()).contains(json() + ": unreadable: expected a JSON object"), again.loadWarnings().toString());
      assertEquals(1, again.scribbles(0).get(5, 5));
      assertTrue(Files.exists(setAsideFolder().resolve("000000000000.edit")));
      assertNewStrokeIsSavedAndUndoable(again);
    }
  }

  @Test
  void sessionJsonOfAnotherVersionIsRefusedNamingTheFileAndChangingNothing() throws Exception {
    AnnotationStore s = open();
    s.applyStroke(0, Stroke.paint(1, 3, 5, 5));
    editSessionJson(root -> root.put("version", 2));
    List<String> files = sessionFiles();
    byte[] session = Files.readAllBytes(json());
    InvalidSceneException e = assertThrows(InvalidSceneException.class, this::open);
    assertEquals(json(), e.file());
    assertTrue(e.getMessage().contains("version: expected 1, found 2"), e.getMessage());
    assertEquals(files, sessionFiles());
    assertArrayEquals(session, Files.readAllBytes(json()));
  }

  // ---- X08: cursor, history ids, counts ---------------------------------------------------------

  @Test
  void outOfRangeCursorIsRecoveredFromTheScribblesAndANewStrokeIsSavedAndUndoable() throws Exception {
    String[] bad = {"-3", "99", "\"2\"", "1.5", "null"};
    for (int k = 0; k < bad.length; k++) {
      anotherScene("scene-" + k);
      AnnotationStore s = open();
      s.applyStroke(0, Stroke.paint(1, 3, 5, 5));
      s.applyStroke(1, Stroke.paint(1, 3, 5, 5));
      s.applyStroke(0, Stroke.paint(2, 3, 7, 5));
      s.undo(); // cursor 2 of 3
      Map<Integer, LabelImage> drawn = snapshot(s);
      JsonNode value = JSON.readTree(bad[k]);
      editSessionJson(root -> root.set("cursor", value));

      AnnotationStore again = open();
      String warnings = all(again.loadWarnings());
      assertTrue(warnings.contains(json() + ": cursor: expected an integer 0..3") && warnings.contains("found " + bad[k]),
          bad[k] + ": " + warnings);
      assertEquals(2, again.cursor(), bad[k] + ": the cursor at which the history matches the scribbles");
      assertEquals(3, again.historySize());
      assertSameScribbles(drawn, again, bad[k]);
      assertTrue(again.canRedo());
      again = assertNewStrokeIsSavedAndUndoable(again);
      assertNotNull(again.undo());
      assertNotNull(again.undo());
      assertEquals(0, again.scribbles(1).labelledCount(), bad[k]);
    }
  }

  @Test
  void cursorThatContradictsTheScribblesIsCorrected() throws Exception {
    AnnotationStore s = open();
    s.applyStroke(0, Stroke.paint(1, 3, 5, 5));
    s.applyStroke(0, Stroke.paint(2, 3, 7, 5));
    editSessionJson(root -> root.put("cursor", 0));
    AnnotationStore again = open();
    assertTrue(all(again.loadWarnings()).contains("cursor: expected 2"), again.loadWarnings().toString());
    assertEquals(2, again.cursor());
    assertEquals(2, again.historySize());
    assertNewStrokeIsSavedAndUndoable(again);
  }

  @Test
  void historyWithMissingRepeatedOrInvalidIdsKeepsTheEntriesThatReplay() throws Exception {
    AnnotationStore s = open();
    s.applyStroke(0, Stroke.paint(1, 3, 5, 5));
    s.applyStroke(1, Stroke.paint(1, 3, 5, 5));
    s.applyStroke(2, Stroke.paint(1, 3, 5, 5));
    Map<Integer, LabelImage> drawn = snapshot(s);
    editSessionJson(root -> {
      var h = root.putArray("history");
      h.add(0).add(1).add(1).add(99).add("x").add(2);
      root.put("cursor", 6);
      root.put("nextId", -5);
    });
    AnnotationStore again = open();
    String warnings = all(again.loadWarnings());
    assertTrue(warnings.contains("history[2]: expected ids in increasing order"), warnings);
    assertTrue(warnings.contains("history[3]: expected the edit file") && warnings.contains("000000000099.edit, found no such file"), warnings);
    assertTrue(warnings.contains("history[4]: expected an edit id") && warnings.contains("found \"x\""), warnings);
    assertTrue(warnings.contains("nextId: expected an integer") && warnings.contains("found -5"), warnings);
    assertEquals(List.of(0L, 1L, 2L), again.historyIds());
    assertEquals(3, again.cursor());
    assertSameScribbles(drawn, again, "scribbles kept");
    again = assertNewStrokeIsSavedAndUndoable(again);
    assertTrue(again.historyIds().get(3) >= 3, "no id is reused: " + again.historyIds());
    for (int k = 0; k < 4; k++) {
      assertNotNull(again.undo());
    }
    assertTrue(again.annotatedFrames().isEmpty());
  }

  @Test
  void invalidFrameChecksumsTrustThePngs() throws Exception {
    AnnotationStore s = open();
    s.applyStroke(0, Stroke.paint(1, 3, 5, 5));
    editSessionJson(root -> {
      ((ObjectNode) root.get("frames")).put("00000", "abc");
      ((ObjectNode) root.get("frames")).put("no-such-frame", 12);
    });
    AnnotationStore again = open();
    String warnings = all(again.loadWarnings());
    assertTrue(warnings.contains("frames.\"00000\": expected a CRC32") && warnings.contains("found \"abc\""), warnings);
    assertTrue(warnings.contains("frames.\"no-such-frame\""), warnings);
    assertEquals(1, again.historySize(), "the frame's history still matches its PNG");
    assertNewStrokeIsSavedAndUndoable(again);
  }

  @Test
  void leftoverEditFilesAreMovedAsideNotDeleted() throws Exception {
    AnnotationStore s = open();
    s.applyStroke(0, Stroke.paint(1, 3, 5, 5));
    s.applyStroke(0, Stroke.paint(1, 3, 15, 5));
    // A file no history lists (e.g. a redo tail whose deletion a crash interrupted).
    Files.write(editFile(7), new Edit(7, 0, Edit.Kind.CLEAR, null, new int[] {0}, new short[] {1}, new short[] {-1}, 1, 2)
        .toBytes());
    Path notes = dir.resolve("session").resolve("edits").resolve("notes.txt");
    Files.writeString(notes, "mine");
    AnnotationStore again = open();
    assertEquals(2, again.historySize());
    Path aside = setAsideFolder();
    assertTrue(Files.exists(aside.resolve("000000000007.edit")));
    assertTrue(Files.readString(aside.resolve("reasons.txt")).contains("000000000007.edit: not listed"));
    assertTrue(Files.exists(notes), "other files are left alone");
  }
}
