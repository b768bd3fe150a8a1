package io.github.bakefeature.examples.gui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile or sloppy clients: races on limits, slow bodies, odd routes, paths, media types,
 * numbers and strings, repeated headers. Every refusal is the API's JSON error and changes nothing.
 */
class GuiServerHardeningTest {
  @TempDir
  Path tmp;

  private static final String PAINT = "{\"kind\":\"paint\",\"classId\":1,\"radius\":2,\"points\":[10,10]}";

  private static void assertJsonError(GuiFixture.Response r, int status, String contains, String field) throws Exception {
    assertEquals(status, r.status(), r.text());
    assertTrue(r.header("Content-Type").startsWith("application/json"), r.header("Content-Type"));
    JsonNode j = r.json();
    assertTrue(j.get("error").asText().contains(contains), "'" + contains + "' in " + j);
    if (field != null) {
      assertEquals(field, j.path("field").asText(null), j.toString());
    }
  }

  private static GuiFixture.Response post(GuiFixture f, String path, String contentType, String body) throws Exception {
    return f.send(HttpRequest.newBuilder(f.uri(path)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  @Test
  void refusesAClassNameAnotherClassHasSoTheSceneStaysOpenable() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.frames = 2)) {
      int before = f.session.classes().size();
      String taken = f.session.classes().get(1).name();
      assertJsonError(f.post("/api/classes", "{\"name\":\"" + taken + "\"}"), 400, "already used by class 1", "name");
      assertJsonError(f.patch("/api/classes/0", "{\"name\":\"" + taken + "\"}"), 400, "already used", "name");
      assertEquals(before, f.session.classes().size());
      assertEquals(before, io.github.bakefeature.core.scene.SceneFolder.open(f.dir).classNames().size());
    }
  }

  @Test
  void addingClassesConcurrentlyNeverExceedsTheMaximum() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> {
      o.frames = 2;
      o.server = b -> b.optLimits(new GuiLimits(100, 4096, 1024, 10, 32, 16, 64));
    })) {
      int before = f.session.classes().size();
      assertEquals(6, before);
      List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        answers.add(f.http.sendAsync(HttpRequest.newBuilder(f.uri("/api/classes")).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"c" + i + "\"}")).build(), HttpResponse.BodyHandlers.ofString()));
      }
      int created = 0;
      int full = 0;
      for (CompletableFuture<HttpResponse<String>> a : answers) {
        HttpResponse<String> r = a.join();
        if (r.statusCode() == 201) {
          created++;
        } else {
          assertEquals(409, r.statusCode(), r.body());
          full++;
        }
      }
      assertEquals(4, created, "only up to the maximum of 10");
      assertEquals(20, full);
      assertEquals(10, f.session.classes().size());
      assertEquals(10, f.get("/api/classes").json().size());
    }
  }

  @Test
  void aStalledRequestBodyIsCutOffAndDoesNotStarveOtherRequests() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> {
      o.frames = 2;
      o.server = b -> b.idleTimeout(Duration.ofSeconds(5));
    })) {
      int port = f.server.port();
      int n = Api.MAX_BODY_READERS + 8;
      List<Socket> slow = new ArrayList<>();
      try {
        for (int i = 0; i < n; i++) {
          Socket s = new Socket("127.0.0.1", port);
          s.setSoTimeout(15_000);
          OutputStream out = s.getOutputStream();
          out.write(("POST /api/frames/0/strokes HTTP/1.1\r\nHost: 127.0.0.1:" + port
              + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"kind\"").getBytes(StandardCharsets.US_ASCII));
          out.flush();
          slow.add(s);
        }
        GuiFixture.Response p = f.get("/api/progress");
        assertEquals(200, p.status());
        // Answered while bodies still stall (not after the idle timeout cut them off): an order, not a time.
        int stalled = 0;
        for (Socket s : slow) {
          stalled += s.getInputStream().available() == 0 ? 1 : 0;
        }
        assertTrue(stalled > 0, "every stalled body had been answered before the GET was");
        int timedOut = 0;
        int busy = 0;
        for (Socket s : slow) {
          RawHttp.Answer a = RawHttp.read(s.getInputStream());
          String error = a.json().get("error").asText();
          if (a.status() == 408) {
            assertTrue(error.contains("the request body stopped arriving"), a.toString());
            timedOut++;
          } else {
            assertEquals(503, a.status(), a.toString());
            assertTrue(error.contains("busy receiving"), a.toString());
            assertEquals("1", a.header("Retry-After"));
            busy++;
          }
        }
        assertEquals(n, timedOut + busy);
        assertTrue(timedOut <= Api.MAX_BODY_READERS, timedOut + " bodies were awaited at once");
        assertTrue(busy >= n - Api.MAX_BODY_READERS, busy + " refused");
      } finally {
        for (Socket s : slow) {
          s.close();
        }
      }
      assertFalse(Files.exists(f.dir.resolve("semantic/00000.png")), "nothing was painted");
      assertEquals(200, f.post("/api/frames/0/strokes", PAINT).status(), "the server serves normally afterwards");
    }
  }

  @Test
  void webSocketsOutliveTheShortHttpIdleTimeout() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> {
      o.frames = 2;
      o.server = b -> b.idleTimeout(Duration.ofMillis(500));
    });
         WsClient ws = WsClient.open(f)) {
      ws.awaitType("hello", 10);
      Thread.sleep(1500); // three HTTP idle timeouts without a message either way (training is paused)
      assertFalse(ws.closed.isDone(), "the WebSocket is still open");
      ws.send("{\"type\":\"ping\"}");
      ws.awaitType("pong", 10);
      assertEquals(1, f.server.clientCount());
    }
  }

  @Test
  void unknownRoutesAndMethodsAnswerTheDocumentedJsonError() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.frames = 2)) {
      assertJsonError(f.get("/api/nope"), 404, "no such resource: GET /api/nope", null);
      assertJsonError(f.post("/api/nope", "{}"), 404, "no such resource: POST /api/nope", null);
      GuiFixture.Response page = f.get("/nope.html");
      assertJsonError(page, 404, "no such resource: GET /nope.html", null);
      assertNotNull(page.header("Content-Security-Policy"), "with the security headers");
      GuiFixture.Response patch = f.patch("/api/state", "{}");
      assertJsonError(patch, 405, "method PATCH is not allowed on /api/state: expected GET", null);
      assertEquals("GET", patch.header("Allow"));
      GuiFixture.Response get = f.get("/api/frames/0/strokes");
      assertJsonError(get, 405, "expected POST", null);
      assertEquals("POST", get.header("Allow"));
      // The API's own 404s keep their message.
      assertJsonError(f.get("/api/frames/9/rgb.png"), 404, "frame must be in [0, 2), found 9", "frame");
      assertJsonError(f.get("/api/jobs/5"), 404, "no export job 5", "id");
    }
  }

  @Test
  void wrongMethodOrUnknownRouteIsA405Or404WhateverTheContentType() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.frames = 2)) {
      GuiFixture.Response delete = f.send(HttpRequest.newBuilder(f.uri("/api/state")).DELETE());
      assertJsonError(delete, 405, "method DELETE is not allowed on /api/state: expected GET", null);
      assertEquals("GET", delete.header("Allow"));
      GuiFixture.Response form = post(f, "/api/classes/0", "application/x-www-form-urlencoded", "name=x");
      assertJsonError(form, 405, "method POST is not allowed on /api/classes/0: expected PATCH", null);
      assertEquals("PATCH", form.header("Allow"));
      assertJsonError(post(f, "/api/nope", "text/plain", "x"), 404, "no such resource: POST /api/nope", null);
      GuiFixture.Response foo = f.send(HttpRequest.newBuilder(f.uri("/api/state")).method("FOO", HttpRequest.BodyPublishers.noBody()));
      assertTrue(foo.status() == 405 && foo.json().get("error").asText().startsWith("method FOO is not allowed"), foo.text());
      // A routed change still needs JSON.
      assertJsonError(post(f, "/api/undo", "text/plain", "{}"), 415, "Content-Type: application/json", null);
    }
  }

  @Test
  void headAnswersAsGetWouldWithoutABody() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.frames = 2)) {
      GuiFixture.Response missing = f.send(HttpRequest.newBuilder(f.uri("/api/frames/99/rgb.png"))
          .method("HEAD", HttpRequest.BodyPublishers.noBody()));
      assertEquals(404, missing.status());
      GuiFixture.Response image = f.send(HttpRequest.newBuilder(f.uri("/api/frames/0/rgb.png"))
          .method("HEAD", HttpRequest.BodyPublishers.noBody()));
      assertEquals(200, image.status());
      assertEquals("image/png", image.header("Content-Type"));
      assertEquals(0, image.bytes().length);
    }
  }

  @Test
  void aTrailingSlashDoesNotLiftTheJsonRequirement() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.frames = 2)) {
      // Javalin routes "/x/" to the handler of "/x": the check must follow the handler, not the path.
      assertJsonError(post(f, "/api/frames/0/strokes/", "text/plain", PAINT), 415, "Content-Type: application/json", null);
      assertJsonError(post(f, "/api/training/pause/", "application/x-www-form-urlencoded", "x=1"), 415,
          "Content-Type: application/json", null);
      assertFalse(Files.exists(f.dir.resolve("semantic/00000.png")), "nothing was painted");
      assertEquals(200, post(f, "/api/frames/0/strokes/", "application/json", PAINT).status(), "with JSON it is the same route");
      assertTrue(Files.exists(f.dir.resolve("semantic/00000.png")));
      GuiFixture.Response delete = f.send(HttpRequest.newBuilder(f.uri("/api/state/")).DELETE());
      assertJsonError(delete, 405, "method DELETE is not allowed on /api/state/: expected GET", null);
    }
  }

  @Test
  void refusesTrailingTokensAfterTheJsonBody() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.frames = 2)) {
      for (String body : List.of(PAINT + " trailing garbage", PAINT + "{\"x\":1}", PAINT + " []", PAINT + "}")) {
        assertJsonError(f.post("/api/frames/0/strokes", body), 400, "malformed JSON", null);
      }
      assertJsonError(f.post("/api/frames/0/strokes", PAINT + " trailing"), 400, "nothing after it", null);
      assertJsonError(f.post("/api/frames/0/strokes", "{\"kind\":\"paint\",\"kind\":\"erase\",\"classId\":1,\"radius\":2,\"points\":[1,1]}"),
          400, "Duplicate field 'kind'", null);
      assertJsonError(f.post("/api/undo", "{} {}"), 400, "malformed JSON", null);
      assertFalse(Files.exists(f.dir.resolve("semantic/00000.png")), "nothing was painted");
      assertEquals(200, f.post("/api/frames/0/strokes", PAINT + " \r\n\t ").status(), "white space after the object is fine");
      try (WsClient ws = WsClient.open(f)) {
        ws.awaitType("hello", 10);
        ws.send("{\"type\":\"ping\"} {\"type\":\"view\",\"frame\":1}");
        assertTrue(ws.awaitType("error", 10).get("error").asText().contains("malformed message"));
      }
    }
  }

  @Test
  void acceptsOnlyTheApplicationJsonMediaTypeForChanges() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.frames = 2)) {
      for (String type : List.of("application/jsonp", "application/json-evil", "application/json5", "text/json",
          "application/jsonx; charset=utf-8", "application/json; charset=latin1", "application/json; charset=utf-16",
          "application/json;;", "text/plain; application/json")) {
        assertJsonError(post(f, "/api/undo", type, "{}"), 415, "Content-Type: application/json", null);
      }
      for (String type : List.of("application/json", "Application/JSON", "application/json; charset=utf-8",
          "application/json;charset=\"UTF-8\"", " application/json ")) {
        assertEquals(200, post(f, "/api/undo", type, "{}").status(), type);
      }
    }
  }

  @Test
  void refusesIntegersOutsideTheIntRange() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.frames = 2)) {
      for (String id : List.of("18446744073709551615", "-18446744073709551617", "4294967295", "-4294967297")) {
        assertJsonError(f.post("/api/frames/0/strokes", "{\"kind\":\"erase\",\"classId\":" + id + ",\"radius\":2,\"points\":[1,1]}"),
            400, "an erase stroke takes no classId", "classId");
        assertJsonError(f.post("/api/frames/0/strokes", "{\"kind\":\"paint\",\"classId\":" + id + ",\"radius\":2,\"points\":[1,1]}"),
            400, "classId must be a class id", "classId");
      }
      assertEquals(0, f.session.store().historySize(), "nothing was applied");
      assertEquals(200, f.post("/api/frames/0/strokes", PAINT).status());
      assertEquals(200, f.post("/api/frames/0/strokes", "{\"kind\":\"erase\",\"classId\":-1,\"radius\":2,\"points\":[10,10]}").status());
      assertEquals(2, f.session.store().historySize(), "the valid paint and erase were applied");
      try (WsClient ws = WsClient.open(f)) {
        ws.awaitType("hello", 10);
        ws.send("{\"type\":\"view\",\"frame\":4294967296}");
        assertTrue(ws.awaitType("error", 10).get("error").asText().contains("'frame' must be an integer"));
      }
    }
  }

  @Test
  void pauseResumeAndExportsRefuseUnknownFieldsLikeEveryOtherChange() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> {
      o.frames = 2;
      o.server = b -> b.optExport("masks", "Masks", (s, out, p) -> "done");
    })) {
      for (String path : List.of("/api/training/pause", "/api/training/resume", "/api/exports/masks", "/api/undo",
          "/api/redo", "/api/frames/0/clear")) {
        assertJsonError(f.post(path, "{\"x\":1}"), 400, "unknown field 'x': expected an empty body or {}", "x");
      }
      assertTrue(f.get("/api/progress").json().get("paused").asBoolean(), "refused resume left training paused");
      assertEquals(200, f.post("/api/training/pause", "").status(), "an empty body is fine");
      assertEquals(200, f.post("/api/training/pause", "{}").status());
      assertJsonError(f.post("/api/classes", "{\"name\":\"x\",\"size\":1}"), 400, "expected only colour, name", "size");
    }
  }

  @Test
  void pathIndicesMustBeCanonicalAsciiDecimal() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.frames = 2)) {
      // Arabic-Indic 3, plus sign, leading zeros, full-width 1, minus zero, white space, hex, exponent.
      for (String raw : List.of("%D9%A3", "+1", "0001", "01", "%EF%BC%91", "-0", "%201", "1%20", "0x1", "1e0", "1.0")) {
        assertJsonError(f.post("/api/frames/" + raw + "/strokes", PAINT), 400, "frame must be an integer index", "frame");
        assertJsonError(f.get("/api/frames/" + raw + "/rgb.png"), 400, "ASCII digits 0-9", "frame");
      }
      assertJsonError(f.patch("/api/classes/01", "{\"name\":\"x\"}"), 400, "class id must be an integer index", "class id");
      assertJsonError(f.get("/api/jobs/01"), 400, "id must be a job id", "id");
      assertJsonError(f.get("/api/jobs/-1"), 404, "no export job -1", "id");
      assertJsonError(f.get("/api/frames/-1/rgb.png"), 404, "frame must be in [0, 2), found -1", "frame");
      assertEquals(200, f.get("/api/frames/1/rgb.png").status());
      assertEquals(200, f.get("/api/frames/0/rgb.png").status());
      assertFalse(Files.exists(f.dir.resolve("semantic/00001.png")), "nothing was painted");
    }
  }

  @Test
  void refusesClassNamesThatAreNotWellFormedUnicode() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.frames = 2)) {
      byte[] metadata = Files.readAllBytes(f.dir.resolve("metadata.json"));
      for (String name : List.of("\\ud800", "a\\udc00b", "\\udc00\\ud800", "x\\ud83c")) {
        assertJsonError(f.post("/api/classes", "{\"name\":\"" + name + "\"}"), 400, "unpaired surrogate", "name");
        assertJsonError(f.patch("/api/classes/0", "{\"name\":\"" + name + "\"}"), 400, "well-formed Unicode", "name");
      }
      assertArrayEquals(metadata, Files.readAllBytes(f.dir.resolve("metadata.json")), "nothing was saved");
      GuiFixture.Response plant = f.post("/api/classes", "{\"name\":\"plant \\ud83c\\udf31\"}");
      assertEquals(201, plant.status(), plant.text());
      assertEquals("plant \uD83C\uDF31", plant.json().get("classes").get(6).get("name").asText(), "a surrogate pair is one character");
      assertEquals("plant \uD83C\uDF31", f.session.classes().get(6).name());
    }
  }

  @Test
  void refusesClassNamesThatShowNothingOrHideText() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.frames = 2)) {
      byte[] metadata = Files.readAllBytes(f.dir.resolve("metadata.json"));
      for (String blank : List.of("\\u00a0", " \\u2003 ", "\\u200b", "\\u202e", "\\u00a0\\u200b\\u00a0", "\\u3164",
          "\\u2800\\u2800", "\\u0301\\u20dd")) {
        assertJsonError(f.post("/api/classes", "{\"name\":\"" + blank + "\"}"), 400, "must not be blank", "name");
      }
      for (String hidden : List.of("a\\u202eb", "a\\u2028b", "cup\\u2066x", "a\\u200bb")) {
        assertJsonError(f.post("/api/classes", "{\"name\":\"" + hidden + "\"}"), 400, "formatting characters", "name");
        assertJsonError(f.patch("/api/classes/0", "{\"name\":\"" + hidden + "\"}"), 400, "found U+", "name");
      }
      assertArrayEquals(metadata, Files.readAllBytes(f.dir.resolve("metadata.json")), "nothing was saved");
      // The limit counts characters, not UTF-16 units; a no-break space at an end is trimmed; the
      // joiner of an emoji sequence (woman scientist) is allowed.
      String emoji = "\uD83C\uDF31".repeat(64);
      assertEquals(201, f.post("/api/classes", "{\"name\":\"" + emoji + "\"}").status());
      assertJsonError(f.post("/api/classes", "{\"name\":\"" + emoji + "x\"}"), 400, "at most 64 characters, found 65", "name");
      GuiFixture.Response r = f.post("/api/classes", "{\"name\":\"\\u00a0scientist \uD83D\uDC69\u200D\uD83D\uDD2C\\u00a0\"}");
      assertEquals(201, r.status(), r.text());
      assertEquals("scientist \uD83D\uDC69\u200D\uD83D\uDD2C", f.session.classes().get(7).name());
      // The zero-width non-joiner is part of Persian spelling (a "lamp" here), not a hiding trick.
      assertEquals(201, f.post("/api/classes", "{\"name\":\"\\u0686\\u0631\\u0627\\u063a\\u200c\\u0647\\u0627\"}").status());
    }
  }

  @Test
  void undoAndRedoWithNothingToDoStillReportAVersion() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.frames = 2)) {
      for (String path : List.of("/api/undo", "/api/redo")) {
        JsonNode j = f.post(path, "{}").json();
        assertFalse(j.get("done").asBoolean());
        for (String field : List.of("done", "frame", "version", "canUndo", "canRedo", "annotatedFrames")) {
          assertTrue(j.has(field), path + " answers " + field + ": " + j);
        }
        assertTrue(j.get("frame").isNull() && j.get("version").isNull(), j.toString());
      }
      f.post("/api/frames/1/strokes", PAINT);
      JsonNode u = f.post("/api/undo", "{}").json();
      assertEquals(1, u.get("frame").asInt());
      assertEquals(2, u.get("version").asInt());
    }
  }

  @Test
  void refusesRequestsWithTwoHostOrOriginHeaders() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.frames = 2)) {
      int port = f.server.port();
      String good = "127.0.0.1:" + port;
      String origin = "http://" + good;
      RawHttp.Answer ok = RawHttp.send(port, "GET /api/progress HTTP/1.1\nHost: " + good + "\nOrigin: " + origin + "\nConnection: close", "");
      assertEquals(200, ok.status(), ok.toString());

      RawHttp.Answer hosts = RawHttp.send(port, "GET /api/state HTTP/1.1\nHost: " + good + "\nHost: evil.example\nConnection: close", "");
      assertTrue(hosts.status() == 400 || hosts.status() == 403, hosts.toString());
      assertNotNull(hosts.json().get("error"), hosts.toString());
      RawHttp.Answer hosts10 = RawHttp.send(port, "GET /api/state HTTP/1.0\nHost: " + good + "\nHost: evil.example", "");
      assertTrue(hosts10.status() == 400 || hosts10.status() == 403, hosts10.toString());

      RawHttp.Answer origins = RawHttp.send(port, "POST /api/frames/0/clear HTTP/1.1\nHost: " + good + "\nOrigin: " + origin
          + "\nOrigin: http://evil.example\nContent-Type: application/json\nContent-Length: 2\nConnection: close", "{}");
      assertEquals(403, origins.status(), origins.toString());
      assertTrue(origins.json().get("error").asText().contains("one Origin header, found 2"), origins.toString());
      assertEquals(0, f.session.store().historySize(), "the clear was refused");

      // The WebSocket upgrade is guarded the same way.
      RawHttp.Answer ws = RawHttp.send(port, "GET /ws HTTP/1.1\nHost: " + good + "\nOrigin: " + origin + "\nOrigin: http://evil.example"
          + "\nUpgrade: websocket\nConnection: Upgrade\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\nSec-WebSocket-Version: 13", "");
      assertEquals(403, ws.status(), ws.toString());
      assertTrue(ws.header("Content-Type") != null && ws.header("Content-Type").startsWith("application/json")
          && ws.json().get("error") != null, "a JSON error, as for every other refusal: " + ws);
      assertEquals(0, f.server.clientCount());
      assertNotEquals(101, ws.status());
    }
  }

  @Test
  void upgradesOutsideTheWebSocketAndNonUtf8BodiesGetTheApisJsonErrors() throws Exception {
    // Before: a WebSocket upgrade to another path than /ws got Jetty's HTML error page naming the
    // servlet's class, and a body in UTF-16 or UTF-32 was guessed and applied.
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.frames = 2)) {
      int port = f.server.port();
      String good = "127.0.0.1:" + port;
      for (String path : new String[] {"/api/state", "/nothing"}) {
        RawHttp.Answer a = RawHttp.send(port, "GET " + path + " HTTP/1.1\nHost: " + good + "\nUpgrade: websocket"
            + "\nConnection: Upgrade\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\nSec-WebSocket-Version: 13", "");
        assertNotEquals(101, a.status(), a.toString());
        assertTrue(a.header("Content-Type").startsWith("application/json"), a.toString());
        assertNotNull(a.json().get("error"), a.toString());
        assertTrue(!a.body().contains("Servlet") && !a.body().contains("javalin"), a.toString());
        assertEquals("nosniff", a.header("X-Content-Type-Options"), a.toString());
      }
      String stroke = "{\"kind\":\"paint\",\"classId\":1,\"radius\":2,\"points\":[5,5]}";
      for (java.nio.charset.Charset cs : new java.nio.charset.Charset[] {java.nio.charset.StandardCharsets.UTF_16LE,
          java.nio.charset.StandardCharsets.UTF_16BE, java.nio.charset.Charset.forName("UTF-32")}) {
        GuiFixture.Response r = f.send(java.net.http.HttpRequest.newBuilder(f.uri("/api/frames/0/strokes"))
            .header("Content-Type", "application/json")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(stroke.getBytes(cs))));
        assertEquals(400, r.status(), cs + ": " + r.text());
        assertTrue(r.json().get("error").asText().contains("expected a JSON body in UTF-8"), r.text());
      }
      assertEquals(0, f.session.store().historySize(), "nothing was applied");
      assertEquals(200, f.post("/api/frames/0/strokes", stroke).status(), "UTF-8 is");
      byte[] bom = ("\uFEFF" + stroke).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      assertEquals(200, f.send(java.net.http.HttpRequest.newBuilder(f.uri("/api/frames/0/strokes"))
          .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(bom)))
          .status(), "also after a UTF-8 byte-order mark");
    }
  }

  @Test
  void refusesSubresourceRequestsFromOtherPagesButNotLinksOrPortForwarding() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.frames = 2)) {
      int port = f.server.port();
      String host = "Host: 127.0.0.1:" + port;
      // <img src=".../segmentation.png"> on another site: no Origin, but Sec-Fetch-Site says cross-site.
      RawHttp.Answer img = RawHttp.send(port, "GET /api/frames/0/rgb.png HTTP/1.1\n" + host
          + "\nSec-Fetch-Site: cross-site\nSec-Fetch-Mode: no-cors\nSec-Fetch-Dest: image\nConnection: close", "");
      assertEquals(403, img.status(), img.toString());
      assertTrue(img.json().get("error").asText().contains("requests from other web pages are refused (Sec-Fetch-Site: cross-site)"),
          img.toString());
      RawHttp.Answer otherPort = RawHttp.send(port, "GET /api/suggest HTTP/1.1\n" + host
          + "\nSec-Fetch-Site: same-site\nSec-Fetch-Mode: no-cors\nConnection: close", "");
      assertEquals(403, otherPort.status(), "a page on another local port is another site for the app");
      // The app's own page, a bookmark, and a link followed from another page are served.
      for (String ok : new String[] {"Sec-Fetch-Site: same-origin\nSec-Fetch-Mode: no-cors",
          "Sec-Fetch-Site: none\nSec-Fetch-Mode: navigate", "Sec-Fetch-Site: cross-site\nSec-Fetch-Mode: navigate"}) {
        RawHttp.Answer a = RawHttp.send(port, "GET /api/frames/0/rgb.png HTTP/1.1\n" + host + "\n" + ok + "\nConnection: close", "");
        assertEquals(200, a.status(), ok);
      }
      // Through a forwarded port (ssh -L 9000:127.0.0.1:P) the Host names another port: still the app.
      RawHttp.Answer forwarded = RawHttp.send(port, "GET /api/progress HTTP/1.1\nHost: 127.0.0.1:9000\nConnection: close", "");
      assertEquals(200, forwarded.status(), forwarded.toString());
      RawHttp.Answer rebound = RawHttp.send(port, "GET /api/progress HTTP/1.1\nHost: evil.example:" + port + "\nConnection: close", "");
      assertEquals(403, rebound.status(), rebound.toString());
    }
  }

  @Test
  void requestsJettyRefusesItselfGetAJsonErrorWithTheSecurityHeaders() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.frames = 2)) {
      int port = f.server.port();
      for (String head : List.of("GET /api/frames/%00/rgb.png HTTP/1.1", "GET /..;/api/state HTTP/1.1",
          "GET /api/state HTTP/1.1\nX-No-Colon-Here")) {
        String path = head.split("\n")[0];
        RawHttp.Answer a = RawHttp.send(port, head + "\nHost: 127.0.0.1:" + port + "\nConnection: close", "");
        assertEquals(400, a.status(), path + " -> " + a);
        assertTrue(a.header("Content-Type").startsWith("application/json"), path + " -> " + a.header("Content-Type"));
        assertTrue(a.json().get("error").asText().startsWith("bad request"), path + " -> " + a);
        for (String h : List.of("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy")) {
          assertNotNull(a.header(h), path + " lacks " + h);
        }
      }
    }
  }

  @Test
  void jsonContentTypeCheckNamesWhatItFound() {
    assertEquals(null, Api.jsonContentTypeProblem(List.of("application/json; charset=utf-8")));
    assertEquals("found none", Api.jsonContentTypeProblem(List.of()));
    assertEquals("found application/jsonp", Api.jsonContentTypeProblem(List.of("application/jsonp")));
    assertEquals("found 2 Content-Type headers", Api.jsonContentTypeProblem(List.of("application/json", "application/json")));
    assertEquals("JSON is UTF-8, found charset latin1", Api.jsonContentTypeProblem(List.of("application/json;charset=latin1")));
    assertEquals(-1, Requests.unpairedSurrogate("plant \uD83C\uDF31"));
    assertEquals(1, Requests.unpairedSurrogate("a\uDC00"));
  }

  @Test
  void aRefusedRequestLeavesNothingBehindEvenWhenTheClientDisconnects() throws Exception {
    // A body cut short by the client: nothing is applied and the server goes on.
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.frames = 2)) {
      int port = f.server.port();
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.getOutputStream().write(("POST /api/frames/0/strokes HTTP/1.1\r\nHost: 127.0.0.1:" + port
            + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n" + PAINT.substring(0, 30)).getBytes(StandardCharsets.US_ASCII));
      }
      assertEquals(200, f.get("/api/progress").status());
      assertEquals(0, f.session.store().historySize());
    }
  }
}
