package io.github.bakefeature.core.simulation;

import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.field.RenderedView;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.data.FeatureSource;
import io.github.bakefeature.core.data.TrainingData;
import io.github.bakefeature.core.eval.SegmentationMetrics;
import io.github.bakefeature.core.features.ProgressListener;
import io.github.bakefeature.core.fields.FieldConfig;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.pipelines.Evaluation;
import io.github.bakefeature.core.pipelines.FieldTrainer;
import io.github.bakefeature.core.pipelines.SemanticFieldModel;
import io.github.bakefeature.core.pipelines.TrainerConfig;
import io.github.bakefeature.core.pipelines.Training;
import io.github.bakefeature.core.renderers.RenderSettings;
import io.github.bakefeature.core.scene.SceneLayout;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The human-in-the-loop simulation of the paper (section IV-C) for one method on a scene with dense
 * ground truth.
 *
 * <ol>
 *   <li>Split: every {@code heldOutEvery}-th frame (offset {@code heldOutEvery - 1}, as {@code train}
 *       does) is held out for evaluation; the rest are training frames.</li>
 *   <li>Warm-up: train {@code warmupSteps} steps on colour, depth and (for methods with features)
 *       features, without labels. The paper uses 15k; round 0 records the warm-up model.</li>
 *   <li>Each round: render a random training frame (seeded) at the training resolution
 *       (around its measured depth by default, as the app shows it: {@link Builder#optViews}), pick
 *       {@code clicksPerRound} pixels uniformly among the wrongly predicted ones that are not yet
 *       labelled, and give them their ground-truth class ({@link TrainingData#setLabel}). While no
 *       pixel is labelled every pixel counts as wrong (a model without labels has no prediction
 *       worth trusting). A frame with too few wrong pixels contributes what it has and the other
 *       training frames are tried in a random order (each at most once per round). Then train
 *       {@code stepsPerRound} steps with every label so far.</li>
 *   <li>After each round: mIoU on the held-out frames, rendered the same way at {@code evaluationScale} of
 *       their resolution against the ground truth sampled at the same pixel centres (nearest);
 *       evaluation time is not counted in the round's wall time.</li>
 * </ol>
 *
 * <p>Trainers are built by {@link Training} (same sampling, rendering and optimiser for every
 * method). Deterministic for a seed: training, frame choice and click choice derive from it, so
 * two runs give identical clicks, steps and mIoU (only wall times differ).
 */
public final class UserSimulation {
  /** The frames {@code 0..n-1} except {@code first}, in a random order (Fisher-Yates with {@code random}). */
  static int[] otherFrames(int first, int n, SplittableRandom random) {
    int[] others = new int[n - 1];
    for (int i = 0, k = 0; i < n; i++) {
      if (i != first) {
        others[k++] = i;
      }
    }
    for (int i = others.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = others[i];
      others[i] = others[j];
      others[j] = t;
    }
    return others;
  }

  private final Builder b;
  private SemanticFieldModel finalModel;
  private FieldTrainer trainer;
  private double evaluationSeconds;

  private UserSimulation(Builder b) {
    this.b = b;
  }

  public static Builder builder(Scene scene) {
    return new Builder(scene);
  }

  /** The model after the last round (null before {@link #run}). */
  public SemanticFieldModel finalModel() {
    return finalModel;
  }

  /**
   * Writes the trainer's checkpoint after {@link #run} (a resumable model, as {@code train} writes),
   * e.g. for {@code render}, {@code evaluate} and {@code export}.
   */
  public void saveCheckpoint(java.nio.file.Path file) throws IOException {
    if (trainer == null) {
      throw new IllegalStateException("run the simulation before saving its model");
    }
    io.github.bakefeature.core.pipelines.Checkpoint.save(trainer, file);
  }

  /**
   * Why holding out every {@code every}-th of {@code frames} frames (frames {@code every - 1},
   * {@code 2 every - 1}, ...) leaves no held-out or no training frame, or null: for tools to check
   * their options before any work.
   *
   * @throws IllegalArgumentException if {@code every < 2} (every frame would be held out)
   */
  public static String heldOutProblem(int frames, int every) {
    if (every < 2) {
      throw new IllegalArgumentException("expected a hold-out interval >= 2, found " + every);
    }
    int test = Evaluation.heldOut(frames, every, every - 1).length;
    int train = Evaluation.training(frames, every, every - 1).length;
    if (test > 0 && train > 0) {
      return null;
    }
    return "holding out every " + every + "th frame of " + frames + " frames leaves " + test + " held-out and " + train
        + " training frames; need at least one of each (at least " + every + " frames)";
  }

  /** Runs the warm-up and every round. */
  public SimulationResult run() throws IOException {
    Scene scene = b.scene;
    if (!scene.hasGroundTruth()) {
      throw new IllegalArgumentException("the user simulation needs dense ground truth (gt_semantic/), "
          + "found a scene without it" + scene.directory().map(d -> " (" + d + ")").orElse(""));
    }
    String split = heldOutProblem(scene.size(), b.heldOutEvery);
    if (split != null) {
      throw new IllegalArgumentException(split);
    }
    int[] test = Evaluation.heldOut(scene.size(), b.heldOutEvery, b.heldOutEvery - 1);
    int[] train = Evaluation.training(scene.size(), b.heldOutEvery, b.heldOutEvery - 1);
    // Every training frame may be clicked and every held-out frame is scored: check them all
    // before the warm-up, so a missing or unreadable file fails in seconds, not after the rounds.
    for (int i = 0; i < scene.size(); i++) {
      groundTruth(scene, i);
    }
    int classes = Math.max(2, scene.classNames().size());
    String method = b.method.id();
    Training.Builder tb = Training.builder(scene)
        .optMethod(b.method)
        .optTrainingFrames(train)
        .optLabels(Training.Labels.NONE)
        .optClassCount(classes)
        .optTrainerConfig(b.trainerConfig)
        .optFieldOptions(b.fieldOptions)
        .optMaxTrainingPixels(b.maxTrainingPixels)
        .optSeed(b.seed);
    if (b.method.usesFeatures()) {
      tb.optFeatures(b.features);
    }
    FieldTrainer trainer = tb.build();
    this.trainer = trainer;
    this.evaluationSeconds = 0;
    TrainingData data = trainer.data();

    // Held-out ground truth at the evaluation resolution, sampled once.
    CameraIntrinsics full = scene.frame(test[0]).intrinsics();
    int ew = Math.max(1, (int) Math.round(full.width() * b.evaluationScale));
    int eh = Math.max(1, (int) Math.round(full.height() * b.evaluationScale));
    short[][] testTruth = new short[test.length][];
    for (int i = 0; i < test.length; i++) {
      testTruth[i] = sample(groundTruth(scene, test[i]), ew, eh);
    }

    long t0 = System.nanoTime();
    for (int i = 0; i < b.warmupSteps; i++) {
      trainer.step();
      if ((i + 1) % 25 == 0 || i + 1 == b.warmupSteps) {
        b.progress.progress("warm-up " + method, i + 1, b.warmupSteps);
      }
    }
    SemanticFieldModel model = trainer.snapshot();
    double warmupSeconds = (System.nanoTime() - t0) / 1e9;

    List<SimulationRound> rounds = new ArrayList<>();
    SimulationRound r0 = new SimulationRound(method, 0, 0, trainer.iteration(), 0.0,
        evaluate(model, scene, test, testTruth, ew, eh, classes), 0);
    rounds.add(r0);
    b.listener.accept(r0);

    SplittableRandom frameRandom = new SplittableRandom(mix(b.seed, 0x51F7A3L));
    SplittableRandom clickRandom = new SplittableRandom(mix(b.seed, 0xC11C4L));
    short[][] trainTruth = new short[train.length][];
    BitSet[] clicked = new BitSet[train.length];
    int clicks = 0;
    BitSet clickedClasses = new BitSet(classes);
    double wall = 0;
    int[] candidates = new int[data.width() * data.height()];
    for (int round = 1; round <= b.rounds; round++) {
      long start = System.nanoTime();
      int wanted = b.clicksPerRound;
      int first = -1;
      int[] others = null; // the other frames in a random order, drawn only when the first falls short
      for (int attempt = 0; attempt < train.length && wanted > 0; attempt++) {
        int ti;
        if (attempt == 0) {
          ti = first = frameRandom.nextInt(train.length);
        } else {
          if (others == null) {
            others = otherFrames(first, train.length, frameRandom);
          }
          ti = others[attempt - 1];
        }
        if (trainTruth[ti] == null) {
          trainTruth[ti] = trainingTruth(groundTruth(scene, data.sceneFrame(ti)), data);
          clicked[ti] = new BitSet();
        }
        boolean noLabels = data.labelledPixels() == 0;
        short[] predicted = null;
        if (!noLabels) {
          predicted = render(model, scene.frame(data.sceneFrame(ti)), data.intrinsics(ti)).classes();
        }
        short[] gt = trainTruth[ti];
        int n = 0;
        for (int p = 0; p < gt.length; p++) {
          if (gt[p] >= 0 && !clicked[ti].get(p) && (predicted == null || predicted[p] != gt[p])) {
            candidates[n++] = p;
          }
        }
        int take = Math.min(wanted, n);
        for (int k = 0; k < take; k++) {
          // Partial Fisher-Yates: uniform without replacement among the wrong pixels.
          int j = k + clickRandom.nextInt(n - k);
          int p = candidates[j];
          candidates[j] = candidates[k];
          candidates[k] = p;
          data.setLabel(ti, p, gt[p]);
          clicked[ti].set(p);
          clickedClasses.set(gt[p]);
        }
        clicks += take;
        wanted -= take;
      }
      for (int i = 0; i < b.stepsPerRound; i++) {
        trainer.step();
      }
      model = trainer.snapshot();
      wall += (System.nanoTime() - start) / 1e9;
      SimulationRound r = new SimulationRound(method, round, clicks, trainer.iteration(), wall,
          evaluate(model, scene, test, testTruth, ew, eh, classes), clickedClasses.cardinality());
      rounds.add(r);
      b.listener.accept(r);
    }
    finalModel = model;
    return new SimulationResult(method, trainer.field().config().semanticHead(), b.views, b.seed, b.warmupSteps,
        trainer.config().raysPerBatch(), warmupSeconds, evaluationSeconds, test, ew, eh, rounds);
  }

  private double evaluate(SemanticFieldModel model, Scene scene, int[] test, short[][] truth, int w, int h, int classes) {
    long t0 = System.nanoTime();
    SemanticFieldModel m = b.renderSettings == null ? model : model.withRenderSettings(b.renderSettings);
    SegmentationMetrics metrics = new SegmentationMetrics(classes);
    for (int i = 0; i < test.length; i++) {
      CameraIntrinsics k = scene.frame(test[i]).intrinsics();
      if (k.width() != w || k.height() != h) {
        k = k.resized(w, h);
      }
      metrics.add(render(m, scene.frame(test[i]), k).classes(), truth[i]);
    }
    evaluationSeconds += (System.nanoTime() - t0) / 1e9;
    return metrics.meanIou();
  }

  /** The class map of {@code frame} seen through {@code camera} (its own, or a resized copy), rendered as configured. */
  private RenderedView render(SemanticFieldModel model, Frame frame, CameraIntrinsics camera) {
    EnumSet<RenderOutput> classes = EnumSet.of(RenderOutput.CLASSES);
    return b.views == ViewRendering.MEASURED_DEPTH
        ? model.renderFrame(frame, camera, classes)
        : model.render(camera, frame.pose(), classes);
  }

  private static LabelImage groundTruth(Scene scene, int frame) throws IOException {
    Optional<LabelImage> gt = scene.frame(frame).groundTruth();
    if (gt.isEmpty()) {
      String name = scene.frame(frame).name();
      throw new IllegalArgumentException("frame " + name + " has no ground truth"
          + scene.directory().map(d -> " (expected " + d.resolve(SceneLayout.GT_SEMANTIC).resolve(name + ".png") + ")").orElse("")
          + "; the user simulation needs gt_semantic/ for every frame");
    }
    return gt.get();
  }

  /**
   * Ground truth at the training resolution, sampled at each block's centre pixel (where the
   * trainer samples colour, depth and features). Clicks are made on these training pixels
   * directly, so they do not go through {@link TrainingData#setLabels}' block majority.
   */
  private static short[] trainingTruth(LabelImage gt, TrainingData data) {
    int w = data.width();
    int h = data.height();
    int s = data.scale();
    short[] out = new short[w * h];
    for (int y = 0; y < h; y++) {
      int sy = Math.min(gt.height() - 1, y * s + s / 2);
      for (int x = 0; x < w; x++) {
        out[y * w + x] = (short) gt.get(Math.min(gt.width() - 1, x * s + s / 2), sy);
      }
    }
    return out;
  }

  /** Nearest sample of {@code gt} at the pixel centres of a {@code w x h} resize of the image. */
  static short[] sample(LabelImage gt, int w, int h) {
    if (w == gt.width() && h == gt.height()) {
      return gt.labels();
    }
    short[] out = new short[w * h];
    for (int y = 0; y < h; y++) {
      int sy = Math.min(gt.height() - 1, (int) Math.floor((y + 0.5) * gt.height() / h));
      for (int x = 0; x < w; x++) {
        int sx = Math.min(gt.width() - 1, (int) Math.floor((x + 0.5) * gt.width() / w));
        out[y * w + x] = (short) gt.get(sx, sy);
      }
    }
    return out;
  }

  private static long mix(long seed, long salt) {
    long z = seed * 0x9E3779B97F4A7C15L + salt;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Options. */
  public static final class Builder {
    private final Scene scene;
    private MethodPreset method = MethodPreset.OURS;
    private FeatureSource features;
    private int warmupSteps = 15_000;
    private int rounds = 40;
    private int stepsPerRound = 250;
    private int clicksPerRound = 5;
    private int heldOutEvery = 5;
    private double evaluationScale = 1.0;
    private TrainerConfig trainerConfig = TrainerConfig.builder().build();
    private UnaryOperator<FieldConfig.Builder> fieldOptions = UnaryOperator.identity();
    private long maxTrainingPixels = 40_000_000L;
    private long seed;
    private RenderSettings renderSettings;
    private ViewRendering views = ViewRendering.MEASURED_DEPTH;
    private ProgressListener progress = ProgressListener.NONE;
    private Consumer<SimulationRound> listener = r -> {};

    Builder(Scene scene) {
      this.scene = scene;
    }

    public Builder optMethod(MethodPreset m) {
      this.method = m;
      return this;
    }

    /** Feature targets, required by methods with features (the scene's feature cache). */
    public Builder optFeatures(FeatureSource f) {
      this.features = f;
      return this;
    }

    /** Steps without labels before the first click (default 15000, the paper's). */
    public Builder optWarmupSteps(int n) {
      this.warmupSteps = requireAtLeast("warm-up steps", n, 0);
      return this;
    }

    /** Rounds of clicks (default 40). */
    public Builder optRounds(int n) {
      this.rounds = requireAtLeast("rounds", n, 0);
      return this;
    }

    /** Training steps after each round's clicks (default 250, the paper's). */
    public Builder optStepsPerRound(int n) {
      this.stepsPerRound = requireAtLeast("steps per round", n, 0);
      return this;
    }

    /** Pixels clicked per round (default 5, the paper's). */
    public Builder optClicksPerRound(int n) {
      this.clicksPerRound = requireAtLeast("clicks per round", n, 1);
      return this;
    }

    /** Hold out every n-th frame for evaluation (default 5). */
    public Builder optHeldOutEvery(int n) {
      this.heldOutEvery = requireAtLeast("held-out stride", n, 2);
      return this;
    }

    /** Render held-out frames at this fraction of their resolution (default 1). */
    public Builder optEvaluationScale(double s) {
      if (!(s > 0 && s <= 1)) {
        throw new IllegalArgumentException("evaluation scale must be in (0, 1], found " + s);
      }
      this.evaluationScale = s;
      return this;
    }

    /** Settings of every trainer (rays per batch, loss weights, sampling seed...). */
    public Builder optTrainerConfig(TrainerConfig c) {
      this.trainerConfig = c;
      return this;
    }

    /** Adjusts the field architecture of every method (e.g. a smaller hash table). */
    public Builder optFieldOptions(UnaryOperator<FieldConfig.Builder> f) {
      this.fieldOptions = f;
      return this;
    }

    /** Pixel budget of the training frames (see {@link Training.Builder#optMaxTrainingPixels}). */
    public Builder optMaxTrainingPixels(long p) {
      this.maxTrainingPixels = p;
      return this;
    }

    /** Seed of the initialisation, the frame choice and the click choice (default 0). */
    public Builder optSeed(long s) {
      this.seed = s;
      return this;
    }

    /** Render settings of the held-out evaluation (default: the model's). */
    public Builder optEvaluationRenderSettings(RenderSettings s) {
      this.renderSettings = s;
      return this;
    }

    /**
     * How clicked and held-out frames are rendered (default {@link ViewRendering#MEASURED_DEPTH},
     * as the label session and the app render them).
     */
    public Builder optViews(ViewRendering v) {
      this.views = java.util.Objects.requireNonNull(v, "views");
      return this;
    }

    /** Receives warm-up progress (stage {@code "warm-up <method>"}). */
    public Builder optProgress(ProgressListener p) {
      this.progress = p == null ? ProgressListener.NONE : p;
      return this;
    }

    /** Receives every round as soon as it is evaluated. */
    public Builder optListener(Consumer<SimulationRound> l) {
      this.listener = l == null ? r -> {} : l;
      return this;
    }

    public UserSimulation build() {
      if (method.usesFeatures() && features == null) {
        throw new IllegalArgumentException("method " + method + " needs feature targets (optFeatures), found none");
      }
      return new UserSimulation(this);
    }

    private static int requireAtLeast(String what, int n, int min) {
      if (n < min) {
        throw new IllegalArgumentException(what + " must be >= " + min + ", found " + n);
      }
      return n;
    }
  }
}
