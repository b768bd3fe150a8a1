package io.github.bakefeature.examples.gui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API against a real session on a small synthetic scene (training paused: deterministic). */
class GuiServerApiTest {
  @TempDir
  Path tmp;

  private GuiFixture start() throws Exception {
    return GuiFixture.start(tmp, o -> o.frames = 4);
  }

  private static String stroke(String kind, Integer classId, double radius, double... points) {
    StringBuilder sb = new StringBuilder("{\"kind\":\"" + kind + "\",");
    if (classId != null) {
      sb.append("\"classId\":").append(classId).append(',');
    }
    sb.append("\"radius\":").append(radius).append(",\"points\":[");
    for (int i = 0; i < points.length; i++) {
      sb.append(i > 0 ? "," : "").append(points[i]);
    }
    return sb.append("]}").toString();
  }

  @Test
  void bindsTheLoopbackAddressOnAnEphemeralPortAndServesThePage() throws Exception {
    try (GuiFixture f = start()) {
      assertEquals("127.0.0.1", f.server.host());
      assertTrue(f.server.port() > 0);
      assertEquals("http://127.0.0.1:" + f.server.port() + "/", f.server.url().toString());
      GuiFixture.Response page = f.get("/");
      assertEquals(200, page.status());
      assertTrue(page.text().contains("<script type=\"module\" src=\"app.js\">"), page.text());
      assertNotNull(page.header("Content-Security-Policy"));
      for (String asset : List.of("/app.js", "/api.js", "/frameview.js", "/style.css", "/favicon.svg")) {
        GuiFixture.Response a = f.get(asset);
        assertEquals(200, a.status(), asset);
        assertTrue(a.bytes().length > 100, asset);
      }
      // Not reachable on the machine's other addresses.
      Optional<InetAddress> other = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
          .flatMap(n -> Collections.list(n.getInetAddresses()).stream())
          .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
          .findFirst();
      Assumptions.assumeTrue(other.isPresent(), "this machine has no non-loopback IPv4 address to probe");
      try (Socket s = new Socket()) {
        // Refused, or dropped by a firewall (a timeout): either way nothing answers there.
        assertThrows(java.io.IOException.class, () -> s.connect(new InetSocketAddress(other.get(), f.server.port()), 2000),
            "the app must not listen on " + other.get());
      }
    }
  }

  @Test
  void aHostNameThatResolvesToLoopbackIsPrintedAndAllowedByItsAddressOnly() throws Exception {
    // Its owner could point the name elsewhere later (DNS rebinding): only the address may be trusted.
    assertEquals("127.0.0.1", GuiServer.urlHost("lvh.example", InetAddress.getByAddress("lvh.example", new byte[] {127, 0, 0, 1})));
    assertEquals("[::1]", GuiServer.urlHost("ip6-localhost", InetAddress.getByName("::1")));
    assertEquals("localhost", GuiServer.urlHost("localhost", InetAddress.getByName("127.0.0.1")));
    assertEquals("127.0.0.1", GuiServer.urlHost("127.0.0.1", null));
    assertEquals("127.0.0.1", GuiServer.urlHost("0.0.0.0", InetAddress.getByName("0.0.0.0")));
    assertEquals("[fe80::1]", GuiServer.urlHost("fe80::1", InetAddress.getByName("fe80::1")));
  }

  @Test
  void answersAtTheUrlItPrintsWhenBoundToAnotherLoopbackAddress() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.server = b -> b.optHost("127.0.0.2"))) {
      assertEquals("http://127.0.0.2:" + f.server.port() + "/", f.server.url().toString());
      HttpResponse<String> r = f.http.send(HttpRequest.newBuilder(f.server.url().resolve("/api/progress")).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
    }
  }

  @Test
  void paintStrokeWritesClassPlusOneToTheScribblePngAndEraseClearsIt() throws Exception {
    try (GuiFixture f = start()) {
      GuiFixture.Response r = f.post("/api/frames/2/strokes", stroke("paint", 1, 2, 10, 10, 20, 10));
      assertEquals(200, r.status(), r.text());
      JsonNode j = r.json();
      assertEquals(2, j.get("frame").asInt());
      assertEquals(1, j.get("version").asInt());
      assertTrue(j.get("labelledPixels").asInt() >= 40, r.text());
      assertTrue(j.get("canUndo").asBoolean());
      assertEquals("[2]", j.get("annotatedFrames").toString());
      assertEquals(2, f.onDisk(2, 15, 10), "class 1 is stored as 2");
      assertEquals(2, f.onDisk(2, 10, 12));
      assertEquals(0, f.onDisk(2, 15, 20));

      GuiFixture.Response e = f.post("/api/frames/2/strokes", stroke("erase", null, 1.5, 15, 10));
      assertEquals(200, e.status(), e.text());
      assertEquals(0, f.onDisk(2, 15, 10), "erased");
      assertEquals(2, f.onDisk(2, 10, 10), "outside the eraser");
      assertEquals(2, e.json().get("version").asInt());
    }
  }

  @Test
  void undoAndRedoRestoreTheScribblesOnDiskAndNameTheFrame() throws Exception {
    try (GuiFixture f = start()) {
      f.post("/api/frames/1/strokes", stroke("paint", 0, 3, 30, 20));
      f.post("/api/frames/3/strokes", stroke("paint", 2, 3, 5, 5, 12, 9));
      assertEquals(3, f.onDisk(3, 8, 7));

      JsonNode u = f.post("/api/undo", "{}").json();
      assertTrue(u.get("done").asBoolean());
      assertEquals(3, u.get("frame").asInt(), "undo reports the frame it changed");
      assertEquals(0, f.onDisk(3, 8, 7));
      assertTrue(u.get("canRedo").asBoolean());

      JsonNode u2 = f.post("/api/undo", "").json();
      assertEquals(1, u2.get("frame").asInt());
      assertEquals(0, f.onDisk(1, 30, 20));
      assertFalse(u2.get("canUndo").asBoolean());
      JsonNode none = f.post("/api/undo", "{}").json();
      assertFalse(none.get("done").asBoolean());
      assertTrue(none.get("frame").isNull());

      JsonNode r = f.post("/api/redo", "{}").json();
      assertEquals(1, r.get("frame").asInt());
      assertEquals(1, f.onDisk(1, 30, 20));
      JsonNode r2 = f.post("/api/redo", "{}").json();
      assertEquals(3, r2.get("frame").asInt());
      assertEquals(3, f.onDisk(3, 8, 7));
      assertFalse(r2.get("canRedo").asBoolean());
      assertEquals(List.of(1, 3), f.session.annotatedFrames());
    }
  }

  @Test
  void eachBrowsersUndoTakesBackItsOwnStrokeNotAnotherPersonsLaterOne() throws Exception {
    try (GuiFixture f = start()) {
      f.post("/api/frames/2/strokes", stroke("paint", 0, 3, 10, 10), "ann");
      JsonNode b = f.post("/api/frames/2/strokes", stroke("paint", 1, 3, 40, 30), "bob").json();
      assertTrue(b.get("canUndo").asBoolean());

      JsonNode u = f.post("/api/undo", "{}", "ann").json();
      assertTrue(u.get("done").asBoolean());
      assertEquals(2, u.get("frame").asInt());
      assertEquals(0, f.onDisk(2, 10, 10), "ann's stroke is taken back");
      assertEquals(2, f.onDisk(2, 40, 30), "bob's later stroke stays");
      assertFalse(u.get("canUndo").asBoolean(), "ann has nothing left to undo");
      assertTrue(u.get("canRedo").asBoolean());
      JsonNode history = f.send(HttpRequest.newBuilder(f.uri("/api/history")).header(Api.AUTHOR_HEADER, "bob").GET())
          .json();
      assertTrue(history.get("canUndo").asBoolean(), "bob's stroke is still his to undo");
      assertFalse(f.post("/api/undo", "{}", "ann").json().get("done").asBoolean());
      assertEquals(2, f.onDisk(2, 40, 30));

      assertTrue(f.post("/api/redo", "{}", "ann").json().get("done").asBoolean());
      assertEquals(1, f.onDisk(2, 10, 10));
      f.post("/api/frames/2/strokes", stroke("paint", 1, 5, 10, 10), "bob"); // over ann's redone stroke
      GuiFixture.Response conflict = f.post("/api/undo", "{}", "ann");
      assertEquals(409, conflict.status());
      assertTrue(conflict.text().contains("cannot undo your change on frame"), conflict.text());
      assertEquals(2, f.onDisk(2, 10, 10), "bob's stroke stays");
      GuiFixture.Response bad = f.post("/api/undo", "{}", "ann/../x");
      assertEquals(400, bad.status());
      assertTrue(bad.text().contains(Api.AUTHOR_HEADER + ": expected 1 to 64 letters"), bad.text());
    }
  }

  @Test
  void clearingAFrameIsOneUndoableStep() throws Exception {
    try (GuiFixture f = start()) {
      f.post("/api/frames/0/strokes", stroke("paint", 1, 2, 5, 5, 40, 5));
      f.post("/api/frames/0/strokes", stroke("paint", 2, 2, 5, 25, 40, 25));
      JsonNode c = f.post("/api/frames/0/clear", "{}").json();
      assertEquals(0, c.get("labelledPixels").asInt());
      assertEquals(0, f.onDisk(0, 20, 5));
      assertEquals(0, f.onDisk(0, 20, 25));
      f.post("/api/undo", "{}");
      assertEquals(2, f.onDisk(0, 20, 5));
      assertEquals(3, f.onDisk(0, 20, 25));
      assertEquals(400, f.post("/api/frames/0/clear", "{\"all\":true}").status(), "clear takes no fields");
    }
  }

  @Test
  void refusesMalformedStrokesWithFieldAndReasonAndLosesNothingSaved() throws Exception {
    try (GuiFixture f = start()) {
      assertEquals(200, f.post("/api/frames/1/strokes", stroke("paint", 1, 2, 10, 10, 20, 12)).status());
      Path png = f.dir.resolve("semantic/00001.png");
      byte[] saved = Files.readAllBytes(png);
      Map<String, String[]> bad = new java.util.LinkedHashMap<>();
      bad.put("{\"kind\":", new String[] {null, "malformed JSON"});
      bad.put("[1,2]", new String[] {null, "expected a JSON object"});
      bad.put("{\"kind\":\"paint\",\"classId\":1,\"radius\":2,\"points\":[1,1],\"colour\":1}", new String[] {"colour", "unknown field 'colour'"});
      bad.put("{\"classId\":1,\"radius\":2,\"points\":[1,1]}", new String[] {"kind", "kind must be"});
      bad.put(stroke("smear", 1, 2, 1, 1), new String[] {"kind", "\"smear\""});
      bad.put(stroke("paint", null, 2, 1, 1), new String[] {"classId", "found nothing"});
      bad.put(stroke("paint", 99, 2, 1, 1), new String[] {"classId", "[0, 6), found 99"});
      bad.put("{\"kind\":\"paint\",\"classId\":\"1\",\"radius\":2,\"points\":[1,1]}", new String[] {"classId", "found \"1\""});
      bad.put(stroke("paint", 1, 0, 1, 1), new String[] {"radius", "[0.5, 256]"});
      bad.put(stroke("paint", 1, 1000, 1, 1), new String[] {"radius", "found 1000"});
      bad.put("{\"kind\":\"paint\",\"classId\":1,\"radius\":\"big\",\"points\":[1,1]}", new String[] {"radius", "found \"big\""});
      bad.put(stroke("paint", 1, 2, 1, 1, 2), new String[] {"points", "found 3 numbers"});
      bad.put(stroke("paint", 1, 2), new String[] {"points", "found 0 numbers"});
      bad.put("{\"kind\":\"paint\",\"classId\":1,\"radius\":2,\"points\":[1,\"x\"]}", new String[] {"points", "points[1] must be a finite number"});
      bad.put(stroke("paint", 1, 2, 5, 500), new String[] {"points", "outside the 48x36 image"});
      bad.put(stroke("erase", 3, 2, 5, 5), new String[] {"classId", "an erase stroke takes no classId"});
      for (Map.Entry<String, String[]> b : bad.entrySet()) {
        GuiFixture.Response r = f.post("/api/frames/1/strokes", b.getKey());
        assertEquals(400, r.status(), b.getKey() + " -> " + r.text());
        JsonNode j = r.json();
        assertTrue(j.get("error").asText().contains(b.getValue()[1]), b.getKey() + " -> " + j);
        if (b.getValue()[0] != null) {
          assertEquals(b.getValue()[0], j.get("field").asText(), b.getKey() + " -> " + j);
        }
      }
      assertArrayEquals(saved, Files.readAllBytes(png), "refused strokes leave the saved scribbles alone");
      assertEquals(1, f.session.store().historySize(), "and make no history entries");
      assertTrue(f.post("/api/undo", "{}").json().get("done").asBoolean(), "the good stroke is still undoable");
    }
  }

  @Test
  void frameIndicesOutsideTheSceneOrNotNumbersAreRefused() throws Exception {
    try (GuiFixture f = start()) {
      GuiFixture.Response r = f.get("/api/frames/4/rgb.png");
      assertEquals(404, r.status());
      assertEquals("frame must be in [0, 4), found 4", r.json().get("error").asText());
      assertEquals(404, f.get("/api/frames/-1/scribbles.png").status());
      assertEquals(404, f.get("/api/frames/12345678901234567890/rgb.png").status(), "out of range, however long");
      assertEquals(400, f.get("/api/frames/012/rgb.png").status(), "not canonical");
      GuiFixture.Response nan = f.get("/api/frames/abc/segmentation.png");
      assertEquals(400, nan.status());
      assertTrue(nan.json().get("error").asText().contains("integer index, found 'abc'"));
      assertEquals(404, f.get("/api/frames/99999999999/rgb.png").status());
      assertEquals(404, f.post("/api/frames/7/strokes", stroke("paint", 0, 2, 1, 1)).status());
      assertEquals(404, f.post("/api/frames/7/clear", "{}").status());
      // Paths are never accepted in place of an index.
      int traversal = f.get("/api/frames/..%2F..%2Fintrinsics.txt/rgb.png").status();
      assertTrue(traversal == 400 || traversal == 404, "status " + traversal);
      assertEquals(404, f.get("/api/nothing").status());
    }
  }

  @Test
  void bodiesAndStrokesBeyondTheLimitsAreRefusedWith413() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> {
      o.frames = 2;
      o.server = b -> b.optLimits(new GuiLimits(50, 4096, 1024, 8, 12, 16, 64));
    })) {
      double[] many = new double[2 * 51];
      for (int i = 0; i < 51; i++) {
        many[2 * i] = i % 40;
        many[2 * i + 1] = 3;
      }
      GuiFixture.Response r = f.post("/api/frames/0/strokes", stroke("paint", 0, 1, many));
      assertEquals(413, r.status(), r.text());
      assertTrue(r.json().get("error").asText().contains("at most 50 points, found 51"), r.text());
      String huge = "{\"kind\":\"paint\",\"classId\":0,\"radius\":1,\"points\":[" + "1,".repeat(3000) + "1]}";
      GuiFixture.Response big = f.post("/api/frames/0/strokes", huge);
      assertEquals(413, big.status(), big.text());
      assertTrue(big.json().get("error").asText().contains("exceeds the limit of 4096 bytes"), big.text());
      GuiFixture.Response name = f.post("/api/classes", "{\"name\":\"a very long class name\"}");
      assertEquals(400, name.status());
      assertTrue(name.json().get("error").asText().contains("at most 12 characters"));
      for (int i = f.session.classes().size(); i < 8; i++) {
        assertEquals(201, f.post("/api/classes", "{\"name\":\"c" + i + "\"}").status());
      }
      GuiFixture.Response full = f.post("/api/classes", "{\"name\":\"one more\"}");
      assertEquals(409, full.status());
      assertTrue(full.json().get("error").asText().contains("maximum of 8 classes"));
      assertFalse(Files.exists(f.dir.resolve("semantic/00000.png")), "nothing was painted");
    }
  }

  @Test
  void refusesOtherHostNamesCrossOriginRequestsAndNonJsonChanges() throws Exception {
    try (GuiFixture f = start()) {
      // DNS rebinding: a request that reached us under another name.
      try (Socket s = new Socket("127.0.0.1", f.server.port())) {
        OutputStream out = s.getOutputStream();
        out.write(("GET /api/state HTTP/1.1\r\nHost: evil.example:" + f.server.port() + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        assertTrue(status.contains(" 403 "), status);
      }
      GuiFixture.Response cross = f.send(HttpRequest.newBuilder(f.uri("/api/frames/0/clear"))
          .header("Content-Type", "application/json").header("Origin", "http://evil.example")
          .POST(HttpRequest.BodyPublishers.ofString("{}")));
      assertEquals(403, cross.status());
      assertTrue(cross.json().get("error").asText().contains("cross-origin"));
      GuiFixture.Response same = f.send(HttpRequest.newBuilder(f.uri("/api/frames/0/clear"))
          .header("Content-Type", "application/json").header("Origin", "http://127.0.0.1:" + f.server.port())
          .POST(HttpRequest.BodyPublishers.ofString("{}")));
      assertEquals(200, same.status(), same.text());
      GuiFixture.Response form = f.send(HttpRequest.newBuilder(f.uri("/api/undo"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("a=1")));
      assertEquals(415, form.status());
      assertTrue(form.json().get("error").asText().contains("Content-Type: application/json"));
    }
  }

  @Test
  void classesAreAddedRenamedAndRecolouredAndPersisted() throws Exception {
    try (GuiFixture f = start()) {
      int before = f.session.classes().size();
      GuiFixture.Response add = f.post("/api/classes", "{\"name\":\"  plant \",\"colour\":\"#12ab34\"}");
      assertEquals(201, add.status(), add.text());
      assertEquals(before, add.json().get("id").asInt());
      JsonNode c = add.json().get("classes").get(before);
      assertEquals("plant", c.get("name").asText());
      assertEquals("#12ab34", c.get("colour").asText());
      assertEquals(200, f.patch("/api/classes/" + before, "{\"name\":\"fern\"}").status());
      assertEquals(200, f.patch("/api/classes/" + before, "{\"colour\":\"#FF0000\"}").status());
      assertEquals("fern", f.session.classes().get(before).name());
      assertEquals(0xff0000, f.session.classes().get(before).colour());
      assertTrue(Files.readString(f.dir.resolve("metadata.json")).contains("\"fern\""));
      assertTrue(Files.readString(f.dir.resolve("session/session.json")).toLowerCase().contains("ff0000"));

      assertEquals(400, f.patch("/api/classes/0", "{\"colour\":\"red\"}").status());
      assertEquals(400, f.patch("/api/classes/0", "{}").status());
      assertEquals(400, f.patch("/api/classes/0", "{\"name\":\"  \"}").status());
      assertEquals(400, f.patch("/api/classes/0", "{\"name\":\"a\\u0007b\"}").status());
      assertEquals(404, f.patch("/api/classes/" + (before + 1), "{\"name\":\"x\"}").status());
      assertEquals(400, f.post("/api/classes", "{\"colour\":\"#000000\"}").status(), "name is required");
      assertEquals(200, f.post("/api/frames/0/strokes", stroke("paint", before, 2, 3, 3)).status(),
          "the new class can be painted");
      assertEquals(before + 1, f.onDisk(0, 3, 3));
    }
  }

  @Test
  void imagesAreAddressedByIndexWithValidatorsAndRenderedFromTheModel() throws Exception {
    try (GuiFixture f = start()) {
      GuiFixture.Response rgb = f.get("/api/frames/1/rgb.png");
      assertEquals(200, rgb.status());
      assertEquals("image/png", rgb.header("Content-Type"));
      BufferedImage img = rgb.image();
      assertEquals(48, img.getWidth());
      assertEquals(36, img.getHeight());
      assertEquals(f.synth.scene().frame(1).rgb().rgb(7, 9), img.getRGB(7, 9) & 0xffffff, "the frame's own pixels");
      String etag = rgb.header("ETag");
      assertNotNull(etag);
      GuiFixture.Response again = f.send(HttpRequest.newBuilder(f.uri("/api/frames/1/rgb.png")).header("If-None-Match", etag));
      assertEquals(304, again.status());
      assertEquals(200, f.get("/api/frames/1/thumb.png").status());

      GuiFixture.Response s0 = f.get("/api/frames/1/scribbles.png");
      assertEquals(0, s0.image().getRGB(10, 10) >>> 24, "unlabelled pixels are transparent");
      f.post("/api/frames/1/strokes", stroke("paint", 2, 2, 10, 10));
      GuiFixture.Response s1 = f.get("/api/frames/1/scribbles.png");
      assertNotEquals(s0.header("ETag"), s1.header("ETag"));
      assertEquals("1", s1.header("X-Version"));
      int px = s1.image().getRGB(10, 10);
      assertEquals(0xff, px >>> 24, "scribbles are opaque");
      assertEquals(f.session.classes().get(2).colour(), px & 0xffffff);

      GuiFixture.Response seg = f.get("/api/frames/1/segmentation.png");
      assertEquals(200, seg.status(), seg.text());
      assertEquals("0", seg.header("X-Step"), "training is paused: the model is at step 0");
      assertEquals("false", seg.header("X-Labelled"), "a scribble, but the paused model has not trained on it");
      // The render's age, for the page's "Overlay: step N, 15 s ago" (before, counted from the fetch).
      long age = Long.parseLong(seg.header("X-Render-Age-Ms"));
      Thread.sleep(30);
      assertTrue(Long.parseLong(f.get("/api/frames/1/segmentation.png").header("X-Render-Age-Ms")) >= age + 30);
      assertEquals(0, seg.image().getRGB(10, 10) >>> 24, "no overlay of the untrained head's arbitrary classes");
      assertEquals(48, seg.image().getWidth());
      for (String layer : List.of("colour", "depth", "confidence")) {
        GuiFixture.Response l = f.get("/api/frames/1/" + layer + ".png");
        assertEquals(200, l.status(), layer);
        assertEquals(36, l.image().getHeight(), layer);
      }
      GuiFixture.Response feat = f.get("/api/frames/1/features.png");
      assertEquals(404, feat.status(), "snerf renders no features");
      assertTrue(feat.json().get("error").asText().contains("no features"));
    }
  }

  @Test
  void clientsWithoutAWebSocketGetNewerRendersByPolling() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.autoStart = true)) {
      long first = Long.parseLong(f.get("/api/frames/0/segmentation.png").header("X-Step"));
      f.session.awaitStep(first + 5);
      long seen = first;
      for (int i = 0; i < 600 && seen == first; i++) {
        seen = Long.parseLong(f.get("/api/frames/0/segmentation.png").header("X-Step"));
        Thread.sleep(100);
      }
      assertTrue(seen > first, "a later GET serves a render of a newer model: " + first + " -> " + seen);
    }
  }

  @Test
  void pauseResumeSuggestAndStateReportTheSession() throws Exception {
    try (GuiFixture f = start()) {
      JsonNode state = f.get("/api/state").json();
      assertEquals(4, state.at("/scene/frames").asInt());
      assertEquals(48, state.at("/scene/width").asInt());
      assertEquals("snerf-hg-freq", state.at("/scene/method").asText());
      assertFalse(state.at("/scene/features").asBoolean());
      assertEquals(6, state.get("classes").size());
      assertEquals(4, state.at("/annotation/versions").size());
      assertTrue(state.at("/progress/paused").asBoolean());
      assertFalse(state.toString().contains(f.dir.toString()), "no file paths in the state");

      JsonNode resumed = f.post("/api/training/resume", "{}").json();
      assertFalse(resumed.get("paused").asBoolean());
      f.session.awaitStep(3);
      JsonNode paused = f.post("/api/training/pause", "{}").json();
      assertTrue(paused.get("paused").asBoolean());
      assertTrue(f.get("/api/progress").json().get("step").asLong() >= 3);

      JsonNode s = f.get("/api/suggest").json();
      int frame = s.get("frame").asInt();
      assertTrue(frame >= 0 && frame < 4, s.toString());
    }
  }

  @Test
  void exportsRunOnAWorkerIntoAFolderTheServerChooses() throws Exception {
    Map<String, Path> seen = new ConcurrentHashMap<>();
    GuiExport recording = (session, out, progress) -> {
      progress.progress("write", 1, 2);
      Files.writeString(out.resolve("frames.txt"), Integer.toString(session.scene().size()));
      seen.put("masks", out);
      progress.progress("write", 2, 2);
      return "4 frames";
    };
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.server = b -> b.optExport("masks", "Masks (PNG)", recording))) {
      assertEquals("[{\"name\":\"masks\",\"label\":\"Masks (PNG)\"}]", f.get("/api/state").json().get("exports").toString());
      GuiFixture.Response start = f.post("/api/exports/masks", "{}");
      assertEquals(202, start.status(), start.text());
      long id = start.json().get("id").asLong();
      JsonNode job = awaitJob(f, id);
      assertEquals("done", job.get("state").asText(), job.toString());
      assertEquals("4 frames", job.get("message").asText());
      // Written into a hidden staging folder beside the output, swapped in once complete.
      assertEquals(f.dir.resolve("exports"), seen.get("masks").getParent());
      assertTrue(seen.get("masks").getFileName().toString().startsWith(".masks.partial-"), seen.toString());
      assertFalse(Files.exists(seen.get("masks")), "the staging folder is gone");
      assertEquals(f.dir.resolve("exports").resolve("masks").toString(), job.get("output").asText());
      assertEquals("4", Files.readString(f.dir.resolve("exports/masks/frames.txt")));
      GuiFixture.Response unknown = f.post("/api/exports/..%2Fetc", "{}");
      assertTrue(unknown.status() == 404, unknown.text());
      assertEquals(404, f.get("/api/jobs/999").status());
      assertEquals(400, f.get("/api/jobs/x").status());
    }
    try (GuiFixture f = GuiFixture.start(tmp.resolve("b"), o -> {})) {
      GuiFixture.Response none = f.post("/api/exports/masks", "{}");
      assertEquals(404, none.status());
      assertTrue(none.json().get("error").asText().contains("no exports are available"));
    }
  }

  /**
   * Polls job {@code id} until it is no longer running; the bound only stops a hung job from
   * hanging the build (a point-cloud export on a loaded 2-core machine can take well over 10 s).
   */
  private static JsonNode awaitJob(GuiFixture f, long id) throws Exception {
    JsonNode job = null;
    for (int i = 0; i < 6000; i++) {
      job = f.get("/api/jobs/" + id).json();
      if (!job.get("state").asText().equals("running")) {
        return job;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("job " + id + " still running: " + job);
  }

  /** The names in {@code exports/} (hidden staging folders included). */
  private static List<String> exportEntries(GuiFixture f) throws IOException {
    try (var s = Files.list(f.dir.resolve("exports"))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void beforeAnyLabelMasksAreRefusedAndThePointCloudHasNoClasses() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.server = b -> SessionExports.register(b))) {
      JsonNode masks = awaitJob(f, f.post("/api/exports/masks", "{}").json().get("id").asLong());
      assertEquals("failed", masks.get("state").asText(), masks.toString());
      assertTrue(masks.get("message").asText().startsWith("nothing to export yet: the model has not trained on a"
          + " labelled pixel"), masks.toString());
      assertFalse(Files.exists(f.dir.resolve("exports/masks")));
      JsonNode cloud = awaitJob(f, f.post("/api/exports/pointcloud", "{}").json().get("id").asLong());
      assertEquals("done", cloud.get("state").asText(), cloud.toString());
      assertTrue(cloud.get("message").asText().endsWith("; no labels yet, so no classes)"), cloud.toString());
      String ply = new String(Files.readAllBytes(f.dir.resolve("exports/pointcloud").resolve(
          SessionExports.POINT_CLOUD_FILE)), StandardCharsets.ISO_8859_1);
      assertFalse(ply.substring(0, ply.indexOf("end_header")).contains("comment class "), "no legend");
    }
  }

  @Test
  void theFastMasksExportWritesFrameSizedMasksFromHalfSizeRenders() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.server = b -> SessionExports.register(b))) {
      assertTrue(f.get("/api/state").json().get("exports").toString().contains("\"name\":\"masks-fast\""));
      f.session.applyStroke(0, io.github.bakefeature.api.annotation.Stroke.paint(1, 3f, 4, 4, 20, 10));
      f.session.resume(); // the fixture starts paused
      f.session.awaitStep(f.session.progress().step() + 3);
      JsonNode job = awaitJob(f, f.post("/api/exports/masks-fast", "{}").json().get("id").asLong());
      assertEquals("done", job.get("state").asText(), job.toString());
      assertTrue(job.get("message").asText().contains("rendered at 50% size"), job.toString());
      Path out = f.dir.resolve("exports/masks-fast");
      JsonNode legend = Json.MAPPER.readTree(out.resolve(io.github.bakefeature.core.export.MaskExporter.LEGEND).toFile());
      assertEquals(0.5, legend.get("render_scale").asDouble());
      io.github.bakefeature.api.scene.LabelImage mask = io.github.bakefeature.core.export.MaskExporter.readMask(
          out.resolve("masks").resolve(f.session.scene().frame(0).name() + ".png"));
      assertEquals(f.session.scene().width(), mask.width());
      assertEquals(f.session.scene().height(), mask.height());
    }
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> SessionExports.masks(2));
    assertTrue(e.getMessage().contains("(0, 1], found 2.0"), e.getMessage());
  }

  @Test
  void aFailedExportLeavesThePreviousExportAsItWas() throws Exception {
    java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
    GuiExport failsSecondTime = (session, out, progress) -> {
      int run = runs.incrementAndGet();
      Files.writeString(out.resolve("00000.png"), "run " + run);
      Files.writeString(out.resolve("00001.png"), "run " + run);
      if (run == 2) {
        throw new IOException("No space left on device");
      }
      return "2 masks";
    };
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.server = b -> b.optExport("masks", "Masks", failsSecondTime))) {
      assertEquals("done", awaitJob(f, f.post("/api/exports/masks", "{}").json().get("id").asLong())
          .get("state").asText());
      JsonNode failed = awaitJob(f, f.post("/api/exports/masks", "{}").json().get("id").asLong());
      assertEquals("failed", failed.get("state").asText(), failed.toString());
      assertTrue(failed.get("message").asText().startsWith("No space left on device; the previous export in "),
          failed.toString());
      // Not a mix of the two runs: the first export, whole, and nothing half-written beside it.
      assertEquals("run 1", Files.readString(f.dir.resolve("exports/masks/00000.png")));
      assertEquals("run 1", Files.readString(f.dir.resolve("exports/masks/00001.png")));
      assertEquals(List.of("masks"), exportEntries(f));
      assertEquals("done", awaitJob(f, f.post("/api/exports/masks", "{}").json().get("id").asLong())
          .get("state").asText());
      assertEquals("run 3", Files.readString(f.dir.resolve("exports/masks/00001.png")));
      assertEquals(List.of("masks"), exportEntries(f));
    }
  }

  @Test
  void stoppingTheAppDuringAnExportCancelsItAndKeepsThePreviousExport() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
    GuiExport slowSecondTime = (session, out, progress) -> {
      int run = runs.incrementAndGet();
      Files.writeString(out.resolve("00000.png"), "run " + run);
      if (run == 2) {
        started.countDown();
        try {
          Thread.sleep(60_000); // interrupted when the app stops
        } catch (InterruptedException e) {
          throw new IllegalStateException("parallel loop interrupted", e); // as a render loop reports it
        }
      }
      return "1 mask";
    };
    GuiFixture f = GuiFixture.start(tmp, o -> o.server = b -> b.optExport("masks", "Masks", slowSecondTime));
    long second;
    try {
      assertEquals("done", awaitJob(f, f.post("/api/exports/masks", "{}").json().get("id").asLong())
          .get("state").asText());
      second = f.post("/api/exports/masks", "{}").json().get("id").asLong();
      assertTrue(started.await(30, TimeUnit.SECONDS));
      assertTrue(exportEntries(f).contains(".masks.partial-" + second), exportEntries(f).toString());
    } finally {
      f.close();
    }
    assertEquals("run 1", Files.readString(f.dir.resolve("exports/masks/00000.png")));
    assertEquals(List.of("masks"), exportEntries(f), "the cancelled export's staging folder is deleted");
  }

  @Test
  void startingTheAppRecoversWhatAKillLeftOfAnExport() throws Exception {
    Path root = tmp.resolve("exports");
    // Killed between moving the previous export aside and renaming the new one into place.
    Files.createDirectories(root.resolve(".masks.replaced-4"));
    Files.writeString(root.resolve(".masks.replaced-4/00000.png"), "previous");
    Files.createDirectories(root.resolve(".masks.partial-4"));
    Files.writeString(root.resolve(".masks.partial-4/00000.png"), "complete but not published");
    // Killed while writing another export, its previous one in place.
    Files.createDirectories(root.resolve("pointcloud"));
    Files.writeString(root.resolve("pointcloud/pointcloud.ply"), "previous cloud");
    Files.createDirectories(root.resolve(".pointcloud.partial-9"));
    Files.createDirectories(root.resolve(".pointcloud.replaced-2"));
    Files.writeString(root.resolve("notes.txt"), "the user's");
    for (String name : new String[] {"masks", "pointcloud"}) {
      ExportJobs.recover(root, name);
    }
    try (var s = Files.list(root)) {
      assertEquals(List.of("masks", "notes.txt", "pointcloud"),
          s.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertEquals("previous", Files.readString(root.resolve("masks/00000.png")));
    assertEquals("previous cloud", Files.readString(root.resolve("pointcloud/pointcloud.ply")));
  }

  @Test
  void aTakenPortIsRefusedWithTheHintToChooseAnother() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> {});
         java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      IllegalArgumentException busy = assertThrows(IllegalArgumentException.class,
          () -> GuiServer.builder(f.session).optPort(taken.getLocalPort()).start());
      assertTrue(busy.getMessage().contains("cannot serve on 127.0.0.1:" + taken.getLocalPort()), busy.getMessage());
      assertTrue(busy.getMessage().contains("another program, perhaps another app, listens there: choose another port,"
          + " or port 0 for any free one"), busy.getMessage());
    }
  }

  @Test
  void closingAppliesNoChangeWithoutAnsweringIt() throws Exception {
    // Before: close() stopped Jetty under requests that were committing their change, so the
    // change was saved but its answer never came (the page showed "cannot reach the app server",
    // and a page retrying an unanswered undo would undo twice). Each request paints its own spot
    // of its writer's frame: after close, a spot is painted exactly when its request got a 200.
    GuiFixture f = start();
    int writers = 4;
    int spots = 108; // 12 x 9 spots 4 pixels apart on the 48x36 frames
    boolean[][] acknowledged = new boolean[writers][spots];
    java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
    Thread[] threads = new Thread[writers];
    try {
      for (int t = 0; t < writers; t++) {
        int frame = t;
        threads[t] = new Thread(() -> {
          for (int i = 0; i < spots; i++) {
            try {
              GuiFixture.Response r = f.post("/api/frames/" + frame + "/strokes", stroke("paint", 1, 1,
                  2 + 4 * (i % 12), 2 + 4 * (i / 12)));
              acknowledged[frame][i] = r.status() == 200;
              answered.incrementAndGet();
            } catch (java.io.IOException e) {
              return; // no answer: the server stopped (checked below: nothing was applied)
            } catch (InterruptedException e) {
              return;
            }
          }
        });
        threads[t].start();
      }
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
      while (answered.get() < 20) {
        assertTrue(System.nanoTime() < deadline, "the writers got only " + answered.get() + " answers in 60 s");
        Thread.sleep(2);
      }
      f.server.close();
      for (Thread w : threads) {
        w.join(60_000);
      }
      for (int t = 0; t < writers; t++) {
        io.github.bakefeature.api.scene.LabelImage l = f.session.scribbles(t);
        for (int i = 0; i < spots; i++) {
          boolean painted = l.get(2 + 4 * (i % 12), 2 + 4 * (i / 12)) == 1;
          assertEquals(acknowledged[t][i], painted, "frame " + t + " spot " + i + ": painted " + painted
              + " but acknowledged " + acknowledged[t][i]);
        }
      }
    } finally {
      f.close();
    }
  }

  @Test
  void closingTheServerStopsListeningAndLeavesTheSessionUsable() throws Exception {
    GuiFixture f = start();
    try {
      int port = f.server.port();
      f.server.close();
      f.server.close(); // idempotent
      try (Socket s = new Socket()) {
        assertThrows(ConnectException.class, () -> s.connect(new InetSocketAddress("127.0.0.1", port), 2000));
      }
      f.session.applyStroke(0, io.github.bakefeature.api.annotation.Stroke.paint(0, 1, 2, 2));
      assertEquals(1, f.onDisk(0, 2, 2));
      assertThrows(IllegalArgumentException.class, () -> GuiServer.builder(f.session).optPort(70000));
      try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        IllegalArgumentException busy = assertThrows(IllegalArgumentException.class,
            () -> GuiServer.builder(f.session).optPort(taken.getLocalPort()).start());
        assertTrue(busy.getMessage().contains("cannot serve on 127.0.0.1:" + taken.getLocalPort()), busy.getMessage());
      }
      assertThrows(IllegalArgumentException.class, () -> GuiServer.builder(f.session).optExport("../x", "x", (s, o, p) -> ""));
    } finally {
      f.close();
    }
  }
}
