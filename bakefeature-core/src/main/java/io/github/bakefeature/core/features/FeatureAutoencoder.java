package io.github.bakefeature.core.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.nn.Activation;
import io.github.bakefeature.core.djl.DjlRuntime;
import io.github.bakefeature.core.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * The paper's feature autoencoder (section III-C): {@code M -> 128 -> D (ReLU code) -> 128 -> M},
 * ReLU after every hidden layer, linear output, fitted by minimising
 * {@code mean((dec(enc(f)) - f)^2) + lambda mean(|enc(f)|)} with {@code lambda = 0.01}, once per
 * scene, then frozen. The L1 term makes codes sparse; the ReLU makes them non-negative.
 *
 * <p>Inputs are standardised per channel before the network ({@code (f - mean) / std}, statistics
 * of the training pixels, stored with the model), so channels of very different scales weigh
 * equally; {@link #decode} undoes it. The reconstruction error reported by {@link #fitReport()} is
 * measured in that standardised space on held-out pixels: relative MSE {@code sum (f^ - f)^2 /
 * sum (f - mean)^2}, i.e. one minus the explained variance.
 *
 * <p>Instances are immutable and hold no native resources (weights are Java arrays); {@link
 * #encode} and {@link #decode} run batched matrix products on DJL's PyTorch engine and are
 * thread-safe. Fit with {@link #trainer()}.
 */
public final class FeatureAutoencoder {
  /** Bump when fitting or the file format changes. */
  static final String VERSION = "v1";
  private static final int MAGIC = 0x42464145; // "BFAE"
  private static final int FILE_VERSION = 1;
  private static final int CHUNK = 65536;
  private final int m;
  private final int hidden;
  private final int d;
  private final float[] mean;
  private final float[] std;
  // Layers: [0] M x H, [1] H, [2] H x D, [3] D, [4] D x H, [5] H, [6] H x M, [7] M (weights row-major, in x out)
  private final float[][] params;
  private final FitReport report;
  private final String trainerId;

  /**
   * How the fit went.
   *
   * @param steps optimiser steps taken
   * @param trainLoss mean loss (MSE + lambda L1) over the last 50 steps
   * @param initialRelativeMse held-out relative MSE of the untrained network
   * @param relativeMse held-out relative MSE after fitting (standardised space)
   * @param trainSamples pixels used for fitting
   * @param heldOutSamples pixels used for the error
   * @param seconds wall time of the fit
   */
  public record FitReport(int steps, double trainLoss, double initialRelativeMse, double relativeMse,
                          int trainSamples, int heldOutSamples, double seconds) {
    /** {@code 1 - relativeMse}. */
    public double explainedVariance() {
      return 1 - relativeMse;
    }
  }

  private FeatureAutoencoder(int m, int hidden, int d, float[] mean, float[] std, float[][] params, FitReport report,
                             String trainerId) {
    this.m = m;
    this.hidden = hidden;
    this.d = d;
    this.mean = mean;
    this.std = std;
    this.params = params;
    this.report = report;
    this.trainerId = trainerId;
  }

  /** A trainer with the paper's defaults (D = 64, hidden 128, lambda 0.01). */
  public static Trainer trainer() {
    return new Trainer();
  }

  /** Input dimension M. */
  public int inputDimension() {
    return m;
  }

  /** Code dimension D. */
  public int codeDimension() {
    return d;
  }

  /** Hidden width (128 by default). */
  public int hiddenDimension() {
    return hidden;
  }

  /** Per-channel mean used for standardisation (a copy). */
  public float[] mean() {
    return mean.clone();
  }

  /** Per-channel standard deviation used for standardisation (a copy). */
  public float[] std() {
    return std.clone();
  }

  /** How the fit went. */
  public FitReport fitReport() {
    return report;
  }

  /** The held-out relative MSE of the fit (standardised space; 0 = perfect, 1 = predicts the mean). */
  public double reconstructionError() {
    return report.relativeMse();
  }

  /** {@link Trainer#id()} of the trainer that fitted this model. */
  public String trainerId() {
    return trainerId;
  }

  /**
   * Encodes {@code count} feature vectors ({@code features[i * M + c]}) to codes
   * ({@code out[i * D + k]}, non-negative).
   */
  public float[] encode(float[] features, int count) {
    checkInput(features, count, m, "features");
    float[] x = new float[count * m];
    for (int i = 0; i < count; i++) {
      for (int c = 0; c < m; c++) {
        x[i * m + c] = (features[i * m + c] - mean[c]) / std[c];
      }
    }
    return run(x, count, 0, 2, true);
  }

  /** Decodes {@code count} codes back to feature vectors in the original (unstandardised) units. */
  public float[] decode(float[] codes, int count) {
    checkInput(codes, count, d, "codes");
    float[] y = run(Arrays.copyOf(codes, count * d), count, 2, 4, false);
    for (int i = 0; i < count; i++) {
      for (int c = 0; c < m; c++) {
        y[i * m + c] = y[i * m + c] * std[c] + mean[c];
      }
    }
    return y;
  }

  private static void checkInput(float[] a, int count, int dim, String what) {
    if (count < 0 || a == null || a.length < (long) count * dim) {
      throw new IllegalArgumentException("expected " + (long) count * dim + " " + what + " values (" + count
          + " vectors of " + dim + "), found " + (a == null ? "null" : a.length));
    }
  }

  /** Runs layers {@code [from, to)} (pairs of weight and bias) on rows of x; ReLU after all but a final output layer. */
  private float[] run(float[] x, int count, int fromLayer, int toLayer, boolean reluLast) {
    return forward(params, x, count, fromLayer, toLayer, reluLast);
  }

  private static float[] forward(float[][] params, float[] x, int count, int fromLayer, int toLayer, boolean reluLast) {
    int in = dims(params, fromLayer)[0];
    int out = dims(params, toLayer - 1)[1];
    float[] result = new float[count * out];
    if (count == 0) {
      return result;
    }
    try (NDManager root = DjlRuntime.newManager()) {
      NDArray[] w = new NDArray[toLayer - fromLayer];
      NDArray[] b = new NDArray[toLayer - fromLayer];
      for (int l = fromLayer; l < toLayer; l++) {
        int[] dm = dims(params, l);
        w[l - fromLayer] = root.create(params[2 * l], new Shape(dm[0], dm[1]));
        b[l - fromLayer] = root.create(params[2 * l + 1], new Shape(dm[1]));
      }
      for (int start = 0; start < count; start += CHUNK) {
        int n = Math.min(CHUNK, count - start);
        try (NDManager step = root.newSubManager()) {
          NDArray h = step.create(Arrays.copyOfRange(x, start * in, (start + n) * in), new Shape(n, in));
          for (int l = 0; l < w.length; l++) {
            h = h.matMul(w[l]).add(b[l]);
            if (l < w.length - 1 || reluLast) {
              h = Activation.relu(h);
            }
          }
          float[] chunk = h.toFloatArray();
          System.arraycopy(chunk, 0, result, start * out, chunk.length);
        }
      }
    }
    return result;
  }

  /** {in, out} of layer l (0..3). */
  private static int[] dims(float[][] params, int layer) {
    int out = params[2 * layer + 1].length;
    return new int[] {params[2 * layer].length / out, out};
  }

  // ---- persistence ---------------------------------------------------------------------------

  /** Writes the model atomically (binary, CRC-checked). */
  public void save(Path file) throws IOException {
    AtomicFiles.write(file, toBytes());
  }

  /**
   * CRC-32 of what maps features to codes (sizes, normalisation, weights), not of the fit's report
   * (its wall time differs between two fits of bit-identical weights): equal for equal encoders.
   */
  public long weightsChecksum() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writeWeights(out);
    } catch (IOException e) {
      throw new IllegalStateException("in-memory write failed", e);
    }
    CRC32 crc = new CRC32();
    crc.update(bytes.toByteArray());
    return crc.getValue();
  }

  private void writeWeights(DataOutputStream out) throws IOException {
    out.writeInt(m);
    out.writeInt(hidden);
    out.writeInt(d);
    writeFloats(out, mean);
    writeFloats(out, std);
    for (float[] p : params) {
      writeFloats(out, p);
    }
  }

  /** The model as bytes (the file format of {@link #save}). */
  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(FILE_VERSION);
      out.writeUTF(trainerId);
      writeWeights(out);
      out.writeInt(report.steps());
      out.writeDouble(report.trainLoss());
      out.writeDouble(report.initialRelativeMse());
      out.writeDouble(report.relativeMse());
      out.writeInt(report.trainSamples());
      out.writeInt(report.heldOutSamples());
      out.writeDouble(report.seconds());
      out.flush();
    } catch (IOException e) {
      throw new IllegalStateException("in-memory write failed", e);
    }
    byte[] body = bytes.toByteArray();
    CRC32 crc = new CRC32();
    crc.update(body);
    ByteBuffer all = ByteBuffer.allocate(body.length + 8).put(body).putLong(crc.getValue());
    return all.array();
  }

  /**
   * Reads a model written by {@link #save}.
   *
   * @throws IOException naming the file if it is missing, truncated, corrupt or of another version
   */
  public static FeatureAutoencoder load(Path file) throws IOException {
    byte[] all;
    try {
      all = Files.readAllBytes(file);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException(file + ": autoencoder file does not exist", e);
    }
    try {
      return fromBytes(all);
    } catch (IOException | RuntimeException e) {
      throw new IOException(file + ": not a valid autoencoder file (" + e.getMessage() + ")", e);
    }
  }

  static FeatureAutoencoder fromBytes(byte[] all) throws IOException {
    if (all.length < 16) {
      throw new IOException("expected at least 16 bytes, found " + all.length);
    }
    CRC32 crc = new CRC32();
    crc.update(all, 0, all.length - 8);
    long stored = ByteBuffer.wrap(all, all.length - 8, 8).getLong();
    if (stored != crc.getValue()) {
      throw new IOException("checksum mismatch (truncated or corrupt)");
    }
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(all, 0, all.length - 8))) {
      if (in.readInt() != MAGIC) {
        throw new IOException("bad magic number, expected a BakeFeature autoencoder");
      }
      int version = in.readInt();
      if (version != FILE_VERSION) {
        throw new IOException("file version " + version + ", expected " + FILE_VERSION);
      }
      String trainerId = in.readUTF();
      int m = in.readInt();
      int h = in.readInt();
      int d = in.readInt();
      if (m < 1 || h < 1 || d < 1 || (long) m * h > 1 << 26 || (long) h * d > 1 << 26) {
        throw new IOException("implausible sizes M=" + m + " hidden=" + h + " D=" + d);
      }
      float[] mean = readFloats(in, m);
      float[] std = readFloats(in, m);
      int[][] shapes = {{m, h}, {h}, {h, d}, {d}, {d, h}, {h}, {h, m}, {m}};
      float[][] params = new float[8][];
      for (int i = 0; i < 8; i++) {
        params[i] = readFloats(in, shapes[i].length == 2 ? shapes[i][0] * shapes[i][1] : shapes[i][0]);
      }
      FitReport r = new FitReport(in.readInt(), in.readDouble(), in.readDouble(), in.readDouble(), in.readInt(),
          in.readInt(), in.readDouble());
      return new FeatureAutoencoder(m, h, d, mean, std, params, r, trainerId);
    }
  }

  private static void writeFloats(DataOutputStream out, float[] a) throws IOException {
    out.writeInt(a.length);
    for (float v : a) {
      out.writeFloat(v);
    }
  }

  private static float[] readFloats(DataInputStream in, int expected) throws IOException {
    int n = in.readInt();
    if (n != expected) {
      throw new IOException("expected an array of " + expected + " floats, found " + n);
    }
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = in.readFloat();
    }
    return a;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "FeatureAutoencoder[%d -> %d -> %d, held-out relative MSE %.4f]", m, hidden, d,
        report.relativeMse());
  }

  // ---- fitting -------------------------------------------------------------------------------

  /**
   * Fits autoencoders: Adam on mini-batches drawn (with a fixed seed) from the given pixels, a
   * cosine-decayed learning rate, a held-out share of the pixels for the reported error.
   */
  public static final class Trainer {
    /** Optimiser steps unless {@link #optSteps} says otherwise. */
    public static final int DEFAULT_STEPS = 1000;
    private int d = 64;
    private int hidden = 128;
    private double lambda = 0.01;
    private int steps = DEFAULT_STEPS;
    private int batch = 1024;
    private double lr = 3e-3;
    private long seed = 0;
    private double holdOut = 0.1;

    private Trainer() {}

    /** Code dimension D (default 64). */
    public Trainer optCodeDimension(int dim) {
      if (dim < 1 || dim > 4096) {
        throw new IllegalArgumentException("code dimension must be 1..4096, found " + dim);
      }
      this.d = dim;
      return this;
    }

    /** Width of the two hidden layers (default 128). */
    public Trainer optHiddenDimension(int dim) {
      if (dim < 1 || dim > 8192) {
        throw new IllegalArgumentException("hidden dimension must be 1..8192, found " + dim);
      }
      this.hidden = dim;
      return this;
    }

    /** Weight of the L1 penalty on the code (default 0.01, the paper's). */
    public Trainer optSparsity(double weight) {
      if (!(weight >= 0) || !Double.isFinite(weight)) {
        throw new IllegalArgumentException("sparsity weight must be finite and >= 0, found " + weight);
      }
      this.lambda = weight;
      return this;
    }

    /** Optimiser steps (default 1000). */
    public Trainer optSteps(int n) {
      if (n < 0 || n > 1_000_000) {
        throw new IllegalArgumentException("steps must be 0..1000000, found " + n);
      }
      this.steps = n;
      return this;
    }

    /** Pixels per mini-batch (default 1024). */
    public Trainer optBatchSize(int n) {
      if (n < 1 || n > 1 << 20) {
        throw new IllegalArgumentException("batch size must be 1..1048576, found " + n);
      }
      this.batch = n;
      return this;
    }

    /** Peak Adam learning rate (default 3e-3), decayed by a cosine to a tenth. */
    public Trainer optLearningRate(double rate) {
      if (!(rate > 0) || !Double.isFinite(rate)) {
        throw new IllegalArgumentException("learning rate must be positive and finite, found " + rate);
      }
      this.lr = rate;
      return this;
    }

    /** Seed of initialisation, hold-out split and batch sampling (default 0). */
    public Trainer optSeed(long s) {
      this.seed = s;
      return this;
    }

    /** Share of pixels held out to measure the error (default 0.1). */
    public Trainer optHoldOut(double fraction) {
      if (!(fraction > 0 && fraction < 0.9)) {
        throw new IllegalArgumentException("hold-out fraction must be in (0, 0.9), found " + fraction);
      }
      this.holdOut = fraction;
      return this;
    }

    /** Code dimension D. */
    public int codeDimension() {
      return d;
    }

    /** An independent trainer with the same settings. */
    public Trainer copy() {
      Trainer t = new Trainer();
      t.d = d;
      t.hidden = hidden;
      t.lambda = lambda;
      t.steps = steps;
      t.batch = batch;
      t.lr = lr;
      t.seed = seed;
      t.holdOut = holdOut;
      return t;
    }

    /** Every parameter that changes the fitted model, for cache keys. */
    public String id() {
      return String.format(Locale.ROOT, "ae-%s-h%d-d%d-l%s-steps%d-batch%d-lr%s-seed%d-hold%s", VERSION, hidden, d,
          lambda, steps, batch, lr, seed, holdOut);
    }

    /** Fits on {@code count} pixels of dimension {@code dim} ({@code samples[i * dim + c]}). */
    public FeatureAutoencoder fit(float[] samples, int count, int dim) {
      return fit(samples, count, dim, ProgressListener.NONE);
    }

    /**
     * Fits on {@code count} pixels of dimension {@code dim}, reporting steps to {@code progress}.
     *
     * @throws IllegalArgumentException if there are fewer than 10 pixels or the array is short
     */
    public FeatureAutoencoder fit(float[] samples, int count, int dim, ProgressListener progress) {
      if (dim < 1) {
        throw new IllegalArgumentException("feature dimension must be positive, found " + dim);
      }
      checkInput(samples, count, dim, "sample");
      if (count < 10) {
        throw new IllegalArgumentException("need at least 10 pixels to fit an autoencoder, found " + count);
      }
      for (int i = 0; i < count * dim; i++) {
        if (!Float.isFinite(samples[i])) {
          throw new IllegalArgumentException("feature " + (i % dim) + " of pixel " + (i / dim) + " is " + samples[i]
              + "; expected finite values");
        }
      }
      long t0 = System.nanoTime();
      SplittableRandom rnd = new SplittableRandom(seed);
      // Hold-out split: a seeded shuffle.
      int[] order = new int[count];
      for (int i = 0; i < count; i++) {
        order[i] = i;
      }
      for (int i = count - 1; i > 0; i--) {
        int j = rnd.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      int held = Math.max(1, (int) Math.round(count * holdOut));
      int train = count - held;

      // Standardisation statistics from the training pixels only.
      double[] sum = new double[dim];
      double[] sq = new double[dim];
      for (int k = held; k < count; k++) {
        int o = order[k] * dim;
        for (int c = 0; c < dim; c++) {
          double v = samples[o + c];
          sum[c] += v;
          sq[c] += v * v;
        }
      }
      float[] mean = new float[dim];
      float[] std = new float[dim];
      double rms = 0;
      for (int c = 0; c < dim; c++) {
        double mu = sum[c] / train;
        double var = Math.max(0, sq[c] / train - mu * mu);
        mean[c] = (float) mu;
        std[c] = (float) Math.sqrt(var);
        rms += var;
      }
      // A constant channel must not blow noise up: floor std at 1e-4 of the typical channel's.
      float floor = (float) Math.max(1e-12, 1e-4 * Math.sqrt(rms / dim));
      for (int c = 0; c < dim; c++) {
        std[c] = Math.max(std[c], floor);
      }
      float[] xTrain = standardise(samples, order, held, count, dim, mean, std);
      float[] xHeld = standardise(samples, order, 0, held, dim, mean, std);

      float[][] params = init(dim, hidden, d, rnd);
      double initialError = relativeError(params, xHeld, held, dim);
      double trainLoss = adam(params, xTrain, train, dim, rnd, progress);
      double error = relativeError(params, xHeld, held, dim);
      double seconds = (System.nanoTime() - t0) / 1e9;
      FitReport report = new FitReport(steps, trainLoss, initialError, error, train, held, seconds);
      return new FeatureAutoencoder(dim, hidden, d, mean, std, params, report, id());
    }

    private static float[] standardise(float[] samples, int[] order, int from, int to, int dim, float[] mean, float[] std) {
      float[] x = new float[(to - from) * dim];
      for (int k = from; k < to; k++) {
        int o = order[k] * dim;
        int p = (k - from) * dim;
        for (int c = 0; c < dim; c++) {
          x[p + c] = (samples[o + c] - mean[c]) / std[c];
        }
      }
      return x;
    }

    /** PyTorch's nn.Linear initialisation: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases. */
    private static float[][] init(int m, int h, int d, SplittableRandom rnd) {
      int[][] layers = {{m, h}, {h, d}, {d, h}, {h, m}};
      float[][] p = new float[8][];
      for (int l = 0; l < 4; l++) {
        int in = layers[l][0];
        int out = layers[l][1];
        double bound = 1 / Math.sqrt(in);
        p[2 * l] = new float[in * out];
        p[2 * l + 1] = new float[out];
        for (int i = 0; i < p[2 * l].length; i++) {
          p[2 * l][i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
        }
        for (int i = 0; i < out; i++) {
          p[2 * l + 1][i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
        }
      }
      return p;
    }

    private static double relativeError(float[][] params, float[] x, int n, int dim) {
      float[] y = forward(params, x, n, 0, 4, false);
      double[] mu = new double[dim];
      for (int i = 0; i < n; i++) {
        for (int c = 0; c < dim; c++) {
          mu[c] += x[i * dim + c];
        }
      }
      for (int c = 0; c < dim; c++) {
        mu[c] /= n;
      }
      double err = 0;
      double var = 0;
      double sq = 0;
      for (int i = 0; i < n * dim; i++) {
        double e = y[i] - x[i];
        double v = x[i] - mu[i % dim];
        err += e * e;
        var += v * v;
        sq += (double) x[i] * x[i];
      }
      if (var > 0) {
        return err / var;
      }
      // No spread in the held-out set (one pixel, or identical ones): relative to predicting the
      // training mean instead, which is 0 in the standardised space these values are in.
      return sq > 0 ? err / sq : (err > 0 ? Double.POSITIVE_INFINITY : 0);
    }

    /** Adam in Java on the host copy of the weights; DJL computes loss and gradients per step. */
    private double adam(float[][] params, float[] x, int n, int dim, SplittableRandom rnd, ProgressListener progress) {
      final double beta1 = 0.9;
      final double beta2 = 0.999;
      final double eps = 1e-8;
      float[][] m1 = new float[params.length][];
      float[][] m2 = new float[params.length][];
      for (int i = 0; i < params.length; i++) {
        m1[i] = new float[params[i].length];
        m2[i] = new float[params[i].length];
      }
      int b = Math.min(batch, n);
      float[] xb = new float[b * dim];
      Shape[] shapes = {new Shape(dim, hidden), new Shape(hidden), new Shape(hidden, d), new Shape(d),
          new Shape(d, hidden), new Shape(hidden), new Shape(hidden, dim), new Shape(dim)};
      double recent = 0;
      int recentCount = 0;
      try (NDManager root = DjlRuntime.newManager()) {
        for (int step = 0; step < steps; step++) {
          for (int i = 0; i < b; i++) {
            System.arraycopy(x, rnd.nextInt(n) * dim, xb, i * dim, dim);
          }
          float[][] grads = new float[params.length][];
          double loss;
          try (NDManager sm = root.newSubManager()) {
            NDArray[] p = new NDArray[params.length];
            for (int i = 0; i < p.length; i++) {
              p[i] = sm.create(params[i], shapes[i]);
              p[i].setRequiresGradient(true);
            }
            NDArray in = sm.create(xb, new Shape(b, dim));
            // One collector per process: DjlRuntime's waits for a training step of another session.
            try (GradientCollector gc = DjlRuntime.newGradientCollector()) {
              NDArray h1 = Activation.relu(in.matMul(p[0]).add(p[1]));
              NDArray code = Activation.relu(h1.matMul(p[2]).add(p[3]));
              NDArray h3 = Activation.relu(code.matMul(p[4]).add(p[5]));
              NDArray y = h3.matMul(p[6]).add(p[7]);
              NDArray l = y.sub(in).square().mean().add(code.mean().mul(DjlRuntime.scalar(code.getManager(), (float) lambda)));
              gc.backward(l);
              loss = l.getFloat();
            }
            for (int i = 0; i < p.length; i++) {
              grads[i] = p[i].getGradient().toFloatArray();
            }
          }
          if (!Double.isFinite(loss)) {
            throw new IllegalStateException("autoencoder loss diverged to " + loss + " at step " + step
                + "; try a lower learning rate (optLearningRate)");
          }
          if (step >= steps - 50) {
            recent += loss;
            recentCount++;
          }
          double rate = lr * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * step / Math.max(1, steps))));
          double c1 = 1 - Math.pow(beta1, step + 1);
          double c2 = 1 - Math.pow(beta2, step + 1);
          for (int i = 0; i < params.length; i++) {
            float[] w = params[i];
            float[] g = grads[i];
            float[] a = m1[i];
            float[] v = m2[i];
            for (int k = 0; k < w.length; k++) {
              a[k] = (float) (beta1 * a[k] + (1 - beta1) * g[k]);
              v[k] = (float) (beta2 * v[k] + (1 - beta2) * g[k] * g[k]);
              w[k] -= (float) (rate * (a[k] / c1) / (Math.sqrt(v[k] / c2) + eps));
            }
          }
          if ((step + 1) % 25 == 0 || step + 1 == steps) {
            progress.progress(ProgressListener.FIT, step + 1, steps);
          }
        }
      }
      return recentCount == 0 ? Double.NaN : recent / recentCount;
    }
  }
}
