package io.github.bakefeature.core.features;

import io.github.bakefeature.api.feature.FeatureMap;
import io.github.bakefeature.api.scene.RgbImage;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Shows feature maps as colour images, as in the paper's Fig. 1: the first three principal
 * components of the features become R, G and B.
 *
 * <p>The projection is fitted once on pixels sampled across all frames, so a surface gets the same
 * colour in every frame. Each component is mapped to 0..255 between its 1st and 99th percentile
 * over those pixels (robust to outliers; values beyond are clipped). Component signs are fixed
 * (largest loading positive), so the colours are deterministic. Immutable and thread-safe.
 */
public final class FeaturePca {
  private static final double LOW = 0.01;
  private static final double HIGH = 0.99;

  private final int m;
  private final float[] mean;
  private final float[] components; // 3 x M, row-major
  private final float[] lo;
  private final float[] hi;
  private final double[] variances;

  private FeaturePca(int m, float[] mean, float[] components, float[] lo, float[] hi, double[] variances) {
    this.m = m;
    this.mean = mean;
    this.components = components;
    this.lo = lo;
    this.hi = hi;
    this.variances = variances;
  }

  /**
   * Fits on up to {@code maxSamples} cells drawn evenly (seeded) from {@code maps}, which must all
   * have the same dimension. Cells with a non-finite value are left out (one NaN would make every
   * component NaN and every pixel grey).
   *
   * @throws IllegalArgumentException if fewer than 2 finite cells remain
   */
  public static FeaturePca fit(List<FeatureMap> maps, int maxSamples, long seed) {
    if (maps == null || maps.isEmpty()) {
      throw new IllegalArgumentException("need at least one feature map to fit a PCA, found none");
    }
    if (maxSamples < 3) {
      throw new IllegalArgumentException("need at least 3 samples, found " + maxSamples);
    }
    int m = maps.get(0).dimension();
    int per = Math.max(1, maxSamples / maps.size());
    long capacity = 0; // what the maps hold, not what was asked for: a huge maxSamples allocates nothing more
    for (FeatureMap map : maps) {
      if (map.dimension() != m) {
        throw new IllegalArgumentException("all feature maps must have dimension " + m + ", found " + map.dimension());
      }
      capacity += Math.min(per, map.width() * map.height());
    }
    if (capacity * m > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("expected at most " + (Integer.MAX_VALUE - 8) / m + " samples of dimension " + m
          + ", found " + capacity + " (lower maxSamples)");
    }
    float[] samples = new float[(int) (capacity * m)];
    int n = 0;
    SplittableRandom rnd = new SplittableRandom(seed);
    for (FeatureMap map : maps) {
      int cells = map.width() * map.height();
      int take = Math.min(per, cells);
      for (int k = 0; k < take; k++) {
        int cell = cells <= per ? k : rnd.nextInt(cells);
        System.arraycopy(map.data(), cell * m, samples, n * m, m);
        n++;
      }
    }
    n = keepFinite(samples, n, m);
    if (n < 2) {
      throw new IllegalArgumentException("need at least 2 feature cells with finite values to fit a PCA, found " + n);
    }
    return fit(samples, n, m);
  }

  /**
   * Moves the vectors of {@code samples} ({@code count} of dimension {@code dim}) whose values are
   * all finite to the front, in order, and returns how many there are: a diverging model's or
   * extractor's NaN would make every component of a fit NaN.
   */
  public static int keepFinite(float[] samples, int count, int dim) {
    int n = 0;
    for (int i = 0; i < count; i++) {
      boolean finite = true;
      for (int c = 0; c < dim && finite; c++) {
        finite = Float.isFinite(samples[i * dim + c]);
      }
      if (finite) {
        if (n != i) {
          System.arraycopy(samples, i * dim, samples, n * dim, dim);
        }
        n++;
      }
    }
    return n;
  }

  /** Fits on {@code count} feature vectors of dimension {@code dim} ({@code samples[i * dim + c]}). */
  public static FeaturePca fit(float[] samples, int count, int dim) {
    if (dim < 1 || count < 2 || samples == null || samples.length < (long) count * dim) {
      throw new IllegalArgumentException("need at least 2 samples of dimension >= 1 in an array of count x dim values, found "
          + count + " x " + dim + (samples == null ? " (null)" : " in " + samples.length));
    }
    for (int i = 0; i < count * dim; i++) {
      if (!Float.isFinite(samples[i])) {
        throw new IllegalArgumentException("expected finite feature values, found " + samples[i] + " in sample "
            + i / dim + ", channel " + i % dim);
      }
    }
    double[] mu = new double[dim];
    for (int i = 0; i < count; i++) {
      for (int c = 0; c < dim; c++) {
        mu[c] += samples[i * dim + c];
      }
    }
    for (int c = 0; c < dim; c++) {
      mu[c] /= count;
    }
    double[][] cov = new double[dim][dim];
    double[] v = new double[dim];
    for (int i = 0; i < count; i++) {
      for (int c = 0; c < dim; c++) {
        v[c] = samples[i * dim + c] - mu[c];
      }
      for (int a = 0; a < dim; a++) {
        double va = v[a];
        double[] row = cov[a];
        for (int b = a; b < dim; b++) {
          row[b] += va * v[b];
        }
      }
    }
    for (int a = 0; a < dim; a++) {
      for (int b = a; b < dim; b++) {
        cov[a][b] /= count - 1;
        cov[b][a] = cov[a][b];
      }
    }
    double[][] vectors = new double[dim][dim];
    double[] values = jacobi(cov, vectors);
    Integer[] order = new Integer[dim];
    for (int i = 0; i < dim; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Double.compare(values[y], values[x]));
    float[] comps = new float[3 * dim];
    double[] variances = new double[3];
    for (int k = 0; k < 3; k++) {
      if (k >= dim) {
        break; // fewer than 3 channels: the missing components stay zero (grey)
      }
      int e = order[k];
      variances[k] = Math.max(0, values[e]);
      int big = 0;
      for (int c = 0; c < dim; c++) {
        if (Math.abs(vectors[c][e]) > Math.abs(vectors[big][e])) {
          big = c;
        }
      }
      double sign = vectors[big][e] < 0 ? -1 : 1;
      for (int c = 0; c < dim; c++) {
        comps[k * dim + c] = (float) (sign * vectors[c][e]);
      }
    }
    float[] mean = new float[dim];
    for (int c = 0; c < dim; c++) {
      mean[c] = (float) mu[c];
    }
    // Robust range of each component over the samples.
    float[][] proj = new float[3][count];
    float[] out = new float[3];
    FeaturePca tmp = new FeaturePca(dim, mean, comps, new float[3], new float[3], variances);
    for (int i = 0; i < count; i++) {
      tmp.project(samples, i * dim, out);
      for (int k = 0; k < 3; k++) {
        proj[k][i] = out[k];
      }
    }
    float[] lo = new float[3];
    float[] hi = new float[3];
    for (int k = 0; k < 3; k++) {
      Arrays.sort(proj[k]);
      lo[k] = proj[k][(int) Math.floor(LOW * (count - 1))];
      hi[k] = proj[k][(int) Math.ceil(HIGH * (count - 1))];
    }
    return new FeaturePca(dim, mean, comps, lo, hi, variances);
  }

  /** Feature dimension. */
  public int dimension() {
    return m;
  }

  /** The three unit components, row-major {@code 3 x M} (a copy). */
  public float[] components() {
    return components.clone();
  }

  /** Variance along each of the three components. */
  public double[] variances() {
    return variances.clone();
  }

  /** Projects {@code feature[offset .. offset + M)} onto the three components (centred). */
  public void project(float[] feature, int offset, float[] out3) {
    for (int k = 0; k < 3; k++) {
      double s = 0;
      int base = k * m;
      for (int c = 0; c < m; c++) {
        s += (feature[offset + c] - mean[c]) * components[base + c];
      }
      out3[k] = (float) s;
    }
  }

  /** The map as colours, one pixel per cell. */
  public RgbImage toRgb(FeatureMap map) {
    // Cell for cell whatever the map's geometry in its image: the same grid, stretched over itself.
    return toRgb(new FeatureMap(map.width(), map.height(), map.dimension(), map.data()), map.width(), map.height());
  }

  /**
   * The map as colours at {@code width x height}, each pixel coloured by its nearest cell
   * ({@link FeatureMap#lookup}), e.g. at the image's size to overlay it.
   */
  public RgbImage toRgb(FeatureMap map, int width, int height) {
    if (map.dimension() != m) {
      throw new IllegalArgumentException("PCA was fitted on dimension " + m + ", the map has " + map.dimension());
    }
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException("image size must be positive, found " + width + "x" + height);
    }
    // Colour each cell once, then spread cells over pixels.
    int cells = map.width() * map.height();
    byte[] cellRgb = new byte[cells * 3];
    float[] p = new float[3];
    for (int i = 0; i < cells; i++) {
      project(map.data(), i * m, p);
      for (int k = 0; k < 3; k++) {
        float range = hi[k] - lo[k];
        float t = range > 0 ? (p[k] - lo[k]) / range : 0.5f;
        cellRgb[i * 3 + k] = (byte) Math.round(255 * Math.max(0f, Math.min(1f, t)));
      }
    }
    byte[] px = new byte[width * height * 3];
    for (int y = 0; y < height; y++) {
      int cy = map.cellY(y, height);
      for (int x = 0; x < width; x++) {
        int cx = map.cellX(x, width);
        System.arraycopy(cellRgb, (cy * map.width() + cx) * 3, px, (y * width + x) * 3, 3);
      }
    }
    return new RgbImage(width, height, px);
  }

  /** Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations; columns of {@code vectors} are eigenvectors. */
  static double[] jacobi(double[][] a0, double[][] vectors) {
    int n = a0.length;
    double[][] a = new double[n][];
    for (int i = 0; i < n; i++) {
      a[i] = a0[i].clone();
      Arrays.fill(vectors[i], 0);
      vectors[i][i] = 1;
    }
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0;
      double diag = 0;
      for (int i = 0; i < n; i++) {
        diag += a[i][i] * a[i][i];
        for (int j = i + 1; j < n; j++) {
          off += a[i][j] * a[i][j];
        }
      }
      if (off <= 1e-22 * Math.max(diag, 1e-300)) {
        break;
      }
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          double apq = a[p][q];
          if (Math.abs(apq) < 1e-300) {
            continue;
          }
          double theta = (a[q][q] - a[p][p]) / (2 * apq);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) {
            t = 1;
          }
          double c = 1 / Math.sqrt(t * t + 1);
          double s = t * c;
          for (int k = 0; k < n; k++) {
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
          }
          for (int k = 0; k < n; k++) {
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
          }
          for (int k = 0; k < n; k++) {
            double vkp = vectors[k][p];
            double vkq = vectors[k][q];
            vectors[k][p] = c * vkp - s * vkq;
            vectors[k][q] = s * vkp + c * vkq;
          }
        }
      }
    }
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = a[i][i];
    }
    return values;
  }
}
