package io.github.bakefeature.core.data;

/**
 * One training batch of rays with their targets, as primitive arrays reused between steps:
 * training frame and pixel of each ray, colour {@code [R, 3]} in [0, 1], measured z-depth
 * {@code [R]} in metres (0 = none), class label {@code [R]} (-1 = none) and encoded feature
 * {@code [R, D]} (when features are used).
 */
public final class RayBatch {
  int size;
  int[] frame = new int[0];
  int[] pixel = new int[0];
  float[] rgb = new float[0];
  float[] depth = new float[0];
  int[] label = new int[0];
  float[] feature = new float[0];
  int featureDimension;

  void reset(int n, int d) {
    size = n;
    featureDimension = d;
    if (frame.length < n) {
      frame = new int[n];
      pixel = new int[n];
      rgb = new float[3 * n];
      depth = new float[n];
      label = new int[n];
    }
    if (feature.length < n * d) {
      feature = new float[n * d];
    }
  }

  public int size() {
    return size;
  }

  public int[] frame() {
    return frame;
  }

  public int[] pixel() {
    return pixel;
  }

  public float[] rgb() {
    return rgb;
  }

  public float[] depth() {
    return depth;
  }

  public int[] label() {
    return label;
  }

  public float[] feature() {
    return feature;
  }

  public int featureDimension() {
    return featureDimension;
  }

  /** Number of rays with a label. */
  public int labelledCount() {
    int n = 0;
    for (int i = 0; i < size; i++) {
      if (label[i] >= 0) {
        n++;
      }
    }
    return n;
  }
}
