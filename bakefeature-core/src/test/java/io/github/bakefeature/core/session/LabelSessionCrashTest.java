package io.github.bakefeature.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.bakefeature.core.pipelines.Checkpoint;
import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.scene.SceneWriter;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM ({@link SessionStormMain}) with SIGKILL several times while a
 * {@link DefaultLabelSession} trains (checkpointing every few steps) and a storm of edits goes
 * through the session, and checks after each kill that the scene reopens as a session (the dead
 * process's lock is gone), that the annotations lost at most the change in flight and are
 * consistent, that {@code session/model.ckpt}, if there is one, is intact and the session resumed
 * from it, and that no temporary file of an interrupted write is left behind.
 */
class LabelSessionCrashTest {
  private static final int KILLS = 7;

  @TempDir
  Path tmp;

  @Test
  void survivesSigkillDuringTrainingCheckpointsAndEdits() throws Exception {
    Path dir = tmp.resolve("scene");
    SceneWriter.write(SyntheticScenes.tabletop(3, 32, 24, 5), dir);
    Path ckpt = dir.resolve("session").resolve(DefaultLabelSession.CHECKPOINT);
    SplittableRandom rnd = new SplittableRandom(17);
    long resumedSteps = 0;
    for (int k = 0; k < KILLS; k++) {
      Path ackFile = tmp.resolve("acks-" + k + ".txt");
      Path errFile = tmp.resolve("stderr-" + k + ".txt");
      Process p = child(dir, k, ackFile, errFile);
      // A random number of acknowledged edits and of training steps past the start, then a random
      // moment in the next ones: counted, not timed, so a loaded machine gets the same storm.
      int edits = 2 + rnd.nextInt(30);
      int steps = rnd.nextInt(4 * SessionStormMain.CHECKPOINT_EVERY);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!(AnnotationStoreCrashTest.acknowledged(ackFile).size() > edits && stepsTaken(ackFile) >= steps)
          && System.nanoTime() < deadline && p.isAlive()) {
        Thread.sleep(5);
      }
      boolean reached = AnnotationStoreCrashTest.acknowledged(ackFile).size() > edits && stepsTaken(ackFile) >= steps;
      if (!reached) {
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
        fail("kill " + k + ": the child made fewer than " + edits + " edits or " + steps + " training steps in 60 s"
            + " (alive: " + p.isAlive() + ")\n" + tail(errFile));
      }
      if (k % 2 == 1) {
        // Aim at a checkpoint write: it starts right after a step that is a multiple of the period.
        long from = lastStep(ackFile);
        while (!(lastStep(ackFile) > from && lastStep(ackFile) % SessionStormMain.CHECKPOINT_EVERY == 0)
            && System.nanoTime() < deadline && p.isAlive()) {
          Thread.sleep(1);
        }
        Thread.sleep(rnd.nextInt(8));
      } else {
        Thread.sleep(rnd.nextInt(60));
      }
      p.destroyForcibly(); // SIGKILL on Linux
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the child died");
      List<String> acks = AnnotationStoreCrashTest.acknowledged(ackFile);
      String acked = acks.get(acks.size() - 1);

      // Whatever model.ckpt is on disk must be whole: it is only ever renamed into place complete.
      Long savedStep = null;
      if (Files.exists(ckpt)) {
        try {
          savedStep = Checkpoint.read(ckpt).model().step();
        } catch (java.io.IOException e) {
          fail("kill " + k + ": the SIGKILL left a damaged " + ckpt + ": " + e);
        }
      }
      List<Path> left = temporaryFiles(dir); // before the reopen cleans them: for the record
      System.out.printf("kill %d: %d acknowledged edits, %d steps in the child, checkpoint at step %s,"
          + " temporary files left by the kill: %s%n", k, acks.size() - 1, stepsTaken(ackFile), savedStep, left);
      // The dead child's lock went with it (the OS drops a dead process's file locks): this opens.
      try (DefaultLabelSession s = SessionStormMain.session(dir).optAutoStart(false).build()) {
        Path aside = dir.resolve("session").resolve(AnnotationStore.SET_ASIDE);
        // An edit file of the change in flight may be set aside (the store's crash recovery); a
        // checkpoint never: it would mean the kill damaged it.
        assertTrue(!setAsideCheckpoint(aside), "kill " + k + ": the reopened session set the checkpoint aside as one"
            + " it cannot resume (a SIGKILL must never damage it): " + listing(aside));
        if (savedStep != null) {
          assertTrue(s.step() > 0, "kill " + k + ": " + ckpt + " (step " + savedStep + ") exists but the session"
              + " did not resume from it");
          assertEquals(savedStep.longValue(), s.step(), "kill " + k + ": resumed at another step than the checkpoint's");
          resumedSteps = Math.max(resumedSteps, s.step());
        }
        String now = EditStormMain.ack(s.store());
        assertTrue(now.equals(acked) || AnnotationStoreCrashTest.oneChangeAhead(acked, now),
            "kill " + k + ": lost an acknowledged change\n  acknowledged: " + acked + "\n  loaded:       " + now);
        AnnotationStoreCrashTest.assertConsistent(s.store(), dir);
        assertEquals(s.classes().stream().map(c -> c.name()).toList(), SceneFolder.open(dir).classNames(),
            "kill " + k + ": metadata.json and the session disagree on the class names");
        List<Path> leftovers = temporaryFiles(dir);
        assertTrue(leftovers.isEmpty(), "kill " + k + ": temporary files of interrupted writes are left after"
            + " reopening: " + leftovers);
      }
    }
    try (Stream<Path> s = Files.list(dir.resolve("session"))) {
      System.out.println("session/: " + s.map(p -> p.getFileName().toString()).sorted().toList());
    }
    System.out.println("set aside: " + listing(dir.resolve("session").resolve(AnnotationStore.SET_ASIDE)));
    assertTrue(resumedSteps > 0, "no kill came after a checkpoint: the test did not test resuming");
  }

  private Process child(Path dir, int k, Path ackFile, Path errFile) throws java.io.IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:TieredStopAtLevel=1", "-Dai.djl.offline=true",
        "-Djava.awt.headless=true", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"));
    // Whatever else the build told DJL (where its native library is, say), the child is told too.
    for (String name : System.getProperties().stringPropertyNames()) {
      if (name.startsWith("ai.djl.") && !name.equals("ai.djl.offline") && !name.startsWith("ai.djl.pytorch.num_")) {
        cmd.add("-D" + name + "=" + System.getProperty(name));
      }
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SessionStormMain.class.getName(),
        dir.toString(), Long.toString(k), ackFile.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectError(errFile.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("OPT_OUT_TRACKING", "true");
    pb.environment().put("MALLOC_ARENA_MAX", "1");
    pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
    return pb.start();
  }

  /** Training steps the child took since it opened the session (0 before its first report). */
  private static long stepsTaken(Path file) throws java.io.IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    long start = -1;
    long last = -1;
    for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
      if (line.startsWith("START ")) {
        start = Long.parseLong(line.substring(6));
      } else if (line.startsWith("STEP ")) {
        last = Long.parseLong(line.substring(5));
      }
    }
    return start < 0 || last < 0 ? 0 : last - start;
  }

  /** The child's last reported training step (-1 before its first report). */
  private static long lastStep(Path file) throws java.io.IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    long last = -1;
    for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
      if (line.startsWith("STEP ")) {
        last = Long.parseLong(line.substring(5));
      }
    }
    return last;
  }

  /** Hidden {@code .name.random.tmp} files of {@code AtomicFiles} anywhere in the scene folder. */
  private static List<Path> temporaryFiles(Path dir) throws java.io.IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> {
        String n = p.getFileName().toString();
        return n.startsWith(".") && n.endsWith(".tmp");
      }).toList();
    }
  }

  private static boolean setAsideCheckpoint(Path aside) throws java.io.IOException {
    if (!Files.exists(aside)) {
      return false;
    }
    try (Stream<Path> s = Files.walk(aside)) {
      return s.anyMatch(p -> p.getFileName().toString().equals(DefaultLabelSession.CHECKPOINT));
    }
  }

  private static String listing(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        b.append("\n  ").append(dir.relativize(p));
        if (p.getFileName().toString().equals("reasons.txt")) {
          b.append(": ").append(Files.readString(p, StandardCharsets.UTF_8).strip());
        }
      }
    }
    return b.toString();
  }

  private static String tail(Path file) throws java.io.IOException {
    if (!Files.exists(file)) {
      return "(no stderr)";
    }
    String t = Files.readString(file, StandardCharsets.UTF_8);
    return "child stderr:\n" + t.substring(Math.max(0, t.length() - 4000));
  }
}
