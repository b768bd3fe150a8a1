package io.github.bakefeature.core.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single entry point to DJL's PyTorch engine. Every class that touches DJL gets its engine or
 * managers here, so the engine never starts without {@code ai.djl.offline} and
 * {@code OPT_OUT_TRACKING}: without them engine start-up contacts a cloud-metadata address
 * (README, "Environment"). Users who embed the library from an IDE get the same protection.
 */
public final class DjlRuntime {
  private static final String ENGINE = "PyTorch";

  private static final Logger LOG = LoggerFactory.getLogger(DjlRuntime.class);
  /** Held while a gradient collector is open: see {@link #newGradientCollector()}. */
  private static final ReentrantLock GRADIENTS = new ReentrantLock();

  static {
    ensureOffline();
    if (NativeEnvironment.needsAllocatorAdvice(System.getProperty("os.name", ""), System.getenv())) {
      LOG.info("glibc returns libtorch's freed tensor memory to the kernel after every training step and "
          + "page-faults it back in the next; start the JVM with {} for faster training steps (up to 2x on a 2-core VM) "
          + "(README, \"Environment\")", NativeEnvironment.allocatorAdvice());
    }
  }

  private DjlRuntime() {}

  /** Sets the offline and no-tracking properties unless the user set them explicitly. */
  public static void ensureOffline() {
    setIfAbsent("ai.djl.offline", "true");
    setIfAbsent("OPT_OUT_TRACKING", "true");
    setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** The PyTorch engine (starts it on first use). */
  public static Engine engine() {
    return Engine.getEngine(ENGINE);
  }

  /** A new root manager on the CPU of the PyTorch engine; the caller closes it. */
  public static NDManager newManager() {
    return engine().newBaseManager();
  }

  /**
   * A float scalar owned by {@code manager} (closed with it). Use it instead of DJL's
   * {@code mul(Number)}, {@code div(Number)}, {@code maximum(Number)}... in anything that is
   * differentiated.
   *
   * <p>Why: in DJL 0.36's PyTorch engine those methods wrap the number in a tensor that aliases a
   * direct {@code ByteBuffer}, use it and close the wrapper at once, so the buffer becomes garbage
   * while the autograd graph still holds the tensor for the backward pass; a garbage collection
   * before {@code backward} frees it and the gradient reads freed memory (measured: training with a
   * thread calling {@code System.gc()} went to NaN within 150 steps; see
   * {@code DjlScalarsTest}). A scalar attached to the step's manager lives until the step ends.
   */
  public static NDArray scalar(NDManager manager, float value) {
    return manager.create(value);
  }

  /**
   * Opens a gradient collector, waiting while another thread of this process has one open. DJL's
   * PyTorch engine allows one open collector per process and fails the second with "A
   * PtGradientCollector is already collecting"; without this lock two label sessions in one
   * application, or an autoencoder fit next to a training session, would stop each other's
   * training at random. Close it on the thread that opened it (try-with-resources).
   */
  public static GradientCollector newGradientCollector() {
    GRADIENTS.lock();
    try {
      GradientCollector inner = engine().newGradientCollector();
      return new GradientCollector() {
        private boolean closed;

        @Override
        public void backward(NDArray target) {
          inner.backward(target);
        }

        @Override
        public void zeroGradients() {
          inner.zeroGradients();
        }

        @Override
        public void close() {
          if (closed) {
            return;
          }
          closed = true;
          try {
            inner.close();
          } finally {
            GRADIENTS.unlock();
          }
        }
      };
    } catch (RuntimeException | Error e) {
      GRADIENTS.unlock();
      throw e;
    }
  }
}
