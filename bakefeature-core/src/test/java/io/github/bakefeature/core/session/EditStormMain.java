package io.github.bakefeature.core.session;

import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.core.scene.SceneFolder;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Child process of {@link AnnotationStoreCrashTest}: opens a scene's annotations and edits them as
 * fast as it can (strokes, erases, undo, redo, clears, new classes) until it is killed. After every
 * completed call it appends {@code ACK <cursor> <ids>} to the acknowledgement file (args[2]) so the
 * parent knows what was acknowledged. A file, not stdout: each line is one write(2) into the page
 * cache, which survives SIGKILL, whereas the last lines on a pipe can be lost while the JDK drains
 * a dead child's output (observed: the parent missed the last one or two acknowledgements).
 */
public final class EditStormMain {
  private EditStormMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    SplittableRandom rnd = new SplittableRandom(Long.parseLong(args[1]));
    AnnotationStore store = AnnotationStore.open(SceneFolder.open(dir));
    java.io.FileOutputStream out = new java.io.FileOutputStream(args[2], true);
    write(out, ack(store));
    int w = store.scene().width();
    int h = store.scene().height();
    while (true) {
      int op = rnd.nextInt(100);
      int frame = rnd.nextInt(store.scene().size());
      if (op < 55) {
        int n = 1 + rnd.nextInt(4);
        float[] pts = new float[2 * n];
        for (int i = 0; i < n; i++) {
          pts[2 * i] = (float) rnd.nextDouble(w);
          pts[2 * i + 1] = (float) rnd.nextDouble(h);
        }
        store.applyStroke(frame, Stroke.paint(rnd.nextInt(store.classes().size()), 1 + rnd.nextInt(6), pts));
      } else if (op < 65) {
        store.applyStroke(frame, Stroke.erase(2 + rnd.nextInt(8), (float) rnd.nextDouble(w), (float) rnd.nextDouble(h)));
      } else if (op < 82) {
        store.undo();
      } else if (op < 95) {
        store.redo();
      } else if (op < 96) {
        store.clearFrame(frame);
      } else if (op < 97) {
        store.addClass("extra " + store.classes().size(), rnd.nextInt(0xFFFFFF));
      } else if (op < 99) {
        int c = rnd.nextInt(store.classes().size());
        store.renameClass(c, "renamed " + c + "-" + rnd.nextInt(1_000_000));
      } else {
        store.recolourClass(rnd.nextInt(store.classes().size()), rnd.nextInt(0x1000000));
      }
      write(out, ack(store));
    }
  }

  private static void write(java.io.FileOutputStream out, String line) throws java.io.IOException {
    out.write((line + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** {@code ACK <cursor> <class count> <classes: name#rrggbb|...> <history ids,>}. */
  static String ack(AnnotationStore s) {
    StringBuilder b = new StringBuilder("ACK ").append(s.cursor()).append(' ').append(s.classes().size()).append(' ');
    for (var c : s.classes()) {
      b.append(c.name().replace(' ', '_')).append(c.hexColour()).append('|');
    }
    b.append(' ');
    for (long id : s.historyIds()) {
      b.append(id).append(',');
    }
    return b.toString();
  }
}
