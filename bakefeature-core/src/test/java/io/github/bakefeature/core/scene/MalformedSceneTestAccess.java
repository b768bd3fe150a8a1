package io.github.bakefeature.core.scene;

import java.io.IOException;
import java.nio.file.Path;

/** Test helpers of {@link MalformedSceneTest} for tests in other packages. */
public final class MalformedSceneTestAccess {
  private MalformedSceneTestAccess() {}

  /** Copies a folder tree. */
  public static void copyTree(Path from, Path to) throws IOException {
    MalformedSceneTest.copyTree(from, to);
  }
}
