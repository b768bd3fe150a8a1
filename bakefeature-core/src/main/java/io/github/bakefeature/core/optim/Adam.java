package io.github.bakefeature.core.optim;

import io.github.bakefeature.core.parallel.Parallel;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Adam (Kingma and Ba) for a block of parameters held in a {@code float[]}, organised in rows of
 * {@link #rowWidth()} floats (a hash-grid table entry with its features, or single floats).
 *
 * <p>Update of one row with gradient {@code g}, learning rate {@code lr} and the row's own step
 * count {@code t} (incremented first, starting at 1), in float arithmetic:
 * <pre>
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g * g
 *   p = p - lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + epsilon)
 * </pre>
 * This is PyTorch's bias-corrected Adam with epsilon added to the un-corrected {@code sqrt(v)}
 * (the form of tiny-cuda-nn and DJL); with the default epsilon 1e-15 the difference is nil.
 *
 * <p>Two kinds of step:
 * <ul>
 *   <li><b>dense</b> ({@link #step}): every row is updated, zero gradient or not; with every row's
 *       count equal this is exactly textbook Adam.
 *   <li><b>sparse</b> ({@link #stepTouched}): only rows flagged in a bitset are updated ("lazy"
 *       Adam, as tiny-cuda-nn does for its encodings by skipping zero gradients). An untouched row
 *       keeps its moments <i>and its step count</i>: its moments do not decay and it takes no
 *       momentum step, and its bias correction uses the number of steps in which it was touched.
 *       Dense Adam would instead keep moving an untouched row along its decaying momentum. When
 *       every row is touched in every step the two are bit-identical.
 * </ul>
 * Both clear the gradient of the rows they update, so the caller can accumulate the next batch
 * into the same array.
 *
 * <p>Not thread-safe as a whole; the range variants may run concurrently on disjoint rows (and,
 * for {@link #stepTouched(float[], float[], float, long[], int, int)}, disjoint bitset words).
 */
public final class Adam {
  private static final int MAGIC = 0x4144414d; // "ADAM"
  private static final int VERSION = 1;
  private static final int FACTOR_TABLE_MAX = 1 << 16;

  private final int rows;
  private final int rowWidth;
  private final float beta1;
  private final float beta2;
  private final float epsilon;
  private final float[] m;
  private final float[] v;
  private final int[] rowSteps;
  /** factors[t] = sqrt(1 - beta2^t) / (1 - beta1^t) for t in [1, length); 1 beyond convergeStep. */
  private final float[] factors;
  private final int convergeStep;

  private Adam(Builder b, int parameterCount) {
    this.rowWidth = b.rowWidth;
    this.rows = parameterCount / b.rowWidth;
    this.beta1 = b.beta1;
    this.beta2 = b.beta2;
    this.epsilon = b.epsilon;
    this.m = new float[parameterCount];
    this.v = new float[parameterCount];
    this.rowSteps = new int[rows];
    // Beyond the step where beta^t < 1e-10 the factor is 1 to float precision.
    double slow = Math.max(beta1, beta2);
    long converge = slow <= 0 ? 1 : (long) Math.ceil(Math.log(1e-10) / Math.log(slow)) + 1;
    this.convergeStep = (int) Math.min(Integer.MAX_VALUE, converge);
    this.factors = new float[(int) Math.min(FACTOR_TABLE_MAX, converge + 1)];
    for (int t = 1; t < factors.length; t++) {
      factors[t] = computeFactor(t);
    }
  }

  /** A builder with the instant-ngp defaults: betas 0.9 / 0.99, epsilon 1e-15, row width 1. */
  public static Builder builder() {
    return new Builder();
  }

  /** Number of rows (parameters / row width). */
  public int rowCount() {
    return rows;
  }

  /** Floats per row; a row is updated (and counted) as a unit. */
  public int rowWidth() {
    return rowWidth;
  }

  public float beta1() {
    return beta1;
  }

  public float beta2() {
    return beta2;
  }

  public float epsilon() {
    return epsilon;
  }

  /** Number of updates row {@code row} has received. */
  public int rowSteps(int row) {
    return rowSteps[row];
  }

  /**
   * The live first moments ({@code [rowCount() * rowWidth()]}); with {@link #secondMoments()} and
   * {@link #rowStepCounts()} this is the whole state, exposed so a device back-end can mirror it
   * (download before {@link #writeState}, upload after {@link #readState}).
   */
  public float[] firstMoments() {
    return m;
  }

  /** The live second moments, laid out like {@link #firstMoments()}. */
  public float[] secondMoments() {
    return v;
  }

  /** The live per-row step counts ({@code [rowCount()]}). */
  public int[] rowStepCounts() {
    return rowSteps;
  }

  /** The bias-correction factor {@code sqrt(1 - beta2^t) / (1 - beta1^t)} of step {@code t >= 1}. */
  public float biasCorrection(int t) {
    if (t < factors.length) {
      return factors[t];
    }
    return t >= convergeStep ? 1f : computeFactor(t);
  }

  private float computeFactor(int t) {
    return (float) (Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t)));
  }

  /** Dense step of every row, split over the shared worker pool; clears {@code gradients}. */
  public void step(float[] parameters, float[] gradients, float learningRate) {
    checkArrays(parameters, gradients);
    Parallel.forRange(rows, 1 << 14, (from, to, w) -> step(parameters, gradients, learningRate, from, to));
  }

  /** Dense step of rows {@code [fromRow, toRow)} on the calling thread; clears their gradient. */
  public void step(float[] parameters, float[] gradients, float learningRate, int fromRow, int toRow) {
    checkArrays(parameters, gradients);
    if (fromRow < 0 || toRow > rows || fromRow > toRow) {
      throw new IllegalArgumentException("row range [" + fromRow + ", " + toRow + ") outside [0, " + rows + ")");
    }
    for (int r = fromRow; r < toRow; r++) {
      updateRow(parameters, gradients, learningRate, r);
    }
  }

  /**
   * Sparse step of the rows whose bit is set in {@code touched} (row {@code r} is bit
   * {@code r & 63} of {@code touched[r >>> 6]}), split over the shared worker pool. Clears those
   * bits and those rows' gradient.
   */
  public void stepTouched(float[] parameters, float[] gradients, float learningRate, long[] touched) {
    checkArrays(parameters, gradients);
    checkBits(touched);
    Parallel.forRange(touched.length, 1 << 10,
        (from, to, w) -> stepTouched(parameters, gradients, learningRate, touched, from, to));
  }

  /** Like {@link #stepTouched(float[], float[], float, long[])} for words {@code [fromWord, toWord)}. */
  public void stepTouched(float[] parameters, float[] gradients, float learningRate, long[] touched,
      int fromWord, int toWord) {
    checkArrays(parameters, gradients);
    checkBits(touched);
    if (fromWord < 0 || toWord > touched.length || fromWord > toWord) {
      throw new IllegalArgumentException("word range [" + fromWord + ", " + toWord + ") outside [0, "
          + touched.length + ")");
    }
    for (int wi = fromWord; wi < toWord; wi++) {
      long bits = touched[wi];
      if (bits == 0) {
        continue;
      }
      touched[wi] = 0;
      int base = wi << 6;
      while (bits != 0) {
        int r = base + Long.numberOfTrailingZeros(bits);
        bits &= bits - 1;
        updateRow(parameters, gradients, learningRate, r);
      }
    }
  }

  private void updateRow(float[] p, float[] g, float learningRate, int r) {
    int t = ++rowSteps[r];
    float a = learningRate * biasCorrection(t);
    float b1 = beta1;
    float b2 = beta2;
    float c1 = 1f - b1;
    float c2 = 1f - b2;
    float eps = epsilon;
    float[] mm = m;
    float[] vv = v;
    int end = (r + 1) * rowWidth;
    for (int i = r * rowWidth; i < end; i++) {
      float gi = g[i];
      float mi = b1 * mm[i] + c1 * gi;
      float vi = b2 * vv[i] + c2 * gi * gi;
      mm[i] = mi;
      vv[i] = vi;
      p[i] -= a * mi / ((float) Math.sqrt(vi) + eps);
      g[i] = 0f;
    }
  }

  private void checkArrays(float[] parameters, float[] gradients) {
    int n = rows * rowWidth;
    if (parameters.length != n || gradients.length != n) {
      throw new IllegalArgumentException("Adam over " + n + " parameters got parameters["
          + parameters.length + "] and gradients[" + gradients.length + "]");
    }
  }

  private void checkBits(long[] touched) {
    if ((long) touched.length * 64 < rows) {
      throw new IllegalArgumentException("touched bitset of " + touched.length + " words cannot cover "
          + rows + " rows (needs " + ((rows + 63) / 64) + ")");
    }
  }

  /** Writes moments and per-row step counts; {@link #readState} restores them bit-exactly. */
  public void writeState(DataOutputStream out) throws IOException {
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeInt(rows);
    out.writeInt(rowWidth);
    StateStreams.writeInts(out, rowSteps, 0, rows);
    StateStreams.writeFloats(out, m, 0, m.length);
    StateStreams.writeFloats(out, v, 0, v.length);
  }

  /** Forgets all moments and step counts, as if freshly built. */
  public void reset() {
    java.util.Arrays.fill(m, 0f);
    java.util.Arrays.fill(v, 0f);
    java.util.Arrays.fill(rowSteps, 0);
  }

  /**
   * Restores state written by {@link #writeState} of an Adam of the same shape.
   *
   * @throws IOException if the stream is not an Adam state of this shape, or is truncated
   */
  public void readState(DataInputStream in) throws IOException {
    int magic = in.readInt();
    if (magic != MAGIC) {
      throw new IOException("not an Adam state: expected magic 0x" + Integer.toHexString(MAGIC)
          + ", found 0x" + Integer.toHexString(magic));
    }
    StateStreams.expectInt(in, VERSION, "Adam state version");
    StateStreams.expectInt(in, rows, "Adam rows");
    StateStreams.expectInt(in, rowWidth, "Adam row width");
    StateStreams.readInts(in, rowSteps, 0, rows);
    StateStreams.readFloats(in, m, 0, m.length);
    StateStreams.readFloats(in, v, 0, v.length);
  }

  /** Settings of an {@link Adam}. */
  public static final class Builder {
    private float beta1 = 0.9f;
    private float beta2 = 0.99f;
    private float epsilon = 1e-15f;
    private int rowWidth = 1;

    private Builder() {}

    /** Decay of the first moment, in [0, 1); default 0.9. */
    public Builder optBeta1(float beta1) {
      this.beta1 = checkBeta("beta1", beta1);
      return this;
    }

    /** Decay of the second moment, in [0, 1); default 0.99 (instant-ngp). */
    public Builder optBeta2(float beta2) {
      this.beta2 = checkBeta("beta2", beta2);
      return this;
    }

    /** Added to {@code sqrt(v)}; default 1e-15 (instant-ngp). */
    public Builder optEpsilon(float epsilon) {
      if (!(epsilon >= 0) || Float.isInfinite(epsilon)) {
        throw new IllegalArgumentException("epsilon must be finite and >= 0, got " + epsilon);
      }
      this.epsilon = epsilon;
      return this;
    }

    /** Floats per row (updated and step-counted together); default 1. */
    public Builder optRowWidth(int rowWidth) {
      if (rowWidth < 1) {
        throw new IllegalArgumentException("row width must be >= 1, got " + rowWidth);
      }
      this.rowWidth = rowWidth;
      return this;
    }

    /** An Adam with zero moments for {@code parameterCount} floats (a multiple of the row width). */
    public Adam build(int parameterCount) {
      if (parameterCount < 0 || parameterCount % rowWidth != 0) {
        throw new IllegalArgumentException("parameter count " + parameterCount
            + " must be >= 0 and a multiple of the row width " + rowWidth);
      }
      return new Adam(this, parameterCount);
    }

    private static float checkBeta(String name, float beta) {
      if (!(beta >= 0f && beta < 1f)) {
        throw new IllegalArgumentException(name + " must be in [0, 1), got " + beta);
      }
      return beta;
    }
  }
}
