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
    Editor editor = new Editor() {
      @Override
      public void stroke(int frame, Stroke s) throws java.io.IOException {
        store.applyStroke(frame, s);
      }

      @Override
      public void undo() throws java.io.IOException {
        store.undo();
      }

      @Override
      public void redo() throws java.io.IOException {
        store.redo();
      }

      @Override
      public void clear(int frame) throws java.io.IOException {
        store.clearFrame(frame);
      }

      @Override
      public int classCount() {
        return store.classes().size();
      }

      @Override
      public void addClass(String name, int colour) throws java.io.IOException {
        store.addClass(name, colour);
      }

      @Override
      public void renameClass(int id, String name) throws java.io.IOException {
        store.renameClass(id, name);
      }

      @Override
      public void recolourClass(int id, int colour) throws java.io.IOException {
        store.recolourClass(id, colour);
      }
    };
    while (true) {
      randomEdit(editor, store.scene(), rnd);
      write(out, ack(store));
    }
  }

  /** The edits a storm makes, on an {@link AnnotationStore} or through a {@link DefaultLabelSession}. */
  interface Editor {
    void stroke(int frame, Stroke s) throws java.io.IOException;

    void undo() throws java.io.IOException;

    void redo() throws java.io.IOException;

    void clear(int frame) throws java.io.IOException;

    int classCount();

    void addClass(String name, int colour) throws java.io.IOException;

    void renameClass(int id, String name) throws java.io.IOException;

    void recolourClass(int id, int colour) throws java.io.IOException;
  }

  /** One random edit, in the storm's mix: mostly strokes, undo and redo; a few clears and class edits. */
  static void randomEdit(Editor e, io.github.bakefeature.api.scene.Scene scene, SplittableRandom rnd)
      throws java.io.IOException {
    int w = scene.width();
    int h = scene.height();
    int op = rnd.nextInt(100);
    int frame = rnd.nextInt(scene.size());
    if (op < 55) {
      int n = 1 + rnd.nextInt(4);
      float[] pts = new float[2 * n];
      for (int i = 0; i < n; i++) {
        pts[2 * i] = (float) rnd.nextDouble(w);
        pts[2 * i + 1] = (float) rnd.nextDouble(h);
      }
      e.stroke(frame, Stroke.paint(rnd.nextInt(e.classCount()), 1 + rnd.nextInt(6), pts));
    } else if (op < 65) {
      e.stroke(frame, Stroke.erase(2 + rnd.nextInt(8), (float) rnd.nextDouble(w), (float) rnd.nextDouble(h)));
    } else if (op < 82) {
      e.undo();
    } else if (op < 95) {
      e.redo();
    } else if (op < 96) {
      e.clear(frame);
    } else if (op < 97) {
      e.addClass("extra " + e.classCount(), rnd.nextInt(0xFFFFFF));
    } else if (op < 99) {
      int c = rnd.nextInt(e.classCount());
      e.renameClass(c, "renamed " + c + "-" + rnd.nextInt(1_000_000));
    } else {
      e.recolourClass(rnd.nextInt(e.classCount()), rnd.nextInt(0x1000000));
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
