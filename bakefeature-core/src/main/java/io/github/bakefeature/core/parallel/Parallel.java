package io.github.bakefeature.core.parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The library's shared worker pool for hand-written CPU kernels (hash grid, ray tracer, filter
 * bank). One pool for everything, sized to the machine ({@code bakefeature.threads} system
 * property overrides), so kernels never oversubscribe the cores that libtorch also uses.
 *
 * <p>{@link #forRange} splits {@code [0, n)} into one contiguous block per worker; the calling
 * thread runs the first block itself, so a call from inside a worker cannot deadlock the pool.
 */
public final class Parallel {
  private static final int THREADS = Integer.getInteger("bakefeature.threads",
      Runtime.getRuntime().availableProcessors());
  private static final ExecutorService POOL = Executors.newFixedThreadPool(Math.max(1, THREADS - 1),
      new ThreadFactory() {
        private final AtomicInteger n = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
          Thread t = new Thread(r, "bakefeature-worker-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }
      });
  private static final ThreadLocal<Boolean> IN_WORKER = ThreadLocal.withInitial(() -> false);

  /** Body of a parallel loop over {@code [from, to)}; {@code worker} is in {@code [0, threads())}. */
  @FunctionalInterface
  public interface RangeBody {
    void run(int from, int to, int worker);
  }

  private Parallel() {}

  /** Number of workers a loop is split into. */
  public static int threads() {
    return Math.max(1, THREADS);
  }

  /** Runs {@code body} over {@code [0, n)} in contiguous blocks, at most {@link #threads()} at once. */
  public static void forRange(int n, RangeBody body) {
    forRange(n, 1, body);
  }

  /**
   * Like {@link #forRange(int, RangeBody)} but runs serially when {@code n < minPerThread * 2},
   * where the hand-off would cost more than it saves.
   */
  public static void forRange(int n, int minPerThread, RangeBody body) {
    int workers = Math.min(threads(), Math.max(1, n / Math.max(1, minPerThread)));
    if (workers <= 1 || IN_WORKER.get()) {
      body.run(0, n, 0);
      return;
    }
    List<Future<?>> futures = new ArrayList<>(workers - 1);
    for (int w = 1; w < workers; w++) {
      int from = (int) ((long) n * w / workers);
      int to = (int) ((long) n * (w + 1) / workers);
      int worker = w;
      futures.add(POOL.submit(() -> {
        IN_WORKER.set(true);
        try {
          body.run(from, to, worker);
        } finally {
          IN_WORKER.set(false);
        }
      }));
    }
    Throwable failure = null;
    try {
      body.run(0, (int) ((long) n / workers), 0);
    } catch (RuntimeException | Error e) {
      failure = e;
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (failure == null) {
          failure = e.getCause();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        if (failure == null) {
          failure = e;
        }
      }
    }
    if (failure instanceof RuntimeException re) {
      throw re;
    }
    if (failure instanceof Error err) {
      throw err;
    }
    if (failure != null) {
      throw new IllegalStateException("parallel loop interrupted", failure);
    }
  }
}
