package io.github.bakefeature.core.encodings;

import io.github.bakefeature.api.field.Encoding;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * An {@link Encoding} with parameters trained outside DJL: the caller hands the gradient of the
 * loss with respect to the encoding's output (read from a DJL leaf) to {@link #backward}, then
 * calls {@link #step}. Training calls come from one training thread; {@code encode} from other
 * threads must not overlap a {@link #step} or {@link #readState}.
 */
public interface TrainableEncoding extends Encoding {

  /**
   * Accumulates dL/dparameters for a batch: {@code input} and {@code count} as in the
   * {@code encode} call whose output was used, {@code gradOutput} dL/doutput laid out like that
   * output (point i, column k at {@code gradOutput[i * gradStride + gradOffset + k]}).
   * Gradients add up over calls until {@link #step}.
   */
  void backward(float[] input, int count, float[] gradOutput, int gradStride, int gradOffset);

  /** Applies one optimiser step with learning rate {@code learningRate} to the accumulated gradient, then clears it. */
  void step(float learningRate);

  /**
   * {@link #backward} of one batch followed by {@link #step}: the same result, which an
   * implementation may compute faster by updating parameters while their gradient is still in
   * cache. Gradients accumulated by earlier {@link #backward} calls are included in the step.
   */
  default void backwardAndStep(float[] input, int count, float[] gradOutput, int gradStride, int gradOffset,
      float learningRate) {
    backward(input, count, gradOutput, gradStride, gradOffset);
    step(learningRate);
  }

  /** Discards the accumulated gradient without a step. */
  void zeroGradients();

  /** Serialises parameters and optimiser state (for checkpoints); {@link #readState} restores them bit-exactly. */
  void writeState(DataOutputStream out) throws IOException;

  /**
   * Restores what {@link #writeState} wrote from an encoding of the same configuration.
   *
   * @throws IOException if the stream is truncated or holds another configuration
   */
  void readState(DataInputStream in) throws IOException;

  /**
   * A copy of the current parameters for inference only (rendering snapshots): it encodes like
   * this encoding does now, shares nothing mutable with it, and holds no gradient or optimiser
   * memory; training methods on it throw {@link IllegalStateException}.
   */
  TrainableEncoding frozenCopy();
}
