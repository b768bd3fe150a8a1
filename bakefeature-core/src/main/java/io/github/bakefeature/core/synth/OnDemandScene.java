package io.github.bakefeature.core.synth;

import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.scene.SceneLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A generator's frames as a {@link Scene} that renders them when asked for, a batch of a few
 * frames at a time, while the next batch renders in the background: memory holds two batches
 * whatever the frame count, where {@link SyntheticSceneGenerator#generate()} holds every frame.
 * The pixels are byte-identical to {@code generate()}'s (every pixel is a pure function of the
 * options, seed and frame).
 *
 * <p>Made for one pass in frame order, as {@link io.github.bakefeature.core.scene.SceneWriter}
 * makes: each frame is then rendered once. A frame asked for out of order is rendered again
 * (with its batch). Thread-safe.
 */
public final class OnDemandScene implements Scene {
  /** Most bytes of rendered frames in one batch (colour, depth and labels: 9 bytes a pixel). */
  private static final long BATCH_BYTES = 32L << 20;
  /** One background thread renders ahead; the rendering itself runs on the shared pool. */
  private static final Executor AHEAD = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "bakefeature-synth-ahead");
    t.setDaemon(true);
    return t;
  });

  private final SyntheticSceneGenerator generator;
  private final List<Frame> frames;
  private final int batch;
  private final AtomicLong renderNanos = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicInteger rendered = new java.util.concurrent.atomic.AtomicInteger();
  private Batch current;
  private CompletableFuture<Batch> ahead;

  /** Rendered frames {@code [first, first + buffers.length)}. */
  private record Batch(int first, Renderer.Buffers[] buffers) {
    boolean contains(int f) {
      return f >= first && f < first + buffers.length;
    }
  }

  OnDemandScene(SyntheticSceneGenerator generator, int threads) {
    this.generator = generator;
    CameraIntrinsics k = generator.intrinsics();
    long frameBytes = 9L * k.width() * k.height();
    // Enough frames to keep every worker busy on small images, within the memory budget.
    this.batch = (int) Math.max(1, Math.min(Math.max(threads, 4), BATCH_BYTES / frameBytes));
    List<Frame> fs = new ArrayList<>();
    for (int i = 0; i < generator.poses().size(); i++) {
      fs.add(new RenderedFrame(i));
    }
    this.frames = Collections.unmodifiableList(fs);
  }

  /** Frames rendered per batch. */
  public int batchSize() {
    return batch;
  }

  /** Wall time spent rendering so far (on any thread), seconds. */
  public double renderSeconds() {
    return renderNanos.get() / 1e9;
  }

  @Override
  public Optional<Path> directory() {
    return Optional.empty();
  }

  @Override
  public List<Frame> frames() {
    return frames;
  }

  @Override
  public Aabb bounds() {
    return generator.bounds();
  }

  @Override
  public List<String> classNames() {
    return generator.world().classNames();
  }

  @Override
  public boolean hasGroundTruth() {
    return true;
  }

  /** The buffers of frame {@code f}, rendering its batch (and starting the next) if needed. */
  private synchronized Renderer.Buffers buffers(int f) {
    if (current == null || !current.contains(f)) {
      Batch next = null;
      if (ahead != null) {
        try {
          Batch b = ahead.get();
          if (b.contains(f)) {
            next = b;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while rendering synthetic frames", e);
        } catch (ExecutionException e) {
          if (e.getCause() instanceof Error err) {
            throw err; // e.g. OutOfMemoryError, for the caller to report as such
          }
          throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
        ahead = null;
      }
      current = null; // let the old batch go before the next one is allocated
      current = next != null ? next : render(f);
      int following = current.first() + current.buffers().length;
      if (following < frames.size()) {
        ahead = CompletableFuture.supplyAsync(() -> render(following), AHEAD);
      }
    }
    return current.buffers()[f - current.first()];
  }

  private Batch render(int first) {
    long start = System.nanoTime();
    int n = Math.min(batch, frames.size() - first);
    SyntheticSceneGenerator.Progress p = generator.progress();
    // The generator's listener counts frames of the whole sequence, not of the batch.
    Batch b = new Batch(first, generator.renderFrames(first, n,
        p == null ? null : (done, total) -> p.frameRendered(Math.min(rendered.incrementAndGet(), frames.size()), frames.size())));
    renderNanos.addAndGet(System.nanoTime() - start);
    return b;
  }

  /** Frame {@code index} of the sequence; its images come from {@link #buffers}. */
  private final class RenderedFrame implements Frame {
    private final int index;

    RenderedFrame(int index) {
      this.index = index;
    }

    @Override
    public int index() {
      return index;
    }

    @Override
    public String name() {
      return SceneLayout.frameName(index);
    }

    @Override
    public CameraIntrinsics intrinsics() {
      return generator.intrinsics();
    }

    @Override
    public Pose pose() {
      return generator.poses().get(index);
    }

    @Override
    public RgbImage rgb() {
      CameraIntrinsics k = intrinsics();
      return new RgbImage(k.width(), k.height(), buffers(index).rgb());
    }

    @Override
    public boolean hasDepth() {
      return true;
    }

    @Override
    public Optional<DepthImage> depth() {
      CameraIntrinsics k = intrinsics();
      return Optional.of(new DepthImage(k.width(), k.height(), buffers(index).depth()));
    }

    @Override
    public Optional<LabelImage> groundTruth() {
      CameraIntrinsics k = intrinsics();
      return Optional.of(new LabelImage(k.width(), k.height(), buffers(index).labels()));
    }

    @Override
    public Optional<LabelImage> scribbles() {
      return Optional.empty();
    }

    @Override
    public String toString() {
      return "Frame[" + index + " of a synthetic " + generator.preset().id() + " scene]";
    }
  }
}
