package io.github.bakefeature.core.session;

import java.nio.file.Path;

/** A label session cannot open a scene folder that another session (in any process) has open. */
public final class SceneInUseException extends IllegalStateException {
  private static final long serialVersionUID = 1L;
  private final transient Path scene;

  SceneInUseException(Path scene, String message) {
    super(message);
    this.scene = scene;
  }

  /** The scene folder that is in use. */
  public Path scene() {
    return scene;
  }
}
