package io.github.bakefeature.core.session;

import io.github.bakefeature.core.scene.SceneLayout;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock on a scene folder's {@code session/.lock} while a label session (an
 * {@link AnnotationStore} opened on the folder) has it open.
 * Two sessions on one folder (two app windows, a script next to the app) would each keep their own
 * history and overwrite the other's scribbles; the second one is refused instead. The operating
 * system releases the lock when the process dies, so a crash never leaves a scene locked.
 */
final class SessionLock {
  /**
   * The lock files this JVM holds (real paths). Checked before a second channel is opened on one:
   * with POSIX locks, closing <em>any</em> descriptor of a file drops all of the process's locks on
   * it, so a refused second attempt that opened and closed its own channel would silently unlock
   * the scene for other processes (see {@link FileLock}: use one channel per file and program).
   */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();
  /**
   * One monitor per lock file (real path): {@link #acquire} and {@link #isHeld} of one file in this
   * JVM take turns, so a probe's channel is never closed while a session of this JVM takes the lock.
   */
  private static final ConcurrentHashMap<Path, Object> MONITORS = new ConcurrentHashMap<>();

  private final Path sceneDir;
  private final Path key;
  private final FileChannel channel;
  private final FileLock lock;

  private SessionLock(Path sceneDir, Path key, FileChannel channel, FileLock lock) {
    this.sceneDir = sceneDir;
    this.key = key;
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
    // The folder's real path: two spellings of one scene (a link, "..") are one lock.
    Path key = file.getParent().toRealPath().resolve(file.getFileName());
    synchronized (MONITORS.computeIfAbsent(key, k -> new Object())) {
      return acquire(sceneDir, file, key);
    }
  }

  private static SessionLock acquire(Path sceneDir, Path file, Path key) throws IOException {
    if (!HELD.add(key)) {
      throw inUse(sceneDir, file); // held by another session of this JVM: no channel opened
    }
    FileChannel ch = null;
    try {
      ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        l = null;
      }
      if (l == null) {
        throw inUse(sceneDir, file);
      }
      return new SessionLock(sceneDir, key, ch, l);
    } catch (IOException | RuntimeException e) {
      if (ch != null) {
        ch.close(); // no lock of this JVM is on the file (HELD), so closing drops nobody's
      }
      HELD.remove(key);
      throw e;
    }
  }

  /**
   * Whether a session (of this or another process) holds the lock of {@code sceneDir} now; false
   * when the scene has no lock file. Creates nothing.
   */
  static boolean isHeld(Path sceneDir) throws IOException {
    Path file = sceneDir.resolve(SceneLayout.SESSION).resolve(".lock");
    if (!Files.isRegularFile(file)) {
      return false;
    }
    Path key = file.getParent().toRealPath().resolve(file.getFileName());
    // Under the file's monitor: no session of this JVM takes the lock while the probe's channel is
    // open, as closing it would drop that lock (POSIX locks, see HELD).
    synchronized (MONITORS.computeIfAbsent(key, k -> new Object())) {
      if (HELD.contains(key)) {
        return true;
      }
      // Read-only and shared: probing needs no write permission on a colleague's lock file.
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        FileLock l;
        try {
          l = ch.tryLock(0, Long.MAX_VALUE, true);
        } catch (OverlappingFileLockException e) {
          return true;
        }
        if (l == null) {
          return true;
        }
        l.release();
        return false;
      }
    }
  }

  private static SceneInUseException inUse(Path sceneDir, Path file) {
    return new SceneInUseException(sceneDir, file, "the scene " + sceneDir + " is already open in another label session ("
        + file + " is locked by it); expected no other session on the scene: close that session (app or script)"
        + " first, so that neither overwrites the other's labels");
  }

  void release() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // Closing the channel releases the lock in any case.
    } finally {
      HELD.remove(key);
    }
  }
}
