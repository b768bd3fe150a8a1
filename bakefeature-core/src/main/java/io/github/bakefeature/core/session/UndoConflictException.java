package io.github.bakefeature.core.session;

/**
 * One person's undo or redo that cannot be done exactly: another edit changed some of the change's
 * pixels after it (or an undo of the shared history did), so taking it back or putting it back
 * would overwrite that work. Nothing was changed; the change is no longer in the person's history.
 */
public final class UndoConflictException extends IllegalStateException {
  private static final long serialVersionUID = 1L;
  private final int frame;

  public UndoConflictException(int frame, String message) {
    super(message);
    this.frame = frame;
  }

  /** The frame of the change. */
  public int frame() {
    return frame;
  }
}
