package io.github.bakefeature.core.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.core.io.ImageFiles;
import io.github.bakefeature.core.scene.SceneFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnnotationStoreTest {
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

  @AfterEach
  void closeStore() {
    stores.close();
  }

  private LabelImage png(int frame) throws Exception {
    Path p = dir.resolve("semantic").resolve(String.format("%05d.png", frame));
    return Files.exists(p) ? ImageFiles.readLabels(p, false, -1, 0) : LabelImage.unlabelled(40, 30);
  }

  @Test
  void writesStrokesToTheSceneFormatAndRestoresTheHistoryOnReopen() throws Exception {
    AnnotationStore s = open();
    s.applyStroke(1, Stroke.paint(2, 3, 5, 5, 20, 5));
    s.applyStroke(1, Stroke.erase(2, 10, 5));
    LabelImage expected = s.scribbles(1);
    assertEquals(2, expected.get(5, 5));
    assertEquals(-1, expected.get(10, 5));
    assertArrayEquals(expected.labels(), png(1).labels(), "semantic/00001.png holds 0 = none, k+1 = class k");

    AnnotationStore again = open();
    assertArrayEquals(expected.labels(), again.scribbles(1).labels());
    assertEquals(2, again.historySize());
    assertTrue(again.undo() != null);
    assertEquals(2, again.scribbles(1).get(10, 5), "undoing the erase restores the painted pixel");
    assertTrue(again.undo() != null);
    assertEquals(0, again.scribbles(1).labelledCount());
    assertFalse(again.canUndo());
    assertTrue(again.redo() != null);
    assertEquals(2, open().scribbles(1).get(5, 5), "redo is persisted too");
  }

  @Test
  void aNewEditAfterUndoDropsTheRedoTail() throws Exception {
    AnnotationStore s = open();
    s.applyStroke(0, Stroke.paint(1, 2, 5, 5));
    s.applyStroke(0, Stroke.paint(1, 2, 15, 5));
    s.undo();
    s.applyStroke(0, Stroke.paint(3, 2, 25, 5));
    assertFalse(s.canRedo());
    assertEquals(2, s.historySize());
    assertEquals(-1, s.scribbles(0).get(15, 5));
    AnnotationStore again = open();
    assertEquals(2, again.historySize());
    assertEquals(3, again.scribbles(0).get(25, 5));
  }

  @Test
  void completesANewEditWhenTheCrashHappenedBeforeTheSessionFileWasCommitted() throws Exception {
    AnnotationStore s = open();
    s.applyStroke(0, Stroke.paint(1, 2, 5, 5));
    Path json = dir.resolve("session").resolve("session.json");
    Path saved = tmp.resolve("session.json.before");
    Files.copy(json, saved);
    s.applyStroke(0, Stroke.paint(2, 2, 20, 20));
    // Simulate SIGKILL after the edit file and the PNG were written but before session.json.
    Files.copy(saved, json, StandardCopyOption.REPLACE_EXISTING);
    AnnotationStore again = open();
    assertEquals(2, again.cursor(), "the in-flight edit is completed, not lost");
    assertEquals(2, again.scribbles(0).get(20, 20));
    again.undo();
    assertEquals(-1, again.scribbles(0).get(20, 20));
  }

  @Test
  void completesAnUndoInterruptedBetweenThePngAndTheSessionFile() throws Exception {
    AnnotationStore s = open();
    s.applyStroke(2, Stroke.paint(1, 2, 5, 5));
    Path json = dir.resolve("session").resolve("session.json");
    Path saved = tmp.resolve("session.json.before");
    Files.copy(json, saved);
    s.undo();
    Files.copy(saved, json, StandardCopyOption.REPLACE_EXISTING);
    AnnotationStore again = open();
    assertEquals(0, again.cursor());
    assertTrue(again.canRedo());
    assertEquals(0, again.scribbles(2).labelledCount());
  }

  @Test
  void trustsPngsChangedByAnotherToolAndDropsTheirStaleHistory() throws Exception {
    AnnotationStore s = open();
    s.applyStroke(0, Stroke.paint(1, 2, 5, 5));
    s.applyStroke(1, Stroke.paint(1, 2, 5, 5));
    LabelImage external = LabelImage.unlabelled(40, 30);
    external.labels()[0] = 3;
    ImageFiles.writeLabelPng(external, true, dir.resolve("semantic").resolve("00000.png"));
    AnnotationStore again = open();
    assertArrayEquals(external.labels(), again.scribbles(0).labels(), "the user's file wins");
    assertEquals(1, again.historySize(), "frame 0's history is dropped, frame 1's kept");
    assertEquals(1, again.scribbles(1).get(5, 5));
  }

  @Test
  void opensScribblesLeftByThePaperToolWithoutASessionFile() throws Exception {
    LabelImage l = LabelImage.unlabelled(40, 30);
    l.labels()[31] = 1;
    ImageFiles.writeLabelPng(l, true, dir.resolve("semantic").resolve("00002.png"));
    AnnotationStore s = open();
    assertEquals(1, s.scribbles(2).get(31 % 40, 31 / 40));
    assertEquals(java.util.List.of(2), s.annotatedFrames());
    assertEquals(SceneFolder.open(dir).classNames().size(), s.classes().size());
  }

  @Test
  void persistsClassesInSessionAndMetadata() throws Exception {
    AnnotationStore s = open();
    int before = s.classes().size();
    s.addClass("mug handle", 0x123456);
    s.renameClass(0, "floor and walls");
    s.recolourClass(1, 0xABCDEF);
    AnnotationStore again = open();
    assertEquals(before + 1, again.classes().size());
    assertEquals("mug handle", again.classes().get(before).name());
    assertEquals(0x123456, again.classes().get(before).colour());
    assertEquals("floor and walls", again.classes().get(0).name());
    assertEquals(0xABCDEF, again.classes().get(1).colour());
    assertEquals("floor and walls", SceneFolder.open(dir).classNames().get(0));
  }

  @Test
  void aClassChangeThatFailsToSaveLeavesNeitherMemoryNorSessionJsonChanged() throws Exception {
    AnnotationStore s = open();
    int before = s.classes().size();
    s.recolourClass(1, 0x010203); // a saved change: session.json exists
    Path sessionJson = dir.resolve("session").resolve("session.json");
    String savedBefore = Files.readString(sessionJson);
    // metadata.json cannot be replaced (a non-empty folder is in its place): session.json is written
    // first and succeeds, then metadata.json fails.
    Path metadata = dir.resolve("metadata.json");
    byte[] metadataBytes = Files.readAllBytes(metadata);
    Files.delete(metadata);
    Files.createDirectories(metadata.resolve("in-the-way"));
    assertThrows(java.io.IOException.class, () -> s.addClass("zebra crossing 7", 0xff0000));
    assertThrows(java.io.IOException.class, () -> s.renameClass(0, "tarmac 9"));
    assertEquals(before, s.classes().size(), "not added in memory");
    assertFalse(Files.readString(sessionJson).contains("zebra crossing 7"), "nor in session.json, which a reopen trusts");
    assertFalse(Files.readString(sessionJson).contains("tarmac 9"));
    assertEquals(savedBefore, Files.readString(sessionJson));
    Files.delete(metadata.resolve("in-the-way"));
    Files.delete(metadata);
    Files.write(metadata, metadataBytes);
    AnnotationStore again = open();
    assertEquals(before, again.classes().size(), "a reopened scene does not bring the failed class back");
  }

  @Test
  void rejectsDuplicateClassNamesSoTheSceneStaysOpenable() throws Exception {
    AnnotationStore s = open();
    String taken = s.classes().get(1).name();
    int before = s.classes().size();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.addClass(taken, 0x123456));
    assertTrue(e.getMessage().contains("already used by class 1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> s.renameClass(0, taken));
    s.renameClass(1, taken); // its own name: no change, allowed
    assertEquals(before, s.classes().size());
    assertEquals(before, SceneFolder.open(dir).classNames().size(), "the scene still opens, nothing was added");
  }

  @Test
  void rejectsStrokesWithUnknownClassesOrFrames() throws Exception {
    AnnotationStore s = open();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> s.applyStroke(0, Stroke.paint(99, 2, 5, 5)));
    assertTrue(e.getMessage().contains("99"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> s.applyStroke(7, Stroke.paint(0, 2, 5, 5)));
    assertEquals(0, s.historySize());
  }

  @Test
  void clearingAFrameIsOneUndoableStep() throws Exception {
    AnnotationStore s = open();
    s.applyStroke(0, Stroke.paint(1, 4, 10, 10));
    s.applyStroke(0, Stroke.paint(2, 4, 30, 10));
    LabelImage full = s.scribbles(0);
    s.clearFrame(0);
    assertEquals(0, s.scribbles(0).labelledCount());
    s.undo();
    assertArrayEquals(full.labels(), s.scribbles(0).labels());
  }

  @Test
  void secondOpenOfTheSceneIsRefusedNamingTheLockFileAndTouchesNothingUntilTheFirstCloses() throws Exception {
    AnnotationStore s = open();
    s.applyStroke(0, Stroke.paint(1, 2, 5, 5));
    // The first store's next change in flight: its edit file is written, session.json not yet.
    Path inFlight = dir.resolve("session").resolve("edits").resolve("000000000001.edit");
    Files.copy(dir.resolve("session").resolve("edits").resolve("000000000000.edit"), inFlight);
    Path lockFile = dir.resolve("session").resolve(".lock");

    SceneInUseException e = assertThrows(SceneInUseException.class, () -> AnnotationStore.open(SceneFolder.open(dir)));
    assertTrue(e.getMessage().contains(lockFile.toString()) && e.getMessage().contains("already open in another label session"),
        e.getMessage());
    assertEquals(lockFile, e.lockFile());
    assertEquals(dir, e.scene());
    assertTrue(Files.exists(inFlight), "the refused opener did not take the first store's change in flight for a crash");
    assertFalse(Files.exists(dir.resolve("session").resolve(AnnotationStore.SET_ASIDE)));

    Files.delete(inFlight);
    s.close();
    assertThrows(IllegalStateException.class, () -> s.applyStroke(0, Stroke.paint(1, 2, 9, 9)), "a closed store changes nothing");
    assertEquals(1, s.scribbles(0).get(5, 5), "but can still be read");
    AnnotationStore again = open();
    assertEquals(1, again.scribbles(0).get(5, 5), "close released the lock");
    assertTrue(again.loadWarnings().isEmpty(), again.loadWarnings().toString());
  }

  @Test
  void failedOpenReleasesTheLock() throws Exception {
    AnnotationStore s = open();
    s.applyStroke(0, Stroke.paint(1, 2, 5, 5));
    s.close();
    Path json = dir.resolve("session").resolve("session.json");
    String good = Files.readString(json);
    Files.writeString(json, good.replaceFirst("\"version\" : 1", "\"version\" : 2"));
    assertThrows(io.github.bakefeature.api.scene.InvalidSceneException.class, () -> AnnotationStore.open(SceneFolder.open(dir)));
    Files.writeString(json, good);
    assertEquals(1, open().scribbles(0).get(5, 5), "the failed open did not keep the scene locked");
  }
}
