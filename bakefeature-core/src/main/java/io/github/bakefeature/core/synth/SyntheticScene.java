package io.github.bakefeature.core.synth;

import io.github.bakefeature.core.scene.InMemoryScene;
import io.github.bakefeature.core.scene.SceneWriter;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A generated scene: the frames as an {@link InMemoryScene} (RGB, depth, pose, dense ground truth,
 * class names, bounds) plus the world they were rendered from, for tests that need exact geometry,
 * instance or surface ids.
 */
public final class SyntheticScene {
  private final SyntheticSceneGenerator generator;
  private final InMemoryScene scene;

  SyntheticScene(SyntheticSceneGenerator generator, InMemoryScene scene) {
    this.generator = generator;
    this.scene = scene;
  }

  /** The frames as a scene. */
  public InMemoryScene scene() {
    return scene;
  }

  /** The world the frames were rendered from. */
  public World world() {
    return generator.world();
  }

  /** The generator (options, poses, camera; renders novel views). */
  public SyntheticSceneGenerator generator() {
    return generator;
  }

  /**
   * Frame {@code index} rendered again with instance and surface ids; colour and labels equal the
   * frame's, depth is exact even when the frames carry sensor noise.
   */
  public SynthView view(int index) {
    return generator.render(scene.frame(index).pose());
  }

  /** Writes the scene in the scene format (plus {@code metadata.json}) into {@code dir}. */
  public void write(Path dir) throws IOException {
    SceneWriter.write(scene, dir);
  }
}
