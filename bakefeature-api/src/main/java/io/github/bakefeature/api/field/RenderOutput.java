package io.github.bakefeature.api.field;

/** What a render call should produce; unrequested outputs are not computed. */
public enum RenderOutput {
  /** Colour, {@code [H, W, 3]} in [0, 1]. */
  COLOUR,
  /** Expected z-depth along the optical axis, {@code [H, W]}, metres. */
  DEPTH,
  /** Rendered (baked) feature, {@code [H, W, D]}. */
  FEATURES,
  /** Class map {@code [H, W]} (argmax of rendered logits) and confidence {@code [H, W]}. */
  CLASSES
}
