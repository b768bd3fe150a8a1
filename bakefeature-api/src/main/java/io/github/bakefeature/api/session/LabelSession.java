package io.github.bakefeature.api.session;

import io.github.bakefeature.api.annotation.SemanticClass;
import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.field.RenderedView;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Scene;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * The interactive labelling loop of the paper's tool (section III-E): a person adds classes and
 * draws strokes on frames while a background thread keeps fitting the field to the scene and to
 * every annotation made so far; at any time any frame can be segmented or rendered.
 *
 * <p><b>Persistence.</b> Every annotation change is saved before the call returns, atomically, in
 * the scene's {@code semantic/} PNGs plus a session file (classes, colours, history), so a crash
 * loses at most the change in flight.
 *
 * <p><b>Failures.</b> A frame index outside {@code [0, scene().size())} or a class id outside
 * {@code [0, classes().size())} throws {@link IllegalArgumentException}; a change that cannot be
 * saved throws {@link java.io.UncheckedIOException} and is not applied (memory and files stay as
 * they were); any call after {@link #close()} throws {@link IllegalStateException}, except
 * {@link #scene()}, {@link #isPaused()} and {@link #progress()} (which report the session stopped),
 * {@link #removeListener} and {@link #close()} itself. In particular nothing reads the closed
 * session's annotations (another session may own the scene by then) or writes into its scene.
 *
 * <p><b>Undo scope.</b> The history holds strokes, erases and frame clears of every frame, in the
 * order they were made by any caller (one history per scene, shared by every client of the
 * session): {@link #undo()} takes back the latest change whoever made it. Tools where several
 * people label one session at once pass an author id ({@link #applyStroke(int, Stroke, String)},
 * {@link #undo(String)}): an implementation may then keep one history per author, so that a
 * person's undo takes back their own latest change and leaves the others' in place (the library's
 * session does, and refuses ids longer than 128 characters; the default methods share the one
 * history). Class additions, renames and recolours are saved at once and are not undo steps.
 *
 * <p><b>Threading.</b> All methods are thread-safe. Annotation calls never wait for a training
 * step; the trainer picks up a change within one step. {@link #segment} and {@link #render} see
 * the model between two steps (never a half-updated one) and block training for at most one
 * step.
 */
public interface LabelSession extends AutoCloseable {

  /** The scene being labelled. */
  Scene scene();

  // ---- classes -------------------------------------------------------------------------------

  /** The classes in id order; unmodifiable snapshot. */
  List<SemanticClass> classes();

  /**
   * Adds a class with the next free id and returns it.
   *
   * @throws IllegalArgumentException if another class already has {@code name} (names are unique)
   */
  SemanticClass addClass(String name, int colour);

  /**
   * Renames class {@code classId}.
   *
   * @throws IllegalArgumentException if another class already has {@code name}
   */
  void renameClass(int classId, String name);

  /** Changes the display colour ({@code 0xRRGGBB}) of class {@code classId}. */
  void recolourClass(int classId, int colour);

  // ---- annotations ---------------------------------------------------------------------------

  /**
   * Applies a paint or erase stroke to {@code frame} (one undo step).
   *
   * @return pixels whose label changed; 0 when the stroke changed nothing (it lies off the image,
   *     repaints a class already there, erases where nothing is) and left no undo step
   */
  int applyStroke(int frame, Stroke stroke);

  /**
   * Removes every scribble of {@code frame} (one undo step).
   *
   * @return pixels that were labelled; 0 when the frame had none (no undo step)
   */
  int clearFrame(int frame);

  /** Undoes the latest change of the whole history; false if there is none. */
  boolean undo();

  /** Redoes the latest undone change; false if there is none. */
  boolean redo();

  boolean canUndo();

  boolean canRedo();

  // ---- several people on one session ----------------------------------------------------------

  /**
   * {@link #applyStroke(int, Stroke)} on behalf of {@code author}, an id the caller picks per person
   * (e.g. one per browser) for {@link #undo(String)}. The default ignores the author.
   *
   * @throws IllegalArgumentException also for a null or blank author
   */
  default int applyStroke(int frame, Stroke stroke, String author) {
    requireAuthor(author);
    return applyStroke(frame, stroke);
  }

  /** {@link #clearFrame(int)} on behalf of {@code author}. The default ignores the author. */
  default int clearFrame(int frame, String author) {
    requireAuthor(author);
    return clearFrame(frame);
  }

  /**
   * Undoes {@code author}'s latest change, leaving later changes of other people in place; false if
   * there is none. The default is {@link #undo()}.
   *
   * @throws IllegalStateException from an implementation that keeps one history per author, if the
   *     change cannot be taken back exactly (someone's later work covers some of its pixels): nothing
   *     changes
   */
  default boolean undo(String author) {
    requireAuthor(author);
    return undo();
  }

  /** Redoes {@code author}'s latest undone change; false if there is none. The default is {@link #redo()}. */
  default boolean redo(String author) {
    requireAuthor(author);
    return redo();
  }

  /** Whether {@link #undo(String)} has something to undo. The default is {@link #canUndo()}. */
  default boolean canUndo(String author) {
    requireAuthor(author);
    return canUndo();
  }

  /** Whether {@link #redo(String)} has something to redo. The default is {@link #canRedo()}. */
  default boolean canRedo(String author) {
    requireAuthor(author);
    return canRedo();
  }

  private static void requireAuthor(String author) {
    if (author == null || author.isBlank()) {
      throw new IllegalArgumentException("expected an author id, found " + (author == null ? "null" : "a blank string"));
    }
  }

  /** The current scribbles of {@code frame} (a copy). */
  LabelImage scribbles(int frame);

  /** Indices of frames that carry at least one scribbled pixel, ascending. */
  List<Integer> annotatedFrames();

  // ---- training ------------------------------------------------------------------------------

  /**
   * Pauses background training: returns once the step in flight, if any, has finished; no step
   * starts until {@link #resume()}. Callable from any thread, including listeners.
   */
  void pause();

  /** Resumes background training. */
  void resume();

  boolean isPaused();

  /** The latest training progress. */
  TrainingProgress progress();

  // ---- results -------------------------------------------------------------------------------

  /**
   * Dense segmentation of {@code frame} with the current model: ids of {@link #classes()}, or
   * {@link io.github.bakefeature.api.scene.LabelImage#UNLABELLED} (confidence 0) where the model
   * assigns none of them (e.g. while the session has no classes).
   */
  Segmentation segment(int frame);

  /**
   * Renders {@code frame} with the current model; its classes as {@link #segment} gives them
   * ({@link io.github.bakefeature.api.scene.LabelImage#UNLABELLED} where none of the session's).
   */
  RenderedView render(int frame, Set<RenderOutput> outputs);

  /**
   * The frame a person should look at next: the one where the model is least certain (lowest
   * mean confidence, estimated on a subsample of pixels).
   */
  int suggestNextFrame();

  // ---- lifecycle -----------------------------------------------------------------------------

  void addListener(SessionListener listener);

  void removeListener(SessionListener listener);

  /** Saves a model checkpoint next to the session file so a reopened session resumes training. */
  void saveCheckpoint() throws IOException;

  /** Stops the training thread, saves, and releases native memory. Idempotent. */
  @Override
  void close();
}
