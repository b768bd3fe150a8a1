package io.github.bakefeature.core.session;

import io.github.bakefeature.core.scene.SceneLayout;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a scene folder's {@code session/.lock} while a label session (an
 * {@link AnnotationStore} opened on the folder) has it open.
 * Two sessions on one folder (two app windows, a script next to the app) would each keep their own
 * history and overwrite the other's scribbles; the second one is refused instead. The operating
 * system releases the lock when the process dies, so a crash never leaves a scene locked.
 */
final class SessionLock {
  private final Path sceneDir;
  private final FileChannel channel;
  private final FileLock lock;

  private SessionLock(Path sceneDir, FileChannel channel, FileLock lock) {
    this.sceneDir = sceneDir;
    this.channel = channel;
    this.lock = lock;
  }

  /** The scene folder this lock is for. */
  Path sceneDir() {
    return sceneDir;
  }

  /**
   * Takes the lock of {@code sceneDir}.
   *
   * @throws SceneInUseException if another session (in this or another process) holds it
   */
  static SessionLock acquire(Path sceneDir) throws IOException {
    Path file = Files.createDirectories(sceneDir.resolve(SceneLayout.SESSION)).resolve(".lock");
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null; // held by another session of this JVM
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    if (l == null) {
      ch.close();
      throw new SceneInUseException(sceneDir, file, "the scene " + sceneDir + " is already open in another label session ("
          + file + " is locked by it); expected no other session on the scene: close that session (app or script)"
          + " first, so that neither overwrites the other's labels");
    }
    return new SessionLock(sceneDir, ch, l);
  }

  void release() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // Closing the channel releases the lock in any case.
    }
  }
}
