package io.github.bakefeature.core.renderers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.bakefeature.api.field.PointQuery;
import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.field.RenderedView;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.core.cameras.CameraRays;
import io.github.bakefeature.core.djl.DjlRuntime;
import io.github.bakefeature.core.fields.SemanticField;
import io.github.bakefeature.core.raysamplers.OccupancyGrid;
import io.github.bakefeature.core.raysamplers.OccupancyMarcher;
import io.github.bakefeature.core.raysamplers.PackedSamples;
import io.github.bakefeature.core.raysamplers.SceneBox;
import java.util.Set;

/**
 * Renders full frames from a field in bounded-memory chunks, without autograd: march rays through
 * the occupancy grid, evaluate density for every kept sample, composite in Java, then evaluate the
 * heads (colour, feature, logits) only for samples whose weight matters. This two-pass scheme
 * keeps the cost of the heads proportional to the visible surface, not to the samples marched.
 *
 * <p>Deterministic: the same field renders bit-identical images. Not thread-safe (scratch buffers);
 * use one renderer per thread.
 */
public final class FieldRenderer {
  private final SemanticField field;
  private final OccupancyGrid grid;
  private final SceneBox box;
  private final RenderSettings settings;
  private final OccupancyMarcher marcher;
  private final PackedSamples packed = new PackedSamples();
  /** Samples per ray evaluated in the first marching round (later rounds take twice as many). */
  private static final int ROUND_SAMPLES = 32;
  /** A ray stops once less than this much light gets through. */
  private static final float TERMINATION_TRANSMITTANCE = 1e-3f;

  public FieldRenderer(SemanticField field, OccupancyGrid grid, SceneBox box, RenderSettings settings) {
    this.field = field;
    this.grid = grid;
    this.box = box;
    this.settings = settings;
    this.marcher = new OccupancyMarcher(settings.stepFraction() * box.diagonal(), settings.maxSamplesPerRay(), 0.05f);
  }

  /** Renders one view; {@code step} is recorded in the result. */
  public RenderedView render(CameraIntrinsics k, Pose pose, Set<RenderOutput> outputs, long step) {
    int w = k.width();
    int h = k.height();
    int n = w * h;
    boolean wantColour = outputs.contains(RenderOutput.COLOUR);
    boolean wantDepth = outputs.contains(RenderOutput.DEPTH);
    int d = field.featureDimension();
    boolean wantFeatures = outputs.contains(RenderOutput.FEATURES) && d > 0;
    boolean wantClasses = outputs.contains(RenderOutput.CLASSES);
    float[] colour = wantColour ? new float[n * 3] : null;
    float[] depth = wantDepth ? new float[n] : null;
    float[] features = wantFeatures ? new float[n * d] : null;
    short[] classes = wantClasses ? new short[n] : null;
    float[] confidence = wantClasses ? new float[n] : null;
    float[] cam = CameraRays.pack(k, pose);
    int chunk = settings.chunkRays();
    float[] origins = new float[chunk * 3];
    float[] dirs = new float[chunk * 3];
    float[] zToT = new float[chunk];
    Chunk out = new Chunk(colour, depth, features, classes, confidence);
    for (int first = 0; first < n; first += chunk) {
      int count = Math.min(chunk, n - first);
      CameraRays.rowMajor(cam, w, first, count, origins, dirs, zToT);
      renderRays(count, origins, dirs, zToT, first, out, wantColour, wantDepth, wantFeatures, wantClasses);
    }
    return new RenderedView(w, h, colour, depth, features, wantFeatures ? d : 0, classes, confidence, step);
  }

  /** Output arrays of a full frame, written at pixel offsets. */
  private record Chunk(float[] colour, float[] depth, float[] features, short[] classes, float[] confidence) {}

  private void renderRays(int rays, float[] origins, float[] dirs, float[] zToT, int first, Chunk out,
                          boolean wantColour, boolean wantDepth, boolean wantFeatures, boolean wantClasses) {
    // March in rounds of a few samples per ray, evaluating density as we go, so a ray stops as
    // soon as it is opaque (early termination) instead of marching through everything behind.
    float[] cursor = new float[rays];
    java.util.Arrays.fill(cursor, Float.NaN);
    float[] transmittance = new float[rays];
    java.util.Arrays.fill(transmittance, 1f);
    float[] accW = new float[rays];
    float[] accDist = new float[rays];
    int g = field.config().geoFeatures();
    int p = field.positionEncoding().outputDimension();
    float[] geoSel = new float[1024 * g];
    int[] selRay = new int[1024];
    float[] selW = new float[1024];
    int selected = 0;
    int round = 0;
    while (true) {
      int keep = round == 0 ? ROUND_SAMPLES : ROUND_SAMPLES * 2;
      marcher.march(rays, origins, dirs, box, grid, cursor, keep, packed);
      round++;
      int ns = packed.size();
      if (ns == 0) {
        break;
      }
      int[] start = packed.rayStart();
      float[] unit = new float[ns * 3];
      packed.positions(origins, dirs, box, unit);
      float[] enc = field.positionEncoding().encode(unit, ns);
      float[] sigma;
      float[] geo;
      try (NDManager m = DjlRuntime.newManager()) {
        SemanticField.Bound b = field.bind(m, false);
        NDArray hOut = b.densityOutput(m.create(enc, new Shape(ns, p)));
        sigma = b.sigma(hOut).toFloatArray();
        geo = b.geo(hOut).toFloatArray();
      }
      float[] t = packed.t();
      float[] weights = new float[ns];
      VolumeRenderer.weights(rays, start, sigma, packed.delta(), transmittance, weights);
      boolean anyActive = false;
      for (int r = 0; r < rays; r++) {
        for (int i = start[r]; i < start[r + 1]; i++) {
          float w = weights[i];
          accW[r] += w;
          accDist[r] += w * t[i];
          if (w > settings.minWeight()) {
            if (selected == selRay.length) {
              int n = selected * 2;
              geoSel = java.util.Arrays.copyOf(geoSel, n * g);
              selRay = java.util.Arrays.copyOf(selRay, n);
              selW = java.util.Arrays.copyOf(selW, n);
            }
            System.arraycopy(geo, i * g, geoSel, selected * g, g);
            selRay[selected] = r;
            selW[selected] = w;
            selected++;
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
    if (wantDepth) {
      for (int r = 0; r < rays; r++) {
        // Expected ray distance as z-depth; rays that saw nothing stay 0 (invalid).
        out.depth[first + r] = accW[r] > 1e-4f ? accDist[r] / zToT[r] : 0f;
      }
    }
    if (!(wantColour || wantFeatures || wantClasses)) {
      return;
    }
    if (selected == 0) {
      fillEmpty(rays, first, out);
      return;
    }
    int dirDim = field.directionEncoding().outputDimension();
    float[] dirEnc = null;
    if (wantColour) {
      float[] dirSel = new float[selected * 3];
      for (int j = 0; j < selected; j++) {
        System.arraycopy(dirs, selRay[j] * 3, dirSel, j * 3, 3);
      }
      dirEnc = field.directionEncoding().encode(dirSel, selected);
    }
    int d = field.featureDimension();
    int c = field.classCount();
    float[] col = null;
    float[] feat = null;
    float[] logits = null;
    try (NDManager m = DjlRuntime.newManager()) {
      SemanticField.Bound b = field.bind(m, false);
      NDArray geoNd = m.create(java.util.Arrays.copyOf(geoSel, selected * g), new Shape(selected, g));
      if (wantColour) {
        col = b.colour(geoNd, m.create(dirEnc, new Shape(selected, dirDim))).toFloatArray();
      }
      NDArray f = d > 0 && (wantFeatures || wantClasses) ? b.feature(geoNd) : null;
      if (wantFeatures) {
        feat = f.toFloatArray();
      }
      if (wantClasses) {
        logits = b.logits(geoNd, f).toFloatArray();
      }
    }
    float[] accLogits = wantClasses ? new float[rays * c] : null;
    for (int j = 0; j < selected; j++) {
      int r = selRay[j];
      float wj = selW[j];
      int px = first + r;
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
    if (wantClasses) {
      for (int r = 0; r < rays; r++) {
        if (accW[r] > 1e-4f) {
          argmaxSoftmax(accLogits, r * c, c, out.classes, out.confidence, first + r);
        }
      }
    }
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

  private static void fillEmpty(int rays, int first, Chunk out) {
    // Rays that see nothing occupied: class 0 with zero confidence (colour, depth stay 0).
    if (out.confidence != null) {
      for (int r = 0; r < rays; r++) {
        out.classes[first + r] = 0;
        out.confidence[first + r] = 0f;
      }
    }
  }

  /** Density (1/metre) at unit-cube points, for occupancy updates. */
  public static void density(SemanticField field, float[] unit, int count, float[] out) {
    int p = field.positionEncoding().outputDimension();
    int chunk = 65536;
    for (int first = 0; first < count; first += chunk) {
      int n = Math.min(chunk, count - first);
      float[] pts = first == 0 && n == count ? unit : java.util.Arrays.copyOfRange(unit, first * 3, (first + n) * 3);
      float[] enc = field.positionEncoding().encode(pts, n);
      try (NDManager m = DjlRuntime.newManager()) {
        SemanticField.Bound b = field.bind(m, false);
        float[] s = b.sigma(b.densityOutput(m.create(enc, new Shape(n, p)))).toFloatArray();
        System.arraycopy(s, 0, out, first, n);
      }
    }
  }

  /** Density and class probabilities at world points {@code [count, 3]}. */
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
      float[] enc = field.positionEncoding().encode(java.util.Arrays.copyOfRange(unit, first * 3, (first + n) * 3), n);
      try (NDManager m = DjlRuntime.newManager()) {
        SemanticField.Bound b = field.bind(m, false);
        NDArray hOut = b.densityOutput(m.create(enc, new Shape(n, p)));
        System.arraycopy(b.sigma(hOut).toFloatArray(), 0, density, first, n);
        NDArray geo = b.geo(hOut);
        NDArray f = field.featureDimension() > 0 ? b.feature(geo) : null;
        System.arraycopy(b.logits(geo, f).softmax(1).toFloatArray(), 0, probs, first * c, n * c);
      }
    }
    return new PointQuery(count, density, probs, c, null);
  }
}
