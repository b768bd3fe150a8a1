package io.github.bakefeature.core.pipelines;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one training step did ({@code mlpMacs}: multiply-adds of the MLPs' forward pass; the
 * backward pass costs twice that): the step number, the loss terms (rgb unweighted, the others
 * multiplied by their weights; 0 when a term was not active) and the number of samples evaluated.
 */
public record StepResult(long step, float rgb, float depth, float semantic, float feature, float freeSpace, float total,
                         int rays, int samples, long mlpMacs) {

  /** Loss terms by name: rgb, depth, semantic, feature, free_space, total. */
  public Map<String, Double> losses() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("rgb", (double) rgb);
    m.put("depth", (double) depth);
    m.put("semantic", (double) semantic);
    m.put("feature", (double) feature);
    m.put("free_space", (double) freeSpace);
    m.put("total", (double) total);
    return m;
  }

  /** PSNR of the batch's colour, from the unweighted MSE. */
  public double batchPsnr() {
    return -10 * Math.log10(Math.max(1e-10, rgb));
  }
}
