package io.github.bakefeature.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bakefeature.core.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** simulate and quickstart in reduced configurations (a few steps on tiny scenes). */
class SimulateQuickstartCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  @Test
  void simulateWritesCurvesAndPrintsThresholdsPerMethod() throws Exception {
    Path scene = tmp.resolve("scene");
    assertEquals(0, Cli.run("synth", "--frames", "6", "--width", "32", "--height", "24", "--out", scene.toString()).code());
    Path out = tmp.resolve("sim");
    Cli.Result r = Cli.run("simulate", "--scene", scene.toString(), "--methods", "ours,snerf-freq", "--rounds", "2",
        "--warmup", "8", "--steps-per-round", "4", "--rays", "64", "--hash-log2", "12", "--hash-max-res", "64",
        "--holdout-every", "3", "--eval-scale", "0.5", "--ae-steps", "20", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    String[] lines = r.out().strip().split("\n");
    assertEquals(2, lines.length, r.out());
    JsonNode ours = JSON.readTree(lines[0]);
    assertEquals("ours", ours.get("method").asText());
    assertEquals(10, ours.get("clicks").asInt());
    assertEquals("damped", ours.get("semantic_head").asText(), "ours' default head");
    assertEquals("depth", ours.get("views").asText(), "frames render around their measured depth, as in the app");
    assertTrue(ours.has("clicks_to_80") && ours.has("seconds_to_90"), lines[0]);
    assertEquals("snerf-freq", JSON.readTree(lines[1]).get("method").asText());
    assertEquals("end-to-end", JSON.readTree(lines[1]).get("semantic_head").asText());
    List<String> csv = Files.readAllLines(out.resolve("simulation.csv"));
    assertEquals(1 + 2 * 3, csv.size());
    assertTrue(csv.get(3).startsWith("ours,2,10,16,"), csv.get(3));
    BufferedImage png = ImageIO.read(out.resolve("simulation.png").toFile());
    assertTrue(png.getWidth() > 0);
    assertEquals(2, Files.readAllLines(out.resolve("thresholds.jsonl")).size());
    assertTrue(r.err().contains("simulate ours: round 2/2, 10 clicks on "), r.err());

    Cli.Result probe = Cli.run("simulate", "--scene", scene.toString(), "--methods", "ours", "--rounds", "1",
        "--warmup", "8", "--steps-per-round", "4", "--rays", "64", "--hash-log2", "12", "--hash-max-res", "64",
        "--holdout-every", "3", "--eval-scale", "0.5", "--semantic-head", "probe", "--out", tmp.resolve("probe").toString());
    assertEquals(0, probe.code(), probe.err());
    assertEquals("probe", JSON.readTree(probe.out().strip()).get("semantic_head").asText(), probe.out());

    // Separate runs merge into one report; the probe run is a curve of its own.
    Path merged = tmp.resolve("merged");
    Cli.Result merge = Cli.run("merge-simulations", "--in", out + "," + tmp.resolve("probe"), "--out", merged.toString());
    assertEquals(0, merge.code(), merge.err());
    String[] mergedLines = merge.out().strip().split("\n");
    assertEquals(3, mergedLines.length, merge.out());
    assertEquals("probe", JSON.readTree(mergedLines[2]).get("semantic_head").asText());
    assertEquals(1 + 3 + 3 + 2, Files.readAllLines(merged.resolve("simulation.csv")).size());
    assertTrue(Files.size(merged.resolve("simulation.png")) > 0);
    // A run of another protocol (here: another warm-up) is refused, naming the difference.
    Path shorter = Files.createDirectories(tmp.resolve("shorter"));
    Files.copy(tmp.resolve("probe").resolve("simulation.csv"), shorter.resolve("simulation.csv"));
    Files.writeString(shorter.resolve("thresholds.jsonl"), Files.readString(tmp.resolve("probe").resolve("thresholds.jsonl"))
        .replace("\"warmup_steps\":8", "\"warmup_steps\":4"));
    Cli.Result other = Cli.run("merge-simulations", "--in", out.toString(), "--in", shorter.toString(), "--out",
        tmp.resolve("other").toString());
    assertEquals(2, other.code(), other.err());
    assertTrue(other.err().contains("ran another protocol than 'ours'") && other.err().contains("warm-up 4 steps, expected 8"),
        other.err());
    Cli.Result twice = Cli.run("merge-simulations", "--in", out.toString(), "--in", out.toString(), "--out", merged.toString());
    assertEquals(2, twice.code());
    assertTrue(twice.err().contains("curve 'ours' is also in"), twice.err());
    Cli.Result none = Cli.run("merge-simulations", "--in", tmp.resolve("nothing").toString(), "--out", merged.toString());
    assertEquals(2, none.code());
    assertTrue(none.err().contains("simulation.csv") && none.err().contains("no such file"), none.err());
    Cli.Result novel = Cli.run("simulate", "--scene", scene.toString(), "--methods", "snerf-freq", "--rounds", "1",
        "--warmup", "4", "--steps-per-round", "2", "--rays", "64", "--holdout-every", "3", "--eval-scale", "0.5",
        "--views", "novel", "--out", tmp.resolve("novel").toString());
    assertEquals(0, novel.code(), novel.err());
    assertEquals("novel", JSON.readTree(novel.out().strip()).get("views").asText(), novel.out());
    Cli.Result mixed = Cli.run("merge-simulations", "--in", tmp.resolve("probe").toString(), "--in",
        tmp.resolve("novel").toString(), "--out", tmp.resolve("mixed").toString());
    assertEquals(2, mixed.code());
    assertTrue(mixed.err().contains("rendered its views as 'novel'"), mixed.err());
    Cli.Result badViews = Cli.run("simulate", "--scene", scene.toString(), "--methods", "ours", "--rounds", "1",
        "--views", "sideways", "--out", out.toString());
    assertEquals(2, badViews.code());
    assertTrue(badViews.err().contains("--views: unknown view rendering 'sideways'"), badViews.err());
    Cli.Result badHead = Cli.run("simulate", "--scene", scene.toString(), "--methods", "ours", "--rounds", "1",
        "--semantic-head", "frozen", "--out", out.toString());
    assertEquals(2, badHead.code());
    assertTrue(badHead.err().contains("frozen") && badHead.err().contains("probe"), badHead.err());

    Cli.Result bad = Cli.run("simulate", "--scene", scene.toString(), "--methods", "ours,nerfacto", "--rounds", "1",
        "--out", out.toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("nerfacto"), bad.err());
    AtomicFiles.deleteRecursively(scene.resolve("gt_semantic"));
    Cli.Result noGt = Cli.run("simulate", "--scene", scene.toString(), "--methods", "snerf-freq", "--rounds", "1",
        "--out", out.toString());
    assertEquals(2, noGt.code());
    assertTrue(noGt.err().contains("gt_semantic"), noGt.err());
  }

  @Test
  void tooFewFramesToHoldOutAreRefusedByTheOptionBeforeAnyWork() throws Exception {
    // Before: quickstart named "every 5th frame" (no option of its own) after generating the scene
    // and its features, and simulate checked --holdout-every only after building the features.
    Path out = tmp.resolve("few");
    Cli.Result q = Cli.run("quickstart", "--out", out.toString(), "--frames", "4", "--width", "32", "--height", "24");
    assertEquals(2, q.code(), q.err());
    assertTrue(q.err().contains("--frames must be >= 5 (quickstart scores every 5th frame, held out from training),"
        + " found 4"), q.err());
    assertTrue(java.nio.file.Files.notExists(out.resolve("scene")), "no scene generated");

    Path scene = tmp.resolve("four");
    assertEquals(0, Cli.run("synth", "--frames", "4", "--width", "32", "--height", "24", "--out", scene.toString()).code());
    Cli.Result sim = Cli.run("simulate", "--scene", scene.toString(), "--methods", "ours", "--rounds", "1",
        "--out", tmp.resolve("few-sim").toString());
    assertEquals(2, sim.code(), sim.err());
    assertTrue(sim.err().contains("--holdout-every 5 on --scene " + scene + ": holding out every 5th frame of 4 frames"
        + " leaves 0 held-out and 4 training frames; need at least one of each (at least 5 frames)"), sim.err());
    assertTrue(java.nio.file.Files.notExists(scene.resolve("cache")), "no features built");
  }

  @Test
  void quickstartInAReducedConfigurationWritesEveryResult() throws Exception {
    Path out = tmp.resolve("results");
    Cli.Result r = Cli.run("quickstart", "--out", out.toString(), "--frames", "6", "--width", "32", "--height", "24",
        "--warmup", "8", "--rounds", "1", "--steps-per-round", "4", "--rays", "64", "--hash-log2", "12",
        "--hash-max-res", "64", "--ae-steps", "20");
    assertEquals(0, r.code(), r.err());
    String[] lines = r.out().strip().split("\n");
    assertEquals(3, lines.length, "a thresholds line per method and the summary: " + r.out());
    JsonNode summary = JSON.readTree(lines[2]);
    assertEquals("quickstart", summary.get("command").asText());
    assertEquals("depth", summary.get("settings").get("views").asText(), "rendered as the app shows frames");
    for (String key : new String[] {"simulation_csv", "simulation_plot", "thresholds", "pointcloud", "checkpoint"}) {
      assertTrue(Files.size(Path.of(summary.get(key).asText())) > 0, key);
    }
    for (String f : new String[] {"00000", "00003", "00005"}) {
      assertTrue(Files.exists(out.resolve("overlays/" + f + ".png")), f);
      assertTrue(Files.exists(out.resolve("masks/" + f + ".png")), f);
    }
    assertTrue(Files.exists(out.resolve("scene/gt_semantic/00000.png")));
    assertTrue(Files.exists(out.resolve("summary.json")));
    assertTrue(summary.get("seconds").get("total").asDouble() > 0);
    assertTrue(r.err().contains("Results in"), r.err());
    // The checkpoint it writes serves the other commands.
    Cli.Result e = Cli.run("evaluate", "--scene", out.resolve("scene").toString(), "--checkpoint",
        summary.get("checkpoint").asText(), "--frames", "4");
    assertEquals(0, e.code(), e.err());
  }
}
