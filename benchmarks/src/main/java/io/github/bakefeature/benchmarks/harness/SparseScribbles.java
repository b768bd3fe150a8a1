package io.github.bakefeature.benchmarks.harness;

import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.simulation.GroundTruthScribbles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Issue 4's sparse annotation: three frames spread over the sequence (at 1/6, 1/2 and 5/6), one short
 * stroke per visible class each, derived from the ground truth with a fixed seed. Every harness that
 * compares against the scribble results derives them here, so they see the same pixels.
 *
 * @param frames the annotated scene frames
 * @param labels the rasterised scribbles of each annotated frame (full resolution)
 */
record SparseScribbles(int[] frames, List<LabelImage> labels, int strokes, int labelledPixels) {

  static SparseScribbles derive(Scene scene, long seed) throws IOException {
    int n = scene.size();
    SplittableRandom rnd = new SplittableRandom(seed * 7919 + 17);
    int[] annotated = {n / 6, n / 2, 5 * n / 6};
    List<LabelImage> labels = new ArrayList<>();
    int labelled = 0;
    int strokes = 0;
    for (int f : annotated) {
      LabelImage gt = scene.frame(f).groundTruth().orElseThrow(() -> new IllegalArgumentException(
          "frame " + f + " has no ground truth; the scribbles are derived from it"));
      List<Stroke> s = GroundTruthScribbles.defaults().strokes(gt, rnd);
      strokes += s.size();
      LabelImage l = GroundTruthScribbles.rasterise(s, gt);
      labelled += l.labelledCount();
      labels.add(l);
    }
    return new SparseScribbles(annotated, List.copyOf(labels), strokes, labelled);
  }
}
