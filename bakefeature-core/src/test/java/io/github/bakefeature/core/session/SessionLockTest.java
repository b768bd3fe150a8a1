package io.github.bakefeature.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
