package io.github.bakefeature.core.data;

/**
 * Per-pixel feature targets for the feature loss (eq. 11): the encoded feature {@code enc(f)} of
 * the extracted feature map at an image pixel, looked up by nearest neighbour. Implemented by the
 * feature cache. Thread-safe for concurrent lookups.
 */
public interface FeatureSource {

  /** Feature dimension D. */
  int dimension();

  /**
   * Writes the encoded feature of pixel (px, py) of scene frame {@code frame} (image coordinates
   * at the scene's full resolution) to {@code out[offset .. offset + dimension())}.
   */
  void lookup(int frame, int px, int py, float[] out, int offset);

  /**
   * The scene this source was built for, as {frames, image width, image height}, or null when it
   * does not know; training checks it against the scene it trains on.
   */
  default int[] sceneShape() {
    return null;
  }

  /**
   * Why these targets were not built for {@code scene} (e.g. another capture of the same size and
   * frame count), or null when they were or the source cannot tell; training refuses a mismatch.
   *
   * @throws java.io.IOException if the scene's images cannot be read to compare them
   */
  default String sceneMismatch(io.github.bakefeature.api.scene.Scene scene) throws java.io.IOException {
    return null;
  }

  /**
   * Names the feature targets' code space: equal for the same targets, different when they change
   * (another extractor, a rebuilt autoencoder), or null when unknown. Checkpoints record it, so a
   * session does not resume a feature head trained on other targets.
   */
  default String identity() {
    return null;
  }

  /**
   * Whether {@code recorded} (an {@link #identity()} a checkpoint stored) names these targets; by
   * default equality with {@link #identity()}.
   */
  default boolean isIdentity(String recorded) {
    return recorded != null && recorded.equals(identity());
  }
}
