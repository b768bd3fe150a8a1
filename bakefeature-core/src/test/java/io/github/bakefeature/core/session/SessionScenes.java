package io.github.bakefeature.core.session;

import io.github.bakefeature.core.scene.SceneWriter;
import io.github.bakefeature.core.synth.Preset;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.io.IOException;
import java.nio.file.Path;

/** Scene folders for session tests. */
final class SessionScenes {
  private SessionScenes() {}

  /** Writes a 3-frame 32x24 tabletop scene (seed 1) to {@code dir} and returns {@code dir}. */
  static Path tinyTabletop(Path dir) throws IOException {
    SceneWriter.write(SyntheticScenes.generate(Preset.TABLETOP, 3, 32, 24, 1).scene(), dir);
    return dir;
  }
}
