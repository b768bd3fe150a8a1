package io.github.bakefeature.core.session;

import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.scene.SceneWriter;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A small tabletop scene folder and the annotation store opened on it last. Each {@link #open()}
 * stands for the next run of the app, so it closes the store before; {@link #close()} closes the
 * last one.
 */
final class ReopenedStore implements AutoCloseable {
  private final Path dir;
  private AnnotationStore current;

  private ReopenedStore(Path dir) {
    this.dir = dir;
  }

  /** Writes a 3-frame 40x30 tabletop scene to {@code dir}. */
  static ReopenedStore tabletop(Path dir) throws IOException {
    SceneWriter.write(SyntheticScenes.tabletop(3, 40, 30, 1), dir);
    return new ReopenedStore(dir);
  }

  Path dir() {
    return dir;
  }

  AnnotationStore open() throws IOException {
    close();
    current = AnnotationStore.open(SceneFolder.open(dir));
    return current;
  }

  @Override
  public void close() {
    if (current != null) {
      current.close();
      current = null;
    }
  }
}
