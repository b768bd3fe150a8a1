package io.github.bakefeature.core.pipelines;

import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.data.FeatureSource;
import io.github.bakefeature.core.data.TrainingData;
import io.github.bakefeature.core.fields.FieldConfig;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.fields.SemanticField;
import io.github.bakefeature.core.raysamplers.SceneBox;
import java.io.IOException;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Assembles a {@link FieldTrainer} for a scene: chooses the training resolution, loads the frames,
 * the labels and the feature targets, and sizes the semantic head. The one place the CLI, label
 * sessions, the user simulation and the benchmarks set training up, so they all train the same way.
 *
 * <pre>{@code
 * FieldTrainer t = Training.builder(scene)
 *     .optMethod(MethodPreset.OURS)
 *     .optFeatures(featureCache)
 *     .optLabels(Training.Labels.GROUND_TRUTH)
 *     .build();
 * for (int i = 0; i < 2000; i++) t.step();
 * }</pre>
 */
public final class Training {
  /** Where the semantic supervision comes from. */
  public enum Labels {
    /** No semantic loss (colour, depth and features only). */
    NONE,
    /** The scribbles stored with the scene ({@code semantic/}). */
    SCRIBBLES,
    /** Dense ground truth ({@code gt_semantic/}) on the training frames. */
    GROUND_TRUTH
  }

  private Training() {}

  /**
   * Checks that {@code method} gets the feature targets it needs.
   *
   * @throws IllegalArgumentException if it uses features and {@code features} is null
   */
  public static void requireFeatures(MethodPreset method, FeatureSource features) {
    if (method.usesFeatures() && features == null) {
      throw new IllegalArgumentException("method " + method + " needs feature targets (optFeatures), found none");
    }
  }

  /**
   * {@link #requireFeatures}, and the targets must have been built for {@code scene}: its frame
   * count and image size, and {@link FeatureSource#sceneMismatch its images}.
   *
   * @throws IllegalArgumentException if not, saying what differs
   * @throws IOException if the scene's images cannot be read to compare them
   */
  public static void requireFeaturesOf(Scene scene, MethodPreset method, FeatureSource features) throws IOException {
    requireFeatures(method, features);
    if (!method.usesFeatures()) {
      return;
    }
    int[] shape = features.sceneShape();
    if (shape != null && (shape[0] != scene.size() || shape[1] != scene.width() || shape[2] != scene.height())) {
      throw new IllegalArgumentException("the feature targets were built for a scene of " + shape[0] + " frames of "
          + shape[1] + "x" + shape[2] + ", but this scene has " + scene.size() + " frames of " + scene.width() + "x"
          + scene.height() + "; expected the feature cache of this scene");
    }
    String other = features.sceneMismatch(scene);
    if (other != null) {
      throw new IllegalArgumentException(other);
    }
  }

  public static Builder builder(Scene scene) {
    return new Builder(scene);
  }

  /** Options. */
  public static final class Builder {
    private final Scene scene;
    private MethodPreset method = MethodPreset.OURS;
    private FeatureSource features;
    private int[] frames;
    private Labels labels = Labels.SCRIBBLES;
    private TrainerConfig trainer = TrainerConfig.builder().build();
    private UnaryOperator<FieldConfig.Builder> fieldOptions = UnaryOperator.identity();
    private long maxTrainingPixels = 40_000_000L;
    private int classCount;
    private long seed;

    Builder(Scene scene) {
      this.scene = java.util.Objects.requireNonNull(scene, "scene");
    }

    public Builder optMethod(MethodPreset m) {
      this.method = java.util.Objects.requireNonNull(m, "method");
      return this;
    }

    /** Feature targets (required by methods with features). */
    public Builder optFeatures(FeatureSource f) {
      this.features = f;
      return this;
    }

    /** Scene frames to train on (default all). */
    public Builder optTrainingFrames(int[] f) {
      this.frames = java.util.Objects.requireNonNull(f, "training frames").clone();
      return this;
    }

    /** Semantic supervision (default {@link Labels#SCRIBBLES}). */
    public Builder optLabels(Labels l) {
      // Not a silent default: anything but SCRIBBLES and NONE trains on the dense ground truth.
      this.labels = java.util.Objects.requireNonNull(l, "labels");
      return this;
    }

    public Builder optTrainerConfig(TrainerConfig c) {
      this.trainer = java.util.Objects.requireNonNull(c, "trainer config");
      return this;
    }

    /** Adjusts the field architecture (e.g. a smaller hash table in tests). */
    public Builder optFieldOptions(UnaryOperator<FieldConfig.Builder> f) {
      this.fieldOptions = java.util.Objects.requireNonNull(f, "field options");
      return this;
    }

    /** Most training pixels held in memory; frames are downscaled by an integer factor to fit. */
    public Builder optMaxTrainingPixels(long p) {
      this.maxTrainingPixels = p;
      return this;
    }

    /** Classes the semantic head predicts (default: the scene's class names, at least 2). */
    public Builder optClassCount(int c) {
      this.classCount = c;
      return this;
    }

    /** Seed of the initialisation (the trainer config has its own sampling seed). */
    public Builder optSeed(long s) {
      this.seed = s;
      return this;
    }

    public FieldTrainer build() throws IOException {
      requireFeaturesOf(scene, method, features);
      if (maxTrainingPixels < 1) {
        throw new IllegalArgumentException("max training pixels must be >= 1, found " + maxTrainingPixels);
      }
      if (classCount < 0) {
        throw new IllegalArgumentException("class count must be >= 0 (0 = the scene's), found " + classCount);
      }
      int[] f = frames != null ? frames : java.util.stream.IntStream.range(0, scene.size()).toArray();
      int scale = TrainingData.scaleForBudget(scene, f.length, maxTrainingPixels);
      TrainingData data = TrainingData.load(scene, f, scale, method.usesFeatures() ? features : null);
      int maxLabel = -1;
      int labelled = 0;
      if (labels != Labels.NONE) {
        for (int i = 0; i < f.length; i++) {
          Optional<LabelImage> l = labels == Labels.SCRIBBLES
              ? scene.frame(f[i]).scribbles() : scene.frame(f[i]).groundTruth();
          if (l.isPresent()) {
            data.setLabels(i, l.get());
            maxLabel = Math.max(maxLabel, l.get().maxLabel());
            labelled++;
          }
        }
      }
      if (labels == Labels.GROUND_TRUTH && labelled == 0) {
        // Scribbles may legitimately be absent (a warm-up before anyone draws); asking for ground
        // truth that does not exist would silently train without semantics.
        throw new IllegalArgumentException("ground-truth labels were asked for, but none of the " + f.length
            + " training frames has a ground-truth semantic image (gt_semantic/); expected at least one, or"
            + " Labels.SCRIBBLES / Labels.NONE");
      }
      int c = Math.max(2, Math.max(classCount > 0 ? classCount : scene.classNames().size(), maxLabel + 1));
      FieldConfig.Builder fb = FieldConfig.builder(method).optClassCount(c).optSeed(seed);
      if (method.usesFeatures()) {
        fb.optFeatureDimension(features.dimension());
      }
      FieldConfig config = fieldOptions.apply(fb).build();
      if (method.usesFeatures() && config.featureDimension() != features.dimension()) {
        throw new IllegalArgumentException("the field renders " + config.featureDimension() + "-dimensional features"
            + " but the feature targets have " + features.dimension() + "; expected equal dimensions");
      }
      if (config.classCount() < c) {
        throw new IllegalArgumentException("the field predicts " + config.classCount() + " classes but the labels need "
            + c + "; expected at least as many");
      }
      return FieldTrainer.create(SemanticField.create(config), data, new SceneBox(scene.bounds()), trainer);
    }
  }
}
