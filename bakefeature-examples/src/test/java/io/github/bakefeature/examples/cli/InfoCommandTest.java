package io.github.bakefeature.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.core.scene.AnalyticRoom;
import io.github.bakefeature.core.scene.SceneWriter;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfoCommandTest {
  @TempDir Path tmp;

  @Test
  void printsOneJsonLineDescribingTheScene() throws Exception {
    Path dir = tmp.resolve("s");
    SceneWriter.write(AnalyticRoom.scene(3, 16, 12, 70), dir);
    Files.delete(dir.resolve("bbox.txt"));
    CliRun r = CliRun.run("info", "--scene", dir.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertEquals(1, r.outLines().length, r.out());
    JsonNode j = new ObjectMapper().readTree(r.outLines()[0]);
    assertEquals(dir.toString(), j.get("scene").asText());
    assertEquals(3, j.get("frames").asInt());
    assertEquals(16, j.get("width").asInt());
    assertEquals(12, j.get("height").asInt());
    assertEquals(4, j.get("classes").asInt());
    assertEquals("sphere", j.get("class_names").get(3).asText());
    assertEquals(6, j.get("bounds").size());
    assertTrue(j.get("bounds_computed").asBoolean());
    assertEquals("depth", j.get("bounds_source").asText());
    assertTrue(j.get("bounds_warning").isNull());
    assertEquals(1.0, j.get("depth_coverage").asDouble(), 1e-9);
    assertTrue(j.get("has_ground_truth").asBoolean());
    assertEquals(2, j.get("annotated_frames").asInt());
    assertEquals("ok", j.get("pose_check").get("verdict").asText(), j.get("pose_check").toString());
    assertTrue(j.get("pose_check").get("median_error_m").isNumber(), j.get("pose_check").toString());
    assertTrue(!r.err().contains("pose/ files"), r.err());
  }

  /** Rewrites every pose/ file with {@code mistake} applied to its world-to-camera matrix. */
  private static void rewritePoses(Path scene, UnaryOperator<double[]> mistake) throws Exception {
    try (Stream<Path> files = Files.list(scene.resolve("pose"))) {
      for (Path p : (Iterable<Path>) files::iterator) {
        double[] m = Arrays.stream(Files.readString(p).trim().split("\\s+")).mapToDouble(Double::parseDouble).toArray();
        double[] out = mistake.apply(m);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 16; i++) {
          text.append(String.format(Locale.ROOT, "%.17g", out[i])).append(i % 4 == 3 ? "\n" : " ");
        }
        Files.writeString(p, text.toString());
      }
    }
    Files.deleteIfExists(scene.resolve("bbox.txt"));
  }

  private static JsonNode infoOfTabletop(Path dir, UnaryOperator<double[]> mistake, CliRun[] run) throws Exception {
    SceneWriter.write(SyntheticScenes.tabletop(16, 96, 72, 3), dir);
    rewritePoses(dir, mistake);
    CliRun r = CliRun.run("info", "--scene", dir.toString());
    run[0] = r;
    assertEquals(0, r.exitCode(), "a suspicious pose convention is a warning, not a failure: " + r.err());
    return new ObjectMapper().readTree(r.outLines()[0]).get("pose_check");
  }

  @Test
  void syntheticSceneAsWrittenPassesThePoseCheck() throws Exception {
    CliRun[] r = new CliRun[1];
    JsonNode c = infoOfTabletop(tmp.resolve("s"), UnaryOperator.identity(), r);
    assertEquals("ok", c.get("verdict").asText(), c.toString());
    assertTrue(!r[0].err().contains("warning"), r[0].err());
  }

  @Test
  void cameraToWorldPoseFilesAreAWarningOnStderrAndInTheJsonLine() throws Exception {
    CliRun[] r = new CliRun[1];
    JsonNode c = infoOfTabletop(tmp.resolve("s"), m -> Pose.fromWorldToCamera(m).cameraToWorld(), r);
    assertEquals("inverted", c.get("verdict").asText(), c.toString());
    assertTrue(r[0].err().contains("bakefeature info: warning: pose/ files look like camera-to-world; the scene format"
        + " expects world-to-camera"), r[0].err());
    JsonNode errors = c.get("median_error_m_by_hypothesis");
    assertTrue(errors.get("inverted").asDouble() < errors.get("stored").asDouble() / 3, c.toString());
  }

  @Test
  void openGlAxesInPoseFilesAreAWarning() throws Exception {
    CliRun[] r = new CliRun[1];
    JsonNode c = infoOfTabletop(tmp.resolve("s"), m -> {
      double[] gl = m.clone();
      for (int k = 4; k < 12; k++) {
        gl[k] = -gl[k]; // rows y and z of world-to-camera
      }
      return gl;
    }, r);
    assertEquals("opengl", c.get("verdict").asText(), c.toString());
    assertTrue(r[0].err().contains("bakefeature info: warning: pose/ files look like they use OpenGL camera axes"),
        r[0].err());
  }

  @Test
  void reportsFrustaAsTheBoundsSourceWithoutDepthOrBbox() throws Exception {
    Path dir = tmp.resolve("s");
    SceneWriter.write(AnalyticRoom.scene(2, 16, 12, 70), dir);
    Files.delete(dir.resolve("bbox.txt"));
    io.github.bakefeature.core.io.AtomicFiles.deleteRecursively(dir.resolve("depth"));
    CliRun r = CliRun.run("info", "--scene", dir.toString());
    assertEquals(0, r.exitCode(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.outLines()[0]);
    assertEquals("cameras+frusta", j.get("bounds_source").asText());
    assertEquals(0, j.get("depth_frames").asInt());
    assertEquals("unchecked", j.get("pose_check").get("verdict").asText());
    assertEquals("the scene has no depth", j.get("pose_check").get("reason").asText());
  }

  @Test
  void bboxAwayFromTheSceneIsAWarningOnStderrAndInTheJsonLine() throws Exception {
    Path dir = tmp.resolve("s");
    SceneWriter.write(AnalyticRoom.scene(3, 16, 12, 70), dir);
    Files.writeString(dir.resolve("bbox.txt"), "100 100 0 104 104 2.5 0.01\n");
    CliRun r = CliRun.run("info", "--scene", dir.toString());
    assertEquals(0, r.exitCode(), r.err());
    String expected = "bakefeature info: warning: " + dir.resolve("bbox.txt") + ": no camera centre lies inside the box";
    assertTrue(r.err().contains(expected), r.err());
    JsonNode j = new ObjectMapper().readTree(r.outLines()[0]);
    assertEquals("bbox.txt", j.get("bounds_source").asText());
    assertTrue(j.get("bounds_warning").asText().startsWith(dir.resolve("bbox.txt") + ": no camera centre"),
        j.get("bounds_warning").asText());
  }

  @Test
  void truncatedImageIsFoundAndExitsWithTwo() throws Exception {
    Path dir = tmp.resolve("s");
    SceneWriter.write(AnalyticRoom.scene(3, 16, 12, 70), dir);
    Path victim = dir.resolve("depth/00002.png");
    byte[] b = Files.readAllBytes(victim);
    Files.write(victim, Arrays.copyOf(b, b.length / 2));
    CliRun r = CliRun.run("info", "--scene", dir.toString());
    assertEquals(2, r.exitCode());
    assertEquals("", r.out());
    assertTrue(r.err().startsWith("bakefeature info: " + victim + ": corrupt or truncated image"), r.err());
  }

  @Test
  void missingSceneExitsWithTwo() {
    CliRun r = CliRun.run("info", "--scene", tmp.resolve("nope").toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("nope: scene folder does not exist"), r.err());
  }
}
