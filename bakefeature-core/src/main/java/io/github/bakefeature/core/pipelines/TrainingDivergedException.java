package io.github.bakefeature.core.pipelines;

/**
 * A training step produced a loss or gradient that is not finite (NaN or infinite). The step is
 * not applied: the model keeps the parameters of the last good step, so a checkpoint written
 * afterwards is still usable. Usually a learning rate too high for the scene or broken inputs.
 */
public final class TrainingDivergedException extends IllegalStateException {
  private final long step;

  public TrainingDivergedException(long step, String what) {
    super("training step " + step + " diverged: " + what + " is not finite; the step was not applied and the model "
        + "keeps its last good parameters (lower the learning rate, or check the scene's depth and poses)");
    this.step = step;
  }

  /** The step that was refused (the trainer's iteration count before it). */
  public long step() {
    return step;
  }
}
