package io.github.bakefeature.core.encodings;

import io.github.bakefeature.api.field.Encoding;
import io.github.bakefeature.core.parallel.Parallel;

/**
 * NeRF's frequency encoding, eq. 1 of the paper:
 * {@code gamma(y) = [sin(2^0 pi y), cos(2^0 pi y), ..., sin(2^(L-1) pi y), cos(2^(L-1) pi y)]}
 * per coordinate, where {@code y = 2x - 1} maps an input {@code x} in {@code [0, 1]} (a position
 * normalised to the scene box) to {@code [-1, 1]} as the paper prescribes.
 *
 * <p>Output layout per point, with {@code D = inputDimension()}: when {@link #includesInput()},
 * first the {@code D} values of {@code y}; then for each frequency {@code k = 0..L-1} the {@code D}
 * sines {@code sin(2^k pi y_d)} followed by the {@code D} cosines. Output dimension
 * {@code 2 L D (+ D)}. Inputs outside {@code [0, 1]} are not clamped: the encoding is smooth and
 * periodic, so slightly outside points just continue the sinusoids.
 *
 * <p>The sinusoids are evaluated in double with one {@code sin}/{@code cos} per coordinate and
 * the exact double-angle recurrence for higher frequencies (error below 1e-12 for {@code L <= 16}),
 * then rounded to float. Immutable and thread-safe.
 */
public final class FrequencyEncoding implements Encoding {
  private final int inputDimension;
  private final int frequencies;
  private final boolean includeInput;
  private final int outputDimension;

  private FrequencyEncoding(Builder b) {
    this.inputDimension = b.inputDimension;
    this.frequencies = b.frequencies;
    this.includeInput = b.includeInput;
    this.outputDimension = inputDimension * (2 * frequencies + (includeInput ? 1 : 0));
  }

  /** A builder: 3 inputs, L = 10 (the paper's positional setting), raw input not included. */
  public static Builder builder() {
    return new Builder();
  }

  /** The encoding of 3D points with {@code frequencies} frequencies and no raw input. */
  public static FrequencyEncoding of(int frequencies) {
    return builder().optFrequencies(frequencies).build();
  }

  @Override
  public int inputDimension() {
    return inputDimension;
  }

  @Override
  public int outputDimension() {
    return outputDimension;
  }

  /** Number of frequencies L. */
  public int frequencies() {
    return frequencies;
  }

  /** Whether the normalised input {@code y = 2x - 1} leads the output. */
  public boolean includesInput() {
    return includeInput;
  }

  @Override
  public void encode(float[] input, int count, float[] output, int outputStride, int outputOffset) {
    Checks.batch(this, input, count, output, outputStride, outputOffset, "output");
    Parallel.forRange(count, 2048, (from, to, w) -> encodeRange(input, from, to, output, outputStride, outputOffset));
  }

  private void encodeRange(float[] input, int from, int to, float[] out, int stride, int offset) {
    int dims = inputDimension;
    int sinBase = includeInput ? dims : 0;
    for (int i = from; i < to; i++) {
      int o = i * stride + offset;
      for (int d = 0; d < dims; d++) {
        double y = 2.0 * input[i * dims + d] - 1.0;
        if (includeInput) {
          out[o + d] = (float) y;
        }
        double a = Math.PI * y;
        double s = Math.sin(a);
        double c = Math.cos(a);
        int col = o + sinBase + d;
        for (int k = 0; k < frequencies; k++) {
          out[col] = (float) s;
          out[col + dims] = (float) c;
          col += 2 * dims;
          double s2 = 2 * s * c;
          c = (c - s) * (c + s);
          s = s2;
        }
      }
    }
  }

  /**
   * Vector-Jacobian product: writes {@code dL/dx} ({@code [count, inputDimension()]}, with respect
   * to the {@code [0, 1]} input) into {@code gradInput}, given {@code dL/doutput} laid out like
   * {@code encode}'s output.
   */
  public void inputGradient(float[] input, int count, float[] gradOutput, int gradStride, int gradOffset,
      float[] gradInput) {
    Checks.batch(this, input, count, gradOutput, gradStride, gradOffset, "gradOutput");
    Checks.length("gradInput", gradInput, (long) count * inputDimension);
    Parallel.forRange(count, 2048, (from, to, w) -> {
      int dims = inputDimension;
      int sinBase = includeInput ? dims : 0;
      for (int i = from; i < to; i++) {
        int o = i * gradStride + gradOffset;
        for (int d = 0; d < dims; d++) {
          double y = 2.0 * input[i * dims + d] - 1.0;
          double dy = includeInput ? gradOutput[o + d] : 0.0;
          double a = Math.PI * y;
          double s = Math.sin(a);
          double c = Math.cos(a);
          double freq = Math.PI;
          int col = o + sinBase + d;
          for (int k = 0; k < frequencies; k++) {
            dy += freq * (gradOutput[col] * c - gradOutput[col + dims] * s);
            col += 2 * dims;
            double s2 = 2 * s * c;
            c = (c - s) * (c + s);
            s = s2;
            freq *= 2;
          }
          gradInput[i * dims + d] = (float) (2.0 * dy); // dy/dx = 2
        }
      }
    });
  }

  @Override
  public String toString() {
    return "FrequencyEncoding[L=" + frequencies + ", in=" + inputDimension + ", includeInput=" + includeInput + "]";
  }

  /** Settings of a {@link FrequencyEncoding}. */
  public static final class Builder {
    private int inputDimension = 3;
    private int frequencies = 10;
    private boolean includeInput;

    private Builder() {}

    /** Coordinates per input point; default 3. */
    public Builder optInputDimension(int inputDimension) {
      if (inputDimension < 1) {
        throw new IllegalArgumentException("input dimension must be >= 1, got " + inputDimension);
      }
      this.inputDimension = inputDimension;
      return this;
    }

    /** Number of frequencies L in [0, 24]; default 10 (paper: 10 for positions, 2 in the hybrid). */
    public Builder optFrequencies(int frequencies) {
      if (frequencies < 0 || frequencies > 24) {
        throw new IllegalArgumentException("frequencies L must be in [0, 24], got " + frequencies);
      }
      this.frequencies = frequencies;
      return this;
    }

    /** Whether to prepend the normalised input {@code y = 2x - 1}; default false. */
    public Builder optIncludeInput(boolean includeInput) {
      this.includeInput = includeInput;
      return this;
    }

    public FrequencyEncoding build() {
      if (frequencies == 0 && !includeInput) {
        throw new IllegalArgumentException("a frequency encoding with L = 0 must include the input");
      }
      return new FrequencyEncoding(this);
    }
  }
}
