package io.github.bakefeature.examples.gui;

import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.field.RenderedView;
import io.github.bakefeature.api.session.LabelSession;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.core.export.LabelUpsampler;
import io.github.bakefeature.core.features.FeaturePca;
import io.github.bakefeature.core.session.DefaultLabelSession;
import io.github.bakefeature.core.viz.ColourMaps;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders frames from the session's model snapshot on one worker thread (never on the training
 * thread, never on a request thread) and keeps the latest result of recently viewed frames as PNG
 * layers. Requests for a frame coalesce: while one render of a frame waits in the queue, further
 * requests share it, so at most one waiting and one running render exist per frame (and one
 * suggestion). Every job on the worker, whoever asked for it, waits for the {@link RenderBudget}:
 * rendering takes at most {@link #RENDER_SHARE} of the time, however many frames and clients there
 * are.
 */
final class RenderService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RenderService.class);
  /** Steps after which a PCA fitted on rendered features is kept for good. */
  static final long PCA_FREEZE_STEP = 200;
  /** Fraction of the time the render worker may work (the rest is left to training). */
  static final double RENDER_SHARE = 0.25;
  /** Render time saved up while idle, spent at once when someone switches frames. */
  static final long RENDER_BURST_NANOS = 1_000_000_000L;

  /** Waits on the worker thread (a test passes one that advances its clock instead). */
  @FunctionalInterface
  interface Sleeper {
    void sleep(long nanos) throws InterruptedException;
  }

  /** Produces a view of a frame (at whatever preview resolution the caller chose). */
  @FunctionalInterface
  interface ViewSource {
    RenderedView render(int frame, Set<RenderOutput> outputs);
  }

  /** Called after every render with the new layers and whether the class map changed. */
  @FunctionalInterface
  interface Listener {
    void rendered(Layers layers, boolean segmentationChanged);
  }

  /** One rendered frame: its class map and encoded image layers. Immutable except a memo. */
  static final class Layers {
    final int frame;
    final long step;
    final int width;
    final int height;
    final short[] classes;
    /** What the overlay shows: {@link #classes}, empty space unknown, at the frame's size ({@link #overlay}). */
    final LabelImage overlay;
    final boolean labelled;
    final byte[] colourPng;
    final byte[] depthPng;
    final byte[] featuresPng;
    final byte[] confidencePng;
    final long renderedAtNanos;
    final double millis;
    private long segKey = Long.MIN_VALUE;
    private byte[] segPng;

    Layers(int frame, long step, int width, int height, short[] classes, LabelImage overlay, boolean labelled,
        byte[] colourPng, byte[] depthPng, byte[] featuresPng, byte[] confidencePng, long renderedAtNanos,
        double millis) {
      this.frame = frame;
      this.step = step;
      this.width = width;
      this.height = height;
      this.classes = classes;
      this.overlay = overlay;
      this.labelled = labelled;
      this.colourPng = colourPng;
      this.depthPng = depthPng;
      this.featuresPng = featuresPng;
      this.confidencePng = confidencePng;
      this.renderedAtNanos = renderedAtNanos;
      this.millis = millis;
    }

    /**
     * The overlay's class map in class colours (opaque), transparent where a class has no colour
     * and everywhere until the model has trained on a labelled pixel (before that the semantic head
     * has learnt nothing, and its classes are arbitrary).
     */
    synchronized byte[] segmentationPng(long classesVersion, int[] palette) {
      if (segKey != classesVersion || segPng == null) {
        short[] ids = overlay.labels();
        if (!labelled) {
          ids = new short[ids.length];
          Arrays.fill(ids, (short) -1);
        }
        segPng = Png.classes(overlay.width(), overlay.height(), ids, palette);
        segKey = classesVersion;
      }
      return segPng;
    }
  }

  /** Frames with a longer side keep a preview-size overlay ({@link #overlay}). */
  static final int MAX_OVERLAY_SIDE = 1280;

  private final LabelSession session;
  /** Set once the session's model has trained on a labelled pixel ({@link #modelSawALabel}). */
  private volatile boolean modelLabelled;
  private final ViewSource source;
  private final boolean features;
  private final Listener listener;
  private final int cacheFrames;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "bakefeature-gui-render");
    t.setDaemon(true);
    return t;
  });
  private final Object lock = new Object();
  private final Map<Integer, CompletableFuture<Layers>> queued = new HashMap<>();
  private final LongSupplier clock;
  private final Sleeper sleeper;
  private final RenderBudget budget;
  private final AtomicInteger jobs = new AtomicInteger();
  private CompletableFuture<Integer> queuedSuggestion;
  private final LinkedHashMap<Integer, Layers> cache = new LinkedHashMap<>(16, 0.75f, true);
  private volatile FeaturePca pca;
  private volatile boolean pcaFinal;
  private volatile double lastMillis;
  private volatile long lastFailureNanos;
  private volatile long renders;

  RenderService(LabelSession session, ViewSource source, boolean features, FeaturePca pca, int cacheFrames,
      Listener listener) {
    this(session, source, features, pca, cacheFrames, listener, System::nanoTime, TimeUnit.NANOSECONDS::sleep,
        RENDER_SHARE, RENDER_BURST_NANOS);
  }

  /**
   * With the clock that times renders and the budget, the sleeper that waits for the budget, and
   * the share of time and the burst of the {@link RenderBudget}.
   */
  RenderService(LabelSession session, ViewSource source, boolean features, FeaturePca pca, int cacheFrames,
      Listener listener, LongSupplier clock, Sleeper sleeper, double share, long burstNanos) {
    this.clock = clock;
    this.sleeper = sleeper;
    this.budget = new RenderBudget(share, burstNanos, clock);
    this.session = session;
    this.source = source;
    this.features = features;
    this.pca = pca;
    this.pcaFinal = pca != null;
    this.cacheFrames = cacheFrames;
    this.listener = listener;
  }

  /** Whether views carry rendered features. */
  boolean features() {
    return features;
  }

  /** The latest layers of {@code frame}, or null if it was not rendered recently. */
  Layers latest(int frame) {
    synchronized (lock) {
      return cache.get(frame);
    }
  }

  /** Whether a render of {@code frame} waits in the queue. */
  boolean isQueued(int frame) {
    synchronized (lock) {
      return queued.containsKey(frame);
    }
  }

  /** Render time of the latest render (milliseconds). */
  double lastMillis() {
    return lastMillis;
  }

  /** Renders done so far. */
  long renderCount() {
    return renders;
  }

  /** Jobs (renders, suggestions) queued or running on the worker. */
  int pendingJobs() {
    return jobs.get();
  }

  /** Nanoseconds until the budget lets the worker start another job (0: now). */
  long budgetDelayNanos() {
    return budget.delayNanos();
  }

  /** The clock renders are timed with ({@link System#nanoTime} unless a test passes another). */
  long now() {
    return clock.getAsLong();
  }

  /** When the latest render failed ({@link #now()}), or 0. */
  long lastFailureNanos() {
    return lastFailureNanos;
  }

  /** Queues a render of {@code frame} with the newest model, or joins the one already queued. */
  CompletableFuture<Layers> request(int frame) {
    synchronized (lock) {
      CompletableFuture<Layers> f = queued.get(frame);
      if (f != null) {
        return f;
      }
      CompletableFuture<Layers> fresh = new CompletableFuture<>();
      queued.put(frame, fresh);
      submit(fresh, () -> {
        synchronized (lock) {
          queued.remove(frame, fresh);
        }
        return renderNow(frame);
      }, t -> {
        synchronized (lock) {
          queued.remove(frame, fresh);
        }
        if (!(t instanceof InterruptedException)) {
          lastFailureNanos = Math.max(1, clock.getAsLong());
          LOG.warn("rendering frame {} failed: {}", frame, t.toString());
        }
      });
      return fresh;
    }
  }

  /**
   * Runs {@link LabelSession#suggestNextFrame()} on the render worker (it renders too), or joins the
   * one already waiting.
   */
  CompletableFuture<Integer> suggest() {
    synchronized (lock) {
      if (queuedSuggestion != null) {
        return queuedSuggestion;
      }
      CompletableFuture<Integer> fresh = new CompletableFuture<>();
      queuedSuggestion = fresh;
      submit(fresh, () -> {
        clearSuggestion(fresh);
        long t0 = clock.getAsLong();
        try {
          return session.suggestNextFrame();
        } finally {
          budget.spent(clock.getAsLong() - t0);
        }
      }, t -> clearSuggestion(fresh));
      return fresh;
    }
  }

  private void clearSuggestion(CompletableFuture<Integer> f) {
    synchronized (lock) {
      if (queuedSuggestion == f) {
        queuedSuggestion = null;
      }
    }
  }

  /** One queued job: runs {@code job} and completes its result, or fails it. */
  private record Job<T>(CompletableFuture<T> result, Callable<T> job, Consumer<Throwable> onFailure) {
    void run() {
      try {
        result.complete(job.call());
      } catch (Throwable t) {
        fail(t);
      }
    }

    void fail(Throwable t) {
      onFailure.accept(t);
      result.completeExceptionally(t instanceof InterruptedException
          ? new IllegalStateException("the app is shutting down") : t);
    }
  }

  /**
   * Jobs waiting for the worker, newest first: a person scrubbing through frames wants the frame
   * they stopped on, not the ones passed on the way (first in, first out served those first, each
   * after its share of the budget: 2.5 minutes behind on a 640x480 capture). Guarded by {@link #lock}.
   */
  private final java.util.ArrayDeque<Job<?>> waiting = new java.util.ArrayDeque<>();

  /**
   * A job on the worker: waits for the budget (not while training is paused: there is no training
   * to leave time to), then runs the newest waiting job; completes {@code result} either way.
   */
  private <T> void submit(CompletableFuture<T> result, Callable<T> job, Consumer<Throwable> onFailure) {
    jobs.incrementAndGet();
    Job<T> j = new Job<>(result, job, onFailure);
    synchronized (lock) {
      waiting.addFirst(j);
    }
    try {
      worker.execute(() -> {
        Job<?> next = null;
        try {
          for (long d = budget.delayNanos(); d > 0 && !session.isPaused(); d = budget.delayNanos()) {
            sleeper.sleep(d);
          }
          synchronized (lock) {
            next = waiting.pollFirst();
          }
          if (next != null) {
            next.run();
          }
        } catch (InterruptedException e) {
          synchronized (lock) {
            next = waiting.pollFirst();
          }
          if (next != null) {
            next.fail(e);
          }
        } finally {
          jobs.decrementAndGet();
        }
      });
    } catch (RejectedExecutionException e) {
      jobs.decrementAndGet();
      boolean mine;
      synchronized (lock) {
        mine = waiting.remove(j);
      }
      if (mine) {
        j.fail(new InterruptedException());
      }
    }
  }

  private Layers renderNow(int frame) {
    long t0 = clock.getAsLong();
    try {
      return renderNow(frame, t0);
    } finally {
      budget.spent(clock.getAsLong() - t0);
    }
  }

  private Layers renderNow(int frame, long t0) {
    Set<RenderOutput> outputs = EnumSet.of(RenderOutput.COLOUR, RenderOutput.DEPTH, RenderOutput.CLASSES);
    if (features) {
      outputs.add(RenderOutput.FEATURES);
    }
    // Checked before the render, so a model that learns its first label meanwhile shows it next time.
    boolean labelled = !session.annotatedFrames().isEmpty() && modelSawALabel();
    RenderedView v = source.render(frame, outputs);
    int w = v.width();
    int h = v.height();
    byte[] colour = Png.rgb(ColourMaps.colour(v.colour(), w, h));
    byte[] depth = Png.rgb(ColourMaps.depth(v.depth(), w, h));
    byte[] conf = Png.rgb(ColourMaps.confidence(v.confidence(), w, h));
    byte[] feat = null;
    if (v.features() != null && v.featureDimension() > 0) {
      FeaturePca p = pcaFor(v);
      feat = Png.rgb(p.toRgb(new io.github.bakefeature.api.feature.FeatureMap(w, h, v.featureDimension(), v.features())));
    }
    LabelImage overlay = labelled ? overlay(frame, v) : v.classMap();
    long t1 = clock.getAsLong();
    double ms = (t1 - t0) / 1e6;
    Layers l = new Layers(frame, v.step(), w, h, v.classes(), overlay, labelled, colour, depth, feat, conf, t1, ms);
    Layers previous;
    synchronized (lock) {
      previous = cache.put(frame, l);
      while (cache.size() > cacheFrames) {
        Integer eldest = cache.keySet().iterator().next();
        cache.remove(eldest);
      }
    }
    lastMillis = ms;
    renders++;
    boolean changed = previous == null || previous.labelled != labelled || previous.width != w
        || !Arrays.equals(previous.classes, l.classes);
    listener.rendered(l, changed);
    return l;
  }

  /**
   * The class map of {@code v} with rays that hit nothing (confidence 0; the renderer reports them
   * as class 0) unknown, so empty space stays clear as in the mask export; for a preview smaller
   * than the frame, brought to the frame's size along the edges of the frame's image
   * ({@link LabelUpsampler#jointBilateral}), so its boundaries sit on the image's edges instead of
   * the preview's pixel staircase. Frames larger than {@value #MAX_OVERLAY_SIDE} px on a side keep
   * the preview size (the PNG would cost more than the render), as does a frame whose image cannot
   * be read now.
   */
  private LabelImage overlay(int frame, RenderedView v) {
    short[] hit = LabelUpsampler.unknownAtOrBelow(v.classes(), v.confidence(), 0f);
    Frame f = session.scene().frame(frame);
    int fw = f.intrinsics().width();
    int fh = f.intrinsics().height();
    if ((fw > v.width() || fh > v.height()) && Math.max(fw, fh) <= MAX_OVERLAY_SIDE) {
      try {
        RgbImage rgb = f.rgb();
        if (rgb.width() == fw && rgb.height() == fh) {
          return new LabelImage(fw, fh,
              LabelUpsampler.jointBilateral(hit, v.confidence(), v.width(), v.height(), rgb).labels());
        }
      } catch (java.io.IOException e) {
        // an image that cannot be read now: the overlay stays at preview size
      }
    }
    return new LabelImage(v.width(), v.height(), hit);
  }

  /**
   * Whether the session's model has trained on a labelled pixel. Scribbles alone are not enough:
   * until a training step has used them (training paused, or the first stroke a moment ago) the
   * semantic head's classes are arbitrary, and an overlay of them would look like a segmentation.
   * Once true it stays true (labelled steps only accumulate). Sessions other than the library's
   * own say nothing about their model: for them scribbles are enough.
   */
  private boolean modelSawALabel() {
    if (!modelLabelled) {
      if (session instanceof DefaultLabelSession d) {
        try (var m = d.model()) { // a handle of the caller's: closed
          modelLabelled = !m.unlabelled();
        }
      } else {
        modelLabelled = true;
      }
    }
    return modelLabelled;
  }

  /**
   * The PCA that colours rendered features: the one given (fitted on the feature cache), or one
   * fitted on this view's rendered features, refitted on each render until the model has trained
   * {@value #PCA_FREEZE_STEP} steps and then kept, so colours stay stable across frames.
   */
  private FeaturePca pcaFor(RenderedView v) {
    int d = v.featureDimension();
    FeaturePca p = pca;
    if (p != null && pcaFinal && p.dimension() == d) {
      return p;
    }
    int pixels = v.width() * v.height();
    int count = Math.min(pixels, 4096);
    float[] samples = new float[count * d];
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < count; i++) {
      int px = count == pixels ? i : rnd.nextInt(pixels);
      System.arraycopy(v.features(), px * d, samples, i * d, d);
    }
    int n = FeaturePca.keepFinite(samples, count, d);
    if (n < 2) {
      throw new IllegalStateException("the rendered features hold fewer than 2 finite values; no colours to show");
    }
    p = FeaturePca.fit(samples, n, d);
    pca = p;
    pcaFinal = v.step() >= PCA_FREEZE_STEP;
    return p;
  }

  /**
   * Fails every job still waiting for the worker ("the app is shutting down"); the one running
   * finishes. For a stopping app: the requests waiting for those renders are answered now, with an
   * error, instead of holding the shutdown until they time out and then losing their connection.
   */
  void cancelWaiting() {
    java.util.List<Job<?>> cancelled;
    synchronized (lock) {
      cancelled = new java.util.ArrayList<>(waiting);
      waiting.clear();
    }
    cancelled.forEach(j -> j.fail(new InterruptedException()));
  }

  @Override
  public void close() {
    cancelWaiting();
    worker.shutdownNow();
    try {
      worker.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (lock) {
      for (CompletableFuture<Layers> f : queued.values()) {
        f.completeExceptionally(new IllegalStateException("the app is shutting down"));
      }
      queued.clear();
      if (queuedSuggestion != null) {
        queuedSuggestion.completeExceptionally(new IllegalStateException("the app is shutting down"));
        queuedSuggestion = null;
      }
    }
  }
}
