package io.github.bakefeature.core.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.scene.SceneWriter;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The byte cap on the undo history's edit files. */
class AnnotationStoreHistoryCapTest {
  private static final int W = 40;
  private static final int H = 30;

  @TempDir
  Path tmp;

  private Path dir;

  @BeforeEach
  void scene() throws Exception {
    dir = tmp.resolve("scene");
    SceneWriter.write(SyntheticScenes.tabletop(3, W, H, 1), dir);
  }

  /** A stroke covering the whole frame: every pixel changes, about 8 bytes each in the edit file. */
  private static Stroke fullFrame(int classId) {
    return Stroke.paint(classId, 60f, W / 2f, H / 2f);
  }

  private long editFilesOnDisk() throws Exception {
    Path edits = dir.resolve("session").resolve("edits");
    try (Stream<Path> files = Files.list(edits)) {
      long total = 0;
      for (Path p : (Iterable<Path>) files::iterator) {
        total += Files.size(p);
      }
      return total;
    }
  }

  private long editFileCount() throws Exception {
    try (Stream<Path> files = Files.list(dir.resolve("session").resolve("edits"))) {
      return files.count();
    }
  }

  @Test
  void manyLargeEditsKeepTheEditFilesUnderTheCapAndTheRecentOnesUndoable() throws Exception {
    long cap = 50_000; // about five full-frame edits of a 40x30 frame
    int edits = 30;
    // The scribbles of frame 0 after each edit, to check undo restores them exactly.
    List<short[]> states = new ArrayList<>();
    int kept;
    List<Long> ids;
    try (AnnotationStore s = AnnotationStore.open(SceneFolder.open(dir), cap)) {
      states.add(s.scribbles(0).labels().clone());
      for (int i = 0; i < edits; i++) {
        s.applyStroke(0, fullFrame(i % 2));
        states.add(s.scribbles(0).labels().clone());
        assertTrue(s.historyBytes() <= cap, "history of " + s.historyBytes() + " bytes after edit " + i);
        assertTrue(editFilesOnDisk() <= cap, "edit files of " + editFilesOnDisk() + " bytes after edit " + i);
        assertEquals(s.historySize(), editFileCount(), "one edit file per history entry, none left over");
      }
      kept = s.historySize();
      ids = s.historyIds();
      assertTrue(kept > 1 && kept < edits, "expected some but not all edits kept, found " + kept);
      assertEquals(s.historyBytes(), editFilesOnDisk(), "historyBytes() is the size of the edit files");
      assertTrue(s.historyBytes() + fullFrame(0).points().length * 4L + W * H * 8L > cap,
          "only edits that do not fit are dropped");
    }

    try (AnnotationStore again = AnnotationStore.open(SceneFolder.open(dir), cap)) {
      assertEquals(List.of(), again.loadWarnings(), "a reopen finds the capped history consistent");
      assertEquals(ids, again.historyIds());
      assertArrayEquals(states.get(edits), again.scribbles(0).labels());
      for (int k = 1; k <= kept; k++) {
        assertNotNull(again.undo(), "undo " + k + " of " + kept + " kept edits");
        assertArrayEquals(states.get(edits - k), again.scribbles(0).labels(), "scribbles after undo " + k);
      }
      assertFalse(again.canUndo(), "the dropped edits left the undo history");
      assertArrayEquals(states.get(edits - kept), again.scribbles(0).labels(),
          "dropped edits keep their effect in the scribbles");
    }
  }

  @Test
  void aCapLoweredSinceTheLastRunIsAppliedByTheNextEdit() throws Exception {
    try (AnnotationStore s = AnnotationStore.open(SceneFolder.open(dir))) {
      for (int i = 0; i < 10; i++) {
        s.applyStroke(1, fullFrame(i % 2));
      }
      assertEquals(10, s.historySize());
    }
    long cap = 30_000;
    try (AnnotationStore s = AnnotationStore.open(SceneFolder.open(dir), cap)) {
      assertEquals(10, s.historySize(), "opening does not drop edits");
      s.applyStroke(2, Stroke.paint(0, 2f, 5, 5));
      assertTrue(s.historyBytes() <= cap, "history of " + s.historyBytes() + " bytes");
      assertEquals(s.historyBytes(), editFilesOnDisk());
      assertEquals(s.historySize(), editFileCount());
    }
  }

  @Test
  void theNewestEditIsKeptEvenIfLargerThanTheCap() throws Exception {
    try (AnnotationStore s = AnnotationStore.open(SceneFolder.open(dir), 100)) {
      s.applyStroke(0, fullFrame(0));
      s.applyStroke(0, fullFrame(1));
      assertEquals(1, s.historySize(), "the change just made stays undoable");
      assertNotNull(s.undo());
      assertFalse(s.canUndo());
    }
  }

  @Test
  void inMemoryStoresApplyTheCapToo() throws Exception {
    try (AnnotationStore s = AnnotationStore.inMemory(SyntheticScenes.tabletop(3, W, H, 1), 30_000)) {
      for (int i = 0; i < 10; i++) {
        s.applyStroke(0, fullFrame(i % 2));
        assertTrue(s.historyBytes() <= 30_000);
      }
      assertTrue(s.historySize() < 10);
    }
  }

  @Test
  void aLabelSessionPassesItsHistoryCapToTheStore() throws Exception {
    try (DefaultLabelSession s = DefaultLabelSession.builder(SceneFolder.open(dir))
        .optMethod(MethodPreset.SNERF_HG_FREQ)
        .optFieldOptions(b -> b.optHashLog2TableSize(14).optHashMaxResolution(256))
        .optAutoStart(false)
        .optMaxHistoryBytes(30_000)
        .build()) {
      assertEquals(30_000, s.store().maxHistoryBytes());
      for (int i = 0; i < 8; i++) {
        s.applyStroke(0, fullFrame(i % 2));
      }
      assertTrue(s.store().historyBytes() <= 30_000, s.store().historyBytes() + " bytes");
      assertTrue(s.undo(), "the newest edits stay undoable");
    }
    assertThrows(IllegalArgumentException.class,
        () -> DefaultLabelSession.builder(SceneFolder.open(dir)).optMaxHistoryBytes(-1));
  }

  @Test
  void editSizeMatchesItsFile() throws Exception {
    Edit stroke = new Edit(7, 1, Edit.Kind.STROKE, Stroke.paint(1, 2f, 1, 2, 3, 4), new int[] {3, 4, 5},
        new short[] {-1, -1, 0}, new short[] {1, 1, 1}, 11, 12);
    Edit clear = new Edit(8, 1, Edit.Kind.CLEAR, null, new int[] {3}, new short[] {1}, new short[] {-1}, 12, 13);
    assertEquals(stroke.toBytes().length, stroke.byteSize());
    assertEquals(clear.toBytes().length, clear.byteSize());
  }

  @Test
  void rejectsANonPositiveCapBeforeTakingTheLock() throws Exception {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AnnotationStore.open(SceneFolder.open(dir), 0));
    assertTrue(e.getMessage().contains("found 0"), e.getMessage());
    AnnotationStore.open(SceneFolder.open(dir)).close(); // the lock is free
  }
}
