package io.github.bakefeature.examples.gui;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The outgoing events of one WebSocket client: at most one message in flight, the rest waiting in
 * a bounded map keyed by what they describe ({@code "progress"}, {@code "rendered:3"}, ...). A newer
 * event replaces a waiting one with the same key (only the latest progress or render of a frame
 * matters), so a slow client costs a bounded amount of memory and never blocks the thread that
 * offers events. If more than {@code maxPending} distinct keys wait, they are all dropped for one
 * {@code resync} event, after which the page reloads its state.
 *
 * <p>Thread-safe; {@link #offer} never blocks on the network.
 */
final class ClientChannel {
  /** The event sent instead of an overflowing queue. */
  static final String RESYNC = "{\"type\":\"resync\"}";

  /** Where messages go: an asynchronous send that calls {@code done} with null or the failure. */
  interface Sink {
    void send(String text, Consumer<Throwable> done);

    void close(int code, String reason);
  }

  private final Sink sink;
  private final int maxPending;
  private final LinkedHashMap<String, String> pending = new LinkedHashMap<>();
  private boolean inFlight;
  private boolean closed;
  private long sent;
  private long replaced;
  private long dropped;
  private int highWater;

  ClientChannel(Sink sink, int maxPending) {
    this.sink = sink;
    this.maxPending = maxPending;
  }

  /** Queues {@code json} under {@code key}, replacing a waiting event with the same key. */
  void offer(String key, String json) {
    String next;
    synchronized (this) {
      if (closed) {
        return;
      }
      if (pending.remove(key) != null) {
        replaced++;
      }
      pending.put(key, json);
      if (pending.size() > maxPending) {
        dropped += pending.size();
        pending.clear();
        pending.put("resync", RESYNC);
      }
      highWater = Math.max(highWater, pending.size());
      if (inFlight) {
        return;
      }
      next = pollLocked();
      inFlight = true;
    }
    send(next);
  }

  private void send(String text) {
    try {
      sink.send(text, this::completed);
    } catch (RuntimeException e) {
      completed(e);
    }
  }

  private void completed(Throwable error) {
    String next;
    boolean failedNow = false;
    synchronized (this) {
      if (error != null) {
        failedNow = !closed;
        closed = true;
        pending.clear();
        inFlight = false;
      } else {
        sent++;
      }
      next = closed ? null : pollLocked();
      if (next == null) {
        inFlight = false;
      }
    }
    if (failedNow) {
      // Close the socket too: a page whose socket stayed open would never hear another event nor
      // reconnect to get them.
      try {
        sink.close(1011, "an event could not be sent");
      } catch (RuntimeException ignored) {
        // Already gone.
      }
      return;
    }
    if (next == null) {
      return;
    }
    // Recursion depth is bounded by maxPending when the sink completes synchronously.
    send(next);
  }

  private String pollLocked() {
    Iterator<Map.Entry<String, String>> it = pending.entrySet().iterator();
    if (!it.hasNext()) {
      return null;
    }
    String v = it.next().getValue();
    it.remove();
    return v;
  }

  /** Stops sending; waiting events are dropped. */
  void close(int code, String reason) {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      pending.clear();
    }
    sink.close(code, reason);
  }

  synchronized boolean isClosed() {
    return closed;
  }

  /** Events waiting (not counting the one in flight). */
  synchronized int pendingCount() {
    return pending.size();
  }

  /** Largest number of events that ever waited. */
  synchronized int highWater() {
    return highWater;
  }

  synchronized long sentCount() {
    return sent;
  }

  /** Events superseded by a newer one with the same key before they were sent. */
  synchronized long replacedCount() {
    return replaced;
  }

  /** Events dropped by overflows (each overflow also queues a resync). */
  synchronized long droppedCount() {
    return dropped;
  }
}
