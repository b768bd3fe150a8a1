package io.github.bakefeature.api.session;

/**
 * Receives events from a {@link LabelSession}. {@link #onProgress} and {@link #onTrainingFailed}
 * run on the session's training thread; {@link #onAnnotationsChanged} and {@link #onClassesChanged}
 * run on the thread that made the change, after it is saved and before that call returns, outside
 * the session's locks (a listener may call the session). So every callback must return quickly:
 * a slow one holds up training or the caller's edit; hand work to another thread. An exception
 * thrown by a listener (a stack overflow included) is logged and does not stop training. Only an
 * error the JVM may not recover from (out of memory) stops it, and is then reported to
 * {@link #onTrainingFailed}.
 */
public interface SessionListener {

  /** Training progressed (called at most a few times per second). */
  default void onProgress(TrainingProgress progress) {}

  /**
   * A stroke, erase, clear, undo or redo of {@code frame} was applied and saved (also one that
   * changed no pixel, e.g. paint over the same class: compare versions or pixels if that matters).
   */
  default void onAnnotationsChanged(int frame) {}

  /** A class was added, renamed or recoloured. */
  default void onClassesChanged() {}

  /**
   * Training stopped on an error (e.g. a step whose loss was not finite, refused before it changed
   * the model); the session stays usable for annotation, and its model is the last good one.
   */
  default void onTrainingFailed(Throwable error) {}
}
