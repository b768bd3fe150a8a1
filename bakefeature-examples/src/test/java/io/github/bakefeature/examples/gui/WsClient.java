package io.github.bakefeature.examples.gui;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A test WebSocket client that queues every event (or, if {@code reading} is false, reads nothing). */
final class WsClient implements WebSocket.Listener, AutoCloseable {
  final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
  final CompletableFuture<Integer> closed = new CompletableFuture<>();
  final WebSocket socket;
  private final boolean reading;
  private final StringBuilder partial = new StringBuilder();

  private WsClient(HttpClient http, URI uri, boolean reading, String origin) {
    this.reading = reading;
    WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
    if (origin != null) {
      b.header("Origin", origin);
    }
    this.socket = b.buildAsync(uri, this).join();
  }

  static WsClient open(GuiFixture f) {
    return new WsClient(f.http, URI.create("ws://127.0.0.1:" + f.server.port() + "/ws"), true, null);
  }

  /** A client that never reads (its socket buffers fill up and stay full). */
  static WsClient stalled(GuiFixture f) {
    return new WsClient(f.http, URI.create("ws://127.0.0.1:" + f.server.port() + "/ws"), false, null);
  }

  static WsClient withOrigin(GuiFixture f, String origin) {
    return new WsClient(f.http, URI.create("ws://127.0.0.1:" + f.server.port() + "/ws"), true, origin);
  }

  @Override
  public void onOpen(WebSocket ws) {
    if (reading) {
      ws.request(1);
    }
  }

  @Override
  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      try {
        events.add(GuiFixture.JSON.readTree(partial.toString()));
      } catch (Exception e) {
        throw new IllegalStateException("server sent invalid JSON: " + partial, e);
      }
      partial.setLength(0);
    }
    ws.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
    closed.complete(status);
    return null;
  }

  @Override
  public void onError(WebSocket ws, Throwable error) {
    closed.completeExceptionally(error);
  }

  void send(String text) {
    socket.sendText(text, true).join();
  }

  /** The next event matching {@code p} within {@code seconds}, skipping others. */
  JsonNode await(Predicate<JsonNode> p, double seconds) throws InterruptedException {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    while (true) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no matching event within " + seconds + " s");
      }
      JsonNode e = events.poll(left, TimeUnit.NANOSECONDS);
      if (e != null && p.test(e)) {
        return e;
      }
    }
  }

  JsonNode awaitType(String type, double seconds) throws InterruptedException {
    return await(e -> type.equals(e.path("type").asText()), seconds);
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
    socket.abort();
  }
}
