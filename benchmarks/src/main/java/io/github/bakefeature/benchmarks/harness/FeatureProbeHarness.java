package io.github.bakefeature.benchmarks.harness;

import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.field.RenderedView;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.data.FeatureSource;
import io.github.bakefeature.core.djl.DjlRuntime;
import io.github.bakefeature.core.eval.SegmentationMetrics;
import io.github.bakefeature.core.features.FeatureCache;
import io.github.bakefeature.core.features.FilterBankFeatureExtractor;
import io.github.bakefeature.core.pipelines.SemanticFieldModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * What the sparse scribbles can reach without the field: classifies every pixel of every frame in 2D
 * from the scribbled pixels of {@link ScribbleHarness} (the same {@link SparseScribbles}), once from
 * the encoded filter-bank feature the field is trained to render (the feature cache's) and once from
 * colour alone, by nearest class mean and by k nearest neighbours. Prints one JSON line per
 * classifier with per-class IoU and the confusion matrix (row = ground-truth class, fractions of its
 * pixels). With {@code ckpt=} (a model saved by {@code ScribbleHarness save=}) also the field's own
 * confusion, rendered around the measured depth as the scribble results are.
 *
 * <p>A class that fails here too is not separable from the scribbles in what the extractor sees; a
 * class that works here but fails in the field is lost by the field.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.github.bakefeature.benchmarks.harness.FeatureProbeHarness \
 *     preset=tabletop frames=40 width=160 height=120 [k=5] [ckpt=PREFIX-ours.ckpt]
 * </pre>
 */
public final class FeatureProbeHarness {
  private FeatureProbeHarness() {}

  public static void main(String[] args) throws Exception {
    DjlRuntime.ensureOffline();
    HarnessArgs o = new HarnessArgs(args, "k", "ckpt");
    int k = o.getInt("k", 5);
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, found " + k);
    }
    Scene scene = o.syntheticScene();
    int classes = scene.classNames().size();
    SparseScribbles sparse = SparseScribbles.derive(scene, o.seed());
    FeatureSource features = FeatureCache.builder(scene, FilterBankFeatureExtractor.builder().build())
        .optCacheDir(Files.createTempDirectory("bf-probe-cache")).build();
    int d = features.dimension();

    // The scribbled pixels: feature, colour and class of each.
    List<float[]> featureRows = new ArrayList<>();
    List<float[]> colourRows = new ArrayList<>();
    List<Integer> labelRows = new ArrayList<>();
    for (int i = 0; i < sparse.frames().length; i++) {
      int f = sparse.frames()[i];
      LabelImage l = sparse.labels().get(i);
      RgbImage rgb = scene.frame(f).rgb();
      for (int y = 0; y < l.height(); y++) {
        for (int x = 0; x < l.width(); x++) {
          int c = l.get(x, y);
          if (c >= 0) {
            float[] v = new float[d];
            features.lookup(f, x, y, v, 0);
            featureRows.add(v);
            float[] c3 = new float[3];
            colour(rgb, x, y, c3);
            colourRows.add(c3);
            labelRows.add(c);
          }
        }
      }
    }
    int[] labels = labelRows.stream().mapToInt(Integer::intValue).toArray();
    float[][] trainFeatures = featureRows.toArray(float[][]::new);
    float[][] trainColours = colourRows.toArray(float[][]::new);
    System.err.printf(Locale.ROOT, "%s: %d scribbled pixels on frames %s, feature dimension %d%n",
        o.preset().id(), labels.length, java.util.Arrays.toString(sparse.frames()), d);

    Classifier[] classifiers = {
        new Classifier("features-nearest-mean", true, 0),
        new Classifier("features-knn" + k, true, k),
        new Classifier("colour-nearest-mean", false, 0),
        new Classifier("colour-knn" + k, false, k)};
    for (Classifier c : classifiers) {
      float[][] train = c.features ? trainFeatures : trainColours;
      float[][] means = c.k == 0 ? classMeans(train, labels, classes) : null;
      SegmentationMetrics m = new SegmentationMetrics(classes);
      short[][] predicted = new short[scene.size()][];
      IntStream.range(0, scene.size()).parallel().forEach(fi -> {
        try {
          predicted[fi] = classify(scene.frame(fi), fi, c.features ? features : null, train, labels, means, c.k,
              classes);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      for (int fi = 0; fi < scene.size(); fi++) {
        m.add(predicted[fi], scene.frame(fi).groundTruth().orElseThrow().labels());
      }
      print(o.preset().id(), c.name, m, scene.classNames());
    }
    if (o.containsKey("ckpt")) {
      SemanticFieldModel model = SemanticFieldModel.load(Path.of(o.require("ckpt")));
      SegmentationMetrics m = new SegmentationMetrics(classes);
      for (int fi = 0; fi < scene.size(); fi++) {
        Frame f = scene.frame(fi);
        RenderedView v = model.render(f.intrinsics(), f.pose(), EnumSet.of(RenderOutput.CLASSES), f.depth().orElse(null));
        m.add(v.classMap(), f.groundTruth().orElseThrow());
      }
      print(o.preset().id(), "field:" + Path.of(o.require("ckpt")).getFileName(), m, scene.classNames());
    }
  }

  private record Classifier(String name, boolean features, int k) {}

  /** Writes RGB in [0, 1] to {@code out[0..3)}. */
  private static void colour(RgbImage rgb, int x, int y, float[] out) {
    for (int c = 0; c < 3; c++) {
      out[c] = rgb.get(x, y, c) / 255f;
    }
  }

  private static float[][] classMeans(float[][] rows, int[] labels, int classes) {
    float[][] means = new float[classes][];
    int[] counts = new int[classes];
    for (int i = 0; i < rows.length; i++) {
      float[] m = means[labels[i]];
      if (m == null) {
        m = means[labels[i]] = new float[rows[i].length];
      }
      for (int j = 0; j < m.length; j++) {
        m[j] += rows[i][j];
      }
      counts[labels[i]]++;
    }
    for (int c = 0; c < classes; c++) {
      if (means[c] != null) {
        for (int j = 0; j < means[c].length; j++) {
          means[c][j] /= counts[c];
        }
      }
    }
    return means;
  }

  /** Every pixel's class: nearest class mean ({@code means != null}) or majority of the k nearest. */
  private static short[] classify(Frame frame, int fi, FeatureSource features, float[][] train, int[] labels,
                                  float[][] means, int k, int classes) throws IOException {
    RgbImage rgb = frame.rgb();
    int w = rgb.width();
    int h = rgb.height();
    short[] out = new short[w * h];
    float[] q = new float[train[0].length];
    float[] bestD = new float[k];
    int[] bestL = new int[k];
    int[] votes = new int[classes];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if (features != null) {
          features.lookup(fi, x, y, q, 0);
        } else {
          colour(rgb, x, y, q);
        }
        if (means != null) {
          int best = 0;
          float bd = Float.POSITIVE_INFINITY;
          for (int c = 0; c < means.length; c++) {
            if (means[c] != null) {
              float dist = distance(q, means[c], bd);
              if (dist < bd) {
                bd = dist;
                best = c;
              }
            }
          }
          out[y * w + x] = (short) best;
          continue;
        }
        java.util.Arrays.fill(bestD, Float.POSITIVE_INFINITY);
        for (int i = 0; i < train.length; i++) {
          float dist = distance(q, train[i], bestD[k - 1]);
          if (dist < bestD[k - 1]) {
            int j = k - 1;
            while (j > 0 && bestD[j - 1] > dist) {
              bestD[j] = bestD[j - 1];
              bestL[j] = bestL[j - 1];
              j--;
            }
            bestD[j] = dist;
            bestL[j] = labels[i];
          }
        }
        java.util.Arrays.fill(votes, 0);
        int best = bestL[0];
        for (int j = 0; j < k && bestD[j] < Float.POSITIVE_INFINITY; j++) {
          if (++votes[bestL[j]] > votes[best]) {
            best = bestL[j]; // ties keep the nearer neighbour's class
          }
        }
        out[y * w + x] = (short) best;
      }
    }
    return out;
  }

  /** Squared distance, stopping early once it exceeds {@code bound}. */
  private static float distance(float[] a, float[] b, float bound) {
    float s = 0;
    for (int j = 0; j < a.length; j++) {
      float t = a[j] - b[j];
      s += t * t;
      if ((j & 7) == 7 && s > bound) {
        return s;
      }
    }
    return s;
  }

  private static void print(String preset, String classifier, SegmentationMetrics m, List<String> names) {
    int c = m.classes();
    StringBuilder iou = new StringBuilder("[");
    StringBuilder conf = new StringBuilder("[");
    for (int t = 0; t < c; t++) {
      iou.append(t > 0 ? "," : "").append(Double.isNaN(m.iou(t)) ? "null" : String.format(Locale.ROOT, "%.3f", m.iou(t)));
      long row = 0;
      for (int p = 0; p <= c; p++) {
        row += m.count(t, p);
      }
      conf.append(t > 0 ? "," : "").append('[');
      for (int p = 0; p < c; p++) {
        conf.append(p > 0 ? "," : "").append(String.format(Locale.ROOT, "%.3f", row == 0 ? 0.0 : (double) m.count(t, p) / row));
      }
      conf.append(']');
    }
    System.out.printf(Locale.ROOT, "{\"preset\":\"%s\",\"classifier\":\"%s\",\"miou\":%.4f,\"pixel_accuracy\":%.4f,"
        + "\"per_class_iou\":%s],\"confusion\":%s],\"classes\":\"%s\"}%n", preset, classifier, m.meanIou(),
        m.pixelAccuracy(), iou, conf, String.join("|", names));
  }
}
