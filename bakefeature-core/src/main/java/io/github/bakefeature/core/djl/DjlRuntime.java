package io.github.bakefeature.core.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

/**
 * The single entry point to DJL's PyTorch engine. Every class that touches DJL gets its engine or
 * managers here, so the engine never starts without {@code ai.djl.offline} and
 * {@code OPT_OUT_TRACKING}: without them engine start-up contacts a cloud-metadata address
 * (ARCHITECTURE.md). Users who embed the library from an IDE get the same protection.
 */
public final class DjlRuntime {
  private static final String ENGINE = "PyTorch";

  static {
    ensureOffline();
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
}
