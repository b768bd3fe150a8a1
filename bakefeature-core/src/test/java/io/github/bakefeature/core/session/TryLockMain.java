package io.github.bakefeature.core.session;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Child process of {@link SessionLockTest}: prints whether it could lock the file given. */
public final class TryLockMain {
  private TryLockMain() {}

  public static void main(String[] args) throws Exception {
    try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE)) {
      FileLock l = ch.tryLock();
      System.out.println(l == null ? "refused" : "locked");
    }
  }
}
