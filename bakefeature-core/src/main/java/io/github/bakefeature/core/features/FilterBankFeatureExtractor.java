package io.github.bakefeature.core.features;

import io.github.bakefeature.api.feature.FeatureExtractor;
import io.github.bakefeature.api.feature.FeatureMap;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.core.parallel.Parallel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The weight-free default feature extractor: an ilastik-style filter bank on CIE Lab colour.
 *
 * <p>For every scale {@code sigma} (default 0.7, 1.6, 3.5, 5, 10 pixels) it computes ten channels,
 * in this order:
 *
 * <ol start="0">
 *   <li>Gaussian-smoothed L, as {@code (L - 50) / 50} (so black = -1, white = +1),
 *   <li>Gaussian-smoothed a, as {@code a / 50},
 *   <li>Gaussian-smoothed b, as {@code b / 50},
 *   <li>gradient magnitude of L, {@code sigma |grad L| / 50},
 *   <li>Laplacian of Gaussian of L, {@code sigma^2 (Lxx + Lyy) / 50},
 *   <li>difference of Gaussians of L, {@code (G(sigma) - G(0.66 sigma)) * L / 50} (the sign of the
 *       Laplacian: positive on the dark side of an edge),
 *   <li>the two structure-tensor eigenvalues (larger first) as square roots: the tensor of the
 *       gradient at the inner scale {@code sigma / 2} (times {@code sigma / 2}, over 50) smoothed
 *       at {@code sigma},
 *   <li>the two Hessian eigenvalues of L (larger first), {@code sigma^2 lambda / 50}.
 * </ol>
 *
 * so {@code M = 10 x scales} (50 by default); {@link #channelNames()} names them.
 *
 * <p><b>Normalisation.</b> Every channel uses a fixed affine map that does not depend on the image:
 * colour in Lab units over 50, derivatives scale-normalised (multiplied by {@code sigma^order},
 * Lindeberg's gamma = 1) so an edge or blob gives similar values at every scale, and
 * structure-tensor eigenvalues square-rooted so they grow linearly with contrast like the other
 * channels. A fixed map keeps the features of one surface point equal across frames (a per-image
 * standardisation would not), which is what baking them into a 3D field needs; typical values lie
 * in [-2, 2]. The remaining per-channel scale differences are removed scene-wide by the
 * autoencoder's standardisation ({@link FeatureAutoencoder}).
 *
 * <p><b>Grid.</b> The feature grid is coarser than the image by a stride {@code s}: filters run at
 * full resolution, and each cell holds the mean response over the {@code s x s} pixels it covers
 * (the pixels {@link FeatureMap#lookup} maps to it), so fine-scale texture averages out instead of
 * aliasing into noise that differs between views. By default the stride is chosen per image so the
 * grid is at most 160 x 120 cells ({@link Builder#optMaxGrid}; stride 4 for 640 x 480 frames). The
 * trade-off: a finer grid keeps the features of thin structures apart, a coarser one costs less
 * memory (a cached frame of 64 encoded channels is 2.5 MB in float16 at 160 x 120, four times less
 * at 80 x 60). {@link Builder#optStride} fixes the stride instead (1 = one cell per pixel).
 *
 * <p>Filters are separable Gaussian-derivative kernels truncated at {@code 3 sigma + 1} with
 * mirrored borders; rows are spread over {@link Parallel}'s pool, and the result does not depend
 * on the number of threads. Image-sized buffers are reused between calls, so {@link #extract}
 * allocates only its output and a few index tables. Thread-safe: concurrent calls on one instance
 * run one after another.
 */
public final class FilterBankFeatureExtractor implements FeatureExtractor {
  /** Scales (pixels) used unless {@link Builder#optSigmas} says otherwise. */
  public static final List<Double> DEFAULT_SIGMAS = List.of(0.7, 1.6, 3.5, 5.0, 10.0);
  /** Channels per scale. */
  public static final int CHANNELS_PER_SCALE = 10;
  /** Default largest grid, in cells. */
  public static final int DEFAULT_MAX_GRID_WIDTH = 160;
  public static final int DEFAULT_MAX_GRID_HEIGHT = 120;
  /** Bump when the output of the same parameters changes (caches are keyed by {@link #id()}). */
  private static final String VERSION = "v1";
  private static final double DOG_RATIO = 0.66;
  private static final float SCALE = 1f / 50f;
  private static final String[] CHANNELS = {"L", "a", "b", "gradmag", "log", "dog", "st1", "st2", "hess1", "hess2"};

  private final double[] sigmas;
  private final int stride;
  private final int maxGridWidth;
  private final int maxGridHeight;
  private final int threads;
  private final Scale[] scales;
  private final int maxRadius;
  private final String id;
  private Workspace workspace; // guarded by this

  /** Kernels of one scale. */
  private record Scale(double sigma, float[] g, float[] d, float[] s, float[] dog, float[] gi, float[] di) {}

  private FilterBankFeatureExtractor(Builder b) {
    this.sigmas = b.sigmas.clone();
    this.stride = b.stride;
    this.maxGridWidth = b.maxGridWidth;
    this.maxGridHeight = b.maxGridHeight;
    this.threads = b.threads;
    this.scales = new Scale[sigmas.length];
    int rmax = 1;
    for (int i = 0; i < sigmas.length; i++) {
      double sg = sigmas[i];
      int r = SeparableFilters.radius(sg);
      double dogSigma = DOG_RATIO * sg;
      double inner = 0.5 * sg;
      int ri = SeparableFilters.radius(inner);
      scales[i] = new Scale(sg, SeparableFilters.gaussian(sg, r), SeparableFilters.firstDerivative(sg, r),
          SeparableFilters.secondDerivative(sg, r),
          SeparableFilters.gaussian(dogSigma, SeparableFilters.radius(dogSigma)),
          SeparableFilters.gaussian(inner, ri), SeparableFilters.firstDerivative(inner, ri));
      rmax = Math.max(rmax, r);
    }
    this.maxRadius = rmax;
    StringBuilder sb = new StringBuilder("filterbank-").append(VERSION).append("-lab-s");
    for (int i = 0; i < sigmas.length; i++) {
      sb.append(i == 0 ? "" : ",").append(format(sigmas[i]));
    }
    sb.append(stride > 0 ? "-stride" + stride : "-grid" + maxGridWidth + "x" + maxGridHeight);
    this.id = sb.toString();
  }

  /** A builder with the defaults: five scales, grid at most 160 x 120, all threads. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public int dimension() {
    return CHANNELS_PER_SCALE * sigmas.length;
  }

  /** The scales in pixels. */
  public double[] sigmas() {
    return sigmas.clone();
  }

  /** Names of the channels in output order, e.g. {@code "gradmag@1.6"}. */
  public List<String> channelNames() {
    List<String> names = new ArrayList<>(dimension());
    for (double s : sigmas) {
      for (String c : CHANNELS) {
        names.add(c + "@" + format(s));
      }
    }
    return Collections.unmodifiableList(names);
  }

  /** Index of channel {@code name} (one of L, a, b, gradmag, log, dog, st1, st2, hess1, hess2) at scale index {@code scale}. */
  public static int channel(int scale, String name) {
    int i = Arrays.asList(CHANNELS).indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("unknown channel '" + name + "', expected one of " + Arrays.toString(CHANNELS));
    }
    return scale * CHANNELS_PER_SCALE + i;
  }

  /** Stride used for an image of this size. */
  public int stride(int width, int height) {
    if (stride > 0) {
      return stride;
    }
    return Math.max(1, Math.max(ceilDiv(width, maxGridWidth), ceilDiv(height, maxGridHeight)));
  }

  /** Grid size {width, height} for an image of this size. */
  public int[] gridSize(int width, int height) {
    int s = stride(width, height);
    return new int[] {ceilDiv(width, s), ceilDiv(height, s)};
  }

  @Override
  public synchronized FeatureMap extract(RgbImage image) {
    final int w = image.width();
    final int h = image.height();
    int[] grid = gridSize(w, h);
    final int gw = grid[0];
    final int gh = grid[1];
    final int m = dimension();
    // Cell of each pixel, as FeatureMap.lookup maps them; a cell averages its pixels' responses.
    final int[] cellOfX = cellOf(w, gw);
    final int[] rowStart = starts(cellOf(h, gh), gh);
    final int[] colStart = starts(cellOfX, gw);
    final float[] colWeight = new float[gw];
    for (int c = 0; c < gw; c++) {
      colWeight[c] = 1f / (colStart[c + 1] - colStart[c]);
    }
    Workspace ws = workspace(w, h);
    float[] out = new float[gw * gh * m];

    byte[] px = image.pixels();
    forRows(h, (y0, y1, worker) -> {
      float[] lab = ws.scratch[worker][0];
      for (int y = y0; y < y1; y++) {
        float[] lr = ws.l[y];
        float[] ar = ws.a[y];
        float[] br = ws.b[y];
        for (int x = 0; x < w; x++) {
          int i = 3 * (y * w + x);
          CieLab.fromSrgb(px[i] & 0xff, px[i + 1] & 0xff, px[i + 2] & 0xff, lab, 0);
          lr[x] = lab[0];
          ar[x] = lab[1];
          br[x] = lab[2];
        }
      }
    });

    for (int si = 0; si < scales.length; si++) {
      Scale sc = scales[si];
      int base = si * CHANNELS_PER_SCALE;
      // Structure-tensor products need the inner-scale gradient at every pixel before smoothing.
      float innerNorm = (float) (0.5 * sc.sigma) * SCALE;
      forRows(h, (y0, y1, worker) -> {
        float[][] s = ws.scratch[worker];
        float[] v0 = s[0];
        float[] v1 = s[1];
        float[] ix = s[2];
        float[] iy = s[3];
        SeparableFilters.RowScratch rs = ws.rows[worker];
        for (int y = y0; y < y1; y++) {
          SeparableFilters.verticalDerivatives(ws.l, w, y, sc.gi, sc.di, null, v0, v1, null);
          SeparableFilters.horizontalOdd(v0, w, sc.di, ix, rs);
          SeparableFilters.horizontalEven(v1, w, sc.gi, iy, rs);
          float[] pxx = ws.pxx[y];
          float[] pxy = ws.pxy[y];
          float[] pyy = ws.pyy[y];
          for (int x = 0; x < w; x++) {
            float gx = ix[x] * innerNorm;
            float gy = iy[x] * innerNorm;
            pxx[x] = gx * gx;
            pxy[x] = gx * gy;
            pyy[x] = gy * gy;
          }
        }
      });
      forRows(gh, (r0, r1, worker) -> {
        float[][] s = ws.scratch[worker];
        SeparableFilters.RowScratch rs = ws.rows[worker];
        float[] vg = s[0];
        float[] vd = s[1];
        float[] vs = s[2];
        float[] ls = s[3];
        float[] lx = s[4];
        float[] lxx = s[5];
        float[] ly = s[6];
        float[] lxy = s[7];
        float[] lyy = s[8];
        float[] as = s[9];
        float[] bs = s[10];
        float[] ldog = s[11];
        float[] sxx = s[12];
        float[] sxy = s[13];
        float[] syy = s[14];
        float[] tmp = s[15];
        float sig = (float) sc.sigma;
        float sig2 = sig * sig;
        for (int row = r0; row < r1; row++) {
          // Every pixel row of this cell row, in order, so sums never depend on the thread split.
          for (int y = rowStart[row]; y < rowStart[row + 1]; y++) {
            SeparableFilters.verticalDerivatives(ws.l, w, y, sc.g, sc.d, sc.s, vg, vd, vs);
            SeparableFilters.horizontalDerivatives(vg, w, sc.g, sc.d, sc.s, ls, lx, lxx, rs);
            SeparableFilters.horizontalDerivatives(vd, w, sc.g, sc.d, null, ly, lxy, null, rs);
            SeparableFilters.horizontalEven(vs, w, sc.g, lyy, rs);
            smooth(ws.a, w, y, sc.g, rs, tmp, as);
            smooth(ws.b, w, y, sc.g, rs, tmp, bs);
            smooth(ws.l, w, y, sc.dog, rs, tmp, ldog);
            smooth(ws.pxx, w, y, sc.g, rs, tmp, sxx);
            smooth(ws.pxy, w, y, sc.g, rs, tmp, sxy);
            smooth(ws.pyy, w, y, sc.g, rs, tmp, syy);
            float rowWeight = 1f / (rowStart[row + 1] - rowStart[row]);
            for (int x = 0; x < w; x++) {
              int c = cellOfX[x];
              int o = (row * gw + c) * m + base;
              float wt = rowWeight * colWeight[c]; // exactly 1 at stride 1
              float gxv = lx[x];
              float gyv = ly[x];
              // Eigenvalues of symmetric 2x2 [[p, q], [q, t]]: (p + t)/2 +- sqrt(((p - t)/2)^2 + q^2).
              float p = sxx[x];
              float q = sxy[x];
              float t = syy[x];
              float mean = 0.5f * (p + t);
              float rad = (float) Math.sqrt(0.25f * (p - t) * (p - t) + q * q);
              float st1 = (float) Math.sqrt(Math.max(0f, mean + rad));
              float st2 = (float) Math.sqrt(Math.max(0f, mean - rad));
              p = lxx[x];
              q = lxy[x];
              t = lyy[x];
              mean = 0.5f * (p + t);
              rad = (float) Math.sqrt(0.25f * (p - t) * (p - t) + q * q);
              out[o] += wt * ((ls[x] - 50f) * SCALE);
              out[o + 1] += wt * (as[x] * SCALE);
              out[o + 2] += wt * (bs[x] * SCALE);
              out[o + 3] += wt * (sig * (float) Math.sqrt(gxv * gxv + gyv * gyv) * SCALE);
              out[o + 4] += wt * (sig2 * (lxx[x] + lyy[x]) * SCALE);
              out[o + 5] += wt * ((ls[x] - ldog[x]) * SCALE);
              out[o + 6] += wt * st1;
              out[o + 7] += wt * st2;
              out[o + 8] += wt * (sig2 * (mean + rad) * SCALE);
              out[o + 9] += wt * (sig2 * (mean - rad) * SCALE);
            }
          }
        }
      });
    }
    return new FeatureMap(gw, gh, m, out);
  }

  /** Separable smoothing of row {@code y} of {@code plane}: vertical into tmp, horizontal into out. */
  private static void smooth(float[][] plane, int w, int y, float[] k, SeparableFilters.RowScratch rs,
                             float[] tmp, float[] out) {
    SeparableFilters.verticalEven(plane, w, y, k, tmp);
    SeparableFilters.horizontalEven(tmp, w, k, out, rs);
  }

  /** The cell of each of {@code size} pixels along an axis of {@code cells} cells (FeatureMap.lookup's rule). */
  static int[] cellOf(int size, int cells) {
    int[] c = new int[size];
    for (int p = 0; p < size; p++) {
      c[p] = Math.min(cells - 1, (int) ((p + 0.5) * cells / size));
    }
    return c;
  }

  /** First pixel of each cell (plus the end), from a monotone pixel-to-cell map that covers every cell. */
  private static int[] starts(int[] cellOf, int cells) {
    int[] start = new int[cells + 1];
    int p = 0;
    for (int c = 0; c < cells; c++) {
      start[c] = p;
      while (p < cellOf.length && cellOf[p] == c) {
        p++;
      }
      if (p == start[c]) {
        throw new IllegalStateException("cell " + c + " covers no pixel"); // cannot happen for cells <= size
      }
    }
    start[cells] = p;
    return start;
  }

  @FunctionalInterface
  private interface RowBody {
    void run(int from, int to, int worker);
  }

  /** Splits rows into {@code threads} blocks on the shared pool; the split never changes results. */
  private void forRows(int n, RowBody body) {
    int blocks = Math.max(1, Math.min(threads, n));
    if (blocks == 1) {
      body.run(0, n, 0);
      return;
    }
    Parallel.forRange(blocks, 1, (b0, b1, worker) -> {
      for (int b = b0; b < b1; b++) {
        body.run((int) ((long) n * b / blocks), (int) ((long) n * (b + 1) / blocks), worker);
      }
    });
  }

  private Workspace workspace(int w, int h) {
    if (workspace == null || workspace.w != w || workspace.h != h) {
      workspace = new Workspace(w, h, Parallel.threads(), maxRadius);
    }
    return workspace;
  }

  /** Planes and per-worker rows, reused while the image size stays the same. */
  private static final class Workspace {
    final int w;
    final int h;
    final float[][] l;
    final float[][] a;
    final float[][] b;
    final float[][] pxx;
    final float[][] pxy;
    final float[][] pyy;
    final float[][][] scratch;
    final SeparableFilters.RowScratch[] rows;

    Workspace(int w, int h, int workers, int maxRadius) {
      this.w = w;
      this.h = h;
      l = new float[h][w];
      a = new float[h][w];
      b = new float[h][w];
      pxx = new float[h][w];
      pxy = new float[h][w];
      pyy = new float[h][w];
      scratch = new float[workers][16][Math.max(w, 3)];
      rows = new SeparableFilters.RowScratch[workers];
      for (int i = 0; i < workers; i++) {
        rows[i] = new SeparableFilters.RowScratch(w, maxRadius);
      }
    }
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  private static String format(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e9) {
      return Long.toString((long) d);
    }
    return String.format(Locale.ROOT, "%s", Double.toString(d));
  }

  @Override
  public String toString() {
    return "FilterBankFeatureExtractor[" + id + ", M=" + dimension() + "]";
  }

  /** Configures a {@link FilterBankFeatureExtractor}. */
  public static final class Builder {
    private double[] sigmas = DEFAULT_SIGMAS.stream().mapToDouble(Double::doubleValue).toArray();
    private int stride;
    private int maxGridWidth = DEFAULT_MAX_GRID_WIDTH;
    private int maxGridHeight = DEFAULT_MAX_GRID_HEIGHT;
    private int threads = Parallel.threads();

    private Builder() {}

    /** Scales in pixels, each positive and finite, at least one, no duplicates. */
    public Builder optSigmas(double... values) {
      if (values == null || values.length == 0) {
        throw new IllegalArgumentException("expected at least one filter scale, found none");
      }
      for (double v : values) {
        if (!(v > 0) || !Double.isFinite(v) || v > 1000) {
          throw new IllegalArgumentException("filter scales must be positive, finite pixel sizes up to 1000, found " + v);
        }
      }
      double[] sorted = values.clone();
      Arrays.sort(sorted);
      for (int i = 1; i < sorted.length; i++) {
        if (sorted[i] == sorted[i - 1]) {
          throw new IllegalArgumentException("filter scales must be distinct, found " + sorted[i] + " twice");
        }
      }
      this.sigmas = values.clone();
      return this;
    }

    /** Fixed output stride in pixels (1 = one cell per pixel); overrides {@link #optMaxGrid}. */
    public Builder optStride(int s) {
      if (s < 1) {
        throw new IllegalArgumentException("stride must be at least 1, found " + s);
      }
      this.stride = s;
      return this;
    }

    /** Chooses the smallest stride that keeps the grid within {@code width x height} cells (default 160 x 120). */
    public Builder optMaxGrid(int width, int height) {
      if (width < 1 || height < 1) {
        throw new IllegalArgumentException("maximum grid must be at least 1x1 cells, found " + width + "x" + height);
      }
      this.maxGridWidth = width;
      this.maxGridHeight = height;
      this.stride = 0;
      return this;
    }

    /** Number of row blocks run concurrently on the shared pool (default: all its threads; 1 = calling thread only). */
    public Builder optThreads(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("threads must be at least 1, found " + n);
      }
      this.threads = n;
      return this;
    }

    public FilterBankFeatureExtractor build() {
      return new FilterBankFeatureExtractor(this);
    }
  }
}
