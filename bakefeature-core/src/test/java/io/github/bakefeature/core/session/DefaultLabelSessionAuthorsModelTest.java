package io.github.bakefeature.core.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.pipelines.TrainerConfig;
import io.github.bakefeature.core.scene.SceneFolder;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random paint, erase, clear, undo and redo by three people, checked after every call against a
 * model of what per-person undo promises: the scribbles are every change still in effect made again
 * in the order the changes were first made, or the call refused (UndoConflictException) and
 * changed nothing.
 */
class DefaultLabelSessionAuthorsModelTest {
  private static final int W = 32;
  private static final int H = 24;
  private static final String[] AUTHORS = {"ann", "bob", "carl"};

  @TempDir
  Path tmp;

  /** A change in the order it was first made; {@code stroke} null for a clear. */
  private static final class Change {
    final int frame;
    final Stroke stroke;
    boolean inEffect = true;

    Change(int frame, Stroke stroke) {
      this.frame = frame;
      this.stroke = stroke;
    }
  }

  private static short[] model(List<Change> changes, int frame) {
    short[] l = new short[W * H];
    Arrays.fill(l, (short) -1);
    for (Change c : changes) {
      if (!c.inEffect || c.frame != frame) {
        continue;
      }
      if (c.stroke == null) {
        Arrays.fill(l, (short) -1);
      } else {
        short v = (short) (c.stroke.kind() == Stroke.Kind.PAINT ? c.stroke.classId() : -1);
        c.stroke.forEachPixel(W, H, p -> l[p] = v);
      }
    }
    return l;
  }

  /**
   * A change joins the order of changes; it is a step of its author's history only if it changed a
   * pixel (one that changed nothing is not an undo step, as in the shared history).
   */
  private static void made(List<Change> changes, Deque<Change> undo, Deque<Change> redo, Change c, short[] before,
                           short[] after) {
    changes.add(c);
    if (!Arrays.equals(before, after)) {
      undo.push(c);
      redo.clear();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6})
  void everyCallEitherMatchesTheModelOrRefusesAndChangesNothing(int seed) throws Exception {
    Path dir = SessionScenes.tinyTabletop(tmp.resolve("scene"));
    SplittableRandom r = new SplittableRandom(seed);
    List<Change> changes = new ArrayList<>();
    Map<String, Deque<Change>> undo = new HashMap<>();
    Map<String, Deque<Change>> redo = new HashMap<>();
    for (String a : AUTHORS) {
      undo.put(a, new ArrayDeque<>());
      redo.put(a, new ArrayDeque<>());
    }
    int done = 0;
    int refused = 0;
    List<String> log = new ArrayList<>();
    try (DefaultLabelSession s = DefaultLabelSession.builder(SceneFolder.open(dir)).optMethod(MethodPreset.SNERF_FREQ)
        .optTrainerConfig(TrainerConfig.builder().optRaysPerBatch(64).build()).optAutoStart(false).build()) {
      for (int step = 0; step < 300; step++) {
        String a = AUTHORS[r.nextInt(AUTHORS.length)];
        int frame = r.nextInt(2);
        short[][] before = {s.scribbles(0).labels(), s.scribbles(1).labels()};
        int op = r.nextInt(10);
        String what;
        if (op < 4) {
          // Small strokes in a small area, so they overlap often; few classes, so they repeat.
          float x = 4 + r.nextInt(12);
          float y = 4 + r.nextInt(10);
          Stroke st = op < 3 ? Stroke.paint(r.nextInt(3), 1 + r.nextInt(3), x, y, x + r.nextInt(6), y)
              : Stroke.erase(1 + r.nextInt(3), x, y);
          s.applyStroke(frame, st, a);
          what = a + " " + st.kind() + " " + (st.kind() == Stroke.Kind.PAINT ? st.classId() + " " : "") + "r" + st.radius()
              + " " + Arrays.toString(st.points()) + " on " + frame;
          made(changes, undo.get(a), redo.get(a), new Change(frame, st), before[frame], s.scribbles(frame).labels());
        } else if (op == 4 && r.nextInt(4) == 0) {
          s.clearFrame(frame, a);
          what = a + " clear " + frame;
          made(changes, undo.get(a), redo.get(a), new Change(frame, null), before[frame], s.scribbles(frame).labels());
        } else {
          boolean isUndo = op < 8;
          Deque<Change> from = isUndo ? undo.get(a) : redo.get(a);
          what = a + (isUndo ? " undo" : " redo");
          try {
            boolean did = isUndo ? s.undo(a) : s.redo(a);
            assertEquals(!from.isEmpty(), did, step + ": " + what);
            if (did) {
              Change c = from.pop();
              c.inEffect = !isUndo;
              (isUndo ? redo.get(a) : undo.get(a)).push(c);
              done++;
            }
          } catch (UndoConflictException conflict) {
            assertTrue(!from.isEmpty(), step + ": " + what);
            from.pop(); // leaves the person's history, in effect or not as it was
            refused++;
            what += " (refused)";
            for (int f = 0; f < 2; f++) {
              assertArrayEquals(before[f], s.scribbles(f).labels(), step + ": a refused " + what + " changed frame " + f);
            }
          }
        }
        log.add(step + " " + what);
        for (int f = 0; f < 2; f++) {
          assertArrayEquals(model(changes, f), s.scribbles(f).labels(), step + ": after " + what + ", frame " + f
              + "; calls so far:\n" + String.join("\n", log));
        }
      }
    }
    assertTrue(done > 20, "undos and redos done: " + done + " (refused " + refused + ")");
  }
}
