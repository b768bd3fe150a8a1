package io.github.bakefeature.core.session;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Child process of {@link SessionLockTest}: locks the file given as a session does, prints
 * "locked" and holds the lock until its standard input ends.
 */
public final class HoldLockMain {
  private HoldLockMain() {}

  public static void main(String[] args) throws Exception {
    try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock l = ch.tryLock();
      System.out.println(l == null ? "refused" : "locked");
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold until the parent closes our input (or dies)
      }
    }
  }
}
