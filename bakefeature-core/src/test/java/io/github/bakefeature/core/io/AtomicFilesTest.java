package io.github.bakefeature.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path tmp;

  @Test
  void failedWriteKeepsOldContentAndLeavesNoTemporaryFile() throws IOException {
    Path f = tmp.resolve("a.txt");
    AtomicFiles.writeString(f, "old");
    assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
      out.write("half".getBytes());
      throw new IOException("disk full");
    }));
    assertEquals("old", Files.readString(f));
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(1, s.count());
    }
  }

  /**
   * What a command's Ctrl-C hook does: before, a save interrupted by the JVM's exit left its
   * hidden temporary file (a 180 MB checkpoint's) behind for good.
   */
  @Test
  void abandonRemovesAWriteInFlightAndTheWriteThenFailsLeavingTheOldContent() throws Exception {
    Path f = tmp.resolve("model.ckpt");
    AtomicFiles.writeString(f, "old");
    java.util.concurrent.CountDownLatch halfway = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch abandoned = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CompletableFuture<Void> write = java.util.concurrent.CompletableFuture.runAsync(() -> {
      try {
        AtomicFiles.write(f, out -> {
          out.write("new, first half".getBytes());
          out.flush();
          halfway.countDown();
          try {
            abandoned.await();
          } catch (InterruptedException e) {
            throw new java.io.InterruptedIOException();
          }
          out.write(" and second half".getBytes());
        });
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    assertTrue(halfway.await(30, java.util.concurrent.TimeUnit.SECONDS));
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(2, s.count(), "the file and its temporary");
    }
    AtomicFiles.abandon(tmp.resolve("sub/../model.ckpt")); // any spelling of the target
    abandoned.countDown();
    var e = assertThrows(java.util.concurrent.CompletionException.class, write::join);
    assertTrue(e.getCause().getCause() instanceof java.io.InterruptedIOException
        && e.getCause().getMessage().contains(f + ": not written, the process is stopping"), e.toString());
    assertEquals("old", Files.readString(f));
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(1, s.count(), "no temporary left");
    }
    AtomicFiles.writeString(f, "later"); // the target is not blocked for later writes
    assertEquals("later", Files.readString(f));
  }

  @Test
  void abandonedFolderWriteLeavesNoFolderAndNoStagingBehind() throws Exception {
    Path scene = tmp.resolve("scene");
    var e = assertThrows(java.io.InterruptedIOException.class, () -> AtomicFiles.writeDirectory(scene, "partial", dir -> {
      Files.writeString(dir.resolve("metadata.json"), "{}");
      AtomicFiles.abandonAll();
    }));
    assertTrue(e.getMessage().contains("not written"), e.getMessage());
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(0, s.count(), "neither the scene nor its staging folder");
    }
    AtomicFiles.writeDirectory(scene, "partial", dir -> Files.writeString(dir.resolve("metadata.json"), "{}"));
    assertEquals("{}", Files.readString(scene.resolve("metadata.json")));
  }

  @Test
  void failedRenameNamesTheUsersFileNotTheTemporaryOne() throws IOException {
    // Before: the error read "/dir/.a.txt.<random>.tmp -> /dir/a.txt: Operation not permitted",
    // naming a file the user never asked for and that no longer exists. (A rename that fails as
    // root, e.g. onto an immutable file, needs chattr; the message is built here.)
    Path existing = Files.writeString(tmp.resolve("a.txt"), "old");
    java.nio.file.FileSystemException cause = new java.nio.file.FileSystemException(
        tmp.resolve(".a.txt.123.tmp").toString(), existing.toString(), "Operation not permitted");
    java.nio.file.FileSystemException e = AtomicFiles.renameFailed(existing, cause);
    assertEquals(existing.toString(), e.getFile());
    assertEquals(existing + ": cannot replace it with the new content: Operation not permitted (the file is unchanged)",
        e.getMessage());
    assertEquals(cause, e.getCause());
    assertEquals(tmp.resolve("new.txt") + ": cannot create it: Operation not permitted",
        AtomicFiles.renameFailed(tmp.resolve("new.txt"), cause).getMessage());
    // Exceptions without a reason text: no class name in the message, the common types kept.
    java.nio.file.FileSystemException denied = AtomicFiles.renameFailed(existing,
        new java.nio.file.AccessDeniedException(tmp.resolve(".a.txt.123.tmp").toString()));
    assertTrue(denied instanceof java.nio.file.AccessDeniedException, denied.toString());
    assertEquals(existing + ": cannot replace it with the new content: permission denied (the file is unchanged)",
        denied.getMessage());
    assertEquals(existing + ": cannot replace it with the new content: the file system refused the rename (the file is"
        + " unchanged)", AtomicFiles.renameFailed(existing,
        new java.nio.file.FileAlreadyExistsException(existing.toString())).getMessage());
  }

  @Test
  void newFileGetsThePermissionsOfAnyNewFileNotOwnerOnly() throws IOException {
    assumePosix();
    Path plain = Files.createFile(tmp.resolve("plain.txt"));
    Path written = tmp.resolve("written.txt");
    AtomicFiles.writeString(written, "labels");
    assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(written),
        "an atomic write must leave the permissions a plain write gives (the umask's), not a temp file's 0600");
  }

  @Test
  void replacingAFileKeepsItsPermissions() throws IOException {
    assumePosix();
    Path f = tmp.resolve("shared.png");
    Files.writeString(f, "v1");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-r--"));
    AtomicFiles.writeString(f, "v2");
    assertEquals("v2", Files.readString(f));
    assertEquals("rw-rw-r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
  }

  @Test
  void stagingFolderGetsThePermissionsOfAnyNewFolder() throws IOException {
    assumePosix();
    Path plain = Files.createDirectory(tmp.resolve("plain"));
    Path staging = AtomicFiles.createStagingDirectory(tmp, tmp.resolve("scene"), "partial");
    assertTrue(staging.getFileName().toString().startsWith(".scene."), staging.toString());
    assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(staging));
  }

  private void assumePosix() throws IOException {
    assumeTrue(Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class),
        "the temporary folder's file system has no POSIX permissions");
  }

  @Test
  void copiesBytes() throws IOException {
    Path a = tmp.resolve("a.bin");
    Files.write(a, new byte[] {1, 2, 3});
    AtomicFiles.copy(a, tmp.resolve("sub/b.bin"));
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(tmp.resolve("sub/b.bin")));
  }

  @Test
  void movesFolderIntoAbsentOrEmptyTargetButNeverOverContent() throws IOException {
    Path src = tmp.resolve("src");
    Files.createDirectories(src);
    Files.writeString(src.resolve("x"), "1");
    Path empty = tmp.resolve("empty");
    Files.createDirectories(empty);
    AtomicFiles.moveDirectory(src, empty);
    assertEquals("1", Files.readString(empty.resolve("x")));
    assertFalse(Files.exists(src));

    Path src2 = tmp.resolve("src2");
    Files.createDirectories(src2);
    FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
        () -> AtomicFiles.moveDirectory(src2, empty));
    assertTrue(e.getMessage().contains("non-empty folder"), e.getMessage());
    assertTrue(Files.exists(src2));
    AtomicFiles.moveDirectory(src2, tmp.resolve("new"));
    assertTrue(Files.isDirectory(tmp.resolve("new")));
    AtomicFiles.deleteRecursively(tmp.resolve("empty"));
    assertFalse(Files.exists(tmp.resolve("empty")));
  }

  @Test
  void deleteLeftoversRemovesOnlyTemporaryFilesOfTheNamedTargets() throws IOException {
    Path f = tmp.resolve("model.ckpt");
    // The name write() really gives its temporary file, seen while it is being written.
    String[] seen = new String[1];
    AtomicFiles.write(f, out -> {
      try (Stream<Path> s = Files.list(tmp)) {
        seen[0] = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".model.ckpt.")).findFirst().orElseThrow();
      }
      out.write(1);
    });
    // What a process killed mid-write leaves.
    Path leftover = Files.write(tmp.resolve(seen[0]), new byte[] {1, 2});
    Path other = Files.write(tmp.resolve(".session.json.abc123.tmp"), new byte[] {3});
    Path notOurs = Files.write(tmp.resolve(".model.ckpt.tmp"), new byte[] {4});
    assertEquals(java.util.List.of(leftover), AtomicFiles.deleteLeftovers(tmp, java.util.List.of("model.ckpt")));
    assertFalse(Files.exists(leftover));
    assertTrue(Files.exists(other), "another target's temporary file is not named: kept");
    assertTrue(Files.exists(notOurs), "not a name write() makes: kept");
    assertArrayEquals(new byte[] {1}, Files.readAllBytes(f));
    assertTrue(AtomicFiles.deleteLeftovers(tmp.resolve("missing"), java.util.List.of("model.ckpt")).isEmpty());
  }
}
