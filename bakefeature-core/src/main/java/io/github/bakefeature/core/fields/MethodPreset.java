package io.github.bakefeature.core.fields;

import io.github.bakefeature.core.io.EnumIds;

/**
 * The four methods of Table I in the paper. All share sampling, rendering and training; they differ
 * only in the position encoding and in whether a feature head is baked with the feature loss.
 */
public enum MethodPreset {
  /** The paper's method: hash grid + frequency (L = 2), feature head, feature loss. */
  OURS("ours", PositionEncodingKind.HYBRID, true),
  /** Semantic-NeRF with a frequency encoding (L = 10). */
  SNERF_FREQ("snerf-freq", PositionEncodingKind.FREQUENCY, false),
  /** Semantic-NeRF with a hash grid encoding. */
  SNERF_HG("snerf-hg", PositionEncodingKind.HASH_GRID, false),
  /** Semantic-NeRF with the hybrid encoding, no features. */
  SNERF_HG_FREQ("snerf-hg-freq", PositionEncodingKind.HYBRID, false);

  /** How positions are encoded. */
  public enum PositionEncodingKind {
    FREQUENCY,
    HASH_GRID,
    HYBRID
  }

  private final String id;
  private final PositionEncodingKind encoding;
  private final boolean features;

  MethodPreset(String id, PositionEncodingKind encoding, boolean features) {
    this.id = id;
    this.encoding = encoding;
    this.features = features;
  }

  /** The name used on the command line and in checkpoints, e.g. {@code "snerf-hg-freq"}. */
  public String id() {
    return id;
  }

  public PositionEncodingKind encoding() {
    return encoding;
  }

  /** Whether the method renders a feature map and is supervised by extracted features. */
  public boolean usesFeatures() {
    return features;
  }

  /** Parses {@link #id()} (case-insensitive). */
  public static MethodPreset fromId(String id) {
    return EnumIds.fromId(MethodPreset.class, MethodPreset::id, "method", id);
  }

  @Override
  public String toString() {
    return id;
  }
}
