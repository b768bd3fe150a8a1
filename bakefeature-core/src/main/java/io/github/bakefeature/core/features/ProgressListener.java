package io.github.bakefeature.core.features;

/**
 * Progress of a long feature job (extraction, autoencoder fitting, encoding, loading), reported
 * from the thread doing the work. Implementations must be cheap and must not throw.
 */
@FunctionalInterface
public interface ProgressListener {
  /** Stage names used by this package. */
  String EXTRACT = "extract";
  String FIT = "fit";
  String ENCODE = "encode";
  String LOAD = "load";

  /** A listener that ignores everything. */
  ProgressListener NONE = (stage, done, total) -> {};

  /**
   * @param stage one of {@link #EXTRACT}, {@link #FIT}, {@link #ENCODE}, {@link #LOAD}
   * @param done units finished in this stage (frames, or steps for {@link #FIT})
   * @param total units in this stage
   */
  void progress(String stage, long done, long total);
}
