package io.github.bakefeature.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

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

  /** Atomically replaces {@code target} with what {@code writer} produces. */
  public static void write(Path target, Writer writer) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
           OutputStream out = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch), 1 << 16)) {
        writer.write(out);
        out.flush();
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      syncDirectory(dir);
    } finally {
      Files.deleteIfExists(tmp);
    }
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
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Some file systems refuse to open a directory; the rename itself is still atomic.
    }
  }
}
