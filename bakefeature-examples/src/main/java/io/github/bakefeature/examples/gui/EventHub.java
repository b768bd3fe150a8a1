package io.github.bakefeature.examples.gui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.bakefeature.api.session.LabelSession;
import io.github.bakefeature.api.session.SessionListener;
import io.github.bakefeature.api.session.TrainingProgress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns session events into WebSocket events and keeps the frames pages look at rendered.
 *
 * <p>The session calls the listener methods on its own threads (training, request threads); they
 * only record what changed and wake the dispatcher thread, which builds the events and offers them
 * to every client's {@link ClientChannel}. The dispatcher also keeps the viewed frames rendered:
 * whenever the render worker is idle and its {@link RenderBudget} allows (rendering takes at most a
 * quarter of the time, in total over all frames and clients), it renders one viewed frame whose
 * render is stale (the model has moved on and the render is at least the live interval old),
 * taking the one rendered longest ago, a never rendered or most recently viewed one first: a
 * round-robin over the viewed frames.
 */
final class EventHub implements SessionListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);
  private static final long TICK_MILLIS = 100;
  private static final long RETRY_AFTER_FAILURE_NANOS = 3_000_000_000L;

  /** One connected page. */
  static final class Client {
    final String id;
    final ClientChannel channel;
    volatile int viewing = -1;
    /** When it last said what it views (the render clock). */
    volatile long viewedAt;
    private final AtomicLong errors = new AtomicLong();

    Client(String id, ClientChannel channel) {
      this.id = id;
      this.channel = channel;
    }
  }

  private final LabelSession session;
  private final RenderService renders;
  private final GuiLimits limits;
  private final LongSupplier currentStep;
  private final Supplier<ObjectNode> state;
  private final long liveIntervalNanos;
  private final AtomicLongArray frameVersions;
  private final AtomicLong classesVersion = new AtomicLong();
  private final Map<String, Client> clients = new ConcurrentHashMap<>();
  private final Set<Integer> dirtyFrames = ConcurrentHashMap.newKeySet();
  private final AtomicReference<TrainingProgress> progress = new AtomicReference<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final ThreadLocal<Integer> changedOnThisThread = new ThreadLocal<>();
  private final Object wake = new Object();
  private final Thread thread;
  private volatile boolean classesDirty;
  private volatile boolean progressDirty;
  private volatile boolean failureDirty;
  private volatile boolean closed;
  private boolean woken;

  EventHub(LabelSession session, RenderService renders, GuiLimits limits, LongSupplier currentStep,
      Supplier<ObjectNode> state, long liveIntervalNanos) {
    this.session = session;
    this.renders = renders;
    this.limits = limits;
    this.currentStep = currentStep;
    this.state = state;
    this.liveIntervalNanos = liveIntervalNanos;
    this.frameVersions = new AtomicLongArray(session.scene().size());
    this.thread = new Thread(this::run, "bakefeature-gui-events");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  // ---- versions (ETags, cache busting) ---------------------------------------------------------

  long frameVersion(int frame) {
    return frameVersions.get(frame);
  }

  long[] frameVersions() {
    long[] v = new long[frameVersions.length()];
    for (int i = 0; i < v.length; i++) {
      v[i] = frameVersions.get(i);
    }
    return v;
  }

  long classesVersion() {
    return classesVersion.get();
  }

  /** The error that stopped training, if any (cleared by resume). */
  Throwable trainingFailure() {
    return failure.get();
  }

  void clearTrainingFailure() {
    failure.set(null);
  }

  /** Forgets which frame the calling thread changed (call before undo / redo). */
  void clearChangedFrame() {
    changedOnThisThread.remove();
  }

  /**
   * The frame the calling thread's latest annotation call changed, or null (sessions report
   * changes synchronously on the calling thread).
   */
  Integer changedFrame() {
    return changedOnThisThread.get();
  }

  // ---- session listener (any thread; must return quickly) --------------------------------------

  @Override
  public void onProgress(TrainingProgress p) {
    progress.set(p);
    progressDirty = true;
    wake();
  }

  @Override
  public void onAnnotationsChanged(int frame) {
    if (frame >= 0 && frame < frameVersions.length()) {
      frameVersions.incrementAndGet(frame);
      dirtyFrames.add(frame);
    }
    changedOnThisThread.set(frame);
    wake();
  }

  @Override
  public void onClassesChanged() {
    classesVersion.incrementAndGet();
    classesDirty = true;
    wake();
  }

  @Override
  public void onTrainingFailed(Throwable error) {
    failure.set(error);
    failureDirty = true;
    wake();
  }

  /** Publishes {@code p} (e.g. after pause or resume, when training sends none). */
  void progressChanged(TrainingProgress p) {
    onProgress(p);
  }

  // ---- clients ---------------------------------------------------------------------------------

  /** Registers a page and sends it the state; refuses it (null, closed with 1013) beyond {@link GuiLimits#maxClients}. */
  Client connect(String id, ClientChannel.Sink sink) {
    Client c = new Client(id, new ClientChannel(sink, limits.maxPendingEventsPerClient()));
    synchronized (clients) {
      if (clients.size() >= limits.maxClients()) {
        sink.close(1013, "too many open pages (at most " + limits.maxClients() + "); close one and reload");
        return null;
      }
      clients.put(id, c);
    }
    ObjectNode hello = state.get();
    hello.put("type", "hello");
    c.channel.offer("hello", Json.write(hello));
    return c;
  }

  void disconnect(String id) {
    Client c = clients.remove(id);
    if (c != null) {
      c.channel.close(1000, "bye");
    }
  }

  /** Closes every page's socket; the pages reconnect by themselves (shutdown, tests of a lost connection). */
  void disconnectAll() {
    for (String id : List.copyOf(clients.keySet())) {
      disconnect(id);
    }
  }

  int clientCount() {
    return clients.size();
  }

  /** The largest number of events waiting for any one client (diagnostics, tests). */
  int maxPending() {
    int m = 0;
    for (Client c : clients.values()) {
      m = Math.max(m, Math.max(c.channel.pendingCount(), c.channel.highWater()));
    }
    return m;
  }

  /** Handles a text message from a page; bad ones get an {@code error} event back. */
  void onMessage(String id, String text) {
    Client c = clients.get(id);
    if (c == null) {
      return;
    }
    if (text == null) {
      sendError(c, "binary messages are not accepted: expected one JSON text message such as {\"type\":\"view\",\"frame\":0}", null);
      return;
    }
    JsonNode msg;
    try {
      msg = Json.parse(text);
    } catch (Json.MalformedException e) {
      sendError(c, "malformed message: expected one JSON object such as {\"type\":\"view\",\"frame\":0} ("
          + truncate(e.getMessage()) + ")", null);
      return;
    }
    if (msg == null || !msg.isObject()) {
      sendError(c, "malformed message: expected a JSON object, found " + (msg == null ? "nothing" : msg.getNodeType()), null);
      return;
    }
    String type = msg.path("type").asText("");
    switch (type) {
      case "view" -> {
        JsonNode f = msg.get("frame");
        int n = session.scene().size();
        if (f == null || !f.canConvertToInt() || !f.isIntegralNumber()) {
          sendError(c, "view: 'frame' must be an integer frame index, found " + (f == null ? "nothing" : f), "frame");
        } else if (f.asInt() < 0 || f.asInt() >= n) {
          sendError(c, "view: frame must be in [0, " + n + "), found " + f.asInt(), "frame");
        } else {
          c.viewedAt = renders.now();
          c.viewing = f.asInt();
          wake();
        }
      }
      case "ping" -> c.channel.offer("pong", "{\"type\":\"pong\",\"time\":" + System.currentTimeMillis() + "}");
      default -> sendError(c, "unknown message type '" + truncate(type) + "': expected view or ping", "type");
    }
  }

  private void sendError(Client c, String message, String field) {
    ObjectNode e = Json.error(message, field);
    e.put("type", "error");
    // Errors are not coalesced, but a client spamming bad messages only keeps the latest 8.
    c.channel.offer("error:" + (c.errors.getAndIncrement() % 8), Json.write(e));
  }

  /** Offers an event to every client. */
  void broadcast(String key, ObjectNode event) {
    String json = Json.write(event);
    for (Client c : clients.values()) {
      c.channel.offer(key, json);
    }
  }

  /** Called by the render service after each render. */
  void rendered(RenderService.Layers l, boolean segmentationChanged) {
    ObjectNode e = Json.object();
    e.put("type", "rendered");
    e.put("frame", l.frame);
    e.put("step", l.step);
    e.put("width", l.width);
    e.put("height", l.height);
    e.put("segmentationChanged", segmentationChanged);
    e.put("labelled", l.labelled);
    e.put("features", l.featuresPng != null);
    e.put("renderMillis", Math.round(l.millis));
    broadcast("rendered:" + l.frame, e);
  }

  /** The annotation state of {@code frame} as sent in events and mutation responses. */
  ObjectNode annotationState(int frame, List<Integer> annotated) {
    ObjectNode o = Json.object();
    o.put("frame", frame);
    o.put("version", frameVersion(frame));
    o.put("canUndo", session.canUndo());
    o.put("canRedo", session.canRedo());
    o.set("annotatedFrames", Json.ints(annotated));
    return o;
  }

  // ---- dispatcher ------------------------------------------------------------------------------

  private void wake() {
    synchronized (wake) {
      woken = true;
      wake.notifyAll();
    }
  }

  private void run() {
    while (!closed) {
      synchronized (wake) {
        if (!woken) {
          try {
            wake.wait(TICK_MILLIS);
          } catch (InterruptedException e) {
            return;
          }
        }
        woken = false;
      }
      try {
        flush();
        scheduleRenders();
      } catch (RuntimeException e) {
        if (!closed) {
          LOG.warn("event dispatch failed", e);
        }
      }
    }
  }

  private void flush() {
    if (progressDirty) {
      progressDirty = false;
      TrainingProgress p = progress.get();
      if (p != null) {
        ObjectNode e = Json.progress(p, failure.get());
        e.put("type", "progress");
        broadcast("progress", e);
      }
    }
    if (!dirtyFrames.isEmpty()) {
      Set<Integer> frames = new HashSet<>();
      for (Iterator<Integer> it = dirtyFrames.iterator(); it.hasNext(); ) {
        frames.add(it.next());
        it.remove();
      }
      List<Integer> annotated = session.annotatedFrames();
      for (int f : frames) {
        ObjectNode e = annotationState(f, annotated);
        e.put("type", "annotations");
        broadcast("annotations:" + f, e);
      }
    }
    if (classesDirty) {
      classesDirty = false;
      ObjectNode e = Json.object();
      e.put("type", "classes");
      e.put("version", classesVersion.get());
      e.set("classes", Json.classes(session.classes()));
      broadcast("classes", e);
    }
    if (failureDirty) {
      failureDirty = false;
      Throwable t = failure.get();
      if (t != null) {
        ObjectNode e = Json.error("training stopped: " + (t.getMessage() == null ? t.toString() : t.getMessage()), null);
        e.put("type", "trainingFailed");
        broadcast("trainingFailed", e);
      }
    }
  }

  /**
   * Queues a render of one viewed frame if the render worker is idle, the budget allows and some
   * viewed frame's render is stale: the one rendered longest ago (never rendered first), of equal
   * ones the most recently viewed. Called by the dispatcher thread (and by tests).
   */
  void scheduleRenders() {
    if (clients.isEmpty()) {
      return;
    }
    long now = renders.now();
    long failed = renders.lastFailureNanos();
    if (failed != 0 && now - failed < RETRY_AFTER_FAILURE_NANOS) {
      return;
    }
    if (renders.pendingJobs() > 0 || renders.budgetDelayNanos() > 0) {
      return;
    }
    Map<Integer, Long> viewed = new HashMap<>();
    for (Client c : clients.values()) {
      int f = c.viewing;
      if (f >= 0) {
        viewed.merge(f, c.viewedAt, Math::max);
      }
    }
    long step = currentStep.getAsLong();
    int best = -1;
    long bestRendered = Long.MAX_VALUE;
    long bestViewed = Long.MIN_VALUE;
    for (Map.Entry<Integer, Long> e : viewed.entrySet()) {
      RenderService.Layers l = renders.latest(e.getKey());
      if (l != null && !stale(l, step, now)) {
        continue;
      }
      long rendered = l == null ? Long.MIN_VALUE : l.renderedAtNanos;
      if (best < 0 || rendered < bestRendered || (rendered == bestRendered && e.getValue() > bestViewed)) {
        best = e.getKey();
        bestRendered = rendered;
        bestViewed = e.getValue();
      }
    }
    if (best >= 0) {
      renders.request(best);
    }
  }

  /**
   * Queues a render of {@code frame} (for a client that polls the layers over HTTP) if it has none,
   * or if the model has moved on and the latest render is older than the live interval; the render
   * still waits for the budget.
   */
  void refreshIfStale(int frame) {
    if (renders.isQueued(frame)) {
      return;
    }
    RenderService.Layers l = renders.latest(frame);
    if (l == null || stale(l, currentStep.getAsLong(), renders.now())) {
      renders.request(frame);
    }
  }

  private boolean stale(RenderService.Layers l, long step, long now) {
    return l.step != step && now - l.renderedAtNanos >= liveIntervalNanos;
  }

  private static String truncate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  @Override
  public void close() {
    closed = true;
    wake();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    disconnectAll();
  }
}
