package io.github.bakefeature.examples.cli;

import io.github.bakefeature.api.feature.FeatureMap;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.features.FeatureCache;
import io.github.bakefeature.core.features.FeaturePca;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.pipelines.TrainerConfig;
import io.github.bakefeature.core.scene.SceneLayout;
import io.github.bakefeature.core.session.DefaultLabelSession;
import io.github.bakefeature.examples.gui.GuiServer;
import io.github.bakefeature.examples.gui.SessionExports;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bakefeature gui}: the browser labelling app for one scene. */
@Command(name = "gui", mixinStandardHelpOptions = true,
    description = {"Label a scene in the browser while the model trains (the paper's GUI).",
        "Serves the app on http://HOST:PORT/ (127.0.0.1 by default) and prints the address; every change is saved "
            + "in the scene folder as it is made. Ctrl+C stops it."})
public final class GuiCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--scene", required = true, description = "Scene folder.")
  Path scene;

  @Option(names = "--port", defaultValue = "8765", description = "Port, 0 = any free port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}). The app has no login: only use another "
          + "address on a network you trust, or reach a remote machine through an SSH tunnel (ssh -L).")
  String host;

  @Option(names = "--allow-host", paramLabel = "NAME",
      description = "With a --host other than loopback: a host name browsers may use to reach the app (e.g. the "
          + "server's DNS name); repeatable. IP addresses and the --host name are always accepted, other names refused "
          + "(a web page could otherwise reach the app by DNS rebinding).")
  List<String> allowHosts = new ArrayList<>();

  @Option(names = "--method", defaultValue = "ours",
      description = "ours | snerf-freq | snerf-hg | snerf-hg-freq (default: ${DEFAULT-VALUE}).")
  String method;

  /** Which feature cache ours trains on: the options of the features command, which select the same cache. */
  @picocli.CommandLine.Mixin
  FeatureOptions features;

  @Option(names = "--rays", defaultValue = "1024", description = "Rays per training step (default: ${DEFAULT-VALUE}).")
  int rays;

  @Option(names = "--preview-size", defaultValue = "256",
      description = "Long side in pixels of the live renders shown in the page (default: ${DEFAULT-VALUE}).")
  int previewSize;

  @Option(names = "--paused", description = "Start with training paused.")
  boolean paused;

  @Option(names = "--checkpoint-every", defaultValue = "500",
      description = "Save the model every N steps so a crash loses little training, 0 = only on exit "
          + "(default: ${DEFAULT-VALUE}).")
  long checkpointEvery;

  @Option(names = "--hash-table-log2", hidden = true, defaultValue = "0",
      description = "Hash table size per level as a power of two (0 = the method's default).")
  int hashTableLog2;

  /** Counted down to stop the app (Ctrl+C, or a test). */
  private final CountDownLatch stop = new CountDownLatch(1);

  /** The file's modification time, or null if it does not exist or cannot be read. */
  private static java.nio.file.attribute.FileTime modified(java.nio.file.Path file) {
    try {
      return java.nio.file.Files.getLastModifiedTime(file);
    } catch (java.io.IOException e) {
      return null;
    }
  }

  @Override
  public Integer call() throws Exception {
    features.validate(scene);
    TrainerConfig trainerConfig = OptionValues.trainer(rays).build();
    if (checkpointEvery < 0) {
      throw new IllegalArgumentException("--checkpoint-every must be >= 0, found " + checkpointEvery);
    }
    if (hashTableLog2 != 0 && (hashTableLog2 < 10 || hashTableLog2 > 24)) {
      throw new IllegalArgumentException("--hash-table-log2 must be in [10, 24], found " + hashTableLog2);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port must be in [0, 65535], found " + port);
    }
    if (previewSize < 16 || previewSize > 4096) {
      throw new IllegalArgumentException("--preview-size must be in [16, 4096] pixels, found " + previewSize);
    }
    for (String name : allowHosts) {
      try {
        GuiServer.checkHostName(name);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--allow-host: " + e.getMessage());
      }
    }
    java.net.InetAddress address;
    try {
      address = java.net.InetAddress.getByName(host);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("--host '" + host + "' is not an address of this machine");
    }
    boolean loopback = address.isLoopbackAddress();
    io.github.bakefeature.examples.gui.GuiServer.checkCanServe(address, port);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    MethodPreset preset = MethodPreset.fromId(method);
    Scene s = TrainedSceneOptions.openDecoded(scene);
    FeatureCache cache = null;
    FeaturePca pca = null;
    if (preset.usesFeatures()) {
      cache = FeatureTargets.open(s, features, err);
      pca = fitPca(cache);
    }
    DefaultLabelSession.Builder sb = DefaultLabelSession.builder(s)
        .optMethod(preset)
        .optFeatures(cache)
        .optTrainerConfig(trainerConfig)
        .optCheckpointEvery(checkpointEvery)
        .optAutoStart(!paused);
    if (hashTableLog2 != 0) {
      int log2 = hashTableLog2;
      sb.optFieldOptions(b -> b.optHashLog2TableSize(log2));
    }
    CountDownLatch closed = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.countDown();
      try {
        closed.await(60, TimeUnit.SECONDS); // let the app save the model before the JVM exits
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "bakefeature-gui-shutdown");
    java.nio.file.Path checkpoint = s.directory().orElse(scene).resolve(SceneLayout.SESSION)
        .resolve(DefaultLabelSession.CHECKPOINT);
    java.nio.file.attribute.FileTime before = modified(checkpoint);
    // Before the session starts: Ctrl+C while it opens or the server starts must still end in a
    // saved model (the main thread then passes stop at once and closes the session, which saves).
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      try (DefaultLabelSession session = sb.build()) {
        try (GuiServer gui = SessionExports.register(GuiServer.builder(session))
            .optHost(host)
            .optAllowedHostNames(allowHosts)
            .optPort(port)
            .optPreviewSize(previewSize)
            .optFeaturePca(pca)
            .start()) {
          err.println("BakeFeature app for " + s.directory().orElse(scene) + " (" + s.size() + " frames, " + preset.id() + ")");
          err.println("  open " + gui.url() + " in a browser; Ctrl+C stops it (every change is already saved)");
          if (!loopback) {
            err.println("  WARNING: listening on " + host + ": anyone who can reach this address can edit the labels"
                + "; browsers reach it by IP address" + (allowHosts.isEmpty() ? "" : " or as " + String.join(", ", allowHosts))
                + ", other host names are refused (--allow-host adds one)");
          }
          err.flush();
          Map<String, Object> line = new LinkedHashMap<>();
          line.put("url", gui.url().toString());
          line.put("host", gui.host());
          line.put("port", gui.port());
          out.println(JsonLines.toLine(line));
          out.flush();
          try {
            stop.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          err.println("stopping: saving the model...");
          err.flush();
        }
      }
      // Closing the session saved it (when it trained, and the write worked): say where, as the
      // checkpoint of render, segment, export and evaluate; and say so when nothing was written.
      java.nio.file.attribute.FileTime after = modified(checkpoint);
      if (after != null && !after.equals(before)) {
        err.println("saved the model to " + checkpoint);
      } else if (after != null) {
        err.println("could not save the model (see the warning above): " + checkpoint + " is the one saved before");
      } else {
        err.println("no model saved: training took no step (start without --paused, or resume it in the app)");
      }
      err.flush();
    } finally {
      closed.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException | IllegalArgumentException e) {
        // the JVM is shutting down (Ctrl+C), or the hook was never added
      }
    }
    return 0;
  }

  /** Stops a running {@link #call()} as Ctrl+C would. */
  void stop() {
    stop.countDown();
  }

  /** PCA of the encoded features, fitted once on up to 32 frames so colours match across frames. */
  static FeaturePca fitPca(FeatureCache cache) {
    List<FeatureMap> maps = new ArrayList<>();
    int n = cache.size();
    int take = Math.min(n, 32);
    for (int k = 0; k < take; k++) {
      maps.add(cache.encodedMap((int) ((long) k * n / take)));
    }
    return FeaturePca.fit(maps, 20_000, 0);
  }
}
