package io.github.bakefeature.core.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.scene.SceneWriter;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A change that cannot be saved (its PNG or session.json cannot be written) throws and leaves
 * nothing applied, in memory or on disk; the next change that can be saved, and a reopen, see a
 * consistent store that lost none of the earlier strokes.
 */
class AnnotationStoreFailureTest {
  private static final int FRAMES = 5;

  @TempDir
  Path tmp;

  private Path dir;
  private AnnotationStore store;

  @BeforeEach
  void scene() throws Exception {
    dir = tmp.resolve("scene");
    SceneWriter.write(SyntheticScenes.tabletop(FRAMES, 40, 30, 1), dir);
    store = AnnotationStore.open(SceneFolder.open(dir));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void failedStrokeLeavesNothingAppliedAndALaterEditAndAReopenKeepEveryEarlierStroke() throws Exception {
    store.applyStroke(0, Stroke.paint(1, 3, 5, 5));
    store.applyStroke(1, Stroke.paint(2, 3, 9, 9));
    Path png = png(3);
    Files.createDirectories(png); // frame 3's PNG cannot be written
    State before = state();
    Snapshot disk = disk();

    assertThrows(IOException.class, () -> store.applyStroke(3, Stroke.paint(1, 3, 20, 20)));
    assertEquals(before, state(), "nothing of the failed stroke is applied in memory");
    assertEquals(disk, disk(), "nor on disk (no edit file, PNG or session.json change)");

    Files.delete(png);
    store.applyStroke(4, Stroke.paint(2, 3, 30, 10));
    assertEquals(List.of(0L, 1L, 2L), store.historyIds(), "the failed stroke never entered the history, its id is reused");
    assertEquals(-1, store.scribbles(3).get(20, 20));
    assertReopensAsSavedWithEveryStroke();
  }

  @Test
  void failedClearLeavesNothingApplied() throws Exception {
    store.applyStroke(1, Stroke.paint(1, 3, 5, 5));
    store.applyStroke(1, Stroke.paint(2, 3, 20, 5));
    Path saved = breakPng(1);
    State before = state();
    Snapshot disk = disk();

    assertThrows(IOException.class, () -> store.clearFrame(1));
    assertEquals(before, state());
    assertEquals(disk, disk());

    fixPng(1, saved);
    store.applyStroke(4, Stroke.paint(2, 3, 30, 10));
    assertEquals(2, store.scribbles(1).get(20, 5));
    assertReopensAsSavedWithEveryStroke();
  }

  @Test
  void failedUndoLeavesNothingApplied() throws Exception {
    store.applyStroke(0, Stroke.paint(1, 3, 5, 5));
    store.applyStroke(2, Stroke.paint(2, 3, 9, 9));
    Path saved = breakPng(2);
    State before = state();
    Snapshot disk = disk();

    assertThrows(IOException.class, () -> store.undo());
    assertEquals(before, state(), "the cursor did not move");
    assertEquals(disk, disk());

    fixPng(2, saved);
    assertNotNull(store.undo(), "the same undo works once the PNG can be written");
    assertEquals(-1, store.scribbles(2).get(9, 9));
    store.applyStroke(4, Stroke.paint(2, 3, 30, 10));
    assertReopensAsSavedWithEveryStroke();
  }

  @Test
  void failedRedoLeavesNothingApplied() throws Exception {
    store.applyStroke(0, Stroke.paint(1, 3, 5, 5));
    store.applyStroke(2, Stroke.paint(2, 3, 9, 9));
    store.undo();
    Path saved = breakPng(2);
    State before = state();
    Snapshot disk = disk();

    assertThrows(IOException.class, () -> store.redo());
    assertEquals(before, state());
    assertEquals(disk, disk());

    fixPng(2, saved);
    assertNotNull(store.redo());
    assertEquals(2, store.scribbles(2).get(9, 9));
    store.applyStroke(4, Stroke.paint(2, 3, 30, 10));
    assertReopensAsSavedWithEveryStroke();
  }

  @Test
  void failedSessionWriteTakesBackThePngAndEditFileItHadWritten() throws Exception {
    store.applyStroke(0, Stroke.paint(1, 3, 5, 5));
    Path json = dir.resolve("session").resolve("session.json");
    store.writeHook = failOn(json, Integer.MAX_VALUE);
    State before = state();
    Snapshot disk = disk();

    // Frame 0 has a PNG (it is written back), frame 3 none (the new one is removed).
    assertThrows(IOException.class, () -> store.applyStroke(0, Stroke.paint(2, 3, 20, 20)));
    assertThrows(IOException.class, () -> store.applyStroke(3, Stroke.paint(2, 3, 20, 20)));
    assertThrows(IOException.class, () -> store.undo());
    assertThrows(IOException.class, () -> store.clearFrame(0));
    assertEquals(before, state());
    assertEquals(disk, disk(), "every PNG is as before, no edit file is left");

    store.writeHook = file -> { };
    store.applyStroke(4, Stroke.paint(2, 3, 30, 10));
    assertReopensAsSavedWithEveryStroke();
  }

  @Test
  void pngThatCannotBePutBackIsWrittenBeforeTheNextChange() throws Exception {
    store.applyStroke(0, Stroke.paint(1, 3, 5, 5));
    Path json = dir.resolve("session").resolve("session.json");
    Path png0 = png(0);
    // session.json cannot be written, and frame 0's PNG only once: the change is written to it but
    // cannot be taken back.
    AtomicInteger pngWrites = new AtomicInteger();
    store.writeHook = file -> {
      if (file.equals(json) || (file.equals(png0) && pngWrites.incrementAndGet() > 1)) {
        throw new IOException("simulated: " + file + " cannot be written");
      }
    };
    State before = state();
    IOException e = assertThrows(IOException.class, () -> store.applyStroke(0, Stroke.paint(2, 3, 20, 20)));
    assertEquals(1, e.getSuppressed().length, "the failed restore is reported with the failure");
    assertEquals(before, state(), "memory is as before even though the PNG is not");

    // While frame 0's PNG still cannot be written, no change is saved over it.
    assertThrows(IOException.class, () -> store.applyStroke(4, Stroke.paint(2, 3, 30, 10)));
    assertEquals(before, state());

    store.writeHook = file -> { };
    store.applyStroke(4, Stroke.paint(2, 3, 30, 10));
    assertEquals(-1, store.scribbles(0).get(20, 20));
    assertReopensAsSavedWithEveryStroke();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** What a caller can see of the store (each frame's scribbles by count and checksum). */
  private record State(List<Long> ids, int cursor, boolean canUndo, boolean canRedo, long labelled,
                       List<Integer> annotated, List<String> frames) { }

  private State state() {
    List<String> frames = new ArrayList<>();
    for (int f = 0; f < FRAMES; f++) {
      LabelImage l = store.scribbles(f);
      frames.add(l.labelledCount() + " labelled, crc " + AnnotationStore.checksum(l.labels()));
    }
    return new State(store.historyIds(), store.cursor(), store.canUndo(), store.canRedo(), store.labelledPixels(),
        store.annotatedFrames(), frames);
  }

  /** Every file of semantic/ and session/ (but the lock) with its content. */
  private record Snapshot(Map<String, String> files) { }

  private Snapshot disk() throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (String sub : List.of("semantic", "session")) {
      Path root = dir.resolve(sub);
      if (!Files.exists(root)) {
        continue;
      }
      try (Stream<Path> s = Files.walk(root)) {
        for (Path p : (Iterable<Path>) s::iterator) {
          if (Files.isRegularFile(p) && !p.getFileName().toString().equals(".lock")) {
            out.put(dir.relativize(p).toString(), java.util.HexFormat.of().formatHex(Files.readAllBytes(p)));
          }
        }
      }
    }
    return new Snapshot(out);
  }

  private Path png(int frame) {
    return dir.resolve("semantic").resolve(String.format("%05d.png", frame));
  }

  /** Puts a folder where frame {@code frame}'s PNG is, so that it cannot be written; returns the PNG's copy. */
  private Path breakPng(int frame) throws IOException {
    Path saved = tmp.resolve("saved-" + frame + ".png");
    Files.move(png(frame), saved);
    Files.createDirectory(png(frame));
    return saved;
  }

  private void fixPng(int frame, Path saved) throws IOException {
    Files.delete(png(frame));
    Files.move(saved, png(frame));
  }

  private static AnnotationStore.WriteHook failOn(Path file, int times) {
    AtomicInteger left = new AtomicInteger(times);
    return f -> {
      if (f.equals(file) && left.getAndDecrement() > 0) {
        throw new IOException("simulated: " + f + " cannot be written");
      }
    };
  }

  /**
   * Closes the store and reopens the scene: it opens cleanly (no warnings, nothing set aside) with
   * the same history and scribbles, and undoing the whole history empties every frame (no earlier
   * stroke was lost or orphaned).
   */
  private void assertReopensAsSavedWithEveryStroke() throws Exception {
    State saved = state();
    store.close();
    store = AnnotationStore.open(SceneFolder.open(dir));
    assertTrue(store.loadWarnings().isEmpty(), store.loadWarnings().toString());
    assertFalse(Files.exists(dir.resolve("session").resolve(AnnotationStore.SET_ASIDE)), "nothing was set aside");
    assertEquals(saved, state());
    while (store.canUndo()) {
      assertNotNull(store.undo());
    }
    for (int f = 0; f < FRAMES; f++) {
      assertArrayEquals(LabelImage.unlabelled(40, 30).labels(), store.scribbles(f).labels(), "frame " + f);
    }
  }
}
