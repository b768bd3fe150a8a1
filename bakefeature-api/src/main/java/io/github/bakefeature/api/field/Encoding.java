package io.github.bakefeature.api.field;

/**
 * A positional encoding {@code R^in -> R^out}: frequency (eq. 1 of the paper), a multiresolution
 * hash grid, their concatenation, or spherical harmonics of a view direction.
 *
 * <p>Inputs are points normalised to the unit cube {@code [0, 1]^in} (positions, already mapped
 * from the scene box) or unit vectors (directions); each encoding documents which. Batches are
 * row-major {@code [count, inputDimension()]} float arrays. Trainable encodings (the hash grid)
 * own their parameters; their training interface lives in the implementation.
 *
 * <p>Implementations are safe for concurrent {@code encode} calls unless a training step is
 * updating their parameters at the same time.
 */
public interface Encoding {

  /** Dimension of one input point (3 for positions and directions). */
  int inputDimension();

  /** Dimension of one encoded point. */
  int outputDimension();

  /** Number of trainable parameters (0 for fixed encodings). */
  default long parameterCount() {
    return 0;
  }

  /**
   * Encodes {@code count} points.
   *
   * @param input {@code [count, inputDimension()]}, row-major
   * @param count number of points
   * @param output receives point i at {@code output[i * outputStride + outputOffset + k]} for
   *     {@code k < outputDimension()}, so encodings can be written side by side into one buffer
   * @param outputStride floats between consecutive points in {@code output}
   * @param outputOffset first column written
   */
  void encode(float[] input, int count, float[] output, int outputStride, int outputOffset);

  /** Encodes {@code count} points into a dense {@code [count, outputDimension()]} array. */
  default float[] encode(float[] input, int count) {
    if (count < 0) {
      throw new IllegalArgumentException("expected count >= 0, found " + count);
    }
    float[] out = new float[Math.multiplyExact(count, outputDimension())];
    encode(input, count, out, outputDimension(), 0);
    return out;
  }
}
