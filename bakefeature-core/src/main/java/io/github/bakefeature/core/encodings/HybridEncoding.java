package io.github.bakefeature.core.encodings;

import io.github.bakefeature.api.field.Encoding;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * Concatenation of encodings of the same input: part {@code j}'s columns follow part
 * {@code j-1}'s. The paper's hybrid encoding is the hash grid followed by the frequency encoding
 * with L = 2 ({@link #hashGridAndFrequency}). Training calls are forwarded to the parts that are
 * {@link TrainableEncoding}s, with their column offsets; fixed parts are skipped. State is the
 * trainable parts' states in order. {@link #close} closes the parts that hold resources (a hash
 * grid on a GPU).
 */
public final class HybridEncoding implements TrainableEncoding, AutoCloseable {
  private final List<Encoding> parts;
  private final int[] offsets;
  private final int inputDimension;
  private final int outputDimension;

  /** Concatenates {@code parts} (at least one, all of the same input dimension). */
  public HybridEncoding(List<? extends Encoding> parts) {
    if (parts == null || parts.isEmpty()) {
      throw new IllegalArgumentException("a hybrid encoding needs at least one part");
    }
    this.parts = List.copyOf(parts);
    this.inputDimension = this.parts.get(0).inputDimension();
    this.offsets = new int[this.parts.size()];
    int total = 0;
    for (int j = 0; j < this.parts.size(); j++) {
      Encoding e = this.parts.get(j);
      if (e.inputDimension() != inputDimension) {
        throw new IllegalArgumentException("all parts must take the same input dimension: part 0 ("
            + this.parts.get(0) + ") takes " + inputDimension + ", part " + j + " (" + e + ") takes "
            + e.inputDimension());
      }
      offsets[j] = total;
      total += e.outputDimension();
    }
    this.outputDimension = total;
  }

  /** The paper's hybrid encoding: {@code grid} followed by {@code FrequencyEncoding.of(2)}. */
  public static HybridEncoding hashGridAndFrequency(HashGridEncoding grid) {
    return new HybridEncoding(List.of(grid, FrequencyEncoding.of(2)));
  }

  /**
   * Closes every part that is {@link AutoCloseable} (device memory of a GPU hash grid); the CPU
   * parts hold nothing to close. Each is attempted; the first failure is thrown after the others.
   */
  @Override
  public void close() {
    RuntimeException failed = null;
    for (Encoding e : parts) {
      if (e instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception ex) {
          RuntimeException r = ex instanceof RuntimeException re ? re : new IllegalStateException(ex);
          if (failed == null) {
            failed = r;
          } else {
            failed.addSuppressed(r);
          }
        }
      }
    }
    if (failed != null) {
      throw failed;
    }
  }

  /** The parts, in column order. */
  public List<Encoding> parts() {
    return parts;
  }

  /** First output column of part {@code j}. */
  public int columnOffset(int j) {
    return offsets[j];
  }

  @Override
  public int inputDimension() {
    return inputDimension;
  }

  @Override
  public int outputDimension() {
    return outputDimension;
  }

  @Override
  public long parameterCount() {
    long n = 0;
    for (Encoding e : parts) {
      n += e.parameterCount();
    }
    return n;
  }

  @Override
  public void encode(float[] input, int count, float[] output, int outputStride, int outputOffset) {
    Checks.batch(this, input, count, output, outputStride, outputOffset, "output");
    for (int j = 0; j < parts.size(); j++) {
      parts.get(j).encode(input, count, output, outputStride, outputOffset + offsets[j]);
    }
  }

  @Override
  public void backward(float[] input, int count, float[] gradOutput, int gradStride, int gradOffset) {
    Checks.batch(this, input, count, gradOutput, gradStride, gradOffset, "gradOutput");
    for (int j = 0; j < parts.size(); j++) {
      if (parts.get(j) instanceof TrainableEncoding t) {
        t.backward(input, count, gradOutput, gradStride, gradOffset + offsets[j]);
      }
    }
  }

  @Override
  public void backwardAndStep(float[] input, int count, float[] gradOutput, int gradStride, int gradOffset,
      float learningRate) {
    Checks.batch(this, input, count, gradOutput, gradStride, gradOffset, "gradOutput");
    for (int j = 0; j < parts.size(); j++) {
      if (parts.get(j) instanceof TrainableEncoding t) {
        t.backwardAndStep(input, count, gradOutput, gradStride, gradOffset + offsets[j], learningRate);
      }
    }
  }

  @Override
  public void step(float learningRate) {
    for (Encoding e : parts) {
      if (e instanceof TrainableEncoding t) {
        t.step(learningRate);
      }
    }
  }

  @Override
  public void zeroGradients() {
    for (Encoding e : parts) {
      if (e instanceof TrainableEncoding t) {
        t.zeroGradients();
      }
    }
  }

  @Override
  public void writeState(DataOutputStream out) throws IOException {
    for (Encoding e : parts) {
      if (e instanceof TrainableEncoding t) {
        t.writeState(out);
      }
    }
  }

  @Override
  public void readState(DataInputStream in) throws IOException {
    for (Encoding e : parts) {
      if (e instanceof TrainableEncoding t) {
        t.readState(in);
      }
    }
  }

  /** Copies trainable parts with {@link TrainableEncoding#frozenCopy()}; fixed parts are shared (immutable). */
  @Override
  public HybridEncoding frozenCopy() {
    List<Encoding> copies = new java.util.ArrayList<>(parts.size());
    for (Encoding e : parts) {
      copies.add(e instanceof TrainableEncoding t ? t.frozenCopy() : e);
    }
    return new HybridEncoding(copies);
  }

  @Override
  public String toString() {
    return "HybridEncoding" + parts;
  }
}
