package io.github.bakefeature.core.encodings;

import java.util.Optional;

/**
 * A hash grid implementation for a compute device other than the CPU, found on the class path
 * with {@link java.util.ServiceLoader} (bakefeature-cuda provides one for CUDA GPUs) and chosen by
 * {@link HashGrids#create}.
 *
 * <p>A provider's grid must be a drop-in replacement for the {@link HashGridEncoding} it is made
 * from: same configuration, outputs laid out alike, the same {@code writeState} format (so
 * checkpoints move between devices) and frozen copies that encode on the CPU.
 */
public interface HashGridProvider {

  /** The device name users select it by ({@code -Dbakefeature.device=NAME}), e.g. {@code cuda}. */
  String device();

  /** Empty if this provider can run on this machine now; otherwise why not, for the user. */
  Optional<String> unavailableReason();

  /**
   * A grid on this provider's device starting from {@code template}'s configuration, parameters
   * and optimiser state; {@code template} becomes the grid's host mirror and must not be used
   * directly afterwards.
   *
   * @throws IllegalStateException if the device fails (out of memory, driver error)
   */
  TrainableEncoding create(HashGridEncoding template);
}
