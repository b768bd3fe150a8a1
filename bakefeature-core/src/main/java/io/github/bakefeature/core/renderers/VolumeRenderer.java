package io.github.bakefeature.core.renderers;

import ai.djl.ndarray.NDArray;
import io.github.bakefeature.core.djl.DjlRuntime;
import ai.djl.ndarray.types.Shape;

/**
 * Volume rendering (eq. 2-3 of the paper) of per-sample values along rays.
 *
 * <p>Two forms: DJL ops on dense {@code [R, S]} batches for training (differentiable through
 * autograd), and a Java kernel on packed variable-length rays for rendering. Both compute
 * {@code w_i = T_i (1 - exp(-sigma_i delta_i))}, {@code T_i = exp(-sum_{j<i} sigma_j delta_j)}.
 */
public final class VolumeRenderer {
  private VolumeRenderer() {}

  /**
   * Compositing weights {@code [R, S]} from densities {@code sigma [R, S]} (1/metre) and interval
   * lengths {@code delta [R, S]} (metres); differentiable w.r.t. sigma.
   */
  public static NDArray weights(NDArray sigma, NDArray delta) {
    NDArray sd = sigma.mul(delta);
    // Exclusive cumulative sum: optical depth before each sample.
    NDArray before = sd.cumSum(1).sub(sd);
    NDArray transmittance = before.neg().exp();
    NDArray alpha = sd.neg().exp().neg().add(DjlRuntime.scalar(sd.getManager(), 1f));
    return transmittance.mul(alpha);
  }

  /** {@code R(r, h) = sum_i w_i h_i}: weights {@code [R, S]}, values {@code [R, S, K]} -> {@code [R, K]}. */
  public static NDArray composite(NDArray weights, NDArray values) {
    Shape s = values.getShape();
    NDArray w = weights.expandDims(1); // [R, 1, S]
    return w.batchMatMul(values).reshape(s.get(0), s.get(2));
  }

  /** {@code sum_i w_i t_i}: weights and distances {@code [R, S]} -> {@code [R]}. */
  public static NDArray expectedDistance(NDArray weights, NDArray t) {
    return weights.mul(t).sum(new int[] {1});
  }

  /**
   * Java compositing weights for packed rays: ray r owns samples {@code [start[r], start[r+1])}.
   * {@code transmittance[r]} is the light reaching the ray's first sample on entry and what is left
   * after its last sample on return, so a ray can be composited in several segments (rendering
   * with early termination). Allocation-free.
   */
  public static void weights(int rays, int[] start, float[] sigma, float[] delta, float[] transmittance, float[] w) {
    for (int r = 0; r < rays; r++) {
      float tr = transmittance[r];
      for (int i = start[r]; i < start[r + 1]; i++) {
        float decay = (float) Math.exp(-sigma[i] * delta[i]);
        w[i] = tr * (1f - decay);
        tr *= decay;
      }
      transmittance[r] = tr;
    }
  }
}
