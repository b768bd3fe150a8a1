package io.github.bakefeature.core.fields;

import io.github.bakefeature.core.io.EnumIds;

/**
 * How the semantic loss reaches the field. The semantic MLP reads the same inputs in every mode
 * ({@code [relu(f), geo]}, or {@code geo} for methods without features) and is trained by the
 * semantic loss in every mode; they differ in how much of that loss's gradient flows on into its
 * inputs and the compositing weights, i.e. into the rest of the field ({@link #fieldGradientScale()}).
 * Forward values are identical in all modes.
 */
public enum SemanticHead {
  /**
   * Semantic-NeRF's and the paper's training: the semantic loss back-propagates through the head
   * into the geometric features, the baked feature head, the compositing weights and the position
   * encoding. With a few hundred labelled pixels this lets the labels pull the whole field towards
   * them (the hash grid's overfitting of the paper's Fig. 3). The default of the Semantic-NeRF
   * baselines.
   */
  END_TO_END("end-to-end", 1f),
  /**
   * End to end with the gradient that leaves the head scaled by 0.1: colour, depth and the feature
   * loss dominate the field's shape, and the labels still adjust it a little. The default for methods
   * with features: on the synthetic presets it keeps most of the probe's sparse-scribble gain and
   * fits dense labels as well as end to end (README, "How sparse labels reach the field").
   */
  DAMPED("damped", 0.1f),
  /**
   * A probe: the gradient stops at the head's inputs and at the compositing weights, so sparse
   * labels train the classifier and cannot bend the field towards the labelled pixels at all; dense
   * labels are fitted less well than with the other modes.
   */
  PROBE("probe", 0f);

  private final String id;
  private final float fieldGradientScale;

  SemanticHead(String id, float fieldGradientScale) {
    this.id = id;
    this.fieldGradientScale = fieldGradientScale;
  }

  /** A method's head when none is chosen: {@link #DAMPED} with features, {@link #END_TO_END} without. */
  public static SemanticHead defaultFor(MethodPreset method) {
    return method.usesFeatures() ? DAMPED : END_TO_END;
  }

  /** Factor on the semantic loss's gradient beyond the head: 1 end to end, 0 for a probe. */
  public float fieldGradientScale() {
    return fieldGradientScale;
  }

  /** The name used on the command line and in configuration files. */
  public String id() {
    return id;
  }

  /** Parses {@link #id()} (case-insensitive). */
  public static SemanticHead fromId(String id) {
    return EnumIds.fromId(SemanticHead.class, SemanticHead::id, "semantic head", id);
  }

  @Override
  public String toString() {
    return id;
  }
}
