package io.github.bakefeature.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GuiCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void servesTheSceneOnLoopbackPrintsTheUrlAndSavesTheModelWhenStopped(@TempDir Path tmp) throws Exception {
    Path scene = tmp.resolve("scene");
    assertEquals(0, Cli.run("synth", "--frames", "3", "--width", "32", "--height", "24", "--out", scene.toString()).code());
    Started app = Started.run("gui", "--scene", scene.toString(),
        "--method", "snerf-hg-freq", "--port", "0", "--rays", "128", "--hash-table-log2", "14");
    StringWriter out = app.out();
    StringWriter err = app.err();
    GuiCommand gui = app.gui();
    CompletableFuture<Integer> exit = app.exit();
    try {
      String line = awaitUrlLine(out, err, exit);
      JsonNode started = JSON.readTree(line);
      String url = started.get("url").asText();
      assertTrue(url.startsWith("http://127.0.0.1:"), url);
      assertEquals("127.0.0.1", started.get("host").asText());
      assertTrue(err.toString().contains("open " + url), err.toString());
      HttpResponse<String> state = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(url + "api/state")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, state.statusCode());
      assertEquals(3, JSON.readTree(state.body()).at("/scene/frames").asInt());
      HttpResponse<String> stroke = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "api/frames/1/strokes"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"kind\":\"paint\",\"classId\":1,\"radius\":2,\"points\":[5,5]}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, stroke.statusCode(), stroke.body());
      assertTrue(Files.exists(scene.resolve("semantic/00001.png")), "saved as it is made");
    } finally {
      gui.stop();
    }
    assertEquals(0, exit.get(120, TimeUnit.SECONDS), err.toString());
    assertTrue(Files.exists(scene.resolve("session/model.ckpt")), "the model is saved on exit");
    assertTrue(err.toString().contains("saved the model to " + scene.resolve("session").resolve("model.ckpt")),
        "and says where: " + err);
  }

  /** {@code bakefeature ARGS} running on another thread, with its output. */
  private record Started(GuiCommand gui, CompletableFuture<Integer> exit, StringWriter out, StringWriter err) {
    static Started run(String... args) {
      CommandLine cl = BakeFeatureCli.newCommandLine();
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(err, true));
      GuiCommand gui = (GuiCommand) cl.getSubcommands().get("gui").getCommand();
      return new Started(gui, CompletableFuture.supplyAsync(() -> cl.execute(args)), out, err);
    }
  }

  /** The app's first stdout line (its URL), waiting while it starts. */
  private static String awaitUrlLine(StringWriter out, StringWriter err, CompletableFuture<Integer> exit) throws Exception {
    String line = null;
    for (int i = 0; i < 1200 && line == null; i++) {
      if (exit.isDone()) {
        throw new AssertionError("gui exited early with " + exit.get() + ": " + err);
      }
      String o = out.toString();
      if (o.contains("\n")) {
        line = o.substring(0, o.indexOf('\n'));
      } else {
        Thread.sleep(50);
      }
    }
    if (line == null) {
      throw new AssertionError("gui printed no URL line within 60 s; stderr so far: " + err);
    }
    return line;
  }

  @Test
  void saysNoModelWasSavedWhenTrainingTookNoStep(@TempDir Path tmp) throws Exception {
    Path scene = tmp.resolve("scene");
    assertEquals(0, Cli.run("synth", "--frames", "2", "--width", "32", "--height", "24", "--out", scene.toString()).code());
    Started app = Started.run("gui", "--scene", scene.toString(),
        "--method", "snerf-hg", "--port", "0", "--paused", "--hash-table-log2", "14");
    StringWriter out = app.out();
    StringWriter err = app.err();
    GuiCommand gui = app.gui();
    CompletableFuture<Integer> exit = app.exit();
    try {
      awaitUrlLine(out, err, exit);
    } finally {
      gui.stop();
    }
    assertEquals(0, exit.get(120, TimeUnit.SECONDS), err.toString());
    assertTrue(Files.notExists(scene.resolve("session/model.ckpt")));
    assertTrue(err.toString().contains("no model saved: training took no step"), err.toString());
    assertTrue(!err.toString().contains("saved the model to"), err.toString());
  }

  @Test
  void refusesBadOptionsWithExitCodeTwo(@TempDir Path tmp) {
    Path scene = tmp.resolve("scene");
    assertEquals(0, Cli.run("synth", "--frames", "2", "--width", "32", "--height", "24", "--out", scene.toString()).code());
    Cli.Result port = Cli.run("gui", "--scene", scene.toString(), "--port", "70000", "--method", "snerf-hg");
    assertEquals(2, port.code(), port.err());
    assertTrue(port.err().contains("--port must be in [0, 65535], found 70000"), port.err());
    Cli.Result method = Cli.run("gui", "--scene", scene.toString(), "--method", "nerfacto");
    assertEquals(2, method.code());
    assertTrue(method.err().contains("nerfacto"), method.err());
    Cli.Result missing = Cli.run("gui", "--scene", tmp.resolve("nothing").toString());
    assertEquals(2, missing.code(), missing.err());
  }

  @Test
  void refusesAForeignAddressOrATakenPortBeforeOpeningTheScene(@TempDir Path tmp) throws Exception {
    // Before: a foreign --host was reported as "another program listens there" (every bind failure
    // counted as a taken port), after the features were built and with the scene's session/ folder
    // (its lock) created, which then made `synth --force` refuse the scene as annotated.
    Path scene = tmp.resolve("scene");
    assertEquals(0, Cli.run("synth", "--frames", "2", "--width", "32", "--height", "24", "--out", scene.toString()).code());
    Cli.Result foreign = Cli.run("gui", "--scene", scene.toString(), "--host", "192.0.2.7", "--port", "0");
    assertEquals(2, foreign.code(), foreign.err());
    assertTrue(foreign.err().contains("--host 192.0.2.7 cannot be served on (")
        && foreign.err().contains("expected an address of this machine"), foreign.err());
    assertTrue(!foreign.err().contains("listens there"), foreign.err());
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      Cli.Result busy = Cli.run("gui", "--scene", scene.toString(), "--port", String.valueOf(taken.getLocalPort()));
      assertEquals(2, busy.code(), busy.err());
      assertTrue(busy.err().contains("cannot serve on 127.0.0.1:" + taken.getLocalPort()) && busy.err().contains(
          "listens there"), busy.err());
    }
    assertTrue(Files.notExists(scene.resolve("session")), "nothing was opened");
    assertTrue(Files.notExists(scene.resolve("cache")), "no features were built");
  }
}
