package io.github.bakefeature.core.encodings;

import io.github.bakefeature.core.optim.Adam;
import io.github.bakefeature.core.optim.StateStreams;
import io.github.bakefeature.core.parallel.Parallel;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * instant-ngp's multiresolution hash encoding (Mueller et al. 2022) of points in the unit cube,
 * with hand-written, multi-threaded, allocation-free forward and backward kernels and its own
 * Adam.
 *
 * <h2>Definition</h2>
 * Level {@code l} ({@code 0 <= l < L}) has resolution {@code N_l = floor(N_min * b^l)} (b the
 * per-level scale, or {@code b = exp((ln N_max - ln N_min) / (L - 1))} when a maximum resolution
 * is given) and vertices {@code 0..N_l} per axis. A point {@code x} in {@code [0, 1]^3} is scaled
 * to {@code x N_l}; its cell is {@code i = min(floor(x N_l), N_l - 1)}, its fractional position
 * {@code f = x N_l - i} (so {@code x = 1} lies on the upper face of the last cell). The level's
 * {@code F} features are the trilinear interpolation of the 8 corner entries with weights
 * {@code prod_d (o_d ? f_d : 1 - f_d)}. Corner {@code (cx, cy, cz)} is entry
 * {@code cx + cy (N_l+1) + cz (N_l+1)^2} when the level's {@code (N_l+1)^3} vertices fit in the
 * table of {@code T = 2^log2TableSize} entries ("dense" level), else the spatial hash
 * {@code (cx * 1 xor cy * 2654435761 xor cz * 805459861) mod T} in uint32 arithmetic. Output
 * columns: level-major, {@code [l * F + f]}, {@code L F} columns.
 *
 * <p>Points outside the unit cube are clamped to it per coordinate (so a point slightly outside
 * takes the value on the boundary, and its input gradient across that boundary is 0). NaN inputs
 * produce NaN outputs.
 *
 * <h2>Parameter layout</h2>
 * One {@code float[]} of rows of {@code F} floats: level {@code l} occupies rows
 * {@code [rowOffset(l), rowOffset(l) + levelRows(l))} with {@code levelRows = min((N_l+1)^3, T)}.
 * Level offsets are rounded up to multiples of 64 (so the touched-row bitset of two levels never
 * shares a word); padding rows are never read. With the defaults (16 levels, 2 features, 2^19,
 * base 16, scale 2) the 3 coarsest levels are dense and there are 14.3M parameters rather than
 * 16 x 2^19 x 2. Initialised uniform in {@code [-initRange, initRange]} (default 1e-4) from the seed.
 *
 * <h2>Training</h2>
 * {@link #backward} scatters {@code dL/doutput} into a gradient array of the parameters' layout;
 * work is split by level so no two threads add into the same row, which also makes the result
 * independent of the thread count (each level adds its points in order). Points whose upstream
 * gradient is exactly 0 at a level are skipped. {@link #step} runs Adam (betas 0.9 / 0.99,
 * epsilon 1e-15 by default): sparse by default, updating only rows that received a gradient
 * since the last step, each with its own step count for bias correction ({@link Adam} explains
 * how this differs from dense Adam, which is available with {@code optSparseUpdates(false)}).
 *
 * <p>{@code encode} and {@link #inputGradient} may run concurrently with each other; training
 * calls ({@link #backward}, {@link #step}, {@link #readState}) come from one thread and must not
 * overlap encoding that needs a consistent parameter set.
 */
public final class HashGridEncoding implements TrainableEncoding {
  /** The spatial-hash primes of instant-ngp (the first is 1: x is used as is). */
  static final int PRIME_Y = (int) 2654435761L;
  static final int PRIME_Z = 805459861;
  private static final int MAGIC = 0x48475244; // "HGRD"
  private static final int VERSION = 2;
  /** Points per block in the kernels: a block's inputs and outputs stay in L1/L2 across levels. */
  private static final int CHUNK = 256;

  private final int levels;
  private final int features;
  private final int log2TableSize;
  private final int tableSize;
  private final int mask;
  private final int baseResolution;
  private final double perLevelScale;
  private final long seed;
  private final float initRange;
  private final boolean sparse;

  private final int[] resolution;
  private final float[] scale;
  private final boolean[] dense;
  private final int[] rowOffset;
  private final int[] levelRows;
  private final int totalRows;

  private final float[] params;
  private final float[] grads;
  private final long[] touched;
  private final Adam adam;
  private long steps;
  /** Work items a call is split into; independent of the pool size for reproducibility tests. */
  private volatile int tasks = Parallel.threads();

  private HashGridEncoding(Builder b) {
    this.levels = b.levels;
    this.features = b.features;
    this.log2TableSize = b.log2TableSize;
    this.tableSize = 1 << log2TableSize;
    this.mask = tableSize - 1;
    this.baseResolution = b.baseResolution;
    this.perLevelScale = b.maxResolution > 0
        ? (levels == 1 ? 1.0 : Math.exp((Math.log(b.maxResolution) - Math.log(baseResolution)) / (levels - 1)))
        : b.perLevelScale;
    this.seed = b.seed;
    this.initRange = b.initRange;
    this.sparse = b.sparse;

    resolution = new int[levels];
    scale = new float[levels];
    dense = new boolean[levels];
    rowOffset = new int[levels];
    levelRows = new int[levels];
    long rows = 0;
    for (int l = 0; l < levels; l++) {
      // The small epsilon keeps floor() from losing a whole unit to rounding when b^l is an
      // integer ratio computed inexactly (e.g. the last level of a derived scale).
      double n = Math.floor(baseResolution * Math.pow(perLevelScale, l) + 1e-6);
      if (n > (1 << 30)) {
        throw new IllegalArgumentException("level " + l + " resolution " + n + " exceeds 2^30; lower the "
            + "level count, base resolution or per-level scale");
      }
      resolution[l] = (int) n;
      scale[l] = (float) n;
      long side = (long) n + 1;
      long vertices = side * side * side;
      dense[l] = vertices <= tableSize;
      levelRows[l] = (int) Math.min(vertices, tableSize);
      rowOffset[l] = (int) rows;
      rows += (levelRows[l] + 63L) & ~63L;
    }
    if (rows * features > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("hash grid of " + rows + " rows x " + features
          + " features does not fit a Java array; lower the table size or level count");
    }
    totalRows = (int) rows;
    params = new float[totalRows * features];
    grads = new float[totalRows * features];
    touched = new long[(totalRows + 63) >>> 6];
    adam = Adam.builder().optBeta1(b.beta1).optBeta2(b.beta2).optEpsilon(b.epsilon).optRowWidth(features)
        .build(params.length);
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < params.length; i++) {
      params[i] = (float) ((2 * random.nextDouble() - 1) * initRange);
    }
  }

  /** Inference-only copy: same configuration and parameters, no gradient or optimiser memory. */
  private HashGridEncoding(HashGridEncoding src) {
    this.levels = src.levels;
    this.features = src.features;
    this.log2TableSize = src.log2TableSize;
    this.tableSize = src.tableSize;
    this.mask = src.mask;
    this.baseResolution = src.baseResolution;
    this.perLevelScale = src.perLevelScale;
    this.seed = src.seed;
    this.initRange = src.initRange;
    this.sparse = src.sparse;
    this.resolution = src.resolution;
    this.scale = src.scale;
    this.dense = src.dense;
    this.rowOffset = src.rowOffset;
    this.levelRows = src.levelRows;
    this.totalRows = src.totalRows;
    this.params = src.params.clone();
    this.grads = null;
    this.touched = null;
    this.adam = null;
    this.steps = src.steps;
  }

  /**
   * A copy of the parameters for rendering while the original keeps training: it encodes exactly
   * like this grid did at the time of the copy, holds no gradient or Adam memory (a third of the
   * original's), and refuses {@link #backward}, {@link #step} and state I/O.
   */
  @Override
  public HashGridEncoding frozenCopy() {
    return new HashGridEncoding(this);
  }

  private void checkTrainable() {
    if (adam == null) {
      throw new IllegalStateException("this hash grid is a frozen copy for inference; it cannot be trained");
    }
  }

  /** A builder with the paper's settings: 16 levels x 2 features, 2^19 entries, base 16, scale 2. */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- configuration

  @Override
  public int inputDimension() {
    return 3;
  }

  @Override
  public int outputDimension() {
    return levels * features;
  }

  @Override
  public long parameterCount() {
    return params.length;
  }

  /** Number of levels L. */
  public int levels() {
    return levels;
  }

  /** Features per level F. */
  public int featuresPerLevel() {
    return features;
  }

  /** log2 of the per-level table size T. */
  public int log2TableSize() {
    return log2TableSize;
  }

  /** Coarsest resolution N_min. */
  public int baseResolution() {
    return baseResolution;
  }

  /** Per-level scale b (given or derived from the maximum resolution). */
  public double perLevelScale() {
    return perLevelScale;
  }

  /** Grid resolution N_l (cells per axis) of level {@code l}. */
  public int resolution(int level) {
    return resolution[level];
  }

  /** Whether level {@code l} indexes its vertices densely (no hashing). */
  public boolean isDense(int level) {
    return dense[level];
  }

  /** First row of level {@code l} in {@link #parameters()} (a row is F floats). */
  public int rowOffset(int level) {
    return rowOffset[level];
  }

  /** Rows used by level {@code l}: {@code min((N_l+1)^3, T)}. */
  public int levelRows(int level) {
    return levelRows[level];
  }

  /** Rows in the parameter array, including alignment padding. */
  public int rowCount() {
    return totalRows;
  }

  /** Whether {@link #step} is the sparse (touched rows only) Adam. */
  public boolean sparseUpdates() {
    return sparse;
  }

  /** Number of {@link #step} calls so far. */
  public long steps() {
    return steps;
  }

  /**
   * Sets the step count that {@link #steps} reports and {@link #writeState} saves: for a device
   * back-end that trains this grid's mirrored state elsewhere and syncs it back before saving.
   */
  public void setSteps(long steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("steps must be >= 0, got " + steps);
    }
    this.steps = steps;
  }

  /**
   * The live parameter array ({@code [rowCount(), F]}, see the class comment); writes are seen by
   * the next call. Exposed for tests, references and custom initialisation.
   */
  public float[] parameters() {
    return params;
  }

  /** The live accumulated gradient, same layout as {@link #parameters()}. */
  public float[] gradients() {
    return grads;
  }

  /** The encoding's Adam (row width F). */
  public Adam optimizer() {
    return adam;
  }

  /** Splits calls into {@code n} work items (default: the pool size); results do not depend on it. */
  void setTasks(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("tasks must be >= 1, got " + n);
    }
    tasks = n;
  }

  // ---------------------------------------------------------------- forward

  @Override
  public void encode(float[] input, int count, float[] output, int outputStride, int outputOffset) {
    Checks.batch(this, input, count, output, outputStride, outputOffset, "output");
    int n = count < 2 * CHUNK ? 1 : tasks;
    Parallel.forRange(n, 1, (from, to, w) -> {
      for (int t = from; t < to; t++) {
        int a = (int) ((long) count * t / n);
        int b = (int) ((long) count * (t + 1) / n);
        if (features == 2) {
          forward2(input, a, b, output, outputStride, outputOffset);
        } else {
          forwardGeneric(input, a, b, output, outputStride, outputOffset);
        }
      }
    });
  }

  private static float clamp01(float v) {
    return v < 0f ? 0f : (v > 1f ? 1f : v);
  }

  private void forward2(float[] in, int from, int to, float[] out, int stride, int offset) {
    final float[] p = params;
    final int msk = mask;
    for (int c0 = from; c0 < to; c0 += CHUNK) {
      final int c1 = Math.min(to, c0 + CHUNK);
      for (int l = 0; l < levels; l++) {
        final float s = scale[l];
        final int last = resolution[l] - 1;
        final int ro = rowOffset[l];
        final int col = offset + 2 * l;
        if (dense[l]) {
          final int s1 = resolution[l] + 1;
          final int s2 = s1 * s1;
          for (int i = c0; i < c1; i++) {
            float px = clamp01(in[3 * i]) * s;
            float py = clamp01(in[3 * i + 1]) * s;
            float pz = clamp01(in[3 * i + 2]) * s;
            int ix = Math.min((int) px, last);
            int iy = Math.min((int) py, last);
            int iz = Math.min((int) pz, last);
            float fx = px - ix;
            float fy = py - iy;
            float fz = pz - iz;
            float gx = 1f - fx;
            float w00 = (1f - fy) * (1f - fz);
            float w10 = fy * (1f - fz);
            float w01 = (1f - fy) * fz;
            float w11 = fy * fz;
            int b000 = 2 * (ro + ix + iy * s1 + iz * s2);
            int b010 = b000 + 2 * s1;
            int b001 = b000 + 2 * s2;
            int b011 = b001 + 2 * s1;
            float v0 = w00 * (gx * p[b000] + fx * p[b000 + 2]) + w10 * (gx * p[b010] + fx * p[b010 + 2])
                + w01 * (gx * p[b001] + fx * p[b001 + 2]) + w11 * (gx * p[b011] + fx * p[b011 + 2]);
            float v1 = w00 * (gx * p[b000 + 1] + fx * p[b000 + 3]) + w10 * (gx * p[b010 + 1] + fx * p[b010 + 3])
                + w01 * (gx * p[b001 + 1] + fx * p[b001 + 3]) + w11 * (gx * p[b011 + 1] + fx * p[b011 + 3]);
            int o = i * stride + col;
            out[o] = v0;
            out[o + 1] = v1;
          }
        } else {
          for (int i = c0; i < c1; i++) {
            float px = clamp01(in[3 * i]) * s;
            float py = clamp01(in[3 * i + 1]) * s;
            float pz = clamp01(in[3 * i + 2]) * s;
            int ix = Math.min((int) px, last);
            int iy = Math.min((int) py, last);
            int iz = Math.min((int) pz, last);
            float fx = px - ix;
            float fy = py - iy;
            float fz = pz - iz;
            float gx = 1f - fx;
            float w00 = (1f - fy) * (1f - fz);
            float w10 = fy * (1f - fz);
            float w01 = (1f - fy) * fz;
            float w11 = fy * fz;
            int hy0 = iy * PRIME_Y;
            int hy1 = hy0 + PRIME_Y;
            int hz0 = iz * PRIME_Z;
            int hz1 = hz0 + PRIME_Z;
            int h00 = hy0 ^ hz0;
            int h10 = hy1 ^ hz0;
            int h01 = hy0 ^ hz1;
            int h11 = hy1 ^ hz1;
            int ix1 = ix + 1;
            int a000 = 2 * (ro + ((ix ^ h00) & msk));
            int a100 = 2 * (ro + ((ix1 ^ h00) & msk));
            int a010 = 2 * (ro + ((ix ^ h10) & msk));
            int a110 = 2 * (ro + ((ix1 ^ h10) & msk));
            int a001 = 2 * (ro + ((ix ^ h01) & msk));
            int a101 = 2 * (ro + ((ix1 ^ h01) & msk));
            int a011 = 2 * (ro + ((ix ^ h11) & msk));
            int a111 = 2 * (ro + ((ix1 ^ h11) & msk));
            float v0 = w00 * (gx * p[a000] + fx * p[a100]) + w10 * (gx * p[a010] + fx * p[a110])
                + w01 * (gx * p[a001] + fx * p[a101]) + w11 * (gx * p[a011] + fx * p[a111]);
            float v1 = w00 * (gx * p[a000 + 1] + fx * p[a100 + 1]) + w10 * (gx * p[a010 + 1] + fx * p[a110 + 1])
                + w01 * (gx * p[a001 + 1] + fx * p[a101 + 1]) + w11 * (gx * p[a011 + 1] + fx * p[a111 + 1]);
            int o = i * stride + col;
            out[o] = v0;
            out[o + 1] = v1;
          }
        }
      }
    }
  }

  /**
   * Rows of the 8 corners of the cell of point {@code i} at level {@code l} (corner
   * {@code c = cx | cy << 1 | cz << 2}) into {@code rows[0..8)}, and the fractional
   * position into {@code frac[0..3)}; returns a bit mask of coordinates that were clamped.
   */
  private int corners(int l, float[] in, int i, int[] rows, float[] frac) {
    float s = scale[l];
    int last = resolution[l] - 1;
    int clamped = 0;
    float x = in[3 * i];
    float y = in[3 * i + 1];
    float z = in[3 * i + 2];
    clamped |= (x >= 0f && x <= 1f) ? 0 : 1;
    clamped |= (y >= 0f && y <= 1f) ? 0 : 2;
    clamped |= (z >= 0f && z <= 1f) ? 0 : 4;
    float px = clamp01(x) * s;
    float py = clamp01(y) * s;
    float pz = clamp01(z) * s;
    int cx = Math.min((int) px, last);
    int cy = Math.min((int) py, last);
    int cz = Math.min((int) pz, last);
    frac[0] = px - cx;
    frac[1] = py - cy;
    frac[2] = pz - cz;
    int ro = rowOffset[l];
    if (dense[l]) {
      int s1 = resolution[l] + 1;
      int s2 = s1 * s1;
      int r = ro + cx + cy * s1 + cz * s2;
      for (int c = 0; c < 8; c++) {
        rows[c] = r + (c & 1) + ((c >> 1) & 1) * s1 + ((c >> 2) & 1) * s2;
      }
    } else {
      for (int c = 0; c < 8; c++) {
        int hx = cx + (c & 1);
        int hy = (cy + ((c >> 1) & 1)) * PRIME_Y;
        int hz = (cz + ((c >> 2) & 1)) * PRIME_Z;
        rows[c] = ro + ((hx ^ hy ^ hz) & mask);
      }
    }
    return clamped;
  }

  private static float weight(float[] frac, int c) {
    float wx = (c & 1) != 0 ? frac[0] : 1f - frac[0];
    float wy = (c & 2) != 0 ? frac[1] : 1f - frac[1];
    float wz = (c & 4) != 0 ? frac[2] : 1f - frac[2];
    return wx * wy * wz;
  }

  private void forwardGeneric(float[] in, int from, int to, float[] out, int stride, int offset) {
    int[] rows = new int[8];
    float[] frac = new float[3];
    int fCount = features;
    for (int i = from; i < to; i++) {
      for (int l = 0; l < levels; l++) {
        corners(l, in, i, rows, frac);
        int o = i * stride + offset + l * fCount;
        for (int f = 0; f < fCount; f++) {
          out[o + f] = 0f;
        }
        for (int c = 0; c < 8; c++) {
          float w = weight(frac, c);
          int b = rows[c] * fCount;
          for (int f = 0; f < fCount; f++) {
            out[o + f] += w * params[b + f];
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------- backward

  @Override
  public void backward(float[] input, int count, float[] gradOutput, int gradStride, int gradOffset) {
    scatter(input, count, gradOutput, gradStride, gradOffset, false, 0f);
  }

  /**
   * Fused with the sparse Adam step: each task updates its own levels' rows right after scattering
   * their gradient, while the level's gradient and parameter lines are still in cache, and no
   * second pass over the pool is needed. Bit-identical to {@link #backward} then {@link #step}
   * (rows are independent; a level's rows are only touched by the task that owns the level).
   */
  @Override
  public void backwardAndStep(float[] input, int count, float[] gradOutput, int gradStride, int gradOffset,
      float learningRate) {
    if (!sparse) {
      TrainableEncoding.super.backwardAndStep(input, count, gradOutput, gradStride, gradOffset, learningRate);
      return;
    }
    scatter(input, count, gradOutput, gradStride, gradOffset, true, learningRate);
    steps++;
  }

  /** Scatters the gradient level by level; with {@code fused}, steps each level's rows right after. */
  private void scatter(float[] input, int count, float[] gradOutput, int gradStride, int gradOffset,
      boolean fused, float learningRate) {
    checkTrainable();
    Checks.batch(this, input, count, gradOutput, gradStride, gradOffset, "gradOutput");
    int n = Math.min(levels, count < 2 * CHUNK && !fused ? 1 : tasks);
    // Task t owns levels t, t + n, ...: interleaving balances cheap dense and costly hashed levels,
    // and ownership by level means no two threads ever add into the same row (levels start on
    // 64-row boundaries, so they never share a word of the touched-row bitset either).
    Parallel.forRange(n, 1, (from, to, w) -> {
      for (int t = from; t < to; t++) {
        for (int l = t; l < levels; l += n) {
          if (features == 2) {
            backward2(input, count, gradOutput, gradStride, gradOffset, l);
          } else {
            backwardGeneric(input, count, gradOutput, gradStride, gradOffset, l);
          }
          if (fused) {
            adam.stepTouched(params, grads, learningRate, touched, rowOffset[l] >>> 6,
                (rowOffset[l] + levelRows[l] + 63) >>> 6);
          }
        }
      }
    });
  }

  /** Scatters level {@code l}'s gradient of all points (one table at a time keeps it in cache). */
  private void backward2(float[] in, int count, float[] gout, int stride, int offset, int l) {
    final float[] g = grads;
    final long[] bits = touched;
    final boolean track = sparse;
    final int msk = mask;
    final float s = scale[l];
    final int last = resolution[l] - 1;
    final int ro = rowOffset[l];
    final int col = offset + 2 * l;
    final boolean isDense = dense[l];
    final int s1 = resolution[l] + 1;
    final int s2 = s1 * s1;
    for (int i = 0; i < count; i++) {
      int o = i * stride + col;
      float g0 = gout[o];
      float g1 = gout[o + 1];
      if (g0 == 0f && g1 == 0f) {
        continue;
      }
      float px = clamp01(in[3 * i]) * s;
      float py = clamp01(in[3 * i + 1]) * s;
      float pz = clamp01(in[3 * i + 2]) * s;
      int ix = Math.min((int) px, last);
      int iy = Math.min((int) py, last);
      int iz = Math.min((int) pz, last);
      float fx = px - ix;
      float fy = py - iy;
      float fz = pz - iz;
      float gx = 1f - fx;
      float w00 = (1f - fy) * (1f - fz);
      float w10 = fy * (1f - fz);
      float w01 = (1f - fy) * fz;
      float w11 = fy * fz;
      int r000;
      int r100;
      int r010;
      int r110;
      int r001;
      int r101;
      int r011;
      int r111;
      if (isDense) {
        r000 = ro + ix + iy * s1 + iz * s2;
        r100 = r000 + 1;
        r010 = r000 + s1;
        r110 = r010 + 1;
        r001 = r000 + s2;
        r101 = r001 + 1;
        r011 = r001 + s1;
        r111 = r011 + 1;
      } else {
        int hy0 = iy * PRIME_Y;
        int hy1 = hy0 + PRIME_Y;
        int hz0 = iz * PRIME_Z;
        int hz1 = hz0 + PRIME_Z;
        int h00 = hy0 ^ hz0;
        int h10 = hy1 ^ hz0;
        int h01 = hy0 ^ hz1;
        int h11 = hy1 ^ hz1;
        int ix1 = ix + 1;
        r000 = ro + ((ix ^ h00) & msk);
        r100 = ro + ((ix1 ^ h00) & msk);
        r010 = ro + ((ix ^ h10) & msk);
        r110 = ro + ((ix1 ^ h10) & msk);
        r001 = ro + ((ix ^ h01) & msk);
        r101 = ro + ((ix1 ^ h01) & msk);
        r011 = ro + ((ix ^ h11) & msk);
        r111 = ro + ((ix1 ^ h11) & msk);
      }
      float w;
      w = gx * w00;
      g[2 * r000] += w * g0;
      g[2 * r000 + 1] += w * g1;
      w = fx * w00;
      g[2 * r100] += w * g0;
      g[2 * r100 + 1] += w * g1;
      w = gx * w10;
      g[2 * r010] += w * g0;
      g[2 * r010 + 1] += w * g1;
      w = fx * w10;
      g[2 * r110] += w * g0;
      g[2 * r110 + 1] += w * g1;
      w = gx * w01;
      g[2 * r001] += w * g0;
      g[2 * r001 + 1] += w * g1;
      w = fx * w01;
      g[2 * r101] += w * g0;
      g[2 * r101 + 1] += w * g1;
      w = gx * w11;
      g[2 * r011] += w * g0;
      g[2 * r011 + 1] += w * g1;
      w = fx * w11;
      g[2 * r111] += w * g0;
      g[2 * r111 + 1] += w * g1;
      if (track) {
        bits[r000 >>> 6] |= 1L << r000;
        bits[r100 >>> 6] |= 1L << r100;
        bits[r010 >>> 6] |= 1L << r010;
        bits[r110 >>> 6] |= 1L << r110;
        bits[r001 >>> 6] |= 1L << r001;
        bits[r101 >>> 6] |= 1L << r101;
        bits[r011 >>> 6] |= 1L << r011;
        bits[r111 >>> 6] |= 1L << r111;
      }
    }
  }

  private void backwardGeneric(float[] in, int count, float[] gout, int stride, int offset, int l) {
    int[] rows = new int[8];
    float[] frac = new float[3];
    int fCount = features;
    for (int i = 0; i < count; i++) {
      int o = i * stride + offset + l * fCount;
      boolean zero = true;
      for (int f = 0; f < fCount; f++) {
        zero &= gout[o + f] == 0f;
      }
      if (zero) {
        continue;
      }
      corners(l, in, i, rows, frac);
      for (int c = 0; c < 8; c++) {
        float w = weight(frac, c);
        int r = rows[c];
        for (int f = 0; f < fCount; f++) {
          grads[r * fCount + f] += w * gout[o + f];
        }
        if (sparse) {
          touched[r >>> 6] |= 1L << r;
        }
      }
    }
  }

  /**
   * Vector-Jacobian product with respect to the input: writes {@code dL/dx}
   * ({@code [count, 3]}) into {@code gradInput}, given {@code dL/doutput} laid out like
   * {@code encode}'s output. The encoding is piecewise trilinear, so this is the derivative
   * inside the cell (one-sided on cell faces); it is 0 along coordinates that were clamped.
   */
  public void inputGradient(float[] input, int count, float[] gradOutput, int gradStride, int gradOffset,
      float[] gradInput) {
    Checks.batch(this, input, count, gradOutput, gradStride, gradOffset, "gradOutput");
    Checks.length("gradInput", gradInput, 3L * count);
    Parallel.forRange(count, CHUNK, (from, to, w) -> {
      int[] rows = new int[8];
      float[] frac = new float[3];
      int fCount = features;
      for (int i = from; i < to; i++) {
        float dx = 0f;
        float dy = 0f;
        float dz = 0f;
        int clampedAny = 0;
        for (int l = 0; l < levels; l++) {
          clampedAny |= corners(l, input, i, rows, frac);
          int o = i * gradStride + gradOffset + l * fCount;
          float fx = frac[0];
          float fy = frac[1];
          float fz = frac[2];
          float lx = 0f;
          float ly = 0f;
          float lz = 0f;
          for (int c = 0; c < 8; c++) {
            float dot = 0f;
            int b = rows[c] * fCount;
            for (int f = 0; f < fCount; f++) {
              dot += params[b + f] * gradOutput[o + f];
            }
            float wx = (c & 1) != 0 ? fx : 1f - fx;
            float wy = (c & 2) != 0 ? fy : 1f - fy;
            float wz = (c & 4) != 0 ? fz : 1f - fz;
            float sx = (c & 1) != 0 ? 1f : -1f;
            float sy = (c & 2) != 0 ? 1f : -1f;
            float sz = (c & 4) != 0 ? 1f : -1f;
            lx += dot * sx * wy * wz;
            ly += dot * wx * sy * wz;
            lz += dot * wx * wy * sz;
          }
          float s = scale[l];
          dx += lx * s;
          dy += ly * s;
          dz += lz * s;
        }
        gradInput[3 * i] = (clampedAny & 1) != 0 ? 0f : dx;
        gradInput[3 * i + 1] = (clampedAny & 2) != 0 ? 0f : dy;
        gradInput[3 * i + 2] = (clampedAny & 4) != 0 ? 0f : dz;
      }
    });
  }

  // ---------------------------------------------------------------- optimiser

  @Override
  public void step(float learningRate) {
    checkTrainable();
    if (sparse) {
      adam.stepTouched(params, grads, learningRate, touched);
    } else {
      adam.step(params, grads, learningRate);
    }
    steps++;
  }

  @Override
  public void zeroGradients() {
    checkTrainable();
    if (sparse) {
      Parallel.forRange(touched.length, 1 << 10, (from, to, w) -> {
        for (int wi = from; wi < to; wi++) {
          long b = touched[wi];
          touched[wi] = 0;
          while (b != 0) {
            int r = (wi << 6) + Long.numberOfTrailingZeros(b);
            b &= b - 1;
            Arrays.fill(grads, r * features, (r + 1) * features, 0f);
          }
        }
      });
    } else {
      Arrays.fill(grads, 0f);
    }
  }

  // ---------------------------------------------------------------- state

  /**
   * Writes the configuration fingerprint, step count, parameters and Adam state (not the
   * accumulated gradient of an unfinished step).
   */
  @Override
  public void writeState(DataOutputStream out) throws IOException {
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeInt(levels);
    out.writeInt(features);
    out.writeInt(log2TableSize);
    out.writeInt(totalRows);
    for (int l = 0; l < levels; l++) {
      out.writeInt(resolution[l]);
    }
    out.writeLong(steps);
    StateStreams.writeFloats(out, params, 0, params.length);
    // A frozen copy (a model snapshot) has parameters but no optimiser state to save.
    out.writeBoolean(adam != null);
    if (adam != null) {
      adam.writeState(out);
    }
  }


  /**
   * Restores {@link #writeState}'s output from a grid of the same levels, features, table size
   * and resolutions, and discards any accumulated gradient. A configuration mismatch is reported
   * before anything is changed; after a truncated stream the grid's state is unspecified.
   */
  @Override
  public void readState(DataInputStream in) throws IOException {
    checkTrainable();
    int magic = in.readInt();
    if (magic != MAGIC) {
      throw new IOException("not a hash grid state: expected magic 0x" + Integer.toHexString(MAGIC)
          + ", found 0x" + Integer.toHexString(magic));
    }
    StateStreams.expectInt(in, VERSION, "hash grid state version");
    StateStreams.expectInt(in, levels, "hash grid levels");
    StateStreams.expectInt(in, features, "hash grid features per level");
    StateStreams.expectInt(in, log2TableSize, "hash grid log2 table size");
    StateStreams.expectInt(in, totalRows, "hash grid rows");
    for (int l = 0; l < levels; l++) {
      StateStreams.expectInt(in, resolution[l], "hash grid resolution of level " + l);
    }
    long readSteps = in.readLong();
    zeroGradients();
    StateStreams.readFloats(in, params, 0, params.length);
    if (in.readBoolean()) {
      adam.readState(in);
    } else {
      // Written by a model snapshot: training resumes with fresh moments.
      adam.reset();
    }
    steps = readSteps;
  }

  @Override
  public String toString() {
    return "HashGridEncoding[L=" + levels + ", F=" + features + ", T=2^" + log2TableSize + ", Nmin="
        + baseResolution + ", b=" + perLevelScale + ", Nmax=" + resolution[levels - 1] + ", params="
        + params.length + (sparse ? ", sparse Adam]" : ", dense Adam]");
  }

  /** Settings of a {@link HashGridEncoding}; defaults are the paper's. */
  public static final class Builder {
    private int levels = 16;
    private int features = 2;
    private int log2TableSize = 19;
    private int baseResolution = 16;
    private double perLevelScale = 2.0;
    private int maxResolution;
    private long seed = 42;
    private float initRange = 1e-4f;
    private float beta1 = 0.9f;
    private float beta2 = 0.99f;
    private float epsilon = 1e-15f;
    private boolean sparse = true;

    private Builder() {}

    /** Number of levels L in [1, 32]; default 16. */
    public Builder optLevels(int levels) {
      if (levels < 1 || levels > 32) {
        throw new IllegalArgumentException("levels must be in [1, 32], got " + levels);
      }
      this.levels = levels;
      return this;
    }

    /** Features per level F in [1, 8]; default 2. */
    public Builder optFeaturesPerLevel(int features) {
      if (features < 1 || features > 8) {
        throw new IllegalArgumentException("features per level must be in [1, 8], got " + features);
      }
      this.features = features;
      return this;
    }

    /** log2 of the entries per level T in [4, 26]; default 19. */
    public Builder optLog2TableSize(int log2TableSize) {
      if (log2TableSize < 4 || log2TableSize > 26) {
        throw new IllegalArgumentException("log2 table size must be in [4, 26], got " + log2TableSize);
      }
      this.log2TableSize = log2TableSize;
      return this;
    }

    /** Coarsest resolution N_min >= 1; default 16. */
    public Builder optBaseResolution(int baseResolution) {
      if (baseResolution < 1) {
        throw new IllegalArgumentException("base resolution must be >= 1, got " + baseResolution);
      }
      this.baseResolution = baseResolution;
      return this;
    }

    /** Per-level scale b >= 1; default 2.0. Clears a maximum resolution set before. */
    public Builder optPerLevelScale(double perLevelScale) {
      if (!(perLevelScale >= 1.0) || Double.isInfinite(perLevelScale)) {
        throw new IllegalArgumentException("per-level scale must be finite and >= 1, got " + perLevelScale);
      }
      this.perLevelScale = perLevelScale;
      this.maxResolution = 0;
      return this;
    }

    /**
     * Finest resolution N_max: derives {@code b = exp((ln N_max - ln N_min) / (L - 1))} (at build
     * time, so it may be set before or after the level count).
     */
    public Builder optMaxResolution(int maxResolution) {
      if (maxResolution < 1) {
        throw new IllegalArgumentException("max resolution must be >= 1, got " + maxResolution);
      }
      this.maxResolution = maxResolution;
      return this;
    }

    /** Seed of the parameter initialisation; default 42. */
    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Half-width of the uniform initialisation; default 1e-4 (instant-ngp). */
    public Builder optInitRange(float initRange) {
      if (!(initRange >= 0f) || Float.isInfinite(initRange)) {
        throw new IllegalArgumentException("init range must be finite and >= 0, got " + initRange);
      }
      this.initRange = initRange;
      return this;
    }

    /** Adam's first-moment decay; default 0.9. */
    public Builder optBeta1(float beta1) {
      this.beta1 = beta1;
      return this;
    }

    /** Adam's second-moment decay; default 0.99. */
    public Builder optBeta2(float beta2) {
      this.beta2 = beta2;
      return this;
    }

    /** Adam's epsilon; default 1e-15. */
    public Builder optEpsilon(float epsilon) {
      this.epsilon = epsilon;
      return this;
    }

    /** Sparse (touched rows only, default) or dense Adam; see {@link Adam}. */
    public Builder optSparseUpdates(boolean sparse) {
      this.sparse = sparse;
      return this;
    }

    public HashGridEncoding build() {
      if (maxResolution > 0 && maxResolution < baseResolution) {
        throw new IllegalArgumentException("max resolution " + maxResolution + " is below the base resolution "
            + baseResolution);
      }
      return new HashGridEncoding(this);
    }
  }
}
