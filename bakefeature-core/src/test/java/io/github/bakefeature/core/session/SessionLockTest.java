package io.github.bakefeature.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionLockTest {
  @TempDir
  Path tmp;

  /** Whether another process can take the scene's lock right now. */
  private static String otherProcessTries(Path lockFile) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        TryLockMain.class.getName(), lockFile.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    return out;
  }

  @Test
  void aRefusedSecondOpenInThisProcessKeepsOtherProcessesOut() throws Exception {
    Path scene = Files.createDirectories(tmp.resolve("scene"));
    SessionLock first = SessionLock.acquire(scene);
    Path lockFile = scene.resolve("session").resolve(".lock");
    assertEquals("refused", otherProcessTries(lockFile));
    // A second open in this JVM is refused, also through another spelling of the folder; with POSIX
    // locks, closing a second channel on the file would have dropped the first one's lock.
    assertThrows(SceneInUseException.class, () -> SessionLock.acquire(scene));
    assertThrows(SceneInUseException.class, () -> SessionLock.acquire(scene.resolve("session").resolve("..")));
    assertEquals("refused", otherProcessTries(lockFile), "another process still cannot open the scene");
    first.release();
    assertEquals("locked", otherProcessTries(lockFile));
    SessionLock again = SessionLock.acquire(scene); // released: this JVM may take it again
    again.release();
  }

  @Test
  void isHeldSeesALockOfAnotherProcessAndOfThisOne() throws Exception {
    Path scene = Files.createDirectories(tmp.resolve("scene"));
    assertFalse(SessionLock.isHeld(scene), "no lock file yet");
    assertFalse(Files.exists(scene.resolve("session")), "the probe creates nothing");
    Path lockFile = Files.createDirectories(scene.resolve("session")).resolve(".lock");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process holder = new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp",
        System.getProperty("java.class.path"), HoldLockMain.class.getName(), lockFile.toString()).start();
    try {
      java.io.BufferedReader out = new java.io.BufferedReader(
          new java.io.InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("locked", out.readLine());
      assertTrue(SessionLock.isHeld(scene), "held by the child process");
      assertTrue(SessionLock.isHeld(scene), "and still after probing twice");
      assertThrows(SceneInUseException.class, () -> SessionLock.acquire(scene));
    } finally {
      holder.getOutputStream().close();
      if (!holder.waitFor(60, TimeUnit.SECONDS)) {
        holder.destroyForcibly();
      }
    }
    assertFalse(SessionLock.isHeld(scene), "released when the child ended");
    SessionLock mine = SessionLock.acquire(scene);
    try {
      assertTrue(SessionLock.isHeld(scene), "held by this JVM");
      assertEquals("refused", otherProcessTries(lockFile), "probing did not drop this JVM's lock");
    } finally {
      mine.release();
    }
    assertFalse(SessionLock.isHeld(scene));
  }
}
