package io.github.bakefeature.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bakefeature.core.fields.SemanticHead;
import io.github.bakefeature.core.pipelines.SemanticFieldModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainRenderCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void trainsOursWithFeaturesReportsHeldOutMetricsAndRendersAFrame(@TempDir Path tmp) throws Exception {
    Path scene = tmp.resolve("scene");
    assertEquals(0, Cli.run("synth", "--frames", "6", "--width", "48", "--height", "36", "--out", scene.toString()).code());
    Path ckpt = tmp.resolve("m.ckpt");
    Cli.Result r = Cli.run("train", "--scene", scene.toString(), "--method", "ours", "--iters", "8", "--rays", "128",
        "--labels", "gt", "--holdout-every", "3", "--out", ckpt.toString());
    assertEquals(0, r.code(), r.err());
    Map<String, JsonNode> metrics = new HashMap<>();
    for (String line : r.out().strip().split("\n")) {
      JsonNode n = JSON.readTree(line);
      metrics.put(n.get("metric").asText(), n);
    }
    for (String m : new String[] {"psnr", "depth_mae_m", "miou", "steps_per_second"}) {
      assertTrue(metrics.containsKey(m), "missing metric " + m + " in " + r.out());
    }
    assertEquals(2, metrics.get("psnr").get("held_out_frames").asInt());
    assertTrue(Files.exists(ckpt));
    assertTrue(Files.isDirectory(scene.resolve("cache").resolve("features")), "ours builds the feature cache");

    Path out = tmp.resolve("render");
    Cli.Result rr = Cli.run("render", "--scene", scene.toString(), "--checkpoint", ckpt.toString(), "--frame", "1",
        "--out", out.toString());
    assertEquals(0, rr.code(), rr.err());
    for (String kind : new String[] {"colour", "depth", "classes", "confidence"}) {
      assertTrue(Files.size(out.resolve("00001_" + kind + ".png")) > 0, kind);
    }
  }

  @Test
  void withoutAnyLabelsTrainSaysSoAndReportsNoMiou(@TempDir Path tmp) throws Exception {
    Path scene = tmp.resolve("scene"); // synth writes ground truth, no scribbles
    assertEquals(0, Cli.run("synth", "--frames", "4", "--width", "32", "--height", "24", "--out", scene.toString()).code());
    Cli.Result r = Cli.run("train", "--scene", scene.toString(), "--method", "snerf-freq", "--iters", "2", "--rays", "32",
        "--holdout-every", "2", "--out", tmp.resolve("m.ckpt").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("no training frame") && r.err().contains("--labels gt"), r.err());
    assertTrue(r.out().contains("\"psnr\"") && !r.out().contains("miou"), r.out());
    Cli.Result one = Cli.run("train", "--scene", scene.toString(), "--holdout-every", "1", "--out",
        tmp.resolve("n.ckpt").toString());
    assertEquals(2, one.code(), one.err());
    assertTrue(one.err().contains("--holdout-every must be 0 (hold out nothing) or >= 2"), one.err());
  }

  @Test
  void scribblesOnAFrameThatWouldBeHeldOutAreTrainedOnAndTrainSaysSo(@TempDir Path tmp) throws Exception {
    // Before: every N-th frame was held out whatever it held, so scribbles drawn there were
    // silently dropped, and with all of them there train said "no training frame has scribbles".
    Path scene = tmp.resolve("scene");
    assertEquals(0, Cli.run("synth", "--frames", "4", "--width", "32", "--height", "24", "--out", scene.toString()).code());
    java.awt.image.BufferedImage scribble = new java.awt.image.BufferedImage(32, 24,
        java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
    for (int x = 4; x < 12; x++) {
      scribble.getRaster().setSample(x, 10, 0, 2); // class 1
    }
    Files.createDirectories(scene.resolve("semantic"));
    javax.imageio.ImageIO.write(scribble, "png", scene.resolve("semantic/00003.png").toFile());
    Cli.Result r = Cli.run("train", "--scene", scene.toString(), "--method", "snerf-freq", "--iters", "2", "--rays", "32",
        "--holdout-every", "2", "--out", tmp.resolve("m.ckpt").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("frame [3] would be held out (--holdout-every 2) but has scribbles (8 pixels): trained on"
        + " instead; 1 frame is held out"), r.err());
    assertTrue(!r.err().contains("no training frame"), r.err());
    assertEquals(1, JSON.readTree(r.out().strip().split("\n")[0]).get("held_out_frames").asInt(), r.out());
  }

  /** Ctrl-C (here SIGTERM, the same shutdown) in a real process, as a user stops a long run. */
  @Test
  void stoppingTrainSaysWhatWasLostAndLeavesNoCheckpointOrTemporaryFile(@TempDir Path tmp) throws Exception {
    Path scene = tmp.resolve("scene");
    assertEquals(0, Cli.run("synth", "--frames", "4", "--width", "32", "--height", "24", "--out", scene.toString()).code());
    Path out = Files.createDirectories(tmp.resolve("out"));
    Path err = tmp.resolve("err.txt");
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(javaBin, "-Xmx1g", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
        BakeFeatureCli.class.getName(), "train", "--scene", scene.toString(), "--method", "snerf-freq",
        "--iters", "1000000", "--rays", "32", "--holdout-every", "0", "--out", out.resolve("m.ckpt").toString())
        .redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (!(Files.exists(err) && Files.readString(err).contains("train snerf-freq")) && p.isAlive()
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertTrue(p.isAlive(), "training started: " + Files.readString(err));
      p.destroy();
      assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
    } finally {
      p.destroyForcibly();
    }
    String text = Files.readString(err);
    assertTrue(text.matches("(?s).*train: interrupted after \\d+ of 1000000 steps; nothing was written to .*m\\.ckpt.*"),
        text);
    try (java.util.stream.Stream<Path> files = Files.list(out)) {
      assertEquals(java.util.List.of(), files.toList());
    }
  }

  @Test
  void trainShowsTheProgressOfRenderingItsHeldOutFramesOnStderr(@TempDir Path tmp) throws Exception {
    Path scene = tmp.resolve("scene");
    assertEquals(0, Cli.run("synth", "--frames", "4", "--width", "32", "--height", "24", "--out", scene.toString()).code());
    Cli.Result r = Cli.run("train", "--scene", scene.toString(), "--method", "snerf-freq", "--iters", "2", "--rays", "32",
        "--labels", "gt", "--holdout-every", "2", "--out", tmp.resolve("m.ckpt").toString());
    assertEquals(0, r.code(), r.err());
    // Held-out renders take minutes on a real capture: each pass has a bar that ends at frames/frames.
    String held = r.err().substring(r.err().lastIndexOf("evaluate held-out frames"));
    assertTrue(held.contains("2/2"), r.err());
    String guided = r.err().substring(r.err().lastIndexOf("evaluate around measured depth"));
    assertTrue(guided.contains("2/2"), r.err());
    for (String line : r.out().strip().split("\n")) {
      JSON.readTree(line); // stdout stays JSON lines
    }
  }

  @Test
  void semanticHeadDefaultsPerMethodAndCanBeChosen(@TempDir Path tmp) throws Exception {
    Path scene = tmp.resolve("scene");
    assertEquals(0, Cli.run("synth", "--frames", "4", "--width", "32", "--height", "24", "--out", scene.toString()).code());
    Path byDefault = tmp.resolve("default.ckpt");
    Path chosen = tmp.resolve("chosen.ckpt");
    Cli.Result a = Cli.run("train", "--scene", scene.toString(), "--method", "snerf-freq", "--iters", "2", "--rays", "32",
        "--labels", "gt", "--holdout-every", "0", "--out", byDefault.toString());
    assertEquals(0, a.code(), a.err());
    Cli.Result b = Cli.run("train", "--scene", scene.toString(), "--method", "snerf-freq", "--iters", "2", "--rays", "32",
        "--labels", "gt", "--holdout-every", "0", "--semantic-head", "probe", "--out", chosen.toString());
    assertEquals(0, b.code(), b.err());
    assertEquals(SemanticHead.END_TO_END, SemanticFieldModel.load(byDefault).fieldConfig().semanticHead());
    assertEquals(SemanticHead.PROBE, SemanticFieldModel.load(chosen).fieldConfig().semanticHead());
    Cli.Result bad = Cli.run("train", "--scene", scene.toString(), "--semantic-head", "sideways", "--out",
        tmp.resolve("x").toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("sideways") && bad.err().contains("probe"), bad.err());
  }

  @Test
  void rejectsUnknownMethodsAndMissingCheckpointsWithExitCodeTwo(@TempDir Path tmp) {
    Path scene = tmp.resolve("scene");
    assertEquals(0, Cli.run("synth", "--frames", "2", "--width", "32", "--height", "24", "--out", scene.toString()).code());
    Cli.Result r = Cli.run("train", "--scene", scene.toString(), "--method", "nerfacto", "--out", tmp.resolve("x").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("nerfacto") && r.err().contains("snerf-freq"), r.err());
    Cli.Result m = Cli.run("render", "--scene", scene.toString(), "--checkpoint", tmp.resolve("none.ckpt").toString(),
        "--frame", "0", "--out", tmp.resolve("o").toString());
    assertEquals(2, m.code());
    assertTrue(m.err().contains("none.ckpt"), m.err());
  }
}
