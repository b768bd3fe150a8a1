package io.github.bakefeature.core.eval;

import io.github.bakefeature.api.scene.LabelImage;
import java.util.Arrays;

/**
 * Accumulates a confusion matrix over frames and reports intersection-over-union per class, mean
 * IoU and pixel accuracy. Ground-truth pixels that are {@link LabelImage#UNLABELLED} are ignored
 * (a ground-truth id of C or more is refused: ignoring it would inflate every score);
 * mean IoU averages over classes present in the ground truth or the predictions (a class absent
 * from both has no IoU). Not thread-safe.
 */
public final class SegmentationMetrics {
  private final int classes;
  private final long[] confusion;

  /** @param classes number of classes C; ids outside {@code [0, C)} in predictions count as wrong */
  public SegmentationMetrics(int classes) {
    if (classes < 1) {
      throw new IllegalArgumentException("class count must be >= 1, found " + classes);
    }
    this.classes = classes;
    this.confusion = new long[classes * (classes + 1)];
  }

  public int classes() {
    return classes;
  }

  /** Adds one frame's prediction and ground truth (same size). */
  public void add(LabelImage predicted, LabelImage truth) {
    if (predicted.width() != truth.width() || predicted.height() != truth.height()) {
      throw new IllegalArgumentException("prediction is " + predicted.width() + "x" + predicted.height()
          + " but ground truth is " + truth.width() + "x" + truth.height());
    }
    add(predicted.labels(), truth.labels());
  }

  /**
   * Adds per-pixel predictions and ground truth of equal length.
   *
   * @throws IllegalArgumentException if a ground-truth id is C or more (nothing is added then)
   */
  public void add(short[] predicted, short[] truth) {
    if (predicted.length != truth.length) {
      throw new IllegalArgumentException("expected equal lengths, found " + predicted.length + " and " + truth.length);
    }
    for (int i = 0; i < truth.length; i++) {
      if (truth[i] >= classes) {
        throw new IllegalArgumentException("ground truth holds class id " + truth[i] + " at pixel " + i
            + "; expected ids in [0, " + classes + ") or unlabelled (count the classes of the ground truth too)");
      }
    }
    for (int i = 0; i < truth.length; i++) {
      int t = truth[i];
      if (t < 0) {
        continue;
      }
      int p = predicted[i];
      if (p < 0 || p >= classes) {
        p = classes; // "wrong" column
      }
      confusion[t * (classes + 1) + p]++;
    }
  }

  /**
   * Pixels of ground-truth class {@code truth} predicted as {@code predicted}: an entry of the
   * confusion matrix; {@code predicted == classes()} counts predictions outside {@code [0, C)}.
   */
  public long count(int truth, int predicted) {
    if (truth < 0 || truth >= classes || predicted < 0 || predicted > classes) {
      throw new IndexOutOfBoundsException("expected truth in [0, " + classes + ") and predicted in [0, " + classes
          + "], found " + truth + " and " + predicted);
    }
    return confusion[truth * (classes + 1) + predicted];
  }

  /** IoU of class {@code c}, or NaN if it appears in neither ground truth nor predictions. */
  public double iou(int c) {
    long tp = confusion[c * (classes + 1) + c];
    long fn = 0;
    for (int p = 0; p <= classes; p++) {
      if (p != c) {
        fn += confusion[c * (classes + 1) + p];
      }
    }
    long fp = 0;
    for (int t = 0; t < classes; t++) {
      if (t != c) {
        fp += confusion[t * (classes + 1) + c];
      }
    }
    long union = tp + fn + fp;
    return union == 0 ? Double.NaN : (double) tp / union;
  }

  /** Per-class IoU (NaN for absent classes). */
  public double[] perClassIou() {
    double[] v = new double[classes];
    for (int c = 0; c < classes; c++) {
      v[c] = iou(c);
    }
    return v;
  }

  /** Mean IoU over classes with a defined IoU; NaN if there is no ground truth at all. */
  public double meanIou() {
    return Arrays.stream(perClassIou()).filter(d -> !Double.isNaN(d)).average().orElse(Double.NaN);
  }

  /** Fraction of ground-truth pixels predicted correctly. */
  public double pixelAccuracy() {
    long correct = 0;
    long total = 0;
    for (int t = 0; t < classes; t++) {
      for (int p = 0; p <= classes; p++) {
        long v = confusion[t * (classes + 1) + p];
        total += v;
        if (p == t) {
          correct += v;
        }
      }
    }
    return total == 0 ? Double.NaN : (double) correct / total;
  }

  /** Ground-truth pixels counted. */
  public long pixels() {
    long total = 0;
    for (int t = 0; t < classes; t++) {
      for (int p = 0; p <= classes; p++) {
        total += confusion[t * (classes + 1) + p];
      }
    }
    return total;
  }
}
