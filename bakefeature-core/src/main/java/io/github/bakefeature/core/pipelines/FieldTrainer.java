package io.github.bakefeature.core.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.bakefeature.core.cameras.CameraRays;
import io.github.bakefeature.core.data.RayBatch;
import io.github.bakefeature.core.data.TrainingData;
import io.github.bakefeature.core.djl.DjlRuntime;
import io.github.bakefeature.core.encodings.TrainableEncoding;
import io.github.bakefeature.core.fields.Mlp;
import io.github.bakefeature.core.fields.SemanticField;
import io.github.bakefeature.core.losses.Losses;
import io.github.bakefeature.core.optim.Adam;
import io.github.bakefeature.core.raysamplers.DepthGuidedSampler;
import io.github.bakefeature.core.raysamplers.OccupancyGrid;
import io.github.bakefeature.core.raysamplers.RaySamples;
import io.github.bakefeature.core.raysamplers.SceneBox;
import io.github.bakefeature.core.renderers.FieldRenderer;
import io.github.bakefeature.core.renderers.RenderSettings;
import java.util.SplittableRandom;

/**
 * Fits a {@link SemanticField} to {@link TrainingData} (section III-D): each step samples a batch
 * of rays (half uniform, half class-balanced), places samples along them (depth-guided), encodes
 * positions with the Java encodings, runs the MLPs and volume rendering in DJL, and minimises the
 * weighted sum of the colour, depth, semantic and feature losses (eq. 12) with Adam — the MLPs'
 * Adam on their Java master weights, the hash grid's own Adam inside the encoding.
 *
 * <p>Randomness is derived from {@code seed} and the step number, so a resumed trainer continues
 * exactly as an uninterrupted one would. Not thread-safe: one thread calls {@link #step}; others
 * use {@link #snapshot()}, which the caller must serialise with steps.
 */
public final class FieldTrainer {
  private static final int DIR_DIM = 16;

  private final SemanticField field;
  private final TrainingData data;
  private final SceneBox box;
  private final TrainerConfig config;
  private final DepthGuidedSampler sampler;
  private final OccupancyGrid occupancy;
  private Adam[] adams;
  // Volatile: written by the training thread, read by others (iteration(), a session's awaitStep).
  private volatile long step;
  /** Steps whose batch held labelled rays (the semantic loss was applied), see {@link #labelledSteps()}. */
  private long labelledSteps;

  // Scratch buffers reused between steps.
  private final RayBatch batch = new RayBatch();
  private final RaySamples samples = new RaySamples();
  private float[] origins = new float[0];
  private float[] dirs = new float[0];
  private float[] zToT = new float[0];
  private float[] depthT = new float[0];
  private float[] unit = new float[0];
  private float[] posEnc = new float[0];
  private float[] dirEnc = new float[0];
  /** Cumulative nanoseconds per phase of {@link #step}, see {@link #phaseNames()}. */
  private final long[] phaseNanos = new long[PHASES.length];
  private static final String[] PHASES = {"sample", "encode", "forward", "backward", "read-gradients", "mlp-adam",
      "grid-backward-adam", "occupancy"};

  FieldTrainer(SemanticField field, TrainingData data, SceneBox box, TrainerConfig config,
               OccupancyGrid occupancy, Adam[] adams, long step, long labelledSteps) {
    this.field = field;
    this.data = data;
    this.box = box;
    this.config = config;
    this.sampler = DepthGuidedSampler.builder()
        .optUniformSamples(config.uniformSamples())
        .optSurfaceSamples(config.surfaceSamples())
        .optBandFraction(config.surfaceBand())
        .build();
    this.occupancy = occupancy;
    this.adams = adams;
    this.step = step;
    this.labelledSteps = Math.max(0, labelledSteps);
  }

  /** A trainer for a fresh field; marks the occupancy grid from the training depth. */
  public static FieldTrainer create(SemanticField field, TrainingData data, SceneBox box, TrainerConfig config) {
    OccupancyGrid grid = new OccupancyGrid(config.occupancyResolution(), occupancyThreshold(box));
    markSurfaces(grid, data, box);
    return new FieldTrainer(field, data, box, config, grid, newAdams(field, config), 0, 0);
  }

  /** Render settings whose depth-guided sampling matches the trainer's. */
  static RenderSettings renderSettings(TrainerConfig c) {
    return RenderSettings.defaults().withDepthGuided(c.uniformSamples(), c.surfaceSamples(), c.surfaceBand());
  }

  /** Density above which a cell is occupied: 1% opacity over one render step. */
  static float occupancyThreshold(SceneBox box) {
    float stepLength = RenderSettings.defaults().stepFraction() * box.diagonal();
    return 0.01f / stepLength;
  }

  private static Adam[] newAdams(SemanticField field, TrainerConfig c) {
    Mlp[] mlps = field.mlps();
    Adam[] a = new Adam[mlps.length];
    for (int i = 0; i < mlps.length; i++) {
      a[i] = mlps[i] == null ? null : newAdam(mlps[i].parameterCount(), c);
    }
    return a;
  }

  static Adam newAdam(int parameters, TrainerConfig c) {
    return Adam.builder().optBeta1(c.beta1()).optBeta2(c.beta2()).optEpsilon(c.epsilon()).build(parameters);
  }

  private static void markSurfaces(OccupancyGrid grid, TrainingData data, SceneBox box) {
    if (!data.hasDepth()) {
      return;
    }
    int w = data.width();
    int h = data.height();
    float[] o = new float[3];
    float[] dir = new float[3];
    float[] zt = new float[1];
    float[] u = new float[3];
    int stride = Math.max(1, (int) Math.sqrt((double) w * h / 16384));
    for (int f = 0; f < data.frameCount(); f++) {
      float[] d = data.depth(f);
      if (d == null) {
        continue;
      }
      for (int y = 0; y < h; y += stride) {
        for (int x = 0; x < w; x += stride) {
          float z = d[y * w + x];
          if (z <= 0) {
            continue;
          }
          CameraRays.ray(data.cameras(), f * CameraRays.PACKED, x, y, 0, o, dir, zt);
          float t = z * zt[0];
          box.normalise(o[0] + t * dir[0], o[1] + t * dir[1], o[2] + t * dir[2], u, 0);
          grid.markSurface(u[0], u[1], u[2], 1);
        }
      }
    }
    grid.commitSurfaces();
  }

  public SemanticField field() {
    return field;
  }

  public TrainingData data() {
    return data;
  }

  public TrainerConfig config() {
    return config;
  }

  public SceneBox box() {
    return box;
  }

  public OccupancyGrid occupancy() {
    return occupancy;
  }

  /** Steps taken so far. */
  public long iteration() {
    return step;
  }

  /**
   * Steps that applied the semantic loss (their batch held labelled pixels): 0 means the semantic
   * head never saw a label, so its classes are arbitrary.
   */
  public long labelledSteps() {
    return labelledSteps;
  }

  Adam[] adams() {
    return adams;
  }

  /** Makes the semantic head predict {@code classes} classes (new classes during labelling). */
  public void ensureClasses(int classes) {
    if (field.growClasses(classes)) {
      Mlp sem = field.mlps()[4];
      adams[4] = newAdam(sem.parameterCount(), config);
    }
  }

  /** An immutable copy of the current model for rendering on other threads. */
  public SemanticFieldModel snapshot() {
    return new SemanticFieldModel(field.copy(), occupancy.copy(), box, step, labelledSteps, renderSettings(config));
  }

  /** Names of the phases timed by {@link #phaseNanos()}. */
  public static String[] phaseNames() {
    return PHASES.clone();
  }

  /** Cumulative wall time of each phase of {@link #step} since this trainer was created. */
  public long[] phaseNanos() {
    return phaseNanos.clone();
  }

  /** Runs one optimisation step. */
  public StepResult step() {
    long tPhase = System.nanoTime();
    boolean labelledStep = false;
    SplittableRandom rnd = new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + step);
    int r = config.raysPerBatch();
    data.sampleBatch(r, rnd, batch);
    int labelledStart = partitionLabelledLast(r);
    ensureCapacity(r);
    float[] cams = data.cameras();
    int w = data.width();
    for (int i = 0; i < r; i++) {
      int p = batch.pixel()[i];
      CameraRays.ray(cams, batch.frame()[i] * CameraRays.PACKED, p % w, p / w, i, origins, dirs, zToT);
      float z = batch.depth()[i];
      depthT[i] = z > 0 ? z * zToT[i] : 0f;
    }
    sampler.sample(r, origins, dirs, depthT, box, rnd, samples);
    int s = samples.samplesPerRay();
    int n = r * s;
    if (unit.length != n * 3) {
      unit = new float[n * 3];
    }
    samples.positions(origins, dirs, box, unit);
    tPhase = phase(0, tPhase);
    int p = field.positionEncoding().outputDimension();
    if (posEnc.length != n * p) {
      posEnc = new float[n * p];
    }
    field.positionEncoding().encode(unit, n, posEnc, p, 0);
    if (dirEnc.length != r * DIR_DIM) {
      dirEnc = new float[r * DIR_DIM];
    }
    field.directionEncoding().encode(java.util.Arrays.copyOf(dirs, r * 3), r, dirEnc, DIR_DIM, 0);

    TrainableEncoding grid = field.trainableEncoding();
    tPhase = phase(1, tPhase);
    int labelled = r - labelledStart;
    boolean features = field.featureDimension() > 0;
    int d = field.featureDimension();
    int c = field.classCount();
    StepResult result;
    float[] encGrad = null;
    float[][] mlpGrads = new float[6][];
    boolean[] used = new boolean[6];
    try (NDManager m = DjlRuntime.newManager();
         GradientCollector gc = DjlRuntime.newGradientCollector()) {
      SemanticField.Bound b = field.bind(m, true);
      NDArray x = m.create(posEnc, new Shape(n, p));
      if (grid != null) {
        x.setRequiresGradient(true);
      }
      NDArray hOut = b.densityOutput(x).reshape(r, s, 1 + field.config().geoFeatures());
      NDArray sigma = b.sigma(hOut);
      NDArray geo = b.geo(hOut);
      NDArray delta = m.create(exact(samples.delta(), n), new Shape(r, s));
      NDArray weights = io.github.bakefeature.core.renderers.VolumeRenderer.weights(sigma, delta);
      NDArray dirNd = m.create(dirEnc, new Shape(r, 1, DIR_DIM));
      NDArray rgb = io.github.bakefeature.core.renderers.VolumeRenderer.composite(weights, b.colour(geo, dirNd));
      NDArray lossRgb = Losses.rgb(rgb, m.create(exact(batch.rgb(), 3 * r), new Shape(r, 3)));
      used[0] = used[1] = used[2] = true;
      NDArray total = lossRgb.mul(DjlRuntime.scalar(m, config.rgbWeight()));

      int validDepth = 0;
      float[] mask = new float[r];
      float[] gtDepth = new float[r];
      for (int i = 0; i < r; i++) {
        if (batch.depth()[i] > 0) {
          mask[i] = 1f;
          gtDepth[i] = batch.depth()[i];
          validDepth++;
        }
      }
      NDArray lossDepth = null;
      NDArray lossFree = null;
      if (validDepth > 0 && config.depthWeight() > 0) {
        NDArray dist = io.github.bakefeature.core.renderers.VolumeRenderer.expectedDistance(
            weights, m.create(exact(samples.t(), n), new Shape(r, s)));
        NDArray z = dist.div(m.create(exact(zToT, r), new Shape(r)));
        lossDepth = Losses.depth(z, m.create(gtDepth), m.create(mask), validDepth);
        total = total.add(lossDepth.mul(DjlRuntime.scalar(m, config.depthWeight())));
      }
      if (validDepth > 0 && config.freeSpaceWeight() > 0) {
        lossFree = Losses.freeSpace(weights, m.create(outsideBand(r, s), new Shape(r, s)), validDepth);
        total = total.add(lossFree.mul(DjlRuntime.scalar(m, config.freeSpaceWeight())));
      }

      NDArray feat = null;
      NDArray lossFeat = null;
      if (features) {
        feat = b.feature(geo);
        used[3] = true;
        NDArray rendered = io.github.bakefeature.core.renderers.VolumeRenderer.composite(weights, feat);
        lossFeat = Losses.feature(rendered, m.create(exact(batch.feature(), r * d), new Shape(r, d)));
        total = total.add(lossFeat.mul(DjlRuntime.scalar(m, config.featureWeight())));
      }

      NDArray lossSem = null;
      if (labelled > 0 && config.semanticWeight() > 0) {
        // Labelled rays are the batch's tail: run the semantic head on that slice only.
        String tail = labelledStart + ":";
        NDArray geoL = geo.get(tail);
        NDArray featL = feat == null ? null : feat.get(tail);
        NDArray logits = b.logits(geoL, featL);
        used[4] = true;
        used[5] = features;
        NDArray rendered = io.github.bakefeature.core.renderers.VolumeRenderer.composite(
            b.semanticWeights(weights.get(tail)), logits);
        float[] oneHot = new float[labelled * c];
        for (int i = 0; i < labelled; i++) {
          int label = batch.label()[labelledStart + i];
          if (label < c) {
            oneHot[i * c + label] = 1f;
          }
        }
        lossSem = Losses.semantic(rendered, m.create(oneHot, new Shape(labelled, c)), labelled);
        labelledStep = true;
        total = total.add(lossSem.mul(DjlRuntime.scalar(m, config.semanticWeight())));
      }
      tPhase = phase(2, tPhase);
      gc.backward(total);
      tPhase = phase(3, tPhase);

      if (grid != null) {
        try (NDArray g = x.getGradient()) {
          encGrad = g.toFloatArray();
        }
      }
      Mlp[] mlps = field.mlps();
      for (int i = 0; i < mlps.length; i++) {
        if (mlps[i] != null && used[i]) {
          mlpGrads[i] = new float[mlps[i].parameterCount()];
          b.gradients(i, mlpGrads[i]);
        }
      }
      result = new StepResult(step,
          lossRgb.getFloat(),
          lossDepth == null ? 0f : lossDepth.getFloat() * config.depthWeight(),
          lossSem == null ? 0f : lossSem.getFloat() * config.semanticWeight(),
          lossFeat == null ? 0f : lossFeat.getFloat() * config.featureWeight(),
          lossFree == null ? 0f : lossFree.getFloat() * config.freeSpaceWeight(),
          total.getFloat(), r, n, mlpMacs(r, s, labelled));
    }
    tPhase = phase(4, tPhase);
    // Refuse a diverged step before any parameter moves: one NaN would spread to every weight
    // through Adam, and the session would then checkpoint a model that renders nothing.
    if (!Float.isFinite(result.total())) {
      throw new TrainingDivergedException(step, "the loss (" + result.losses() + ")");
    }
    if (encGrad != null && !finite(encGrad)) {
      throw new TrainingDivergedException(step, "the gradient of the position encoding");
    }
    for (int i = 0; i < mlpGrads.length; i++) {
      if (mlpGrads[i] != null && !finite(mlpGrads[i])) {
        throw new TrainingDivergedException(step, "the gradient of MLP " + i);
      }
    }
    // Optimiser steps outside DJL.
    float lr = config.learningRate(step);
    Mlp[] mlps = field.mlps();
    for (int i = 0; i < mlps.length; i++) {
      if (mlpGrads[i] != null) {
        float[] params = new float[mlps[i].parameterCount()];
        mlps[i].flatten(params, 0);
        adams[i].step(params, mlpGrads[i], lr);
        mlps[i].unflatten(params, 0);
      }
    }
    tPhase = phase(5, tPhase);
    if (grid != null) {
      grid.backwardAndStep(unit, n, encGrad, p, 0, config.gridLearningRate(step));
    }
    tPhase = phase(6, tPhase);
    step++;
    if (labelledStep) {
      labelledSteps++;
    }
    if (config.occupancyUpdateEvery() > 0 && step % config.occupancyUpdateEvery() == 0) {
      updateOccupancy(rnd);
    }
    phase(7, tPhase);
    return result;
  }

  private static boolean finite(float[] a) {
    for (float v : a) {
      if (!Float.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  private long phase(int i, long since) {
    long now = System.nanoTime();
    phaseNanos[i] += now - since;
    return now;
  }

  private void updateOccupancy(SplittableRandom rnd) {
    int res = occupancy.resolution();
    // A slice of the cells per update: each cell is revisited every 64 updates.
    int cells = Math.max(4096, res * res * res / 64);
    occupancy.update((pts, count, out) -> FieldRenderer.density(field, pts, count, out), cells, 0.95f, rnd);
  }

  /**
   * 1 for the samples of rays with measured depth that lie outside the band around it (where the
   * scene is known to be empty in front, or hidden behind), else 0.
   */
  private float[] outsideBand(int r, int s) {
    float band = config.surfaceBand() * box.diagonal();
    float[] t = samples.t();
    float[] out = new float[r * s];
    for (int i = 0; i < r; i++) {
      float d = depthT[i];
      if (d <= 0) {
        continue;
      }
      for (int k = 0; k < s; k++) {
        float ti = t[i * s + k];
        if (ti < d - band || ti > d + band) {
          out[i * s + k] = 1f;
        }
      }
    }
    return out;
  }

  /** Multiply-adds of the MLP forward pass of one step, as {@link #step} runs it. */
  private long mlpMacs(int rays, int samples, int labelledRays) {
    Mlp[] m = field.mlps();
    long n = (long) rays * samples;
    long macs = n * (m[0].macsPerRow() + m[1].macsPerRow()) + rays * m[2].macsPerRow();
    if (m[3] != null) {
      macs += n * m[3].macsPerRow();
    }
    if (labelledRays > 0 && config.semanticWeight() > 0) {
      long nl = (long) labelledRays * samples;
      macs += nl * m[4].macsPerRow() + (m[5] == null ? 0 : nl * m[5].macsPerRow());
    }
    return macs;
  }

  /** Reorders the batch so labelled rays are last; returns the index of the first labelled ray. */
  private int partitionLabelledLast(int r) {
    int[] label = batch.label();
    int write = r;
    // Stable enough for training: swap labelled rays to the tail.
    int i = 0;
    while (i < write) {
      if (label[i] >= 0) {
        write--;
        swap(i, write);
      } else {
        i++;
      }
    }
    return write;
  }

  private void swap(int a, int b) {
    if (a == b) {
      return;
    }
    int[] f = batch.frame();
    int[] px = batch.pixel();
    int[] l = batch.label();
    float[] rgb = batch.rgb();
    float[] dep = batch.depth();
    int t = f[a];
    f[a] = f[b];
    f[b] = t;
    t = px[a];
    px[a] = px[b];
    px[b] = t;
    t = l[a];
    l[a] = l[b];
    l[b] = t;
    float v = dep[a];
    dep[a] = dep[b];
    dep[b] = v;
    for (int k = 0; k < 3; k++) {
      v = rgb[3 * a + k];
      rgb[3 * a + k] = rgb[3 * b + k];
      rgb[3 * b + k] = v;
    }
    int d = batch.featureDimension();
    float[] feat = batch.feature();
    for (int k = 0; k < d; k++) {
      v = feat[a * d + k];
      feat[a * d + k] = feat[b * d + k];
      feat[b * d + k] = v;
    }
  }

  private void ensureCapacity(int r) {
    if (origins.length < 3 * r) {
      origins = new float[3 * r];
      dirs = new float[3 * r];
      zToT = new float[r];
      depthT = new float[r];
    }
  }

  private static float[] exact(float[] a, int n) {
    return a.length == n ? a : java.util.Arrays.copyOf(a, n);
  }
}
