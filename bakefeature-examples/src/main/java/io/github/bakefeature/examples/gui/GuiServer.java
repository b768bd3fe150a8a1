package io.github.bakefeature.examples.gui;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.api.session.LabelSession;
import io.github.bakefeature.core.features.FeaturePca;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.renderers.RenderSettings;
import io.github.bakefeature.core.session.DefaultLabelSession;
import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.WriteCallback;

/**
 * The browser labelling app: serves the page and its HTTP/WebSocket API for one
 * {@link LabelSession}. The caller owns the session (closing the server does not close it).
 *
 * <pre>{@code
 * try (DefaultLabelSession session = DefaultLabelSession.builder(SceneFolder.open(dir)).build();
 *      GuiServer gui = GuiServer.builder(session).optPort(8765).start()) {
 *   System.out.println("open " + gui.url());
 *   ... // wait
 * }
 * }</pre>
 *
 * <p>Binds 127.0.0.1 unless told otherwise and then answers only requests addressed to the
 * loopback names (127.0.0.1, localhost, [::1]) and the address it binds; refuses cross-origin requests. Renders run on one
 * worker thread from the session's model snapshot; events reach pages through per-client bounded
 * queues. See {@code docs/gui.md} for the API.
 */
public final class GuiServer implements AutoCloseable {
  /** Classpath folder of the page. */
  static final String STATIC = "/io/github/bakefeature/examples/gui/static";
  /**
   * Live previews take fewer samples per ray around the frame's measured depth (8 + 12 instead of
   * 12 + 20) and march twice as coarsely where there is none: several times faster than final
   * renders, so the overlay keeps up with training on a CPU.
   */
  public static final RenderSettings PREVIEW_RENDER_SETTINGS = new RenderSettings(4096, 1f / 512f, 128, 1e-3f, 8, 12, 0.005f);
  private static final Pattern EXPORT_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
  /**
   * How long an HTTP connection may stay silent: while a request's headers or body arrive, and
   * between requests on a kept-alive connection. Short, so that clients sending slowly (or not at
   * all) cannot hold the server's threads; WebSockets use {@link #WEBSOCKET_IDLE_TIMEOUT}.
   */
  static final Duration HTTP_IDLE_TIMEOUT = Duration.ofSeconds(5);
  /** How long a WebSocket may stay silent (the page pings every 30 s). */
  static final Duration WEBSOCKET_IDLE_TIMEOUT = Duration.ofSeconds(120);

  private final LabelSession session;
  private final Javalin app;
  private final EventHub hub;
  private final RenderService renders;
  private final ExportJobs exports;
  private final String host;
  /** The host part of {@link #url()}: a name only for "localhost", else an address literal. */
  private final String urlHost;
  private final int port;
  private volatile boolean closed;
  /**
   * Requests admitted and not yet answered, and whether the server is stopping: {@link #close()}
   * refuses new requests, lets these finish, then stops Jetty, so no change is applied without its
   * answer reaching the page (a page that retries an unanswered undo would undo twice).
   */
  private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
  private volatile boolean stopping;
  /** Longest {@link #close()} waits for requests in flight (a preview render takes about a second). */
  private static final long DRAIN_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

  private GuiServer(Builder b) {
    this.session = b.session;
    Scene scene = session.scene();
    String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(6));
    DefaultLabelSession dls = session instanceof DefaultLabelSession d ? d : null;
    String method = dls != null ? dls.model().method() : "unknown";
    boolean features = b.features != null ? b.features
        : dls != null && MethodPreset.fromId(method).usesFeatures();
    RenderService.ViewSource source = dls != null ? previewSource(dls, b.previewSize, b.renderSettings) : session::render;
    LongSupplier step = dls != null ? dls::step : () -> session.progress().step();
    FrameImages images = new FrameImages(session);
    EventHub[] hubRef = new EventHub[1];
    this.renders = new RenderService(session, source, features, b.pca, 48,
        (layers, changed) -> hubRef[0].rendered(layers, changed));
    Path exportRoot = b.exportDirectory != null ? b.exportDirectory
        : scene.directory().map(d -> d.resolve("exports")).orElse(null);
    if (exportRoot == null && !b.exports.isEmpty()) {
      throw new IllegalArgumentException("the scene has no folder: set an export directory with optExportDirectory");
    }
    this.exports = new ExportJobs(session, exportRoot, b.exports, job -> {
      ObjectNode e = job.json();
      e.put("type", "export");
      hubRef[0].broadcast("export:" + job.id, e);
    });
    String title = b.title != null ? b.title
        : scene.directory().map(d -> d.toAbsolutePath().normalize().getFileName())
            .map(Path::toString).orElse("scene");
    GuiLimits limits = b.limits;
    int previewSize = b.previewSize;
    this.hub = new EventHub(session, renders, limits, step,
        () -> state(token, title, method, features, previewSize, limits), b.liveInterval.toNanos());
    hubRef[0] = hub;
    Api api = new Api(session, limits, hub, renders, images, exports, token,
        () -> state(token, title, method, features, previewSize, limits));
    long idleMillis = b.idleTimeout.toMillis();
    this.app = Javalin.create(cfg -> {
      cfg.showJavalinBanner = false;
      cfg.startupWatcherEnabled = false;
      cfg.http.maxRequestSize = limits.maxBodyBytes();
      cfg.http.prefer405over404 = true;
      cfg.jetty.addConnector((server, http) -> {
        ServerConnector c = new ServerConnector(server, new HttpConnectionFactory(http));
        // The address the host resolved to when it was checked, not the name again (it could now
        // resolve elsewhere).
        c.setHost(b.address == null ? b.host : b.address.getHostAddress());
        c.setPort(b.port);
        c.setIdleTimeout(idleMillis);
        return c;
      });
      // Requests Jetty refuses itself (a malformed path or header) get a JSON error with the
      // security headers too, not Jetty's HTML page.
      cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
      cfg.jetty.modifyServletContextHandler(h -> {
        h.setErrorHandler(new JsonErrorHandler());
        // Around every request, static files included (Javalin's after-handlers do not run for
        // all of them): counted before the check, so close() either sees the request or the
        // request sees close(); uncounted once the servlet has answered.
        h.addFilter(new org.eclipse.jetty.servlet.FilterHolder((jakarta.servlet.Filter) (req, res, chain) -> {
          inFlight.incrementAndGet();
          try {
            if (stopping) {
              Api.writeError((jakarta.servlet.http.HttpServletResponse) res, 503,
                  "the app is stopping; nothing was applied", null);
              return;
            }
            chain.doFilter(req, res);
          } finally {
            if (!countUntilAnswered(req)) {
              inFlight.decrementAndGet();
            }
          }
        }), "/*", java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
      });
      cfg.staticFiles.add(sf -> {
        sf.hostedPath = "/";
        sf.directory = STATIC;
        sf.location = Location.CLASSPATH;
        sf.headers = Map.of("Cache-Control", "no-cache");
      });
      cfg.jetty.modifyWebSocketServletFactory(f -> {
        f.setMaxTextMessageSize(limits.maxWsMessageBytes());
        f.setMaxBinaryMessageSize(1024);
        f.setIdleTimeout(WEBSOCKET_IDLE_TIMEOUT);
      });
    });
    api.register(app);
    app.ws("/ws", ws -> {
      ws.onConnect(ctx -> hub.connect(ctx.sessionId(), sink(ctx.session)));
      ws.onMessage(ctx -> hub.onMessage(ctx.sessionId(), ctx.message()));
      ws.onBinaryMessage(ctx -> hub.onMessage(ctx.sessionId(), null)); // refused with an error event
      ws.onClose(ctx -> hub.disconnect(ctx.sessionId()));
      ws.onError(ctx -> hub.disconnect(ctx.sessionId()));
    });
    session.addListener(hub);
    hub.start();
    try {
      app.start();
    } catch (RuntimeException e) {
      session.removeListener(hub);
      try {
        app.stop();
      } catch (RuntimeException ignored) {
        // not started
      }
      hub.close();
      renders.close();
      exports.close();
      throw new IllegalArgumentException("cannot serve on " + b.host + ":" + b.port + ": "
          + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage())
          + (portTaken(e, b.address, b.host) ? " (another program, perhaps another app, listens there: choose another port, or port 0"
              + " for any free one)" : ""), e);
    }
    this.host = b.host;
    this.port = app.port();
    this.urlHost = urlHost(b.host, b.address);
    if (b.loopback) {
      // The usual loopback names, and the address bound (e.g. 127.0.0.2), which url() prints: as a
      // literal, never a DNS name that resolved to loopback (its owner could rebind it).
      api.allowHosts(HostPolicy.loopback(urlHost, port));
    } else {
      // On the network: IP literals, the name the app was told to bind (the operator chose it) and
      // the names allowed explicitly; any other name could be a rebinding page's.
      Set<String> names = new java.util.TreeSet<>(b.allowedHostNames);
      if (!b.host.contains(":") && !b.host.matches("[0-9.]+")) {
        names.add(b.host.toLowerCase(Locale.ROOT));
      }
      api.allowHosts(HostPolicy.network(names, port));
    }
    hub.progressChanged(session.progress());
  }

  /**
   * Checks a name for {@link Builder#optAllowedHostName} before any work starts.
   *
   * @return the name in lower case
   * @throws IllegalArgumentException if it is not a DNS host name
   */
  public static String checkHostName(String name) {
    return HostPolicy.checkName(name);
  }

  public static Builder builder(LabelSession session) {
    return new Builder(session);
  }

  /** The address the server listens on, as given (e.g. {@code 127.0.0.1}). */
  public String host() {
    return host;
  }

  /** The port it listens on (the actual one when 0 was asked for). */
  public int port() {
    return port;
  }

  /** The page's address. */
  public URI url() {
    return URI.create("http://" + urlHost + ":" + port + "/");
  }

  /**
   * The host of the page's address: the default 127.0.0.1 or "localhost" as given; for another
   * loopback host the address it resolved to; for the wildcard address 127.0.0.1; else the host as
   * given (bracketed if IPv6).
   */
  static String urlHost(String host, InetAddress address) {
    if (address == null) {
      return host; // the default, 127.0.0.1
    }
    if (host.equalsIgnoreCase("localhost")) {
      return "localhost";
    }
    if (address.isLoopbackAddress()) {
      return address instanceof java.net.Inet6Address ? "[::1]" : address.getHostAddress();
    }
    if (address.isAnyLocalAddress()) {
      return "127.0.0.1";
    }
    return host.contains(":") ? "[" + host + "]" : host;
  }

  /** The session this app drives. */
  public LabelSession session() {
    return session;
  }

  /** Connected WebSocket clients. */
  public int clientCount() {
    return hub.clientCount();
  }

  /**
   * Stops serving (pages see the connection drop); the session stays open. Idempotent. Requests
   * already admitted are answered first (up to 10 s); new ones get a 503 meanwhile.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopping = true;
    renders.cancelWaiting(); // requests waiting for renders get their answer (503) now
    long deadline = System.nanoTime() + DRAIN_NANOS;
    boolean interrupted = false;
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        interrupted = true; // stop anyway, and keep the interrupt for the caller
        break;
      }
    }
    session.removeListener(hub);
    app.stop();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    hub.close();
    renders.close();
    exports.close();
  }

  // ---- internals -------------------------------------------------------------------------------

  EventHub hub() {
    return hub;
  }

  RenderService renders() {
    return renders;
  }

  private ObjectNode state(String token, String title, String method, boolean features, int previewSize, GuiLimits limits) {
    Scene scene = session.scene();
    ObjectNode o = Json.object();
    o.put("token", token);
    ObjectNode s = o.putObject("scene");
    s.put("name", title);
    s.put("frames", scene.size());
    s.put("width", scene.width());
    s.put("height", scene.height());
    s.put("method", method);
    s.put("features", features);
    s.put("previewSize", previewSize);
    ArrayNode names = s.putArray("frameNames");
    for (int i = 0; i < scene.size(); i++) {
      names.add(scene.frame(i).name());
    }
    o.put("classesVersion", hub.classesVersion());
    o.set("classes", Json.classes(session.classes()));
    ObjectNode p = Json.progress(session.progress(), hub.trainingFailure());
    o.set("progress", p);
    ObjectNode a = o.putObject("annotation");
    a.put("canUndo", session.canUndo());
    a.put("canRedo", session.canRedo());
    a.set("annotatedFrames", Json.ints(session.annotatedFrames()));
    ArrayNode versions = a.putArray("versions");
    for (long v : hub.frameVersions()) {
      versions.add(v);
    }
    ObjectNode l = o.putObject("limits");
    l.put("maxStrokePoints", limits.maxStrokePoints());
    l.put("maxBodyBytes", limits.maxBodyBytes());
    l.put("maxWsMessageBytes", limits.maxWsMessageBytes());
    l.put("maxClasses", limits.maxClasses());
    l.put("maxClassNameLength", limits.maxClassNameLength());
    l.put("maxRadius", io.github.bakefeature.api.annotation.Stroke.MAX_RADIUS);
    o.set("exports", exports.available());
    return o;
  }

  /**
   * Renders from the session's model snapshot with {@code settings}, scaled so the long side is at
   * most {@code size}.
   */
  /**
   * Whether starting failed because the port is in use, not because the address cannot be bound
   * at all (not this machine's): then a free port of the address can be bound. Decided by binding,
   * not by the error's text (the C library's, which may be translated).
   */
  private static boolean portTaken(Throwable e, InetAddress address, String host) {
    boolean bind = false;
    for (Throwable t = e; t != null; t = t.getCause()) {
      bind |= t instanceof java.net.BindException;
    }
    try {
      return bind && bindProblem(address != null ? address : InetAddress.getByName(host), 0) == null;
    } catch (UnknownHostException notHere) {
      return false;
    }
  }

  /** Why {@code address:port} cannot be bound now, or null if it can (bound and released at once). */
  private static java.io.IOException bindProblem(InetAddress address, int port) {
    try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
      probe.bind(new java.net.InetSocketAddress(address, port));
      return null;
    } catch (java.io.IOException e) {
      return e;
    }
  }

  /**
   * Refuses, before any work, an address that is not this machine's and a port another program
   * listens on ({@link Builder#start()} binds again; this only makes the common mistakes fail at
   * once, e.g. before a command builds features). Told apart by binding, not by the error's text
   * (the C library's, which may be translated): if the port cannot be bound but any free port of
   * the address can, the port is taken.
   *
   * @throws IllegalArgumentException saying which
   */
  public static void checkCanServe(InetAddress address, int port) {
    java.io.IOException onPort = port == 0 ? null : bindProblem(address, port);
    if (port != 0 && onPort == null) {
      return;
    }
    java.io.IOException anyPort = bindProblem(address, 0);
    if (anyPort != null) {
      throw new IllegalArgumentException("--host " + address.getHostAddress() + " cannot be served on ("
          + anyPort.getMessage() + "); expected an address of this machine: 127.0.0.1 (the default), 0.0.0.0 (every"
          + " interface) or one of its network addresses", anyPort);
    }
    if (onPort != null) {
      throw new IllegalArgumentException("cannot serve on " + address.getHostAddress() + ":" + port + ": "
          + onPort.getMessage() + " (another program, perhaps another app, listens there: choose another --port, or"
          + " --port 0 for any free one)", onPort);
    }
  }

  /**
   * For a request answered later ({@code ctx.future}, a render): uncounts it once it has answered
   * and returns true; false when it has answered already (the caller uncounts it).
   */
  private boolean countUntilAnswered(jakarta.servlet.ServletRequest req) {
    if (!req.isAsyncStarted()) {
      return false;
    }
    try {
      req.getAsyncContext().addListener(new jakarta.servlet.AsyncListener() {
        @Override
        public void onComplete(jakarta.servlet.AsyncEvent e) {
          inFlight.decrementAndGet();
        }

        @Override
        public void onTimeout(jakarta.servlet.AsyncEvent e) {
          // followed by onComplete
        }

        @Override
        public void onError(jakarta.servlet.AsyncEvent e) {
          // followed by onComplete
        }

        @Override
        public void onStartAsync(jakarta.servlet.AsyncEvent e) {
          // not restarted
        }
      });
      return true;
    } catch (IllegalStateException completedMeanwhile) {
      return false;
    }
  }

  private static RenderService.ViewSource previewSource(DefaultLabelSession s, int size, RenderSettings settings) {
    return (frame, outputs) -> {
      Frame f = s.scene().frame(frame);
      CameraIntrinsics k = f.intrinsics();
      int longSide = Math.max(k.width(), k.height());
      if (longSide > size) {
        k = k.scaled((double) size / longSide);
      }
      // As the session's segment() and the exports render, with the cheaper settings.
      return s.render(s.model().withRenderSettings(settings), frame, k, outputs);
    };
  }

  private static ClientChannel.Sink sink(Session s) {
    return new ClientChannel.Sink() {
      @Override
      public void send(String text, java.util.function.Consumer<Throwable> done) {
        if (!s.isOpen()) {
          done.accept(new IOException("connection closed"));
          return;
        }
        s.getRemote().sendString(text, new WriteCallback() {
          @Override
          public void writeFailed(Throwable x) {
            done.accept(x);
          }

          @Override
          public void writeSuccess() {
            done.accept(null);
          }
        });
      }

      @Override
      public void close(int code, String reason) {
        if (s.isOpen()) {
          s.close(code, reason);
        }
      }
    };
  }

  /** Options of the app; {@link #start()} binds and serves. */
  public static final class Builder {
    private final LabelSession session;
    private String host = "127.0.0.1";
    /** What {@code host} resolved to; null for the default 127.0.0.1. */
    private InetAddress address;
    private boolean loopback = true;
    private int port = 0;
    private GuiLimits limits = GuiLimits.defaults();
    private int previewSize = 256;
    private RenderSettings renderSettings = PREVIEW_RENDER_SETTINGS;
    private FeaturePca pca;
    private Boolean features;
    private Duration liveInterval = Duration.ofMillis(1000);
    private Duration idleTimeout = HTTP_IDLE_TIMEOUT;
    private Path exportDirectory;
    private String title;
    private final Map<String, ExportJobs.Spec> exports = new LinkedHashMap<>();
    private final Set<String> allowedHostNames = new java.util.TreeSet<>();

    Builder(LabelSession session) {
      if (session == null) {
        throw new IllegalArgumentException("session must not be null");
      }
      this.session = session;
    }

    /**
     * Address to bind (default {@code 127.0.0.1}). A non-loopback address exposes the app, which
     * has no authentication, to the network.
     */
    public Builder optHost(String h) {
      if (h == null || h.isBlank()) {
        throw new IllegalArgumentException("host must be an address such as 127.0.0.1, found '" + h + "'");
      }
      try {
        InetAddress a = InetAddress.getByName(h);
        this.address = a;
        this.loopback = a.isLoopbackAddress();
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("host '" + h + "' is not a known address of this machine");
      }
      this.host = h;
      return this;
    }

    /**
     * A host name under which browsers may reach an app bound to a non-loopback address (e.g. the
     * server's DNS name, {@code gpu-box.lab}); IP addresses are always accepted there. Other names
     * are refused (403), so a web page cannot reach the app by DNS rebinding. Ignored on loopback.
     */
    public Builder optAllowedHostName(String name) {
      allowedHostNames.add(HostPolicy.checkName(name));
      return this;
    }

    /** {@link #optAllowedHostName} for each name. */
    public Builder optAllowedHostNames(java.util.Collection<String> names) {
      names.forEach(this::optAllowedHostName);
      return this;
    }

    /** Port (default 0: an ephemeral port, see {@link GuiServer#port()}). */
    public Builder optPort(int p) {
      if (p < 0 || p > 65535) {
        throw new IllegalArgumentException("port must be in [0, 65535], found " + p);
      }
      this.port = p;
      return this;
    }

    public Builder optLimits(GuiLimits l) {
      this.limits = java.util.Objects.requireNonNull(l, "limits");
      return this;
    }

    /** Long side, in pixels, of the live renders (segmentation, colour, depth, features); default 256. */
    public Builder optPreviewSize(int px) {
      if (px < 16 || px > 4096) {
        throw new IllegalArgumentException("preview size must be in [16, 4096] pixels, found " + px);
      }
      this.previewSize = px;
      return this;
    }

    /** How live previews are rendered (default {@link #PREVIEW_RENDER_SETTINGS}). */
    public Builder optPreviewRenderSettings(RenderSettings s) {
      this.renderSettings = java.util.Objects.requireNonNull(s, "settings");
      return this;
    }

    /**
     * The projection that colours rendered features, e.g. fitted on the feature cache so colours
     * match across frames and over time. Without one, it is fitted on rendered features (and kept
     * once the model has trained a while).
     */
    public Builder optFeaturePca(FeaturePca p) {
      this.pca = p;
      return this;
    }

    /** Whether the session's model renders features (detected for {@link DefaultLabelSession}). */
    public Builder optFeatures(boolean f) {
      this.features = f;
      return this;
    }

    /** Minimum time between two live renders of a viewed frame (default 1 s). */
    public Builder optLiveRenderInterval(Duration d) {
      if (d == null || d.isNegative()) {
        throw new IllegalArgumentException("live render interval must be >= 0, found " + d);
      }
      this.liveInterval = d;
      return this;
    }

    /** The HTTP idle timeout (tests shorten it; see {@link GuiServer#HTTP_IDLE_TIMEOUT}). */
    Builder idleTimeout(Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("idle timeout must be > 0, found " + d);
      }
      this.idleTimeout = d;
      return this;
    }

    /**
     * Root folder of exports (default {@code <scene>/exports}); each export writes a sub-folder.
     * One app per folder: two apps exporting into one would replace each other's exports, and
     * each app cleans up unfinished exports in its folder when it starts.
     */
    public Builder optExportDirectory(Path dir) {
      this.exportDirectory = dir;
      return this;
    }

    /**
     * Offers an export under {@code name} (lower-case letters, digits, '-'), shown as {@code label};
     * it writes into {@code <export root>/<name>/}.
     */
    public Builder optExport(String name, String label, GuiExport export) {
      return optExport(name, label, export, java.util.Set.of());
    }

    /**
     * {@link #optExport(String, String, GuiExport)} for the app's own exports, with the names their
     * earlier versions wrote into the folder before it carried a marker (so it is still replaced).
     */
    Builder optExport(String name, String label, GuiExport export, java.util.Set<String> earlierLayout) {
      if (name == null || !EXPORT_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("export name must match " + EXPORT_NAME + ", found '" + name + "'");
      }
      if (label == null || label.isBlank() || export == null) {
        throw new IllegalArgumentException("export '" + name + "' needs a label and an implementation");
      }
      exports.put(name, new ExportJobs.Spec(name, label, export, java.util.Set.copyOf(earlierLayout)));
      return this;
    }

    /** Title shown by the page (default: the scene folder's name). */
    public Builder optTitle(String t) {
      this.title = t;
      return this;
    }

    /** Binds and starts serving. */
    public GuiServer start() {
      return new GuiServer(this);
    }
  }
}
