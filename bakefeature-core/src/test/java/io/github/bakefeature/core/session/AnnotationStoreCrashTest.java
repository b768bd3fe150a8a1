package io.github.bakefeature.core.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.scene.SceneWriter;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM with SIGKILL many times during a storm of edits and checks, after each kill,
 * that the saved state loads, is internally consistent (replaying the history from the empty
 * start reproduces every frame's PNG exactly) and lost at most the change in flight (the loaded
 * history equals the last acknowledged one or is one change ahead of it).
 */
class AnnotationStoreCrashTest {
  private static final int KILLS = 25;

  @TempDir
  Path tmp;

  @Test
  void survivesSigkillDuringAStormOfEditsLosingAtMostTheChangeInFlight() throws Exception {
    Path dir = tmp.resolve("scene");
    SceneWriter.write(SyntheticScenes.tabletop(3, 48, 36, 3), dir);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(11);
    for (int k = 0; k < KILLS; k++) {
      Path ackFile = tmp.resolve("acks-" + k + ".txt");
      Process p = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", cp,
          EditStormMain.class.getName(), dir.toString(), Long.toString(k), ackFile.toString())
          .redirectError(ProcessBuilder.Redirect.DISCARD).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      // Wait until the child has made a random number of edits, then kill it at a random moment
      // in its next ones. Counting edits rather than sleeping a fixed time keeps the storm as long
      // on a loaded machine as on an idle one.
      int edits = 3 + rnd.nextInt(12);
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (acknowledged(ackFile).size() < edits && System.nanoTime() < deadline && p.isAlive()) {
          Thread.sleep(2);
        }
        assertTrue(acknowledged(ackFile).size() >= edits, "child made fewer than " + edits
            + " edits in 60 s (kill " + k + ")");
        Thread.sleep(rnd.nextInt(40));
      } finally {
        p.destroyForcibly(); // SIGKILL on Linux; also when the wait above failed, so no child outlives the test
      }
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the child died");
      List<String> acks = acknowledged(ackFile);
      String acked = acks.get(acks.size() - 1);

      // Closed before the next child starts: it could not take the scene's session lock otherwise.
      try (AnnotationStore loaded = AnnotationStore.open(SceneFolder.open(dir))) {
        String now = EditStormMain.ack(loaded);
        assertTrue(now.equals(acked) || oneChangeAhead(acked, now),
            "kill " + k + ": lost an acknowledged change\n  acknowledged: " + acked + "\n  loaded:       " + now);
        assertConsistent(loaded, dir);
        // metadata.json names the classes session.json holds (open repairs a crash between the two).
        assertEquals(loaded.classes().stream().map(c -> c.name()).toList(), SceneFolder.open(dir).classNames(),
            "kill " + k + ": metadata.json and the session disagree on the class names");
      }
    }
  }

  /** The complete acknowledgement lines in {@code file} (a line cut by the kill does not count). */
  static List<String> acknowledged(Path file) throws java.io.IOException {
    List<String> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    int end = text.lastIndexOf('\n');
    for (String line : text.substring(0, end + 1).split("\n")) {
      if (line.startsWith("ACK ")) {
        out.add(line);
      }
    }
    return out;
  }

  /** Replays the applied history from empty frames and compares with what the PNGs hold. */
  static void assertConsistent(AnnotationStore store, Path dir) throws Exception {
    int n = store.scene().size();
    int px = store.scene().width() * store.scene().height();
    short[][] replay = new short[n][px];
    for (short[] r : replay) {
      Arrays.fill(r, LabelImage.UNLABELLED);
    }
    for (Edit e : store.appliedEdits()) {
      for (int j = 0; j < e.pixels().length; j++) {
        assertTrue(replay[e.frame()][e.pixels()[j]] == e.before()[j], "edit " + e.id() + " does not start where its predecessor ended");
        replay[e.frame()][e.pixels()[j]] = e.after()[j];
      }
    }
    SceneFolder fresh = SceneFolder.open(dir);
    for (int f = 0; f < n; f++) {
      short[] onDisk = fresh.frame(f).scribbles().map(LabelImage::labels).orElse(LabelImage.unlabelled(
          store.scene().width(), store.scene().height()).labels());
      assertArrayEquals(replay[f], onDisk, "frame " + f + ": PNG differs from the replayed history");
      assertArrayEquals(replay[f], store.scribbles(f).labels(), "frame " + f + ": store differs from the replayed history");
    }
  }

  /**
   * Whether {@code now} is reachable from {@code acked} by one stroke, clear, undo, redo, class
   * add, rename or recolour.
   */
  static boolean oneChangeAhead(String acked, String now) {
    String[] a = acked.split(" ", 5);
    String[] b = now.split(" ", 5);
    int ca = Integer.parseInt(a[1]);
    int cb = Integer.parseInt(b[1]);
    List<String> ia = ids(a.length > 4 ? a[4] : "");
    List<String> ib = ids(b.length > 4 ? b[4] : "");
    int classesA = Integer.parseInt(a[2]);
    int classesB = Integer.parseInt(b[2]);
    List<String> namesA = List.of(a[3].split("\\|"));
    List<String> namesB = List.of(b[3].split("\\|"));
    if (classesB == classesA + 1) {
      return ca == cb && ia.equals(ib) && namesB.subList(0, namesA.size()).equals(namesA);
    }
    if (classesA != classesB) {
      return false;
    }
    if (!namesA.equals(namesB)) {
      // A rename or a recolour: exactly one class changed, nothing else.
      long changed = java.util.stream.IntStream.range(0, namesA.size()).filter(i -> !namesA.get(i).equals(namesB.get(i))).count();
      return changed == 1 && ca == cb && ia.equals(ib);
    }
    if (ia.equals(ib)) {
      return cb == ca - 1 || cb == ca + 1;
    }
    // A new edit: the applied prefix kept, the redo tail replaced by one new id.
    return cb == ca + 1 && ib.size() == cb && ia.subList(0, ca).equals(ib.subList(0, ca));
  }

  private static List<String> ids(String s) {
    List<String> out = new ArrayList<>();
    for (String t : s.split(",")) {
      if (!t.isBlank()) {
        out.add(t.trim());
      }
    }
    return out;
  }
}
