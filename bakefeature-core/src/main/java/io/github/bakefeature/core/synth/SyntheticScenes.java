package io.github.bakefeature.core.synth;

import io.github.bakefeature.core.scene.InMemoryScene;

/** One-line synthetic scenes for tests and examples (exact depth, dense ground truth). */
public final class SyntheticScenes {
  private SyntheticScenes() {}

  /** The {@link Preset#TABLETOP} scene: 6 classes, {@code frames} views of {@code width x height}. */
  public static InMemoryScene tabletop(int frames, int width, int height, long seed) {
    return generate(Preset.TABLETOP, frames, width, height, seed).scene();
  }

  /** The {@link Preset#ROOM} scene: 10 classes, {@code frames} views of {@code width x height}. */
  public static InMemoryScene room(int frames, int width, int height, long seed) {
    return generate(Preset.ROOM, frames, width, height, seed).scene();
  }

  /** Any preset, keeping the world for exact-geometry checks. */
  public static SyntheticScene generate(Preset preset, int frames, int width, int height, long seed) {
    return SyntheticSceneGenerator.builder().optPreset(preset).optFrames(frames).optSize(width, height)
        .optSeed(seed).build().generate();
  }
}
