package io.github.bakefeature.core.renderers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.bakefeature.api.field.FieldModel;
import io.github.bakefeature.api.field.PointQuery;
import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.field.RenderedView;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.core.cameras.CameraRays;
import io.github.bakefeature.core.djl.DjlRuntime;
import io.github.bakefeature.core.fields.SemanticField;
import io.github.bakefeature.core.raysamplers.DepthGuidedSampler;
import io.github.bakefeature.core.raysamplers.OccupancyGrid;
import io.github.bakefeature.core.raysamplers.OccupancyMarcher;
import io.github.bakefeature.core.raysamplers.PackedSamples;
import io.github.bakefeature.core.raysamplers.RaySamples;
import io.github.bakefeature.core.raysamplers.SceneBox;
import java.util.Arrays;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Renders full frames from a field in bounded-memory chunks, without autograd.
 *
 * <p>Samples come from one of two samplers. For a novel view, rays march through the occupancy
 * grid in rounds, and a ray stops as soon as it is opaque (early termination). For a frame of the
 * scene, whose depth was measured, rays can instead be sampled like training rays — a few
 * samples over the box and most of them around the measured depth — which costs a fixed, small
 * number of samples per ray and matches what the field was trained on; rays without a measurement
 * still march. Either way density is evaluated first, compositing weights are computed in Java,
 * and the heads (colour, feature, logits) run only for samples whose weight matters, so their
 * cost follows the visible surface rather than the samples taken.
 *
 * <p>Deterministic: the same field renders bit-identical images. Not thread-safe (scratch buffers
 * and statistics); use one renderer per thread.
 */
public final class FieldRenderer {
  /** Samples per ray evaluated in the first marching round (later rounds take twice as many). */
  private static final int ROUND_SAMPLES = 32;
  /** A ray stops once less than this fraction of light gets through. */
  private static final float TERMINATION_TRANSMITTANCE = 1e-3f;

  private final SemanticField field;
  private final OccupancyGrid grid;
  private final SceneBox box;
  private final RenderSettings settings;
  private final OccupancyMarcher marcher;
  private final DepthGuidedSampler depthSampler;
  private final PackedSamples packed = new PackedSamples();
  private final RaySamples fixed = new RaySamples();
  private long samplesMarched;
  private long samplesShaded;
  private long rounds;
  private final long[] nanos = new long[4];

  public FieldRenderer(SemanticField field, OccupancyGrid grid, SceneBox box, RenderSettings settings) {
    this.field = field;
    this.grid = grid;
    this.box = box;
    this.settings = settings;
    this.marcher = new OccupancyMarcher(settings.stepFraction() * box.diagonal(), settings.maxSamplesPerRay(), 0.05f);
    this.depthSampler = DepthGuidedSampler.builder()
        .optUniformSamples(settings.depthGuidedUniformSamples())
        .optSurfaceSamples(settings.depthGuidedSurfaceSamples())
        .optBandFraction(settings.depthGuidedBand())
        .build();
  }

  /**
   * Work done by this renderer so far: samples whose density was evaluated, samples whose heads
   * were evaluated, marching rounds, and nanoseconds spent sampling, encoding, in the density
   * network and in the heads.
   */
  public long[] statistics() {
    return new long[] {samplesMarched, samplesShaded, rounds, nanos[0], nanos[1], nanos[2], nanos[3]};
  }

  /** Renders a novel view (occupancy marching); {@code step} is recorded in the result. */
  public RenderedView render(CameraIntrinsics k, Pose pose, Set<RenderOutput> outputs, long step) {
    return render(k, pose, outputs, step, null);
  }

  /**
   * Renders a view; where {@code depth} (z-depth in metres at the camera's resolution, may be
   * null) holds a measurement, rays are sampled around it instead of marching.
   *
   * @throws IllegalArgumentException if the camera is larger than {@link FieldModel#checkRenderSize}
   *     allows or an output would not fit in one array, before anything is allocated
   */
  public RenderedView render(CameraIntrinsics k, Pose pose, Set<RenderOutput> outputs, long step, DepthImage depth) {
    int w = k.width();
    int h = k.height();
    int d = field.featureDimension();
    checkOutputSize(w, h, d, outputs);
    if (depth != null && (depth.width() != w || depth.height() != h)) {
      throw new IllegalArgumentException("depth is " + depth.width() + "x" + depth.height() + " but the camera is "
          + w + "x" + h);
    }
    int n = w * h;
    Outputs out = new Outputs(n, d, field.classCount(), outputs);
    float[] cam = CameraRays.pack(k, pose);
    // Buffers for at most one chunk of rays, and no more than the view has.
    int chunk = Math.min(settings.chunkRays(), n);
    Rays withDepth = new Rays(chunk);
    Rays marching = new Rays(chunk);
    for (int first = 0; first < n; first += chunk) {
      int count = Math.min(chunk, n - first);
      withDepth.count = 0;
      marching.count = 0;
      for (int i = 0; i < count; i++) {
        int px = first + i;
        float z = depth == null ? 0f : depth.get(px % w, px / w);
        Rays target = z > 0 ? withDepth : marching;
        int r = target.count++;
        CameraRays.ray(cam, 0, px % w, px / w, r, target.origins, target.dirs, target.zToT);
        target.pixel[r] = px;
        target.depthT[r] = z * target.zToT[r];
      }
      if (withDepth.count > 0) {
        shade(withDepth, out, true, first);
      }
      if (marching.count > 0) {
        shade(marching, out, false, first);
      }
    }
    return new RenderedView(w, h, out.colour, out.depth, out.features, out.features == null ? 0 : d, out.classes,
        out.confidence, step);
  }

  /** Largest array the JVM allocates (a few header words below {@code Integer.MAX_VALUE}). */
  private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  /**
   * Checks the render limits of {@link FieldModel} and that every requested output fits in one
   * array, in {@code long} arithmetic so that no size overflows before the check.
   */
  static void checkOutputSize(int w, int h, int d, Set<RenderOutput> outputs) {
    FieldModel.checkRenderSize(w, h);
    long pixels = (long) w * h;
    if (outputs.contains(RenderOutput.FEATURES) && pixels * d > MAX_ARRAY) {
      throw new IllegalArgumentException("render FEATURES of " + w + "x" + h + " = " + pixels + " pixels x " + d
          + " channels = " + pixels * d + " values exceeds the largest array (" + MAX_ARRAY + " values); expected"
          + " at most " + MAX_ARRAY / d + " pixels with features: render a smaller camera or without FEATURES");
    }
  }

  /** One batch of rays and where their results go. */
  private static final class Rays {
    int count;
    final float[] origins;
    final float[] dirs;
    final float[] zToT;
    final float[] depthT;
    final int[] pixel;

    Rays(int capacity) {
      origins = new float[capacity * 3];
      dirs = new float[capacity * 3];
      zToT = new float[capacity];
      depthT = new float[capacity];
      pixel = new int[capacity];
    }
  }

  /** Output arrays of a full frame (null when not requested), written at pixel indices. */
  private static final class Outputs {
    final float[] colour;
    final float[] depth;
    final float[] features;
    final short[] classes;
    final float[] confidence;
    final int classCount;

    Outputs(int n, int d, int classCount, Set<RenderOutput> want) {
      colour = want.contains(RenderOutput.COLOUR) ? new float[n * 3] : null;
      depth = want.contains(RenderOutput.DEPTH) ? new float[n] : null;
      features = want.contains(RenderOutput.FEATURES) && d > 0 ? new float[n * d] : null;
      classes = want.contains(RenderOutput.CLASSES) ? new short[n] : null;
      confidence = classes != null ? new float[n] : null;
      this.classCount = classCount;
    }

    boolean needHeads() {
      return colour != null || features != null || classes != null;
    }
  }

  /** Samples, composites and shades one batch of rays. */
  private void shade(Rays rays, Outputs out, boolean depthGuided, int seed) {
    int n = rays.count;
    float[] transmittance = new float[n];
    Arrays.fill(transmittance, 1f);
    float[] accW = new float[n];
    float[] accDist = new float[n];
    float[] cursor = new float[n];
    Arrays.fill(cursor, Float.NaN);
    int g = field.config().geoFeatures();
    int p = field.positionEncoding().outputDimension();
    Selection sel = new Selection(g);
    int round = 0;
    int marched = 0;
    while (true) {
      long t0 = System.nanoTime();
      if (depthGuided) {
        if (round > 0) {
          break;
        }
        // Deterministic jitter: the same frame renders the same image every time.
        depthSampler.sample(n, rays.origins, rays.dirs, rays.depthT, box, new SplittableRandom(seed), fixed);
        packed.copyFrom(fixed);
      } else {
        // A ray still marching after a round kept exactly that round's cap (march stops a ray at its
        // cap or at the box exit), so the caps' sum is every active ray's sample count.
        int cap = Math.min(round == 0 ? ROUND_SAMPLES : ROUND_SAMPLES * 2, settings.maxSamplesPerRay() - marched);
        if (cap <= 0) {
          break;
        }
        marcher.march(n, rays.origins, rays.dirs, box, grid, cursor, cap, packed);
        marched += cap;
      }
      round++;
      rounds++;
      int ns = packed.size();
      samplesMarched += ns;
      if (ns == 0) {
        break;
      }
      int[] start = packed.rayStart();
      float[] unit = new float[ns * 3];
      packed.positions(rays.origins, rays.dirs, box, unit);
      long t1 = System.nanoTime();
      float[] enc = field.positionEncoding().encode(unit, ns);
      long t2 = System.nanoTime();
      float[] sigma;
      float[] geo;
      try (NDManager m = DjlRuntime.newManager()) {
        SemanticField.Bound b = field.bind(m, false);
        NDArray hOut = b.densityOutput(m.create(enc, new Shape(ns, p)));
        sigma = b.sigma(hOut).toFloatArray();
        geo = b.geo(hOut).toFloatArray();
      }
      nanos[0] += t1 - t0;
      nanos[1] += t2 - t1;
      nanos[2] += System.nanoTime() - t2;
      float[] weights = new float[ns];
      VolumeRenderer.weights(n, start, sigma, packed.delta(), transmittance, weights);
      float[] t = packed.t();
      boolean anyActive = false;
      for (int r = 0; r < n; r++) {
        for (int i = start[r]; i < start[r + 1]; i++) {
          float w = weights[i];
          accW[r] += w;
          accDist[r] += w * t[i];
          if (w > settings.minWeight()) {
            sel.add(geo, i, r, w);
          }
        }
        if (transmittance[r] < TERMINATION_TRANSMITTANCE) {
          cursor[r] = Float.POSITIVE_INFINITY;
        }
        if (cursor[r] != Float.POSITIVE_INFINITY) {
          anyActive = true;
        }
      }
      if (!anyActive) {
        break;
      }
    }
    if (out.depth != null) {
      for (int r = 0; r < n; r++) {
        // Depth of what the ray sees (expected distance over the light it stopped, so partly
        // transparent rays are not pulled towards the camera), as z-depth; rays that saw nothing
        // stay 0 (invalid).
        out.depth[rays.pixel[r]] = accW[r] > 1e-2f ? accDist[r] / accW[r] / rays.zToT[r] : 0f;
      }
    }
    if (out.needHeads()) {
      shadeHeads(rays, out, sel, accW);
    }
  }

  /** Samples kept for the heads: their geometric features, ray and compositing weight. */
  private static final class Selection {
    final int g;
    int count;
    float[] geo = new float[0];
    int[] ray = new int[0];
    float[] weight = new float[0];

    Selection(int g) {
      this.g = g;
    }

    void add(float[] geoAll, int sample, int r, float w) {
      if (count == ray.length) {
        int n = Math.max(1024, count * 2);
        geo = Arrays.copyOf(geo, n * g);
        ray = Arrays.copyOf(ray, n);
        weight = Arrays.copyOf(weight, n);
      }
      System.arraycopy(geoAll, sample * g, geo, count * g, g);
      ray[count] = r;
      weight[count] = w;
      count++;
    }
  }

  private void shadeHeads(Rays rays, Outputs out, Selection sel, float[] accW) {
    long th = System.nanoTime();
    int selected = sel.count;
    samplesShaded += selected;
    int n = rays.count;
    int c = field.classCount();
    int d = field.featureDimension();
    float[] col = null;
    float[] feat = null;
    float[] logits = null;
    if (selected > 0) {
      int g = sel.g;
      int dirDim = field.directionEncoding().outputDimension();
      float[] dirEnc = null;
      if (out.colour != null) {
        float[] dirSel = new float[selected * 3];
        for (int j = 0; j < selected; j++) {
          System.arraycopy(rays.dirs, sel.ray[j] * 3, dirSel, j * 3, 3);
        }
        dirEnc = field.directionEncoding().encode(dirSel, selected);
      }
      try (NDManager m = DjlRuntime.newManager()) {
        SemanticField.Bound b = field.bind(m, false);
        NDArray geoNd = m.create(Arrays.copyOf(sel.geo, selected * g), new Shape(selected, g));
        if (out.colour != null) {
          col = b.colour(geoNd, m.create(dirEnc, new Shape(selected, dirDim))).toFloatArray();
        }
        NDArray f = d > 0 && (out.features != null || out.classes != null) ? b.feature(geoNd) : null;
        if (out.features != null) {
          feat = f.toFloatArray();
        }
        if (out.classes != null) {
          logits = b.logits(geoNd, f).toFloatArray();
        }
      }
    }
    float[] accLogits = out.classes != null ? new float[n * c] : null;
    for (int j = 0; j < selected; j++) {
      int r = sel.ray[j];
      float wj = sel.weight[j];
      int px = rays.pixel[r];
      if (col != null) {
        for (int k = 0; k < 3; k++) {
          out.colour[px * 3 + k] += wj * col[j * 3 + k];
        }
      }
      if (feat != null) {
        for (int k = 0; k < d; k++) {
          out.features[px * d + k] += wj * feat[j * d + k];
        }
      }
      if (logits != null) {
        for (int k = 0; k < c; k++) {
          accLogits[r * c + k] += wj * logits[j * c + k];
        }
      }
    }
    if (out.classes != null) {
      for (int r = 0; r < n; r++) {
        int px = rays.pixel[r];
        if (accW[r] > 1e-4f) {
          argmaxSoftmax(accLogits, r * c, c, out.classes, out.confidence, px);
        } else {
          // A ray that saw nothing: class 0 with zero confidence.
          out.classes[px] = 0;
          out.confidence[px] = 0f;
        }
      }
    }
    nanos[3] += System.nanoTime() - th;
  }

  private static void argmaxSoftmax(float[] logits, int off, int c, short[] classes, float[] conf, int px) {
    int best = 0;
    float max = logits[off];
    for (int k = 1; k < c; k++) {
      if (logits[off + k] > max) {
        max = logits[off + k];
        best = k;
      }
    }
    double sum = 0;
    for (int k = 0; k < c; k++) {
      sum += Math.exp(logits[off + k] - max);
    }
    classes[px] = (short) best;
    conf[px] = (float) (1.0 / sum);
  }

  /** Density (1/metre) at unit-cube points, for occupancy updates. */
  public static void density(SemanticField field, float[] unit, int count, float[] out) {
    int p = field.positionEncoding().outputDimension();
    int chunk = 65536;
    for (int first = 0; first < count; first += chunk) {
      int n = Math.min(chunk, count - first);
      float[] pts = first == 0 && n == count ? unit : Arrays.copyOfRange(unit, first * 3, (first + n) * 3);
      float[] enc = field.positionEncoding().encode(pts, n);
      try (NDManager m = DjlRuntime.newManager()) {
        SemanticField.Bound b = field.bind(m, false);
        float[] s = b.sigma(b.densityOutput(m.create(enc, new Shape(n, p)))).toFloatArray();
        System.arraycopy(s, 0, out, first, n);
      }
    }
  }

  /**
   * Density and class probabilities at world points {@code [count, 3]}; a point outside the box
   * (or not finite) is empty space: density 0 and every class 1/C.
   */
  public static PointQuery query(SemanticField field, SceneBox box, float[] worldPoints, int count) {
    float[] unit = new float[count * 3];
    for (int i = 0; i < count; i++) {
      box.normalise(worldPoints[3 * i], worldPoints[3 * i + 1], worldPoints[3 * i + 2], unit, 3 * i);
    }
    int p = field.positionEncoding().outputDimension();
    int c = field.classCount();
    float[] density = new float[count];
    float[] probs = new float[count * c];
    int chunk = 65536;
    for (int first = 0; first < count; first += chunk) {
      int n = Math.min(chunk, count - first);
      float[] enc = field.positionEncoding().encode(Arrays.copyOfRange(unit, first * 3, (first + n) * 3), n);
      try (NDManager m = DjlRuntime.newManager()) {
        SemanticField.Bound b = field.bind(m, false);
        NDArray hOut = b.densityOutput(m.create(enc, new Shape(n, p)));
        System.arraycopy(b.sigma(hOut).toFloatArray(), 0, density, first, n);
        NDArray geo = b.geo(hOut);
        NDArray f = field.featureDimension() > 0 ? b.feature(geo) : null;
        System.arraycopy(b.logits(geo, f).softmax(1).toFloatArray(), 0, probs, first * c, n * c);
      }
    }
    // Outside the box the field is undefined (the encoding clamps to the box's faces): empty space,
    // as rendering treats it, with no class preferred.
    io.github.bakefeature.api.scene.Aabb a = box.aabb();
    for (int i = 0; i < count; i++) {
      float x = worldPoints[3 * i];
      float y = worldPoints[3 * i + 1];
      float z = worldPoints[3 * i + 2];
      // In float, as the points are: a point at (float) maxX is inside even if it rounded outward.
      if (!(x >= (float) a.minX() && x <= (float) a.maxX() && y >= (float) a.minY() && y <= (float) a.maxY()
          && z >= (float) a.minZ() && z <= (float) a.maxZ())) {
        density[i] = 0f;
        Arrays.fill(probs, i * c, (i + 1) * c, 1f / c);
      }
    }
    return new PointQuery(count, density, probs, c, null);
  }
}
