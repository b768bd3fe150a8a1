package io.github.bakefeature.core.session;

import io.github.bakefeature.api.annotation.SemanticClass;
import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.field.RenderedView;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.api.session.LabelSession;
import io.github.bakefeature.api.session.Segmentation;
import io.github.bakefeature.api.session.SessionListener;
import io.github.bakefeature.api.session.TrainingProgress;
import io.github.bakefeature.core.data.FeatureSource;
import io.github.bakefeature.core.data.TrainingData;
import io.github.bakefeature.core.fields.FieldConfig;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.pipelines.Checkpoint;
import io.github.bakefeature.core.pipelines.FieldTrainer;
import io.github.bakefeature.core.pipelines.SemanticFieldModel;
import io.github.bakefeature.core.pipelines.StepResult;
import io.github.bakefeature.core.pipelines.TrainerConfig;
import io.github.bakefeature.core.pipelines.Training;
import io.github.bakefeature.core.scene.SceneLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The library's {@link LabelSession}: an {@link AnnotationStore} for what the person draws, a
 * {@link FieldTrainer} fitted by a background thread, and model snapshots for readers.
 *
 * <p>Annotation calls update the store (persisted before they return) and the trainer's labels
 * directly; the class-balanced index is updated pixel by pixel, so the next step samples the new
 * labels. The training thread holds a lock only while it takes a step; a reader that needs a newer
 * model waits for the current step and copies the parameters (tens of milliseconds), then renders
 * from the copy without holding anything, so training never waits for a render. A checkpoint is
 * likewise copied under the lock (memory speed) and written to disk without it, so renders do
 * not wait for the disk.
 *
 * <p>The model is checkpointed to {@code session/}{@value #CHECKPOINT} (on close, on request, or
 * every {@link Builder#optCheckpointEvery} steps) and resumed from it on open; one the session
 * cannot resume from is set aside first (see {@link Builder#optResume}), never overwritten.
 */
public final class DefaultLabelSession implements LabelSession {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultLabelSession.class);
  /** File of the model checkpoint inside the scene's session folder. */
  public static final String CHECKPOINT = "model.ckpt";

  private final Scene scene;
  private final AnnotationStore store;
  /**
   * The model, its optimiser and the training data (hundreds of MB of heap); null once closed, so a
   * closed session the application still references holds none of it. The training loop works on
   * its own reference.
   */
  private volatile FieldTrainer trainer;
  /** Steps taken when the session closed (what {@link #step()} reports then). */
  private volatile long stepsAtClose;
  private final Path checkpointFile;
  /** Why a persistent session saves no checkpoint (an unusable one could not be moved aside), or null. */
  private final String checkpointsOff;
  /** Checkpoint copies taken so far (guarded by modelLock). */
  private long checkpointCopies;
  /** Serialises checkpoint writes; the number of the copy last written (guarded by it). */
  private final Object checkpointWriteLock = new Object();
  private long checkpointWritten;
  private final long checkpointEverySteps;
  // Fair: a reader taking snapshot after snapshot must not starve the trainer (nor the trainer a reader).
  private final ReentrantLock modelLock = new ReentrantLock(true);
  private final Object pauseMonitor = new Object();
  private final ConcurrentLinkedQueue<java.util.function.Consumer<FieldTrainer>> trainerTasks =
      new ConcurrentLinkedQueue<>();
  private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private final FrameSuggester suggester;
  private volatile boolean paused;
  private volatile boolean closed;
  /** Set by the first {@link #close()}; later callers wait on {@link #closeDone} instead of returning early. */
  private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
  /** Counted down once close() has stopped the thread, saved and released the scene lock. */
  private final java.util.concurrent.CountDownLatch closeDone = new java.util.concurrent.CountDownLatch(1);
  /** Set (under checkpointWriteLock) just before the scene lock is released: no checkpoint write after it. */
  private boolean released;
  private volatile SemanticFieldModel snapshot;
  private volatile StepResult lastStep;
  private volatile double stepsPerSecond;
  private volatile long lastAnnotationNanos = System.nanoTime();
  private volatile Throwable failure;
  /** Set (under pauseMonitor) when the training thread's loop ended on an error: resume() refuses. */
  private boolean trainerStopped;
  /** Held while the session is open: one session per scene folder (null in memory). */
  private final SessionLock lock;
  /** Serialises an edit of the store with handing its labels to the trainer. */
  private final Object editLock = new Object();
  /** Each author's undo and redo stacks (guarded by editLock). */
  private final AuthorHistories authors = new AuthorHistories();
  /** Strokes and clears that changed nothing, which authors' undo must not overwrite (guarded by editLock). */
  private final NoOpEdits noOps;

  private DefaultLabelSession(Builder b, AnnotationStore store, FieldTrainer trainer, SessionLock lock,
      String checkpointsOff) {
    this.lock = lock;
    this.scene = b.scene;
    this.store = store;
    this.noOps = new NoOpEdits(b.scene.width() * b.scene.height(), f -> b.scene.frame(f).name() + ".png");
    this.trainer = trainer;
    this.checkpointFile = store.isPersistent() && checkpointsOff == null
        ? b.scene.directory().orElseThrow().resolve(SceneLayout.SESSION).resolve(CHECKPOINT) : null;
    this.checkpointsOff = store.isPersistent() ? checkpointsOff : null;
    this.checkpointEverySteps = b.checkpointEverySteps;
    this.paused = !b.autoStart;
    this.suggester = new FrameSuggester(b.scene.size(), b.scene.width(), b.scene.height(), FrameSuggester.RAY_BUDGET);
    this.thread = new Thread(this::trainLoop, "bakefeature-trainer");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /**
   * A builder for a session on {@code scene}: a {@link io.github.bakefeature.core.scene.SceneFolder}
   * (annotations persisted in it, one session per folder at a time) or an in-memory scene.
   */
  public static Builder builder(Scene scene) {
    return new Builder(scene);
  }

  // ---- classes -------------------------------------------------------------------------------

  @Override
  public Scene scene() {
    return scene;
  }

  @Override
  public List<SemanticClass> classes() {
    checkOpen();
    return store.classes();
  }

  @Override
  public SemanticClass addClass(String name, int colour) {
    SemanticClass c = io(() -> store.addClass(name, colour));
    int count = store.classes().size();
    trainerTasks.add(t -> t.ensureClasses(count));
    listeners.forEach(l -> safely(l::onClassesChanged));
    return c;
  }

  @Override
  public void renameClass(int classId, String name) {
    io(() -> {
      store.renameClass(classId, name);
      return null;
    });
    listeners.forEach(l -> safely(l::onClassesChanged));
  }

  @Override
  public void recolourClass(int classId, int colour) {
    io(() -> {
      store.recolourClass(classId, colour);
      return null;
    });
    listeners.forEach(l -> safely(l::onClassesChanged));
  }

  // ---- annotations ---------------------------------------------------------------------------

  @Override
  public int applyStroke(int frame, Stroke stroke) {
    checkOpen();
    java.util.Objects.requireNonNull(stroke, "stroke");
    return change(frame, null, () -> store.strokeEdit(frame, stroke), () -> store.covered(stroke));
  }

  @Override
  public int clearFrame(int frame) {
    return change(frame, null, () -> store.clearEdit(frame), () -> null);
  }

  /**
   * Makes one new change of {@code frame} ({@code make}: the store's edit, null if it changed
   * nothing) on behalf of {@code author} (null: the shared history's only). The store edit and the
   * trainer's copy change together: two threads' edits of one frame must reach the trainer in the
   * order they reached the scribbles, or it trains on stale labels.
   *
   * @param covered the pixels the change covered (null: the whole frame), asked only if it changed
   *     nothing: it is still work an author's undo must not overwrite
   * @return pixels whose label changed
   */
  private int change(int frame, String author, IoAction<Edit> make, java.util.function.Supplier<int[]> covered) {
    int changed;
    synchronized (editLock) {
      Edit e = io(make);
      changed = e == null ? 0 : e.pixels().length;
      if (e == null) {
        noOps.add(frame, covered.get(), store.lastId());
      } else {
        if (author != null) {
          authors.made(author, e); // first: saved, it is theirs whatever the trainer's update does
          authors.forgetBefore(store.oldestId());
        }
        labelsChanged(frame, e.pixels());
      }
    }
    notifyAnnotations(frame);
    return changed;
  }

  @Override
  public boolean undo() {
    return replay(store::undo);
  }

  @Override
  public boolean redo() {
    return replay(store::redo);
  }

  /** Undo or redo: the store's step and the trainer's labels together, then the listeners. */
  private boolean replay(IoAction<Edit> step) {
    Edit e;
    synchronized (editLock) {
      e = io(step);
      if (e == null) {
        return false;
      }
      labelsChanged(e.frame(), e.pixels());
    }
    notifyAnnotations(e.frame());
    return true;
  }

  /** Hands the changed pixels' labels, as the store now holds them, to the trainer (under editLock). */
  private void labelsChanged(int frame, int[] pixels) {
    if (pixels.length == 0) {
      return;
    }
    FieldTrainer t = trainer;
    if (t == null) {
      return; // closed since the store took the edit: nothing trains any more
    }
    TrainingData data = t.data();
    int tf = data.trainingFrame(frame);
    if (tf >= 0) {
      // Only the training pixels whose block holds a changed pixel are recomputed.
      data.updateLabels(tf, store.scribbles(frame), pixels);
    }
    lastAnnotationNanos = System.nanoTime();
  }

  private void notifyAnnotations(int frame) {
    listeners.forEach(l -> safely(() -> l.onAnnotationsChanged(frame)));
  }

  @Override
  public int applyStroke(int frame, Stroke stroke, String author) {
    String a = openAuthor(author);
    java.util.Objects.requireNonNull(stroke, "stroke");
    return change(frame, a, () -> store.strokeEdit(frame, stroke), () -> store.covered(stroke));
  }

  @Override
  public int clearFrame(int frame, String author) {
    return change(frame, openAuthor(author), () -> store.clearEdit(frame), () -> null);
  }

  /**
   * Takes back {@code author}'s latest change, leaving other people's later changes in place: an
   * undo of the shared history when its edit is the latest, otherwise a new edit putting back the
   * change's pixels, if that is exact. With none of their own left, the latest change, if it is
   * nobody's in this session (made before it was opened, or without an author), is undone as
   * {@link #undo()} does.
   *
   * @throws UndoConflictException if someone changed some of the change's pixels after it: nothing
   *     is changed, and the change leaves the author's history (a next call takes back the one before)
   */
  @Override
  public boolean undo(String author) {
    return authoredStep(openAuthor(author), true);
  }

  /** Puts back {@code author}'s latest undone change, as {@link #undo(String)} takes it back. */
  @Override
  public boolean redo(String author) {
    return authoredStep(openAuthor(author), false);
  }

  private boolean authoredStep(String author, boolean undo) {
    Edit applied;
    synchronized (editLock) {
      AuthorHistories.Step step = undo ? authors.popUndo(author) : authors.popRedo(author);
      if (step != null) {
        AuthorHistories.Step next;
        try {
          Edit e = step.edit();
          noOps.check(e, undo ? step.effect() : step.after());
          if (undo) {
            applied = io(() -> store.undoIfLatest(step.effect()));
            if (applied == null) {
              applied = io(() -> store.restoreExactly(e, e.after(), e.before(), step.effect(), true,
                  this::cancelledOut, authors::remadeFrom));
              next = new AuthorHistories.Step(e, step.effect(), applied.id());
              authors.cancel(step.effect(), applied.id());
            } else {
              // Every edit after it was undone then: all that is applied later on came after.
              next = new AuthorHistories.Step(e, step.effect(), -1);
            }
          } else {
            applied = io(() -> step.undoEdit() < 0 ? store.redoIfNext(step.effect())
                : store.undoIfLatest(step.undoEdit()));
            if (applied == null) {
              applied = io(() -> store.restoreExactly(e, e.before(), e.after(), step.after(), false,
                  this::cancelledOut, authors::remadeFrom));
              authors.remade(applied.id(), e);
              next = new AuthorHistories.Step(e, applied.id(), -1);
            } else {
              if (step.undoEdit() >= 0) {
                authors.uncancel(step.effect(), step.undoEdit()); // the RESTORE that took it back is undone
              }
              next = new AuthorHistories.Step(e, step.effect(), -1);
            }
          }
        } catch (UndoConflictException conflict) {
          throw conflict; // the change leaves the author's history: it cannot be undone or redone exactly
        } catch (RuntimeException failed) {
          // Not saved (the store put everything back): still the author's to undo or redo.
          if (undo) {
            authors.pushUndo(author, step);
          } else {
            authors.pushRedo(author, step);
          }
          throw failed;
        }
        authors.attribute(applied.id());
        if (undo) {
          authors.pushRedo(author, next);
        } else {
          authors.pushUndo(author, next);
        }
      } else {
        // Nothing of their own: the shared history's latest change, if it is nobody's.
        Edit nobodys = undo ? store.latestApplied() : store.nextRedo();
        if (nobodys == null || authors.isAttributed(nobodys.id())) {
          return false;
        }
        noOps.check(nobodys, nobodys.id()); // someone's stroke that changed nothing lies on it
        applied = io(undo ? store::undo : store::redo);
        if (undo) {
          authors.pushRedo(author, new AuthorHistories.Step(applied, applied.id(), -1));
        } else {
          authors.pushUndo(author, AuthorHistories.Step.made(applied));
        }
      }
      labelsChanged(applied.frame(), applied.pixels());
      authors.forgetBefore(store.oldestId());
    }
    notifyAnnotations(applied.frame());
    return true;
  }

  /** Whether edit {@code id} and its partner (the RESTORE that took it back, or the reverse) are both applied. */
  private boolean cancelledOut(long id) {
    long partner = authors.partner(id);
    return partner >= 0 && store.isApplied(partner) && store.isApplied(id);
  }

  @Override
  public boolean canUndo(String author) {
    String a = openAuthor(author);
    synchronized (editLock) {
      Edit latest = store.latestApplied();
      return authors.hasUndo(a) || latest != null && !authors.isAttributed(latest.id());
    }
  }

  @Override
  public boolean canRedo(String author) {
    String a = openAuthor(author);
    synchronized (editLock) {
      Edit next = store.nextRedo();
      return authors.hasRedo(a) || next != null && !authors.isAttributed(next.id());
    }
  }

  @Override
  public boolean canUndo() {
    checkOpen();
    return store.canUndo();
  }

  @Override
  public boolean canRedo() {
    checkOpen();
    return store.canRedo();
  }

  @Override
  public LabelImage scribbles(int frame) {
    checkOpen();
    return store.scribbles(frame);
  }

  @Override
  public List<Integer> annotatedFrames() {
    checkOpen();
    return store.annotatedFrames();
  }

  /** The underlying store (history inspection, tests). */
  public AnnotationStore store() {
    return store;
  }

  /** Whether the training thread is still running (tests). */
  boolean trainingThreadAlive() {
    return thread.isAlive();
  }

  /** The training thread's state, e.g. WAITING while paused (tests). */
  Thread.State trainingThreadState() {
    return thread.getState();
  }

  /** The trainer's labels at the training resolution (tests). */
  TrainingData trainingData() {
    return openTrainer().data();
  }

  // ---- training ------------------------------------------------------------------------------

  private void trainLoop() {
    try {
      runTraining();
    } catch (Throwable t) {
      // Something outside a step (a listener's Error, say) ended the loop: record it, so that
      // awaitStep and progress report it instead of waiting for a thread that is gone.
      synchronized (pauseMonitor) { // atomic with resume()'s check: it must not clear this failure
        failure = t;
        trainerStopped = true;
        paused = true;
      }
      LOG.error("training thread stopped", t);
      // Listeners learn it too: a tool that only listens would otherwise wait for progress forever.
      try {
        listeners.forEach(l -> safely(() -> l.onTrainingFailed(t)));
      } catch (Throwable again) {
        LOG.error("could not report the stop of the training thread to the listeners", again);
      }
    }
  }

  private void runTraining() {
    FieldTrainer trainer = this.trainer; // close() drops the field; this thread keeps training on its own
    long windowStart = System.nanoTime();
    long windowSteps = 0;
    long lastEvent = 0;
    while (!closed) {
      synchronized (pauseMonitor) {
        while (paused && !closed) {
          try {
            pauseMonitor.wait(500);
          } catch (InterruptedException e) {
            strayInterrupt(); // close() stops this thread through `closed`, never by interrupting it
          }
        }
      }
      if (closed) {
        break;
      }
      if (Thread.interrupted()) {
        strayInterrupt();
      }
      try {
        PendingCheckpoint due = null;
        modelLock.lock();
        try {
          if (paused) {
            continue; // pause() came between the check above and the lock: no new step
          }
          java.util.function.Consumer<FieldTrainer> task;
          while ((task = trainerTasks.poll()) != null) {
            task.accept(trainer);
          }
          lastStep = trainer.step();
          if (checkpointFile != null && checkpointEverySteps > 0
              && trainer.iteration() % checkpointEverySteps == 0) {
            due = copyCheckpoint(trainer);
          }
        } finally {
          modelLock.unlock();
        }
        if (due != null) {
          writeCheckpoint(due); // renders go on meanwhile; only this thread waits for the disk
        }
      } catch (Throwable t) {
        failure = t;
        paused = true;
        LOG.error("training stopped", t);
        listeners.forEach(l -> safely(() -> l.onTrainingFailed(t)));
        continue;
      }
      windowSteps++;
      long now = System.nanoTime();
      if (now - windowStart > 1_000_000_000L) {
        stepsPerSecond = windowSteps / ((now - windowStart) / 1e9);
        windowStart = now;
        windowSteps = 0;
      }
      if (now - lastEvent > 250_000_000L && !listeners.isEmpty()) {
        lastEvent = now;
        TrainingProgress p = progress();
        listeners.forEach(l -> safely(() -> l.onProgress(p)));
      }
    }
  }

  /**
   * Only code run on this thread (a listener restoring an interrupt it caught, say) can interrupt
   * it; left set, the flag would fail the next parallel kernel or checkpoint write and end the
   * pause wait, that is end training. The flag is cleared (by the caller) and logged.
   */
  private static void strayInterrupt() {
    LOG.warn("the training thread was interrupted (by a listener?); ignored: close() stops training");
  }

  @Override
  public void pause() {
    checkOpen();
    paused = true;
    // Wait for the step in flight: once the lock is free, the loop sees the flag before stepping.
    modelLock.lock();
    modelLock.unlock();
  }

  @Override
  public void resume() {
    checkOpen();
    synchronized (pauseMonitor) {
      if (trainerStopped || !thread.isAlive()) {
        throw new IllegalStateException("the training thread has stopped"
            + (failure == null ? "" : " after: " + failure) + "; open a new session");
      }
      failure = null;
      paused = false;
      pauseMonitor.notifyAll();
    }
  }

  @Override
  public boolean isPaused() {
    return paused || closed; // as progress(): a closed session does not train
  }

  /** The error that stopped training, or null. */
  public Throwable failure() {
    return failure;
  }

  @Override
  public TrainingProgress progress() {
    StepResult s = lastStep;
    Map<String, Double> losses = s == null ? Map.of() : s.losses();
    boolean stopped = paused || closed;
    return new TrainingProgress(step(), losses, stopped ? 0 : stepsPerSecond,
        (System.nanoTime() - lastAnnotationNanos) / 1e9, stopped, store.labelledPixels());
  }

  /** Training steps taken so far. */
  public long step() {
    FieldTrainer t = trainer;
    return t == null ? stepsAtClose : t.iteration();
  }

  /**
   * Blocks until the trainer has taken at least {@code steps} steps in total, e.g. for scripted
   * use and tests. The total includes the steps of a checkpoint the session resumed from, so wait
   * for {@code step() + n} to see {@code n} more.
   *
   * @throws IllegalStateException if the session is closed, training failed or stopped, or is
   *     paused (it would never get there)
   */
  public void awaitStep(long steps) throws InterruptedException {
    while (step() < steps) {
      if (closed) {
        throw new IllegalStateException("session is closed");
      }
      if (failure != null) {
        throw new IllegalStateException("training failed", failure);
      }
      if (!thread.isAlive()) {
        throw new IllegalStateException("the training thread has stopped");
      }
      if (paused) {
        throw new IllegalStateException("training is paused at step " + step() + "; resume() it"
            + " before waiting for step " + steps);
      }
      Thread.sleep(5);
    }
  }

  // ---- results -------------------------------------------------------------------------------

  /**
   * The current model as an immutable snapshot (taken between two steps), owned by the caller:
   * closing it (e.g. with try-with-resources) affects neither the session nor other snapshots.
   */
  public SemanticFieldModel model() {
    // A fresh handle on the cached snapshot (it shares the parameters, copies nothing): the cache
    // itself never leaves the session, so a caller closing its model cannot close the session's.
    SemanticFieldModel s = cachedModel();
    return s.withRenderSettings(s.renderSettings());
  }

  /** The session's own snapshot of the current model (never handed out; package-private for tests). */
  SemanticFieldModel cachedModel() {
    FieldTrainer trainer = openTrainer();
    SemanticFieldModel s = snapshot;
    if (s != null && s.step() == trainer.iteration()) {
      return s;
    }
    modelLock.lock();
    try {
      s = snapshot;
      if (s == null || s.step() != trainer.iteration()) {
        s = trainer.snapshot();
        snapshot = s;
      }
      return s;
    } finally {
      modelLock.unlock();
    }
  }

  @Override
  public Segmentation segment(int frame) {
    RenderedView v = render(frame, EnumSet.of(RenderOutput.CLASSES));
    return new Segmentation(frame, v.classMap(), v.confidence(), v.step());
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here: {@link #render(int, CameraIntrinsics, Set)} through the frame's own camera.
   */
  @Override
  public RenderedView render(int frame, Set<RenderOutput> outputs) {
    checkOpen();
    checkFrame(frame);
    return render(frame, scene.frame(frame).intrinsics(), outputs);
  }

  /**
   * Renders scene frame {@code frame} from its pose through {@code camera} with the current model.
   * Through the frame's own camera or a {@linkplain CameraIntrinsics#resized resized} copy of it,
   * rays are sampled around the frame's measured depth (resized by nearest neighbour) like
   * training rays: fast, and what the model was fitted to; rays without a measurement, and any
   * other camera, march through the occupancy grid. {@link #segment} and the exports of this
   * session ({@code ViewSource.of(LabelSession)}) render through here, so exported masks are what
   * the person saw. A pixel the model gives none of the session's classes (before the first class
   * exists, or with one class, where the model also has a logit for "not that class") is
   * {@link LabelImage#UNLABELLED} with confidence 0.
   *
   * @throws IllegalStateException if the session is closed
   * @throws IllegalArgumentException for a frame outside the scene or a camera beyond the render
   *     limits of {@link io.github.bakefeature.api.field.FieldModel}
   * @throws UncheckedIOException if the frame's depth cannot be read
   */
  public RenderedView render(int frame, CameraIntrinsics camera, Set<RenderOutput> outputs) {
    checkOpen();
    checkFrame(frame);
    return render(cachedModel(), frame, camera, outputs);
  }

  /**
   * {@link #render(int, CameraIntrinsics, Set)} with {@code model}, a model of this session taken
   * earlier ({@link #model()}, perhaps {@linkplain SemanticFieldModel#withRenderSettings with other
   * render settings}): for an export that renders every frame from one snapshot, or a cheaper
   * preview. The class ids are those of the session's classes now.
   */
  public RenderedView render(SemanticFieldModel model, int frame, CameraIntrinsics camera, Set<RenderOutput> outputs) {
    checkOpen();
    checkFrame(frame);
    // The model has at least two logits (so that confidence means something with one class): an id
    // beyond the session's classes names no class.
    return model.renderFrame(scene.frame(frame), camera, outputs).withClassesBelow(store.classes().size());
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here: the frame whose pixels that show something (the model's ray hits a surface and, where
   * the frame has measured depth, the pixel has a measurement) have the lowest mean confidence;
   * frames where less than 2% of the pixels show something are not suggested. Each call renders
   * at most {@value FrameSuggester#RAY_BUDGET} rays at 1/8 or 1/16 of the frame size, cycling
   * through the frames of a long scene over successive calls ({@link FrameSuggester}).
   */
  @Override
  public int suggestNextFrame() {
    SemanticFieldModel m = cachedModel();
    TrainingData data = openTrainer().data();
    return suggester.next((frame, w, h) -> {
      Frame f = scene.frame(frame);
      int tf = data.trainingFrame(frame);
      float[] measured = tf < 0 ? null : data.depth(tf);
      DepthImage depth = measured == null ? null : new DepthImage(data.width(), data.height(), measured).resized(w, h);
      RenderedView v = m.render(f.intrinsics().resized(w, h), f.pose(), EnumSet.of(RenderOutput.CLASSES), depth);
      return FrameSuggester.score(v.confidence(), depth == null ? null : depth.metres());
    });
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  @Override
  public void addListener(SessionListener listener) {
    checkOpen(); // a listener added now would never hear anything
    listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public void removeListener(SessionListener listener) {
    listeners.remove(listener);
  }

  @Override
  public void saveCheckpoint() throws IOException {
    checkOpen();
    if (checkpointFile == null) {
      throw new IOException(checkpointsOff != null ? checkpointsOff
          : "this session has no scene folder to save a checkpoint in");
    }
    if (!writeCheckpoint(lockedCopyOfCheckpoint(openTrainer()))) {
      // close() released the scene meanwhile: another session may own session/model.ckpt now.
      throw new IllegalStateException("session is closed");
    }
  }

  /** The trainer's state to checkpoint, numbered in the order the copies were taken. */
  private record PendingCheckpoint(Checkpoint.Image image, long sequence) {}

  /** Copies the trainer's state as a checkpoint; the caller holds {@link #modelLock}. */
  private PendingCheckpoint copyCheckpoint(FieldTrainer trainer) throws IOException {
    return new PendingCheckpoint(Checkpoint.encode(trainer), ++checkpointCopies);
  }

  private PendingCheckpoint lockedCopyOfCheckpoint(FieldTrainer trainer) throws IOException {
    modelLock.lock();
    try {
      return copyCheckpoint(trainer);
    } finally {
      modelLock.unlock();
    }
  }

  /**
   * Writes a copy taken by {@link #copyCheckpoint} (hundreds of MB and an fsync, so without the
   * model lock), unless a later copy is already on disk: two saves racing (a periodic one and
   * {@link #saveCheckpoint}) never leave the older state as the file. Once {@link #close()} has
   * released the scene lock nothing is written (another session may own the file by then).
   *
   * @return false if the session had released the scene, so nothing was written
   */
  private boolean writeCheckpoint(PendingCheckpoint c) throws IOException {
    synchronized (checkpointWriteLock) {
      if (released) {
        return false;
      }
      if (c.sequence() < checkpointWritten) {
        return true;
      }
      c.image().write(checkpointFile);
      checkpointWritten = c.sequence();
      return true;
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here: returns once the training thread has ended (an interrupt of the calling thread does
   * not cut the wait short; it stays set), the checkpoint is saved and the scene lock released, so
   * the scene can be opened again at once. A second caller while the first is closing waits for it
   * too, except the training thread itself (a listener closing the session), which returns at once.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      if (Thread.currentThread() != thread) {
        awaitUninterruptibly(closeDone);
      }
      return;
    }
    try {
      closed = true;
      synchronized (pauseMonitor) {
        pauseMonitor.notifyAll();
      }
      // A listener may close the session from the training thread: that thread ends its loop after
      // the callback returns, and must not wait for itself.
      if (Thread.currentThread() != thread) {
        joinTrainer();
      }
      FieldTrainer trainer = this.trainer;
      try {
        if (checkpointFile != null && trainer.iteration() > 0) {
          try {
            writeCheckpoint(lockedCopyOfCheckpoint(trainer));
          } catch (IOException e) {
            LOG.warn("could not save the model checkpoint on close: {}", e.getMessage());
          }
        }
      } finally {
        // Whatever the checkpoint copy threw (an OutOfMemoryError copying a large model, say), the
        // store is closed and the scene unlocked: the next session on this scene must be able to open.
        snapshot = null;
        stepsAtClose = trainer.iteration();
        // Device memory (the CUDA hash grid) is freed now rather than whenever the garbage collector
        // runs; snapshots hold copies of their own. Not while a hung training thread may still use it.
        if (!thread.isAlive() && trainer.field().trainableEncoding() instanceof AutoCloseable device) {
          try {
            device.close();
          } catch (Exception e) {
            LOG.warn("could not release the hash grid's device memory: {}", e.getMessage());
          }
        }
        this.trainer = null; // the model, optimiser and training data go with the session's last user reference
        synchronized (checkpointWriteLock) {
          released = true; // a training thread that outlived the join writes nothing from now on
        }
        try {
          synchronized (editLock) {
            authors.clear(); // their edits' pixel arrays go too
            noOps.clear();
          }
          store.close(); // before the lock goes: a closed store changes nothing
        } finally {
          if (lock != null) {
            lock.release();
          }
        }
      }
    } finally {
      closeDone.countDown();
    }
  }

  /** Waits (at most a minute, a listener may hang) for the training thread to end, ignoring interrupts. */
  private void joinTrainer() {
    boolean interrupted = false;
    long deadline = System.nanoTime() + 60_000_000_000L;
    try {
      while (thread.isAlive()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          LOG.warn("the training thread did not stop within a minute of close() (a listener blocking?); closing"
              + " without it");
          return;
        }
        try {
          thread.join(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void awaitUninterruptibly(java.util.concurrent.CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("session is closed");
    }
  }

  /**
   * The checked author id of a call on an open session: closed is reported first, as for every
   * other argument (and the author stacks are cleared on close: an undo would otherwise answer
   * "nothing to undo").
   */
  private String openAuthor(String author) {
    checkOpen();
    return AuthorHistories.check(author);
  }

  /** The trainer of an open session. */
  private FieldTrainer openTrainer() {
    checkOpen();
    FieldTrainer t = trainer;
    if (t == null) {
      throw new IllegalStateException("session is closed");
    }
    return t;
  }

  private void checkFrame(int frame) {
    if (frame < 0 || frame >= scene.size()) {
      throw new IllegalArgumentException("frame must be in [0, " + scene.size() + "), found " + frame);
    }
  }

  private static void safely(Runnable r) {
    try {
      r.run();
    } catch (StackOverflowError e) {
      // A listener's runaway recursion: its frames are unwound by now, nothing of the VM is hurt.
      LOG.warn("session listener failed", e);
    } catch (VirtualMachineError e) {
      throw e; // out of memory, an internal error: not the listener's to swallow
    } catch (Throwable e) {
      // AssertionError and other Errors too: a listener must not stop training (SessionListener).
      LOG.warn("session listener failed", e);
    }
  }

  /** An I/O action. */
  private interface IoAction<T> {
    T run() throws IOException;
  }

  private <T> T io(IoAction<T> action) {
    checkOpen();
    try {
      return action.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Options. */
  public static final class Builder {
    private final Scene scene;
    private MethodPreset method = MethodPreset.OURS;
    private FeatureSource features;
    private TrainerConfig trainerConfig = TrainerConfig.builder().build();
    private UnaryOperator<FieldConfig.Builder> fieldOptions = UnaryOperator.identity();
    private boolean autoStart = true;
    private Boolean persistent;
    private boolean resume = true;
    private long checkpointEverySteps = 0;
    private long maxTrainingPixels = 40_000_000L;
    private long maxHistoryBytes = AnnotationStore.DEFAULT_MAX_HISTORY_BYTES;

    Builder(Scene scene) {
      this.scene = scene;
    }

    /** The method of Table I (default {@link MethodPreset#OURS}, which needs {@link #optFeatures}). */
    public Builder optMethod(MethodPreset m) {
      this.method = java.util.Objects.requireNonNull(m, "method");
      return this;
    }

    /** Feature targets, required by methods with features (e.g. a feature cache). */
    public Builder optFeatures(FeatureSource f) {
      this.features = f;
      return this;
    }

    /** Rays per step, learning rates, samplers, loss weights (default {@code TrainerConfig.builder().build()}). */
    public Builder optTrainerConfig(TrainerConfig c) {
      this.trainerConfig = java.util.Objects.requireNonNull(c, "trainer config");
      return this;
    }

    /**
     * Adjusts the field's configuration after the method's preset is applied (e.g. a smaller hash
     * table, another semantic head); default: unchanged.
     */
    public Builder optFieldOptions(UnaryOperator<FieldConfig.Builder> f) {
      this.fieldOptions = java.util.Objects.requireNonNull(f, "field options");
      return this;
    }

    /** Start training right away (default true); otherwise call {@link #resume()}. */
    public Builder optAutoStart(boolean start) {
      this.autoStart = start;
      return this;
    }

    /**
     * Persist annotations in the scene folder (default: when the scene has a folder). In-memory
     * sessions lose everything on close; over a scene folder they start from its scribble PNGs and
     * the class names of its {@code metadata.json}, not from {@code session/} (its colours, undo
     * history and checkpoint), and take no lock, so a persistent session may have it open.
     */
    public Builder optPersistent(boolean p) {
      this.persistent = p;
      return this;
    }

    /**
     * Resume the model from the session's checkpoint if there is one (default true). A checkpoint
     * this session cannot resume from (another scene, method or feature size, a model without
     * optimiser state, an unreadable file) is moved to {@code session/set-aside/<time>/} with a
     * {@code reasons.txt} and logged at WARN, so the new model's checkpoint never overwrites it.
     */
    public Builder optResume(boolean r) {
      this.resume = r;
      return this;
    }

    /** Write a model checkpoint every {@code steps} steps (default 0 = only on close / on request). */
    public Builder optCheckpointEvery(long steps) {
      if (steps < 0) {
        throw new IllegalArgumentException("checkpoint period must be >= 0 steps (0 = only on close), found " + steps);
      }
      this.checkpointEverySteps = steps;
      return this;
    }

    /**
     * Most pixels kept for training over all frames (default 40M); a larger scene is trained on
     * frames downsampled by an integer factor (labels by block majority).
     */
    public Builder optMaxTrainingPixels(long p) {
      this.maxTrainingPixels = p;
      return this;
    }

    /**
     * Cap on the total size of the undo history's edit files (default
     * {@link AnnotationStore#DEFAULT_MAX_HISTORY_BYTES}); past it the oldest edits leave the undo
     * history, never the scribbles.
     */
    public Builder optMaxHistoryBytes(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("expected a history size cap > 0 bytes, found " + bytes);
      }
      this.maxHistoryBytes = bytes;
      return this;
    }

    /**
     * Opens the session: locks the scene folder, loads its scribbles and session history, resumes
     * the model (see {@link #optResume}) and starts training (see {@link #optAutoStart}).
     *
     * @throws SceneInUseException if another session (in this or another process) holds the scene
     * @throws IllegalArgumentException for options that do not fit the scene (a method with
     *     features but none given, features of another scene)
     * @throws io.github.bakefeature.api.scene.InvalidSceneException for unreadable scene files
     * @throws IOException if the session's files cannot be read or written
     */
    public DefaultLabelSession build() throws IOException {
      java.util.Objects.requireNonNull(scene, "scene");
      java.util.Objects.requireNonNull(method, "method");
      java.util.Objects.requireNonNull(trainerConfig, "trainerConfig");
      // Before the scene's lock, so a misconfigured call says what is wrong even if the scene is in use.
      io.github.bakefeature.core.pipelines.Training.requireFeaturesOf(scene, method, features);
      boolean persist = persistent != null ? persistent : scene.directory().isPresent();
      SessionLock lock = persist ? SessionLock.acquire(scene.directory().orElseThrow(() -> new IllegalArgumentException(
          "optPersistent(true) needs a scene with a folder; this one has none (use optPersistent(false))"))) : null;
      try {
        return build(persist, lock);
      } catch (IOException | RuntimeException | Error e) {
        if (lock != null) {
          lock.release();
        }
        throw e;
      }
    }

    /** Whether {@code saved} names other feature targets than {@code current}'s (unknown on either side: no). */
    private static boolean otherFeatures(String saved, FeatureSource current) {
      String now = current == null ? null : current.identity();
      return saved != null && now != null && !current.isIdentity(saved);
    }

    private DefaultLabelSession build(boolean persist, SessionLock lock) throws IOException {
      // The store works under this session's lock (taken once, above) and leaves releasing it to close().
      AnnotationStore store = persist
          ? AnnotationStore.open(scene, lock, maxHistoryBytes)
          : AnnotationStore.inMemory(scene, maxHistoryBytes);
      int classes = Math.max(2, store.classes().size());
      FieldTrainer trainer = Training.builder(scene)
          .optMethod(method)
          .optFeatures(features)
          .optLabels(Training.Labels.NONE)
          .optTrainerConfig(trainerConfig)
          .optFieldOptions(fieldOptions)
          .optClassCount(classes)
          .optMaxTrainingPixels(maxTrainingPixels)
          .build();
      // Why no checkpoint may be saved (an unusable one could not be moved aside), or null.
      String checkpointsOff = null;
      if (persist) {
        // A checkpoint write a kill interrupted leaves a temporary file as large as the checkpoint;
        // under the session lock none is in progress.
        io.github.bakefeature.core.io.AtomicFiles.deleteLeftovers(
            scene.directory().orElseThrow().resolve(SceneLayout.SESSION), List.of(CHECKPOINT));
      }
      if (persist && resume) {
        Path ckpt = scene.directory().orElseThrow().resolve(SceneLayout.SESSION).resolve(CHECKPOINT);
        if (Files.exists(ckpt)) {
          String unusable = null; // why this session cannot resume from the file, if it cannot
          try {
            Checkpoint c = Checkpoint.read(ckpt);
            String other = c.model().sceneMismatch(scene.bounds(), classes);
            int features = trainer.field().featureDimension();
            if (other != null) {
              unusable = "a model of another scene: " + other;
            } else if (!c.model().method().equals(method.id())) {
              unusable = "a model of method " + c.model().method() + ", but this session trains " + method.id();
            } else if (c.model().featureDimension() != features) {
              unusable = "a model with " + c.model().featureDimension() + "-channel features, but this session's"
                  + " feature targets have " + features;
            } else if (otherFeatures(c.featureIdentity(), this.features)) {
              // Same dimension, other codes (another extractor, a rebuilt cache): the feature head
              // would chase targets in another basis.
              unusable = "a model trained on other feature targets (" + c.featureIdentity() + "; this session's are "
                  + this.features.identity() + ")";
            } else {
              FieldConfig askedField = trainer.field().config();
              TrainerConfig askedTrainer = trainer.config();
              try {
                trainer = c.resume(trainer.data());
              } catch (IOException e) {
                unusable = e.getMessage(); // a model-only file: nothing to resume training from
              }
              if (unusable == null) {
                trainer.ensureClasses(classes);
                LOG.info("resumed the model at step {} from {}", trainer.iteration(), ckpt);
                // The model keeps the sizes and settings it was trained with; say so when this session
                // asked for others (they apply to a new model: delete or move the checkpoint for that).
                if (!askedField.withClassCount(classes).equals(trainer.field().config().withClassCount(classes))
                    || !askedTrainer.equals(trainer.config())) {
                  LOG.warn("{} was trained with other field or training settings than this session asks for; it"
                      + " resumes with its own (field {}, training {}); to start a new model with the new settings,"
                      + " move that file away", ckpt, trainer.field().config(), trainer.config());
                }
              }
            }
          } catch (Checkpoint.CheckpointException e) {
            unusable = "unreadable: " + e.getMessage();
          } catch (IOException e) {
            // Not the file's content (no permission, say): leave it alone; saving over it would fail too.
            LOG.warn("cannot resume from {} ({}); starting a new model", ckpt, e.getMessage());
          }
          if (unusable != null) {
            // The new model would be saved over the file on close: move it aside, never lose it.
            try {
              Path aside = AnnotationStore.setAside(ckpt.getParent(), ckpt, unusable);
              LOG.warn("{} cannot be resumed ({}); moved it to {} and starting a new model", ckpt, unusable, aside);
            } catch (IOException e) {
              checkpointsOff = ckpt + " cannot be resumed (" + unusable + ") nor moved aside (" + e.getMessage()
                  + "); this session saves no checkpoint, so as not to overwrite it";
              LOG.warn("{}", checkpointsOff);
            }
          }
        }
      }
      TrainingData data = trainer.data();
      for (int f : store.annotatedFrames()) {
        int tf = data.trainingFrame(f);
        if (tf >= 0) {
          data.setLabels(tf, store.scribbles(f));
        }
      }
      return new DefaultLabelSession(this, store, trainer, lock, checkpointsOff);
    }
  }
}
