package io.github.bakefeature.api.session;

/**
 * Receives events from a {@link LabelSession}. Callbacks run on the session's own threads and must
 * return quickly (hand work to another thread); an exception thrown by a listener (a stack
 * overflow included) is logged and does not stop training. Only an error the JVM may not recover
 * from (out of memory) stops it, and is then reported to {@link #onTrainingFailed}.
 */
public interface SessionListener {

  /** Training progressed (called at most a few times per second). */
  default void onProgress(TrainingProgress progress) {}

  /** The scribbles of {@code frame} changed (stroke, erase, clear, undo or redo). */
  default void onAnnotationsChanged(int frame) {}

  /** A class was added, renamed or recoloured. */
  default void onClassesChanged() {}

  /** Training stopped on an error; the session stays usable for annotation. */
  default void onTrainingFailed(Throwable error) {}
}
