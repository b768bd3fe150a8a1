package io.github.bakefeature.examples.gui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.bakefeature.api.annotation.SemanticClass;
import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.api.session.LabelSession;
import io.github.bakefeature.core.viz.Palette;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.eclipse.jetty.io.EofException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP routes of the app (documented in docs/gui.md). */
final class Api {
  private static final Logger LOG = LoggerFactory.getLogger(Api.class);
  private static final String JSON = "application/json";
  private static final Set<HandlerType> MUTATING = Set.of(HandlerType.POST, HandlerType.PATCH, HandlerType.PUT, HandlerType.DELETE);
  /** Page security policy: everything from this origin only, no inline script. */
  private static final String CSP = "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
      + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";
  /** Request attribute set once an answer of ours is in the response (error handlers keep it). */
  private static final String ANSWERED = "bakefeature.answered";
  /**
   * Requests that may be receiving their bodies at once: a slow or stalled body holds a server
   * thread, so beyond this further ones are refused with 503 at once instead of starving the rest.
   */
  static final int MAX_BODY_READERS = 32;
  /** Time a request body may take to arrive in full (each stall is also cut by the idle timeout). */
  static final long BODY_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** A registered route: method, path template (as a pattern) for {@code Allow} on 405. */
  private record Route(HandlerType method, Pattern path) {}

  private final LabelSession session;
  private final GuiLimits limits;
  private final EventHub hub;
  private final RenderService renders;
  private final FrameImages images;
  private final ExportJobs exports;
  private final String token;
  private final Supplier<ObjectNode> state;
  // Until the server knows its port (port 0 picks one at start-up) no Host is allowed, so there is
  // no window in which any Host header passes.
  private volatile HostPolicy hostPolicy = HostPolicy.STARTING;
  /** Serialises changes to the class list, so the size check and the add are one step. */
  private final Object classLock = new Object();
  private final Semaphore bodyReaders = new Semaphore(MAX_BODY_READERS);
  private final List<Route> routes = new ArrayList<>();

  Api(LabelSession session, GuiLimits limits, EventHub hub, RenderService renders, FrameImages images,
      ExportJobs exports, String token, Supplier<ObjectNode> state) {
    this.session = session;
    this.limits = limits;
    this.hub = hub;
    this.renders = renders;
    this.images = images;
    this.exports = exports;
    this.token = token;
    this.state = state;
  }

  /** Host headers accepted once the port is known. */
  void allowHosts(HostPolicy policy) {
    this.hostPolicy = java.util.Objects.requireNonNull(policy, "policy");
  }

  void register(Javalin app) {
    app.before(this::guard);
    app.wsBeforeUpgrade(this::guardUpgrade);
    // After routing, so it sees what Javalin matched (a path with a trailing slash reaches the same
    // handler as without); another method on a known path stays a 405 and an unknown path a 404,
    // whatever the content type: neither changes anything.
    app.beforeMatched(this::requireJsonBody);

    app.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.getMessage(), e.field()));
    app.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, e.getMessage(), null));
    app.exception(IllegalStateException.class, (e, ctx) -> error(ctx, 503, e.getMessage(), null));
    app.exception(UncheckedIOException.class, (e, ctx) -> {
      LOG.error("could not save a change", e);
      error(ctx, 500, "could not save the change, nothing was applied: " + e.getCause().getMessage(), null);
    });
    app.exception(Exception.class, (e, ctx) -> {
      if (e instanceof EofException) {
        return; // the client went away
      }
      LOG.error("request {} {} failed", ctx.method(), ctx.path(), e);
      error(ctx, 500, "internal error: " + e, null);
    });
    // Javalin fills the body of its own 404 / 405 ("Endpoint GET /x not found"); replace it with
    // the API's JSON error unless the answer is already one of ours (a 404 for an unknown frame).
    app.error(404, ctx -> {
      if (ctx.attribute(ANSWERED) == null) {
        error(ctx, 404, "no such resource: " + shorten(ctx.req().getMethod()) + " " + shorten(ctx.path()), null);
      }
    });
    app.error(405, ctx -> {
      if (ctx.attribute(ANSWERED) == null) {
        Set<String> allow = allowedMethods(ctx.path());
        if (!allow.isEmpty()) {
          ctx.header("Allow", String.join(", ", allow));
        }
        // An unknown method is INVALID to Javalin: name what the client sent.
        error(ctx, 405, "method " + shorten(ctx.req().getMethod()) + " is not allowed on " + shorten(ctx.path())
            + (allow.isEmpty() ? "" : ": expected " + String.join(" or ", allow)), null);
      }
    });

    route(app, HandlerType.GET, "/api/state", ctx -> {
      ObjectNode st = state.get();
      history((ObjectNode) st.get("annotation"), author(ctx));
      json(ctx, st);
    });
    route(app, HandlerType.GET, "/api/history", ctx -> json(ctx, history(Json.object(), author(ctx))));
    route(app, HandlerType.GET, "/api/progress", ctx -> json(ctx, progress()));
    route(app, HandlerType.GET, "/api/classes", ctx -> json(ctx, Json.classes(session.classes())));
    route(app, HandlerType.POST, "/api/classes", this::addClass);
    route(app, HandlerType.PATCH, "/api/classes/{id}", this::updateClass);
    route(app, HandlerType.POST, "/api/frames/{frame}/strokes", this::stroke);
    route(app, HandlerType.POST, "/api/frames/{frame}/clear", this::clear);
    route(app, HandlerType.POST, "/api/undo", ctx -> undoRedo(ctx, true));
    route(app, HandlerType.POST, "/api/redo", ctx -> undoRedo(ctx, false));
    route(app, HandlerType.POST, "/api/training/pause", ctx -> {
      Requests.onlyFields(body(ctx), Set.of());
      session.pause();
      hub.progressChanged(session.progress());
      json(ctx, progress());
    });
    route(app, HandlerType.POST, "/api/training/resume", ctx -> {
      Requests.onlyFields(body(ctx), Set.of());
      hub.clearTrainingFailure();
      session.resume();
      hub.progressChanged(session.progress());
      json(ctx, progress());
    });
    route(app, HandlerType.GET, "/api/suggest", ctx -> ctx.future(() -> renders.suggest().handle((f, t) -> {
      if (t != null) {
        failed(ctx, t);
      } else {
        ObjectNode o = Json.object();
        o.put("frame", f);
        json(ctx, o);
      }
      return null;
    })));
    route(app, HandlerType.POST, "/api/exports/{name}", ctx -> {
      Requests.onlyFields(body(ctx), Set.of());
      ExportJobs.Job job = exports.start(ctx.pathParam("name"));
      ctx.status(202);
      json(ctx, job.json());
    });
    route(app, HandlerType.GET, "/api/jobs/{id}", ctx -> {
      long id = Requests.integer("id", "a job id (an integer)", ctx.pathParam("id"), 18);
      ExportJobs.Job job = id < 0 ? null : exports.job(id);
      if (job == null) {
        throw new ApiException(404, "no export job " + id, "id");
      }
      json(ctx, job.json());
    });

    route(app, HandlerType.GET, "/api/frames/{frame}/rgb.png", ctx -> {
      int f = frame(ctx);
      png(ctx, images.rgb(f), "rgb-" + token + "-" + f, true);
    });
    route(app, HandlerType.GET, "/api/frames/{frame}/thumb.png", ctx -> {
      int f = frame(ctx);
      png(ctx, images.thumbnail(f), "thumb-" + token + "-" + f, true);
    });
    route(app, HandlerType.GET, "/api/frames/{frame}/scribbles.png", ctx -> {
      int f = frame(ctx);
      long v = hub.frameVersion(f);
      long cv = hub.classesVersion();
      ctx.header("X-Version", Long.toString(v));
      png(ctx, images.scribbles(f, v, cv, palette()), "s-" + token + "-" + f + "-" + v + "-" + cv, false);
    });
    for (String layer : List.of("segmentation", "colour", "depth", "features", "confidence")) {
      route(app, HandlerType.GET, "/api/frames/{frame}/" + layer + ".png", ctx -> layer(ctx, layer));
    }
  }

  private void route(Javalin app, HandlerType method, String path, Handler handler) {
    app.addHttpHandler(method, path, handler);
    if (method == HandlerType.GET) {
      // HEAD answers what GET would, without the body (the server drops it): otherwise Javalin
      // answers 200 for any HEAD, an unknown frame's included.
      app.addHttpHandler(HandlerType.HEAD, path, handler);
    }
    // Javalin ignores one trailing slash; so does the pattern.
    routes.add(new Route(method, Pattern.compile(Pattern.quote(path).replaceAll("\\{[a-z]+}", "\\\\E[^/]+\\\\Q") + "/?")));
  }

  /** The methods registered for {@code path} (for {@code Allow}). */
  private Set<String> allowedMethods(String path) {
    Set<String> m = new TreeSet<>();
    for (Route r : routes) {
      if (r.path().matcher(path).matches()) {
        m.add(r.method().name());
      }
    }
    return m;
  }

  // ---- guard -----------------------------------------------------------------------------------

  /**
   * Refuses requests addressed to another host name (DNS rebinding) and cross-origin requests
   * (another web page in the same browser).
   */
  private void guard(Context ctx) {
    securityHeaders(ctx::header);
    List<String> hosts = headers(ctx, "Host");
    List<String> origins = headers(ctx, "Origin");
    if (hosts.size() > 1 || origins.size() > 1) {
      String name = hosts.size() > 1 ? "Host" : "Origin";
      throw new ApiException(403, "a request may carry one " + name + " header, found " + (hosts.size() > 1 ? hosts : origins).size(), null);
    }
    String host = hosts.isEmpty() ? null : hosts.get(0);
    HostPolicy policy = hostPolicy;
    if (policy.starting()) {
      throw new ApiException(503, "the app is starting; try again in a moment", null);
    }
    if (!policy.allows(host)) {
      throw new ApiException(403, "this app only answers requests addressed to " + policy.describe()
          + ", found Host: " + (host == null ? "none" : shorten(host)), null);
    }
    String origin = origins.isEmpty() ? null : origins.get(0);
    if (origin != null && (host == null || !origin.equalsIgnoreCase("http://" + host))) {
      throw new ApiException(403, "cross-origin requests are refused (Origin: " + shorten(origin) + ")", null);
    }
    // A browser sends no Origin with a simple cross-site GET (an <img> on another page would make
    // the app render for it), but it says where the request comes from. Following a link to the
    // app (a navigation) stays allowed.
    String site = ctx.header("Sec-Fetch-Site");
    if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")
        && !"navigate".equalsIgnoreCase(ctx.header("Sec-Fetch-Mode"))) {
      throw new ApiException(403, "requests from other web pages are refused (Sec-Fetch-Site: " + shorten(site) + ")", null);
    }
  }

  /** Refuses a state change without a JSON content type, which a cross-site form cannot send. */
  private void requireJsonBody(Context ctx) {
    if (MUTATING.contains(ctx.method())) {
      String problem = jsonContentTypeProblem(headers(ctx, "Content-Type"));
      if (problem != null) {
        throw new ApiException(415, "send a JSON body with Content-Type: application/json (" + problem + ")", null);
      }
    }
  }

  /** Sets the headers every answer carries, also Jetty's own error answers. */
  static void securityHeaders(BiConsumer<String, String> header) {
    header.accept("X-Content-Type-Options", "nosniff");
    header.accept("Referrer-Policy", "no-referrer");
    header.accept("X-Frame-Options", "DENY");
    header.accept("Content-Security-Policy", CSP);
  }

  private static List<String> headers(Context ctx, String name) {
    Enumeration<String> e = ctx.req().getHeaders(name);
    return e == null ? List.of() : Collections.list(e);
  }

  /**
   * Null if {@code values} is exactly one {@code application/json} media type (any case), with
   * optional parameters of which {@code charset} may only be UTF-8; else what was wrong.
   */
  static String jsonContentTypeProblem(List<String> values) {
    if (values.isEmpty()) {
      return "found none";
    }
    if (values.size() > 1) {
      return "found " + values.size() + " Content-Type headers";
    }
    String type = values.get(0);
    String[] parts = type.split(";", -1);
    if (!parts[0].strip().equalsIgnoreCase(JSON)) {
      return "found " + shorten(type);
    }
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].strip();
      int eq = p.indexOf('=');
      if (eq <= 0) {
        return "found a malformed parameter in " + shorten(type);
      }
      if (p.substring(0, eq).strip().equalsIgnoreCase("charset")) {
        String v = p.substring(eq + 1).strip();
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
          v = v.substring(1, v.length() - 1);
        }
        if (!v.equalsIgnoreCase("utf-8") && !v.equalsIgnoreCase("utf8")) {
          return "JSON is UTF-8, found charset " + shorten(v);
        }
      }
    }
    return null;
  }

  // ---- handlers --------------------------------------------------------------------------------

  private void addClass(Context ctx) throws IOException {
    Requests.ClassFields f = Requests.classFields(body(ctx), true, limits);
    SemanticClass c;
    synchronized (classLock) {
      List<SemanticClass> now = session.classes();
      if (now.size() >= limits.maxClasses()) {
        throw new ApiException(409, "this session already has the maximum of " + limits.maxClasses() + " classes", null);
      }
      try {
        c = session.addClass(f.name(), f.colour() != null ? f.colour() : Palette.colour(now.size()));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("name", e.getMessage()); // e.g. a name another class has
      }
    }
    ctx.status(201);
    json(ctx, classesResponse(c.id()));
  }

  private void updateClass(Context ctx) throws IOException {
    int id = Requests.index("class id", ctx.pathParam("id"), session.classes().size());
    Requests.ClassFields f = Requests.classFields(body(ctx), false, limits);
    synchronized (classLock) {
      if (f.name() != null) {
        try {
          session.renameClass(id, f.name());
        } catch (IllegalArgumentException e) {
          throw ApiException.badRequest("name", e.getMessage());
        }
      }
      if (f.colour() != null) {
        session.recolourClass(id, f.colour());
      }
    }
    json(ctx, classesResponse(id));
  }

  private ObjectNode classesResponse(int id) {
    ObjectNode o = Json.object();
    o.put("id", id);
    o.put("version", hub.classesVersion());
    o.set("classes", Json.classes(session.classes()));
    return o;
  }

  /**
   * Header naming the person a request acts for (the page sends one id per browser): strokes,
   * clears, undo and redo then use that person's own history, so one person's Ctrl+Z never takes
   * back another's stroke. Without it, the scene's one shared history applies.
   */
  static final String AUTHOR_HEADER = "X-BakeFeature-Author";
  private static final java.util.regex.Pattern AUTHOR = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /** The request's author, or null if it names none. */
  private static String author(Context ctx) {
    String a = ctx.header(AUTHOR_HEADER);
    if (a != null && !AUTHOR.matcher(a).matches()) {
      throw ApiException.badRequest(AUTHOR_HEADER, AUTHOR_HEADER + ": expected 1 to 64 letters, digits, '-' or '_', found '"
          + shorten(a) + "'");
    }
    return a;
  }

  /** {@code o} with canUndo and canRedo of {@code author}'s history (the shared one for null). */
  private ObjectNode history(ObjectNode o, String author) {
    o.put("canUndo", author != null ? session.canUndo(author) : session.canUndo());
    o.put("canRedo", author != null ? session.canRedo(author) : session.canRedo());
    return o;
  }

  private void stroke(Context ctx) throws IOException {
    int f = frame(ctx);
    String a = author(ctx);
    JsonNode b = body(ctx);
    Stroke s = Requests.stroke(b, session.scene().width(), session.scene().height(), session.classes().size(), limits);
    if (a != null) {
      session.applyStroke(f, s, a);
    } else {
      session.applyStroke(f, s);
    }
    json(ctx, annotationResponse(f, a));
  }

  private void clear(Context ctx) throws IOException {
    int f = frame(ctx);
    String a = author(ctx);
    Requests.onlyFields(body(ctx), Set.of());
    if (a != null) {
      session.clearFrame(f, a);
    } else {
      session.clearFrame(f);
    }
    json(ctx, annotationResponse(f, a));
  }

  private void undoRedo(Context ctx, boolean undo) throws IOException {
    String a = author(ctx);
    Requests.onlyFields(body(ctx), Set.of());
    hub.clearChangedFrame();
    boolean done;
    try {
      done = a != null ? (undo ? session.undo(a) : session.redo(a)) : (undo ? session.undo() : session.redo());
    } catch (io.github.bakefeature.core.session.UndoConflictException e) {
      hub.clearChangedFrame();
      throw new ApiException(409, (undo ? "cannot undo your change on " : "cannot redo your change on ")
          + e.getMessage(), null);
    }
    Integer f = done ? hub.changedFrame() : null;
    hub.clearChangedFrame();
    ObjectNode o = f != null ? annotationResponse(f, a) : Json.object();
    o.put("done", done);
    if (f == null) {
      o.putNull("frame");
      o.putNull("version");
      history(o, a);
      o.set("annotatedFrames", Json.ints(session.annotatedFrames()));
    }
    json(ctx, o);
  }

  private ObjectNode annotationResponse(int frame, String author) {
    ObjectNode o = hub.annotationState(frame, session.annotatedFrames());
    o.put("labelledPixels", session.scribbles(frame).labelledCount());
    return history(o, author);
  }

  private ObjectNode progress() {
    ObjectNode o = Json.progress(session.progress(), hub.trainingFailure());
    return o;
  }

  private void layer(Context ctx, String layer) {
    int f = frame(ctx);
    if (layer.equals("features") && !renders.features()) {
      throw new ApiException(404, "this method renders no features", null);
    }
    RenderService.Layers l = renders.latest(f);
    if (l != null) {
      // Serve what there is now; a client that polls (without a WebSocket) gets a newer one later.
      hub.refreshIfStale(f);
      sendLayer(ctx, l, layer);
      return;
    }
    ctx.future(() -> renders.request(f).handle((done, t) -> {
      if (t != null) {
        failed(ctx, t);
      } else {
        sendLayer(ctx, done, layer);
      }
      return null;
    }));
  }

  private void sendLayer(Context ctx, RenderService.Layers l, String layer) {
    long cv = hub.classesVersion();
    byte[] png = switch (layer) {
      case "segmentation" -> l.segmentationPng(cv, palette());
      case "colour" -> l.colourPng;
      case "depth" -> l.depthPng;
      case "features" -> l.featuresPng;
      case "confidence" -> l.confidencePng;
      default -> throw new IllegalStateException("unknown layer " + layer);
    };
    if (png == null) {
      error(ctx, 404, "this render has no " + layer + " layer", null);
      return;
    }
    ctx.header("X-Step", Long.toString(l.step));
    // How old the render is: the page shows it ("15 s ago" counted from the fetch was minutes off).
    ctx.header("X-Render-Age-Ms", Long.toString(Math.max(0, (renders.now() - l.renderedAtNanos) / 1_000_000)));
    ctx.header("X-Labelled", Boolean.toString(l.labelled));
    png(ctx, png, "r-" + token + "-" + l.frame + "-" + l.step + "-" + layer + (layer.equals("segmentation") ? "-" + cv : ""), false);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private int frame(Context ctx) {
    return Requests.index("frame", ctx.pathParam("frame"), session.scene().size());
  }

  /**
   * The request body as a JSON object. At most {@link #MAX_BODY_READERS} requests wait for their
   * bodies at once; a body must arrive within {@link #BODY_DEADLINE_NANOS}.
   */
  private JsonNode body(Context ctx) throws IOException {
    if (!bodyReaders.tryAcquire()) {
      ctx.header("Retry-After", "1");
      throw new ApiException(503, "the server is busy receiving " + MAX_BODY_READERS
          + " other request bodies; try again in a moment", null);
    }
    try {
      return Requests.json(ctx.req().getContentLengthLong(), ctx.req().getInputStream(), limits.maxBodyBytes(), BODY_DEADLINE_NANOS);
    } finally {
      bodyReaders.release();
    }
  }

  private int[] palette() {
    List<SemanticClass> cs = session.classes();
    int[] p = new int[cs.size()];
    for (SemanticClass c : cs) {
      p[c.id()] = c.colour();
    }
    return p;
  }

  private static void json(Context ctx, JsonNode node) {
    ctx.header("Cache-Control", "no-store");
    ctx.contentType(JSON).result(Json.write(node));
  }

  /**
   * {@link #guard} for a WebSocket upgrade. Javalin sends a refused upgrade's status without the
   * result the exception handler sets, so the JSON error is written here, as for every other refusal.
   */
  private void guardUpgrade(Context ctx) {
    try {
      guard(ctx);
    } catch (ApiException e) {
      if (!ctx.res().isCommitted()) {
        try {
          writeError(ctx.res(), e.status(), e.getMessage(), e.field());
          ctx.res().flushBuffer();
        } catch (java.io.IOException gone) {
          // the client went away; the upgrade is refused all the same
        }
      }
      throw e;
    }
  }

  /**
   * The API's JSON error with the security headers, written straight to a servlet response: for
   * answers given outside Javalin's handlers (Jetty's error pages, a refused upgrade, a stopping app).
   */
  static void writeError(jakarta.servlet.http.HttpServletResponse res, int status, String message, String field)
      throws java.io.IOException {
    securityHeaders(res::setHeader);
    res.setStatus(status);
    res.setHeader("Cache-Control", "no-store");
    res.setContentType(JSON);
    byte[] body = Json.write(Json.error(message, field)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    res.setContentLength(body.length);
    res.getOutputStream().write(body);
  }

  static void error(Context ctx, int status, String message, String field) {
    ctx.attribute(ANSWERED, Boolean.TRUE);
    ctx.status(status);
    ctx.header("Cache-Control", "no-store");
    ctx.contentType(JSON).result(Json.write(Json.error(message, field)));
  }

  private static void failed(Context ctx, Throwable t) {
    Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    if (c instanceof ApiException a) {
      error(ctx, a.status(), a.getMessage(), a.field());
    } else if (c instanceof IllegalArgumentException) {
      error(ctx, 400, c.getMessage(), null);
    } else if (c instanceof IllegalStateException) {
      error(ctx, 503, c.getMessage(), null);
    } else {
      LOG.error("render failed", c);
      error(ctx, 500, "rendering failed: " + c, null);
    }
  }

  /** Sends a PNG with an ETag; answers 304 when the client holds it already. */
  private static void png(Context ctx, byte[] png, String etag, boolean immutable) {
    String quoted = "\"" + etag + "\"";
    ctx.header("ETag", quoted);
    // Immutable images are addressed with ?v=<token> by the page, so a restart on another
    // scene never serves stale pixels; the rest must be revalidated (cheap 304s).
    ctx.header("Cache-Control", immutable ? "private, max-age=86400" : "no-cache");
    if (quoted.equals(ctx.header("If-None-Match"))) {
      ctx.status(304);
      return;
    }
    ctx.contentType("image/png").result(png);
  }

  private static String shorten(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }
}
