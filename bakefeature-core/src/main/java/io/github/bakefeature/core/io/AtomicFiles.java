package io.github.bakefeature.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Crash-safe writes of user data: the content goes to a temporary file in the target's folder,
 * is flushed to disk (fsync), then atomically renamed over the target, and the folder entry is
 * synced. A reader (or a process restarted after SIGKILL) sees either the old or the new file,
 * never a torn one.
 */
public final class AtomicFiles {

  /** Writes the content of a file to a stream. */
  @FunctionalInterface
  public interface Writer {
    void write(OutputStream out) throws IOException;
  }

  private AtomicFiles() {}

  /**
   * What this JVM is writing: the temporary files and staging folders of each target (absolute),
   * until they are renamed onto it or removed. Guarded by itself; renames onto a target hold it, so
   * {@link #abandon} never removes a temporary that is being renamed into place.
   */
  private static final java.util.Map<Path, Set<Path>> IN_FLIGHT = new java.util.HashMap<>();

  /** Functional rename. */
  @FunctionalInterface
  private interface Rename {
    void run() throws IOException;
  }

  private static void begin(Path target, Path temporary) {
    synchronized (IN_FLIGHT) {
      IN_FLIGHT.computeIfAbsent(key(target), k -> new java.util.HashSet<>()).add(temporary);
    }
  }

  private static void end(Path target, Path temporary) {
    synchronized (IN_FLIGHT) {
      Set<Path> s = IN_FLIGHT.get(key(target));
      if (s != null && s.remove(temporary) && s.isEmpty()) {
        IN_FLIGHT.remove(key(target));
      }
    }
  }

  /** Renames {@code temporary} onto {@code target} unless {@link #abandon} took it away. */
  private static void commit(Path target, Path temporary, Rename rename) throws IOException {
    synchronized (IN_FLIGHT) {
      Set<Path> s = IN_FLIGHT.get(key(target));
      if (s == null || !s.contains(temporary)) {
        throw new java.io.InterruptedIOException(target + ": not written, the process is stopping");
      }
      rename.run();
    }
  }

  /**
   * Removes what this JVM is still writing for {@code target} (a file of {@link #write}, a scene
   * folder of {@link #writeDirectory}) and makes that write fail instead of completing: for a
   * command's shutdown hook, so that Ctrl-C during a save leaves neither the new content nor a
   * hidden temporary file (a checkpoint's is hundreds of MB) behind. What is already in place stays.
   */
  public static void abandon(Path target) {
    Set<Path> gone;
    synchronized (IN_FLIGHT) {
      gone = IN_FLIGHT.remove(key(target));
    }
    if (gone == null) {
      return;
    }
    for (Path p : gone) {
      try {
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          deleteRecursively(p);
        } else {
          Files.deleteIfExists(p);
        }
      } catch (IOException | RuntimeException e) {
        // Best effort: the writer may still be adding files; what is left is a hidden leftover.
      }
    }
  }

  /**
   * {@link #abandon}s every write in flight: for the shutdown hook of a program none of whose
   * writes may complete once it is stopping (a command-line tool on Ctrl-C; not an app whose own
   * hook saves on the way out).
   */
  public static void abandonAll() {
    java.util.List<Path> targets;
    synchronized (IN_FLIGHT) {
      targets = java.util.List.copyOf(IN_FLIGHT.keySet());
    }
    targets.forEach(AtomicFiles::abandon);
  }

  private static Path key(Path target) {
    return target.toAbsolutePath().normalize();
  }

  /** Writes the content of a folder. */
  @FunctionalInterface
  public interface DirectoryWriter {
    void write(Path dir) throws IOException;
  }

  /**
   * Creates folder {@code target} (new or empty) from what {@code writer} puts into a hidden
   * staging folder next to it, renamed into place only once complete: a failure, or
   * {@link #abandon}, leaves no folder at {@code target} and removes the staging one.
   */
  public static void writeDirectory(Path target, String tag, DirectoryWriter writer) throws IOException {
    Path parent = target.toAbsolutePath().getParent();
    Path staging = createStagingDirectory(parent, target, tag);
    begin(target, staging);
    boolean done = false;
    try {
      writer.write(staging);
      commit(target, staging, () -> moveDirectory(staging, target));
      done = true;
    } finally {
      end(target, staging);
      if (!done) {
        deleteRecursively(staging);
      }
    }
  }

  /** Atomically replaces {@code target} with what {@code writer} produces. */
  public static void write(Path target, Writer writer) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    if (Files.isDirectory(target)) {
      throw new FileSystemException(target.toString(), null, "is a folder; expected a file path");
    }
    Files.createDirectories(dir);
    Path tmp;
    try {
      tmp = createTempFile(dir, target);
    } catch (FileSystemException e) {
      // Name the user's file, not the hidden temporary one next to it.
      throw new FileSystemException(target.toString(), null, "cannot create a file in " + dir + " ("
          + (e.getReason() == null ? e.getClass().getSimpleName() : e.getReason()) + ")");
    }
    begin(target, tmp);
    try {
      // java.io, not a FileChannel: an interruptible channel closes itself when the writing thread is
      // interrupted (ClosedByInterruptException), so a save from a thread with its interrupt status
      // set (a server's timed-out request, close() after an interrupt) would be lost.
      try (java.io.FileOutputStream file = new java.io.FileOutputStream(tmp.toFile());
           OutputStream out = new java.io.BufferedOutputStream(file, 1 << 16)) {
        writer.write(out);
        out.flush();
        file.getFD().sync();
      }
      commit(target, tmp, () -> {
        try {
          try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
          }
        } catch (java.nio.file.FileSystemException e) {
          throw renameFailed(target, e);
        }
      });
      syncDirectory(dir);
    } finally {
      end(target, tmp);
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * The failure to rename the temporary file onto {@code target}, named after the user's file, not
   * the temporary one they never asked for (which the caller removes).
   */
  static java.nio.file.FileSystemException renameFailed(Path target, java.nio.file.FileSystemException e) {
    String reason = e.getReason() != null ? e.getReason()
        : e instanceof java.nio.file.AccessDeniedException || e instanceof java.nio.file.NoSuchFileException
            ? ErrorText.reason(e)
            : e instanceof java.nio.file.DirectoryNotEmptyException ? "a folder with entries is in the way"
            : "the file system refused the rename";
    String what = Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)
        ? "cannot replace it with the new content: " + reason + " (the file is unchanged)"
        : "cannot create it: " + reason;
    // The common types kept, so callers that tell them apart still can.
    java.nio.file.FileSystemException named = e instanceof java.nio.file.AccessDeniedException
        ? new java.nio.file.AccessDeniedException(target.toString(), null, what)
        : e instanceof java.nio.file.NoSuchFileException
            ? new java.nio.file.NoSuchFileException(target.toString(), null, what)
            : new java.nio.file.FileSystemException(target.toString(), null, what);
    named.initCause(e);
    return named;
  }

  /**
   * A new empty file next to {@code target} with the permissions the target has, or, for a new
   * target, the ones any new file gets (the process's umask). Not {@link Files#createTempFile},
   * whose owner-only mode would end up on the user's file after the rename and lock the rest of
   * a team out of a shared scene folder.
   */
  private static Path createTempFile(Path dir, Path target) throws IOException {
    Set<PosixFilePermission> keep = null;
    if (Files.isRegularFile(target) && Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class)) {
      keep = Files.getPosixFilePermissions(target);
    }
    for (int attempt = 0; ; attempt++) {
      Path tmp = dir.resolve(hiddenName(target, ".tmp"));
      try {
        Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
      } catch (FileAlreadyExistsException e) {
        if (attempt < 100) {
          continue;
        }
        throw e;
      }
      if (keep != null) {
        Files.setPosixFilePermissions(tmp, keep);
      }
      return tmp;
    }
  }

  /**
   * A new empty folder in {@code parent} named after {@code target} (hidden, unique), with the
   * permissions any new folder gets (the umask; {@link Files#createTempDirectory} would make it
   * owner-only, and it becomes the user's folder when it is renamed into place).
   */
  public static Path createStagingDirectory(Path parent, Path target, String tag) throws IOException {
    for (int attempt = 0; ; attempt++) {
      try {
        return Files.createDirectory(parent.resolve(hiddenName(target, "." + tag)));
      } catch (FileAlreadyExistsException e) {
        if (attempt >= 100) {
          throw e;
        }
      }
    }
  }

  /**
   * Deletes the temporary files that {@link #write} left in {@code dir} for any of the files named
   * {@code targets} when the process died between creating and renaming them (SIGKILL, power
   * loss): they are never a committed file, and each crash would otherwise leave one more (as large
   * as the file, a model checkpoint say). Only a caller that excludes every other writer of those
   * files (holds the scene's session lock) may call it, or it could delete a write in progress.
   *
   * @return the files deleted
   */
  public static java.util.List<Path> deleteLeftovers(Path dir, java.util.Collection<String> targets) throws IOException {
    java.util.List<Path> deleted = new java.util.ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return deleted;
    }
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String target = leftoverTarget(p.getFileName().toString());
        if (target != null && targets.contains(target) && Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
            && Files.deleteIfExists(p)) {
          deleted.add(p);
        }
      }
    }
    return deleted;
  }

  /** The target's name if {@code name} is a temporary file {@link #write} makes for it, else null. */
  static String leftoverTarget(String name) {
    if (!name.startsWith(".") || !name.endsWith(".tmp")) {
      return null;
    }
    String middle = name.substring(1, name.length() - ".tmp".length());
    int dot = middle.lastIndexOf('.');
    if (dot <= 0 || !middle.substring(dot + 1).matches("[0-9a-z]{1,13}")) {
      return null;
    }
    return middle.substring(0, dot);
  }

  private static String hiddenName(Path target, String suffix) {
    return "." + target.getFileName() + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + suffix;
  }

  /** Atomically replaces {@code target} with {@code bytes}. */
  public static void write(Path target, byte[] bytes) throws IOException {
    write(target, out -> out.write(bytes));
  }

  /** Atomically replaces {@code target} with UTF-8 {@code text}. */
  public static void writeString(Path target, String text) throws IOException {
    write(target, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Atomically replaces {@code target} with a byte-for-byte copy of {@code source}. */
  public static void copy(Path source, Path target) throws IOException {
    write(target, out -> Files.copy(source, out));
  }

  /**
   * Renames the folder {@code source} to {@code target} in one step, so readers see either no
   * {@code target} or a complete one. {@code target} must not exist or be an empty folder.
   *
   * @throws java.nio.file.FileAlreadyExistsException if {@code target} is a file or a non-empty folder
   */
  public static void moveDirectory(Path source, Path target) throws IOException {
    Path parent = target.toAbsolutePath().getParent();
    if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !isEmptyDirectory(target)) {
      throw new java.nio.file.FileAlreadyExistsException(target.toString(), null,
          "expected a new or empty folder, found " + (Files.isDirectory(target) ? "a non-empty folder" : "a file"));
    }
    try {
      // POSIX rename(2) replaces an empty folder in one step.
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException | java.nio.file.FileAlreadyExistsException
             | java.nio.file.DirectoryNotEmptyException e) {
      Files.deleteIfExists(target);
      Files.move(source, target);
    }
    syncDirectory(parent);
  }

  /** Whether {@code dir} is an existing folder without entries. */
  public static boolean isEmptyDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (java.util.stream.Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  /** Deletes a file or a folder tree; missing paths are ignored. Does not follow links. */
  public static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>() {
      @Override
      public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes a)
          throws IOException {
        Files.delete(file);
        return java.nio.file.FileVisitResult.CONTINUE;
      }

      @Override
      public java.nio.file.FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        Files.delete(dir);
        return java.nio.file.FileVisitResult.CONTINUE;
      }
    });
  }

  /** Makes a rename in {@code dir} durable; a no-op where the platform cannot open folders. */
  private static void syncDirectory(Path dir) {
    // Folders can only be synced through a channel, which an interrupt status would close before
    // the sync: cleared for the call and restored for the caller.
    boolean interrupted = Thread.interrupted();
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Some file systems refuse to open a directory; the rename itself is still atomic.
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
