package io.github.bakefeature.core.simulation;

import io.github.bakefeature.core.io.EnumIds;
import io.github.bakefeature.core.pipelines.SemanticFieldModel;

/** How the user simulation renders the frames it clicks on and the held-out frames it scores. */
public enum ViewRendering {
  /**
   * Around each frame's measured depth ({@link SemanticFieldModel#renderFrame}), as a label session,
   * the app's overlay and the exports render frames: what a person labelling the scene sees. The
   * default. Frames without depth march as novel views.
   */
  MEASURED_DEPTH("depth"),
  /**
   * Novel views: rays march through the occupancy grid and ignore the measured depth (issue 3's
   * held-out protocol; reports written before this choice existed were rendered this way).
   */
  NOVEL("novel");

  private final String id;

  ViewRendering(String id) {
    this.id = id;
  }

  /** The name used on the command line and in {@code thresholds.jsonl}. */
  public String id() {
    return id;
  }

  /** Parses {@link #id()} (case-insensitive). */
  public static ViewRendering fromId(String id) {
    return EnumIds.fromId(ViewRendering.class, ViewRendering::id, "view rendering", id);
  }

  @Override
  public String toString() {
    return id;
  }
}
