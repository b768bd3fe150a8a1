package io.github.bakefeature.core.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bakefeature.core.data.ColourFeatures;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.fields.SemanticHead;
import io.github.bakefeature.core.pipelines.TrainerConfig;
import io.github.bakefeature.core.scene.InMemoryScene;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A few rounds on a tiny scene with a small hash table: outputs, click counts, determinism. */
class UserSimulationTest {
  private static InMemoryScene scene;

  @TempDir
  Path tmp;

  @BeforeAll
  static void makeScene() {
    scene = SyntheticScenes.tabletop(6, 32, 24, 4);
  }

  static UserSimulation.Builder tiny(MethodPreset m, long seed) {
    return UserSimulation.builder(scene)
        .optMethod(m)
        .optFeatures(ColourFeatures.of(scene))
        .optWarmupSteps(10)
        .optRounds(3)
        .optStepsPerRound(5)
        .optHeldOutEvery(3)
        .optEvaluationScale(0.5)
        .optFieldOptions(b -> b.optHashLog2TableSize(12).optHashMaxResolution(128))
        .optTrainerConfig(TrainerConfig.builder().optRaysPerBatch(128).optSeed(seed).build())
        .optSeed(seed);
  }

  @Test
  void roundsAddFiveClicksEachAndTheSameSeedGivesTheSameRun() throws Exception {
    List<SimulationRound> seen = new ArrayList<>();
    UserSimulation sim = tiny(MethodPreset.SNERF_FREQ, 5).optListener(seen::add).build();
    SimulationResult a = sim.run();
    SimulationResult b = tiny(MethodPreset.SNERF_FREQ, 5).build().run();
    assertEquals(4, a.rounds().size(), "round 0 (warm-up) plus three rounds");
    assertEquals(a.rounds(), seen, "the listener sees every round");
    org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {2, 5}, a.heldOutFrames());
    assertEquals(16, a.evaluationWidth());
    assertEquals(12, a.evaluationHeight());
    double lastWall = -1;
    for (int i = 0; i < a.rounds().size(); i++) {
      SimulationRound ra = a.rounds().get(i);
      SimulationRound rb = b.rounds().get(i);
      assertEquals(i, ra.round());
      assertEquals(5 * i, ra.clicks(), "clicks grow by five per round");
      assertEquals(10 + 5L * i, ra.steps());
      assertTrue(ra.wallSeconds() > lastWall || i == 0, "wall time grows");
      lastWall = ra.wallSeconds();
      assertTrue(ra.miou() >= 0 && ra.miou() <= 1, "mIoU " + ra.miou());
      assertEquals(ra.clicks(), rb.clicks());
      assertEquals(ra.steps(), rb.steps());
      assertEquals(ra.miou(), rb.miou(), "round " + i + ": same seed, same mIoU");
      assertEquals(ra.classesClicked(), rb.classesClicked());
      assertTrue(i == 0 ? ra.classesClicked() == 0
              : ra.classesClicked() >= 1 && ra.classesClicked() <= Math.min(ra.clicks(), scene.classNames().size())
                  && ra.classesClicked() >= a.rounds().get(i - 1).classesClicked(),
          "round " + i + ": " + ra.classesClicked() + " classes clicked after " + ra.clicks() + " clicks");
    }
    assertEquals(0.0, a.rounds().get(0).wallSeconds());
    assertTrue(sim.finalModel() != null && sim.finalModel().step() == 10 + 15);
  }

  @Test
  void reportWritesCsvPlotAndThresholdsForEveryMethod() throws Exception {
    List<SimulationResult> results = new ArrayList<>();
    for (MethodPreset m : new MethodPreset[] {MethodPreset.OURS, MethodPreset.SNERF_FREQ}) {
      results.add(tiny(m, 1).optRounds(2).build().run());
    }
    SimulationReport.Files3 files = SimulationReport.write(results, tmp.resolve("out"));
    List<String> csv = Files.readAllLines(files.csv());
    assertEquals("method,round,clicks,steps,wall_seconds,miou,semantic_head,classes_clicked", csv.get(0));
    assertEquals(1 + 2 * 3, csv.size());
    assertTrue(csv.get(1).startsWith("ours,0,0,10,0.000,"), csv.get(1));
    assertTrue(csv.get(6).startsWith("snerf-freq,2,10,20,"), csv.get(6));
    BufferedImage png = ImageIO.read(files.plot().toFile());
    assertEquals(1200, png.getWidth());
    assertEquals(480, png.getHeight());
    List<String> lines = Files.readAllLines(files.thresholds());
    assertEquals(2, lines.size());
    JsonNode ours = new ObjectMapper().readTree(lines.get(0));
    assertEquals("ours", ours.get("method").asText());
    for (String k : new String[] {"clicks_to_80", "seconds_to_80", "clicks_to_90", "seconds_to_90", "final_miou",
        "warmup_seconds"}) {
      assertTrue(ours.has(k), "missing " + k + " in " + lines.get(0));
    }
    assertEquals(10, ours.get("clicks").asInt());
    assertEquals(128, ours.get("rays").asInt(), "the rays per step the trainer used");
  }

  @Test
  void thresholdsAreTheFirstRoundAtOrAboveEachLevelOrNull() {
    SimulationResult r = new SimulationResult("ours", SemanticHead.DAMPED, ViewRendering.MEASURED_DEPTH, 0, 100, 256, 3.0, 1.0, new int[] {4}, 8, 6, List.of(
        new SimulationRound("ours", 0, 0, 100, 0, 0.2),
        new SimulationRound("ours", 1, 5, 350, 1.5, 0.81),
        new SimulationRound("ours", 2, 10, 600, 3.25, 0.79),
        new SimulationRound("ours", 3, 15, 850, 4.5, 0.85)));
    JsonNode line = new ObjectMapper().valueToTree(SimulationReport.thresholds(List.of(r)).get(0));
    assertEquals(5, line.get("clicks_to_80").asInt());
    assertEquals(1.5, line.get("seconds_to_80").asDouble());
    assertTrue(line.get("clicks_to_90").isNull());
    assertTrue(line.get("seconds_to_90").isNull());
    assertEquals(0.85, line.get("final_miou").asDouble());
    assertEquals("damped", line.get("semantic_head").asText());
    String csv = SimulationReport.csv(List.of(r));
    assertTrue(csv.contains("ours,2,10,600,3.250,0.790000,damped,\n"), csv);
  }

  @Test
  void scoresHeldOutFramesAroundTheirMeasuredDepthUnlessToldToRenderNovelViews() throws Exception {
    UserSimulation aroundDepth = tiny(MethodPreset.SNERF_FREQ, 3).optRounds(0).build();
    UserSimulation novel = tiny(MethodPreset.SNERF_FREQ, 3).optRounds(0).optViews(ViewRendering.NOVEL).build();
    SimulationResult a = aroundDepth.run();
    SimulationResult n = novel.run();
    assertEquals(ViewRendering.MEASURED_DEPTH, a.views(), "the default renders frames as the app shows them");
    assertEquals(ViewRendering.NOVEL, n.views());
    // Round 0 scores the warm-up model, which both runs trained identically (same seed).
    double byDepth = heldOutMiou(aroundDepth.finalModel(), a, true);
    double byMarching = heldOutMiou(aroundDepth.finalModel(), a, false);
    org.junit.jupiter.api.Assertions.assertNotEquals(byDepth, byMarching, "the fixture tells the two renders apart");
    assertEquals(byDepth, a.rounds().get(0).miou(), 1e-12);
    assertEquals(byMarching, n.rounds().get(0).miou(), 1e-12);
    assertEquals(byMarching, heldOutMiou(novel.finalModel(), n, false), 1e-12, "same warm-up in both runs");
  }

  /** mIoU of the held-out frames of {@code r} rendered by {@code model} at the run's evaluation size. */
  private static double heldOutMiou(io.github.bakefeature.core.pipelines.SemanticFieldModel model, SimulationResult r,
                                    boolean aroundDepth) throws Exception {
    var metrics = new io.github.bakefeature.core.eval.SegmentationMetrics(Math.max(2, scene.classNames().size()));
    var classes = java.util.EnumSet.of(io.github.bakefeature.api.field.RenderOutput.CLASSES);
    for (int f : r.heldOutFrames()) {
      var frame = scene.frame(f);
      var camera = frame.intrinsics().resized(r.evaluationWidth(), r.evaluationHeight());
      var view = aroundDepth ? model.renderFrame(frame, camera, classes) : model.render(camera, frame.pose(), classes);
      metrics.add(view.classes(), UserSimulation.sample(frame.groundTruth().orElseThrow(), camera.width(), camera.height()));
    }
    return metrics.meanIou();
  }

  @Test
  void refusesScenesWithoutGroundTruthAndEmptySplits() {
    InMemoryScene noGt = InMemoryScene.builder().optBounds(scene.bounds())
        .addFrame(scene.frame(0).intrinsics(), scene.frame(0).pose(), rgb(0), null, null, null).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> UserSimulation.builder(noGt).optMethod(MethodPreset.SNERF_FREQ).build().run());
    assertTrue(e.getMessage().contains("dense ground truth"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> tiny(MethodPreset.SNERF_FREQ, 0).optHeldOutEvery(7).build().run());
    assertTrue(e.getMessage().contains("0 held-out"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> UserSimulation.builder(scene).build());
    assertTrue(e.getMessage().contains("feature targets"), e.getMessage());
  }

  @Test
  void aFrameWithoutGroundTruthFailsBeforeTheWarmUpNamingTheMissingFile() throws Exception {
    Path dir = tmp.resolve("scene");
    io.github.bakefeature.core.scene.SceneWriter.write(scene, dir);
    Path missing = dir.resolve("gt_semantic").resolve(scene.frame(4).name() + ".png");
    Files.delete(missing);
    io.github.bakefeature.api.scene.Scene folder = io.github.bakefeature.core.scene.SceneFolder.open(dir);
    List<Long> warmUpSteps = new ArrayList<>();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> UserSimulation.builder(folder).optMethod(MethodPreset.SNERF_FREQ).optWarmupSteps(25).optHeldOutEvery(3)
            .optProgress((stage, done, total) -> warmUpSteps.add(done)).build().run());
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    assertEquals(List.of(), warmUpSteps, "no training before the check");
  }

  private static io.github.bakefeature.api.scene.RgbImage rgb(int i) {
    try {
      return scene.frame(i).rgb();
    } catch (java.io.IOException ex) {
      throw new java.io.UncheckedIOException(ex);
    }
  }

  @Test
  void framesTriedAfterTheFirstAreEveryOtherTrainingFrameOnce() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(3);
    for (int n = 1; n < 30; n++) {
      int first = r.nextInt(n);
      int[] others = UserSimulation.otherFrames(first, n, r);
      int[] sorted = others.clone();
      java.util.Arrays.sort(sorted);
      int[] expected = java.util.stream.IntStream.range(0, n).filter(i -> i != first).toArray();
      org.junit.jupiter.api.Assertions.assertArrayEquals(expected, sorted, "n " + n + ", first " + first);
    }
  }
}
