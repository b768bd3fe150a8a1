package io.github.bakefeature.core.fields;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;

/**
 * A fully connected network {@code widths[0] -> widths[1] -> ... -> widths[n]} with ReLU between
 * layers and no activation on the output.
 *
 * <p>The master copy of the parameters lives in Java arrays ({@code weights[l]} is
 * {@code [in, out]} row-major, {@code biases[l]} is {@code [out]}). Each training step or render
 * call {@linkplain #bind binds} them as DJL arrays in a short-lived manager; gradients are read back
 * into Java and the optimiser runs there. This keeps snapshots, checkpoints and the optimiser
 * trivial and avoids PyTorch's gradient accumulation on long-lived leaves.
 */
public final class Mlp {
  private final int[] widths;
  private final float[][] weights;
  private final float[][] biases;

  private Mlp(int[] widths, float[][] weights, float[][] biases) {
    this.widths = widths;
    this.weights = weights;
    this.biases = biases;
  }

  /**
   * A network with PyTorch's default initialisation ({@code U(-1/sqrt(in), 1/sqrt(in))} for
   * weights and biases), from a seed.
   */
  public static Mlp create(long seed, int... widths) {
    if (widths.length < 2) {
      throw new IllegalArgumentException("an MLP needs at least input and output widths, found " + widths.length);
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    int layers = widths.length - 1;
    float[][] w = new float[layers][];
    float[][] b = new float[layers][];
    for (int l = 0; l < layers; l++) {
      int in = widths[l];
      int out = widths[l + 1];
      float bound = (float) (1.0 / Math.sqrt(in));
      w[l] = new float[in * out];
      b[l] = new float[out];
      for (int i = 0; i < w[l].length; i++) {
        w[l][i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
      }
      for (int i = 0; i < out; i++) {
        b[l][i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
      }
    }
    return new Mlp(widths.clone(), w, b);
  }

  public int layers() {
    return widths.length - 1;
  }

  public int inputWidth() {
    return widths[0];
  }

  public int outputWidth() {
    return widths[widths.length - 1];
  }

  public int[] widths() {
    return widths.clone();
  }

  /** Multiply-adds of one forward pass per input row. */
  public long macsPerRow() {
    long s = 0;
    for (int l = 0; l < layers(); l++) {
      s += (long) widths[l] * widths[l + 1];
    }
    return s;
  }

  public int parameterCount() {
    int n = 0;
    for (int l = 0; l < layers(); l++) {
      n += weights[l].length + biases[l].length;
    }
    return n;
  }

  /** Writes all parameters into {@code out} from {@code offset} (layer by layer, weights then bias). */
  public int flatten(float[] out, int offset) {
    for (int l = 0; l < layers(); l++) {
      System.arraycopy(weights[l], 0, out, offset, weights[l].length);
      offset += weights[l].length;
      System.arraycopy(biases[l], 0, out, offset, biases[l].length);
      offset += biases[l].length;
    }
    return offset;
  }

  /** Reads all parameters from {@code in} at {@code offset}, in {@link #flatten} order. */
  public int unflatten(float[] in, int offset) {
    for (int l = 0; l < layers(); l++) {
      System.arraycopy(in, offset, weights[l], 0, weights[l].length);
      offset += weights[l].length;
      System.arraycopy(in, offset, biases[l], 0, biases[l].length);
      offset += biases[l].length;
    }
    return offset;
  }

  /** A deep copy. */
  public Mlp copy() {
    float[][] w = new float[weights.length][];
    float[][] b = new float[biases.length][];
    for (int l = 0; l < weights.length; l++) {
      w[l] = weights[l].clone();
      b[l] = biases[l].clone();
    }
    return new Mlp(widths.clone(), w, b);
  }

  /**
   * A copy whose output layer has {@code newOut} units: existing units keep their values, new ones
   * are initialised like {@link #create} from {@code seed}.
   */
  public Mlp withOutputWidth(int newOut, long seed) {
    Mlp grown = copy();
    int l = layers() - 1;
    int in = widths[l];
    int out = widths[l + 1];
    if (newOut == out) {
      return grown;
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    float bound = (float) (1.0 / Math.sqrt(in));
    float[] w = new float[in * newOut];
    float[] b = new float[newOut];
    for (int i = 0; i < in; i++) {
      for (int o = 0; o < newOut; o++) {
        w[i * newOut + o] = o < out ? weights[l][i * out + o] : (float) ((rnd.nextDouble() * 2 - 1) * bound);
      }
    }
    for (int o = 0; o < newOut; o++) {
      b[o] = o < out ? biases[l][o] : (float) ((rnd.nextDouble() * 2 - 1) * bound);
    }
    grown.weights[l] = w;
    grown.biases[l] = b;
    grown.widths[l + 1] = newOut;
    return grown;
  }

  public void writeState(DataOutputStream out) throws IOException {
    out.writeInt(widths.length);
    for (int w : widths) {
      out.writeInt(w);
    }
    float[] flat = new float[parameterCount()];
    flatten(flat, 0);
    for (float v : flat) {
      out.writeFloat(v);
    }
  }

  /** Most parameters a stored MLP may have (2^26, 256 MiB of floats; fields use well under 1%). */
  static final long MAX_STATE_PARAMETERS = 1L << 26;

  public static Mlp readState(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 2 || n > 64) {
      throw new IOException("corrupt MLP state: expected 2..64 widths, found " + n);
    }
    int[] widths = new int[n];
    for (int i = 0; i < n; i++) {
      widths[i] = in.readInt();
      if (widths[i] <= 0 || widths[i] > 1 << 16) {
        throw new IOException("corrupt MLP state: width " + widths[i]);
      }
    }
    // Checked before anything is allocated: widths that are each plausible can still multiply to
    // more memory than the JVM has (a damaged file must fail as corrupt, not as OutOfMemoryError).
    long parameters = 0;
    for (int i = 0; i + 1 < n; i++) {
      parameters += (long) widths[i] * widths[i + 1] + widths[i + 1];
    }
    if (parameters > MAX_STATE_PARAMETERS) {
      throw new IOException("corrupt MLP state: expected at most " + MAX_STATE_PARAMETERS + " parameters, found widths "
          + java.util.Arrays.toString(widths) + " (" + parameters + " parameters)");
    }
    Mlp m = create(0, widths);
    float[] flat = new float[m.parameterCount()];
    for (int i = 0; i < flat.length; i++) {
      flat[i] = in.readFloat();
    }
    m.unflatten(flat, 0);
    return m;
  }

  /** Binds the parameters as DJL arrays in {@code manager} (closed by the caller). */
  public Bound bind(NDManager manager, boolean requiresGradient) {
    return new Bound(manager, requiresGradient);
  }

  /** The parameters as DJL arrays for one step or render call. */
  public final class Bound {
    private final NDArray[] w;
    private final NDArray[] b;

    private Bound(NDManager m, boolean grad) {
      int layers = layers();
      w = new NDArray[layers];
      b = new NDArray[layers];
      for (int l = 0; l < layers; l++) {
        w[l] = m.create(weights[l], new Shape(widths[l], widths[l + 1]));
        b[l] = m.create(biases[l], new Shape(widths[l + 1]));
        if (grad) {
          w[l].setRequiresGradient(true);
          b[l].setRequiresGradient(true);
        }
      }
    }

    /** {@code x [N, in] -> [N, out]}. */
    public NDArray forward(NDArray x) {
      return forward(x, null);
    }

    /**
     * {@code x [N, in] -> [N, out]}, adding {@code firstLayerExtra} (broadcastable to
     * {@code [N, widths[1]]}) to the first layer's pre-activation: how a second input (a view
     * direction, a feature) joins without concatenating per sample.
     */
    public NDArray forward(NDArray x, NDArray firstLayerExtra) {
      NDArray h = x;
      for (int l = 0; l < w.length; l++) {
        h = h.matMul(w[l]).addi(b[l]);
        if (l == 0 && firstLayerExtra != null) {
          h = h.addi(firstLayerExtra);
        }
        if (l < w.length - 1) {
          h = Activation.relu(h);
        }
      }
      return h;
    }

    /** The input layer's weight only: {@code x [N, in] -> x W0 [N, widths[1]]} (no bias). */
    public NDArray firstLayerProjection(NDArray x) {
      return x.matMul(w[0]);
    }

    /** Copies the gradients of all parameters into {@code out} from {@code offset}, in {@link #flatten} order. */
    public int gradients(float[] out, int offset) {
      for (int l = 0; l < w.length; l++) {
        offset = copyGrad(w[l], out, offset);
        offset = copyGrad(b[l], out, offset);
      }
      return offset;
    }

    private int copyGrad(NDArray p, float[] out, int offset) {
      int n = (int) p.size();
      try (NDArray g = p.getGradient()) {
        float[] v = g.toFloatArray();
        System.arraycopy(v, 0, out, offset, n);
      }
      return offset + n;
    }
  }
}
