package io.github.bakefeature.examples.gui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.bakefeature.api.annotation.SemanticClass;
import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.api.session.LabelSession;
import io.github.bakefeature.core.viz.Palette;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
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

  private final LabelSession session;
  private final GuiLimits limits;
  private final EventHub hub;
  private final RenderService renders;
  private final FrameImages images;
  private final ExportJobs exports;
  private final String token;
  private final Supplier<ObjectNode> state;
  private volatile Set<String> allowedHosts; // null = any (bound to a non-loopback address)

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

  /** Host headers accepted once the port is known; null accepts any host. */
  void allowHosts(Set<String> hosts) {
    this.allowedHosts = hosts;
  }

  void register(Javalin app) {
    app.before(this::guard);
    app.wsBeforeUpgrade(this::guard);

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
    app.error(404, ctx -> {
      if (ctx.result() == null || ctx.result().isEmpty()) {
        error(ctx, 404, "no such resource: " + ctx.method() + " " + shorten(ctx.path()), null);
      }
    });
    app.error(405, ctx -> error(ctx, 405, "method " + ctx.method() + " is not allowed on " + shorten(ctx.path()), null));

    app.get("/api/state", ctx -> json(ctx, state.get()));
    app.get("/api/progress", ctx -> json(ctx, progress()));
    app.get("/api/classes", ctx -> json(ctx, Json.classes(session.classes())));
    app.post("/api/classes", this::addClass);
    app.patch("/api/classes/{id}", this::updateClass);
    app.post("/api/frames/{frame}/strokes", this::stroke);
    app.post("/api/frames/{frame}/clear", this::clear);
    app.post("/api/undo", ctx -> undoRedo(ctx, true));
    app.post("/api/redo", ctx -> undoRedo(ctx, false));
    app.post("/api/training/pause", ctx -> {
      body(ctx);
      session.pause();
      hub.progressChanged(session.progress());
      json(ctx, progress());
    });
    app.post("/api/training/resume", ctx -> {
      body(ctx);
      hub.clearTrainingFailure();
      session.resume();
      hub.progressChanged(session.progress());
      json(ctx, progress());
    });
    app.get("/api/suggest", ctx -> ctx.future(() -> renders.suggest().handle((f, t) -> {
      if (t != null) {
        failed(ctx, t);
      } else {
        ObjectNode o = Json.object();
        o.put("frame", f);
        json(ctx, o);
      }
      return null;
    })));
    app.post("/api/exports/{name}", ctx -> {
      body(ctx);
      ExportJobs.Job job = exports.start(ctx.pathParam("name"));
      ctx.status(202);
      json(ctx, job.json());
    });
    app.get("/api/jobs/{id}", ctx -> {
      long id;
      try {
        id = Long.parseLong(ctx.pathParam("id"));
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("id", "job id must be an integer, found '" + shorten(ctx.pathParam("id")) + "'");
      }
      ExportJobs.Job job = exports.job(id);
      if (job == null) {
        throw new ApiException(404, "no export job " + id, "id");
      }
      json(ctx, job.json());
    });

    app.get("/api/frames/{frame}/rgb.png", ctx -> {
      int f = frame(ctx);
      png(ctx, images.rgb(f), "rgb-" + token + "-" + f, true);
    });
    app.get("/api/frames/{frame}/thumb.png", ctx -> {
      int f = frame(ctx);
      png(ctx, images.thumbnail(f), "thumb-" + token + "-" + f, true);
    });
    app.get("/api/frames/{frame}/scribbles.png", ctx -> {
      int f = frame(ctx);
      long v = hub.frameVersion(f);
      long cv = hub.classesVersion();
      ctx.header("X-Version", Long.toString(v));
      png(ctx, images.scribbles(f, v, cv, palette()), "s-" + token + "-" + f + "-" + v + "-" + cv, false);
    });
    for (String layer : List.of("segmentation", "colour", "depth", "features", "confidence")) {
      app.get("/api/frames/{frame}/" + layer + ".png", ctx -> layer(ctx, layer));
    }
  }

  // ---- guard -----------------------------------------------------------------------------------

  /**
   * Refuses requests addressed to another host name (DNS rebinding), cross-origin requests
   * (another web page in the same browser) and state changes without a JSON content type (which
   * a cross-site form cannot send).
   */
  private void guard(Context ctx) {
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Content-Security-Policy", CSP);
    String host = ctx.header("Host");
    Set<String> allowed = allowedHosts;
    if (allowed != null && (host == null || !allowed.contains(host.toLowerCase(Locale.ROOT)))) {
      throw new ApiException(403, "this app only answers requests addressed to " + String.join(" or ", allowed.stream().sorted().toList())
          + ", found Host: " + (host == null ? "none" : shorten(host)), null);
    }
    String origin = ctx.header("Origin");
    if (origin != null && (host == null || !origin.equalsIgnoreCase("http://" + host))) {
      throw new ApiException(403, "cross-origin requests are refused (Origin: " + shorten(origin) + ")", null);
    }
    if (MUTATING.contains(ctx.method()) && ctx.path().startsWith("/api/")) {
      String type = ctx.header("Content-Type");
      if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(JSON)) {
        throw new ApiException(415, "send a JSON body with Content-Type: application/json (found "
            + (type == null ? "none" : shorten(type)) + ")", null);
      }
    }
  }

  // ---- handlers --------------------------------------------------------------------------------

  private void addClass(Context ctx) throws IOException {
    Requests.ClassFields f = Requests.classFields(body(ctx), true, limits);
    List<SemanticClass> now = session.classes();
    if (now.size() >= limits.maxClasses()) {
      throw new ApiException(409, "this session already has the maximum of " + limits.maxClasses() + " classes", null);
    }
    SemanticClass c = session.addClass(f.name(), f.colour() != null ? f.colour() : Palette.colour(now.size()));
    ctx.status(201);
    json(ctx, classesResponse(c.id()));
  }

  private void updateClass(Context ctx) throws IOException {
    int id = Requests.index("class id", ctx.pathParam("id"), session.classes().size());
    Requests.ClassFields f = Requests.classFields(body(ctx), false, limits);
    if (f.name() != null) {
      session.renameClass(id, f.name());
    }
    if (f.colour() != null) {
      session.recolourClass(id, f.colour());
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

  private void stroke(Context ctx) throws IOException {
    int f = frame(ctx);
    JsonNode b = body(ctx);
    Stroke s = Requests.stroke(b, session.scene().width(), session.scene().height(), session.classes().size(), limits);
    session.applyStroke(f, s);
    json(ctx, annotationResponse(f));
  }

  private void clear(Context ctx) throws IOException {
    int f = frame(ctx);
    Requests.onlyFields(body(ctx), Set.of());
    session.clearFrame(f);
    json(ctx, annotationResponse(f));
  }

  private void undoRedo(Context ctx, boolean undo) throws IOException {
    Requests.onlyFields(body(ctx), Set.of());
    hub.clearChangedFrame();
    boolean done = undo ? session.undo() : session.redo();
    Integer f = done ? hub.changedFrame() : null;
    hub.clearChangedFrame();
    ObjectNode o = f != null ? annotationResponse(f) : Json.object();
    o.put("done", done);
    if (f == null) {
      o.putNull("frame");
      o.put("canUndo", session.canUndo());
      o.put("canRedo", session.canRedo());
      o.set("annotatedFrames", Json.ints(session.annotatedFrames()));
    }
    json(ctx, o);
  }

  private ObjectNode annotationResponse(int frame) {
    ObjectNode o = hub.annotationState(frame, session.annotatedFrames());
    o.put("labelledPixels", session.scribbles(frame).labelledCount());
    return o;
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
    ctx.header("X-Labelled", Boolean.toString(l.labelled));
    png(ctx, png, "r-" + token + "-" + l.frame + "-" + l.step + "-" + layer + (layer.equals("segmentation") ? "-" + cv : ""), false);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private int frame(Context ctx) {
    return Requests.index("frame", ctx.pathParam("frame"), session.scene().size());
  }

  private JsonNode body(Context ctx) throws IOException {
    return Requests.json(ctx.req().getContentLengthLong(), ctx.req().getInputStream(), limits.maxBodyBytes());
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

  static void error(Context ctx, int status, String message, String field) {
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
