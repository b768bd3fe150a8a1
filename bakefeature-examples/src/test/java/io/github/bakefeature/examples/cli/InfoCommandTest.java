package io.github.bakefeature.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bakefeature.core.scene.AnalyticRoom;
import io.github.bakefeature.core.scene.SceneWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
