package io.github.bakefeature.examples.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Events over the WebSocket: state on connect, annotation and render events, bad input, slow clients. */
class GuiServerWebSocketTest {
  @TempDir
  Path tmp;

  private static String paint(int classId, double radius, int[] run) {
    return "{\"kind\":\"paint\",\"classId\":" + classId + ",\"radius\":" + radius + ",\"points\":["
        + run[0] + "," + run[2] + "," + run[1] + "," + run[2] + "]}";
  }

  @Test
  void greetsWithTheStateAndReportsEveryAnnotationChange() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> {});
         WsClient ws = WsClient.open(f)) {
      JsonNode hello = ws.awaitType("hello", 10);
      assertEquals(4, hello.at("/scene/frames").asInt());
      assertEquals(6, hello.get("classes").size());
      assertTrue(hello.has("progress") && hello.has("annotation") && hello.has("limits"));

      assertEquals(200, f.post("/api/frames/2/strokes", paint(1, 2, new int[] {5, 15, 5})).status());
      JsonNode a = ws.await(e -> e.path("type").asText().equals("annotations") && e.get("frame").asInt() == 2, 10);
      assertEquals(1, a.get("version").asInt());
      assertTrue(a.get("canUndo").asBoolean());
      assertEquals("[2]", a.get("annotatedFrames").toString());

      f.post("/api/undo", "{}");
      JsonNode u = ws.await(e -> e.path("type").asText().equals("annotations") && e.get("version").asInt() == 2, 10);
      assertEquals("[]", u.get("annotatedFrames").toString());
      assertTrue(u.get("canRedo").asBoolean());

      f.post("/api/classes", "{\"name\":\"lamp\"}");
      JsonNode c = ws.awaitType("classes", 10);
      assertEquals("lamp", c.get("classes").get(6).get("name").asText());

      f.post("/api/training/resume", "{}");
      JsonNode p = ws.await(e -> e.path("type").asText().equals("progress") && !e.get("paused").asBoolean(), 10);
      assertTrue(p.has("stepsPerSecond") && p.has("losses") && p.has("secondsSinceLastAnnotation"));
    }
  }

  @Test
  void rendersTheViewedFrameOnAWorkerAndReportsWhenItsSegmentationChanges() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.autoStart = true);
         WsClient ws = WsClient.open(f)) {
      ws.awaitType("hello", 10);
      ws.send("{\"type\":\"view\",\"frame\":1}");
      JsonNode first = ws.await(e -> e.path("type").asText().equals("rendered") && e.get("frame").asInt() == 1, 60);
      assertFalse(first.get("labelled").asBoolean(), "nothing is labelled yet");
      int[] a = f.run(1, 0, 2);
      int[] b = f.run(1, 1, 2);
      assertEquals(200, f.post("/api/frames/1/strokes", paint(0, 1.5, a)).status());
      assertEquals(200, f.post("/api/frames/1/strokes", paint(1, 1.5, b)).status());
      long after = first.get("step").asLong();
      JsonNode changed = ws.await(e -> e.path("type").asText().equals("rendered") && e.get("frame").asInt() == 1
          && e.get("labelled").asBoolean() && e.get("segmentationChanged").asBoolean()
          && e.get("step").asLong() > after, 90);
      GuiFixture.Response seg = f.get("/api/frames/1/segmentation.png");
      assertTrue(Long.parseLong(seg.header("X-Step")) >= changed.get("step").asLong());
      assertEquals("true", seg.header("X-Labelled"));
      assertTrue(f.server.renders().renderCount() >= 2);
    }
  }

  @Test
  void badMessagesGetErrorEventsAndTheConnectionStaysUsable() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> {});
         WsClient ws = WsClient.open(f)) {
      ws.awaitType("hello", 10);
      String[][] cases = {
          {"not json", "malformed message"},
          {"[1,2]", "expected a JSON object"},
          {"{\"type\":\"dance\"}", "unknown message type 'dance'"},
          {"{\"type\":\"view\",\"frame\":99}", "frame must be in [0, 4), found 99"},
          {"{\"type\":\"view\",\"frame\":\"1\"}", "'frame' must be an integer"},
          {"{\"type\":\"view\"}", "found nothing"},
      };
      for (String[] c : cases) {
        ws.send(c[0]);
        JsonNode e = ws.awaitType("error", 10);
        assertTrue(e.get("error").asText().contains(c[1]), c[0] + " -> " + e);
      }
      ws.socket.sendBinary(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
      assertTrue(ws.awaitType("error", 10).get("error").asText().contains("binary messages are not accepted"));
      ws.send("{\"type\":\"ping\"}");
      ws.awaitType("pong", 10);
      assertEquals(1, f.server.clientCount());
    }
  }

  @Test
  void anOversizedMessageClosesTheConnectionWith1009AndTheServerCarriesOn() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.server = b -> b.optLimits(new GuiLimits(100, 4096, 512, 16, 32, 16, 64)));
         WsClient ws = WsClient.open(f)) {
      ws.awaitType("hello", 10);
      ws.socket.sendText("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(2000) + "\"}", true);
      assertEquals(1009, ws.closed.get(10, TimeUnit.SECONDS), "message too big");
      awaitClients(f, 0);
      assertEquals(200, f.get("/api/state").status());
      try (WsClient again = WsClient.open(f)) {
        again.awaitType("hello", 10);
      }
    }
  }

  @Test
  void pagesBeyondTheLimitAreClosedWith1013AndOneMayOpenOnceAnotherCloses() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.server = b -> b.optLimits(new GuiLimits(100, 4096, 512, 16, 32, 16, 2)));
         WsClient a = WsClient.open(f);
         WsClient b = WsClient.open(f)) {
      a.awaitType("hello", 10);
      b.awaitType("hello", 10);
      try (WsClient third = WsClient.open(f)) {
        assertEquals(1013, third.closed.get(10, TimeUnit.SECONDS), "try again later");
      }
      assertEquals(2, f.server.clientCount());
      b.close();
      awaitClients(f, 1);
      try (WsClient again = WsClient.open(f)) {
        again.awaitType("hello", 10);
      }
    }
  }

  @Test
  void aClientThatStopsReadingStallsNeitherTrainingNorOtherClients() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> {
      o.autoStart = true;
      o.server = b -> b.optLimits(new GuiLimits(1000, 64 * 1024, 1024, 64, 32, 8, 64));
    });
         WsClient stalled = WsClient.stalled(f);
         WsClient ws = WsClient.open(f)) {
      ws.awaitType("hello", 10);
      stalled.send("{\"type\":\"view\",\"frame\":0}");
      ws.send("{\"type\":\"view\",\"frame\":2}");
      long start = f.session.step();
      // A burst of changes on every frame: events for the stalled client pile up and coalesce.
      for (int i = 0; i < 24; i++) {
        int frame = i % 4;
        assertEquals(200, f.post("/api/frames/" + frame + "/strokes", paint(i % 3, 1, new int[] {i % 40, i % 40 + 3, 2 + i % 30})).status());
      }
      f.session.awaitStep(start + 10);
      JsonNode p = ws.await(e -> e.path("type").asText().equals("progress") && e.get("step").asLong() >= start + 10, 60);
      assertTrue(p.get("step").asLong() >= start + 10, "training kept going");
      ws.await(e -> e.path("type").asText().equals("rendered") && e.get("frame").asInt() == 2, 60);
      assertEquals(2, f.server.clientCount());
      assertTrue(f.server.hub().maxPending() <= 8 + 1, "per-client queues stay bounded: " + f.server.hub().maxPending());
    }
  }

  @Test
  void refusesAWebSocketFromAnotherOrigin() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> {})) {
      CompletionException e = assertThrows(CompletionException.class, () -> WsClient.withOrigin(f, "http://evil.example"));
      assertTrue(String.valueOf(e.getCause()).contains("403") || String.valueOf(e.getCause()).toLowerCase().contains("handshake"),
          String.valueOf(e.getCause()));
      assertEquals(0, f.server.clientCount());
      try (WsClient ok = WsClient.withOrigin(f, "http://127.0.0.1:" + f.server.port())) {
        ok.awaitType("hello", 10);
      }
    }
  }

  /** Waits until the server counts {@code n} clients; the bound only keeps a bug from hanging the build. */
  private static void awaitClients(GuiFixture f, int n) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (f.server.clientCount() != n && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(n, f.server.clientCount(), "clients after a close");
  }
}
