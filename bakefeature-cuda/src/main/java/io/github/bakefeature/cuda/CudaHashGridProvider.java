package io.github.bakefeature.cuda;

import io.github.bakefeature.core.encodings.HashGridEncoding;
import io.github.bakefeature.core.encodings.HashGridProvider;
import io.github.bakefeature.core.encodings.TrainableEncoding;
import java.util.Optional;

/**
 * The {@code cuda} hash grid device: {@link CudaHashGridEncoding} on GPU 0. Registered for
 * {@link java.util.ServiceLoader}; selected with {@code -Dbakefeature.device=cuda} (or
 * {@code auto}), see {@link io.github.bakefeature.core.encodings.HashGrids}.
 */
public final class CudaHashGridProvider implements HashGridProvider {

  @Override
  public String device() {
    return "cuda";
  }

  @Override
  public Optional<String> unavailableReason() {
    return CudaContext.get().unavailableReason();
  }

  @Override
  public TrainableEncoding create(HashGridEncoding template) {
    return new CudaHashGridEncoding(template);
  }
}
