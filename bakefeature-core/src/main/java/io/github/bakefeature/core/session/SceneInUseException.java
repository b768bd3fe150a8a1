package io.github.bakefeature.core.session;

import java.nio.file.Path;

/** A label session cannot open a scene folder that another session (in any process) has open. */
public final class SceneInUseException extends IllegalStateException {
  private static final long serialVersionUID = 1L;
  private final transient Path scene;
  private final transient Path lockFile;

  SceneInUseException(Path scene, Path lockFile, String message) {
    super(message);
    this.scene = scene;
    this.lockFile = lockFile;
  }

  /** The scene folder that is in use. */
  public Path scene() {
    return scene;
  }

  /** The lock file another session holds ({@code session/.lock} of the scene). */
  public Path lockFile() {
    return lockFile;
  }
}
