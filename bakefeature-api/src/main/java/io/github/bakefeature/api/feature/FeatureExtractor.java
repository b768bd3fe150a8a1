package io.github.bakefeature.api.feature;

import io.github.bakefeature.api.scene.RgbImage;
import java.io.IOException;

/**
 * Maps an RGB image to a dense feature map {@code F} of shape {@code H_f x W_f x M} (section III-C
 * of the paper), e.g. the filter bank that needs no weights or a pretrained ViT / FCN.
 *
 * <p>Implementations document whether they are thread-safe; the library calls {@link #extract}
 * from one thread at a time per instance.
 */
public interface FeatureExtractor extends AutoCloseable {

  /**
   * A stable identifier that changes whenever the output would change (the extractor, its
   * weights and its parameters), e.g. {@code "filterbank-v1-s0.7,1.6,3.5,5,10"}. Feature caches
   * are keyed by it.
   */
  String id();

  /** Feature dimension {@code M}. */
  int dimension();

  /**
   * Extracts the feature map of one image.
   *
   * @throws IOException if the backbone cannot be run
   */
  FeatureMap extract(RgbImage image) throws IOException;

  /** Releases native resources (models, engines); the default does nothing. */
  @Override
  default void close() {}
}
