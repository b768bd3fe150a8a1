package io.github.bakefeature.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bakefeature.core.scene.SceneFolder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SynthCommandTest {

  /** Runs the CLI in-process; returns {exit code, stdout, stderr}. */
  private static Object[] run(String... args) {
    CommandLine cl = BakeFeatureCli.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Object[] {code, out.toString(), err.toString()};
  }

  @Test
  void writesAValidSceneAndPrintsOneJsonSummary(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("scene");
    Object[] r = run("synth", "--preset", "room", "--frames", "3", "--width", "48", "--height", "36", "--seed", "5",
        "--depth-noise", "0.01", "--depth-holes", "0.05", "--out", dir.toString());
    assertEquals(0, r[0], "stderr: " + r[2]);
    String[] lines = ((String) r[1]).strip().split("\n");
    assertEquals(1, lines.length, "one JSON line on stdout, found: " + r[1]);
    JsonNode json = new ObjectMapper().readTree(lines[0]);
    assertEquals(3, json.get("frames").asInt());
    assertEquals(48, json.get("width").asInt());
    assertEquals(36, json.get("height").asInt());
    assertEquals(10, json.get("n_classes").asInt());
    assertEquals(10, json.get("classes").size());
    assertEquals(dir.toAbsolutePath().toString(), json.get("out").asText());
    assertTrue(json.get("seconds").asDouble() >= 0);
    assertTrue(((String) r[2]).contains("rendered 3/3 frames"), "progress on stderr: " + r[2]);

    SceneFolder scene = SceneFolder.open(dir);
    assertEquals(3, scene.size());
    assertEquals(48, scene.width());
    assertEquals("floor", scene.classNames().get(0));
    assertTrue(scene.hasGroundTruth());
    assertTrue(scene.frame(0).depth().orElseThrow().coverage() < 1, "holes were requested");
  }

  @Test
  void refusesANonEmptyOutputFolderUnlessForced(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("scene");
    assertEquals(0, run("synth", "--frames", "2", "--width", "32", "--height", "24", "--out", dir.toString())[0]);
    Path mine = dir.resolve("notes.txt");
    Files.writeString(mine, "keep me");
    Object[] again = run("synth", "--frames", "1", "--width", "32", "--height", "24", "--out", dir.toString());
    assertEquals(BakeFeatureCli.EXIT_INVALID_INPUT, again[0]);
    assertTrue(((String) again[2]).contains("not empty"), (String) again[2]);

    // Invalid options never touch the existing scene, even with --force.
    assertEquals(BakeFeatureCli.EXIT_INVALID_INPUT,
        run("synth", "--frames", "0", "--out", dir.toString(), "--force")[0]);
    assertTrue(Files.exists(dir.resolve("rgb/00001.png")));

    Files.createDirectories(dir.resolve("cache/features"));
    Object[] forced = run("synth", "--frames", "1", "--width", "32", "--height", "24", "--out", dir.toString(),
        "--force");
    assertEquals(0, forced[0], (String) forced[2]);
    // The old frame 00001 is gone with the old scene, and so is its feature cache; the user's own file stays.
    assertEquals(1, SceneFolder.open(dir).size());
    assertFalse(Files.exists(dir.resolve("rgb/00001.png")));
    assertFalse(Files.exists(dir.resolve("cache")));
    assertEquals("keep me", Files.readString(mine));
    try (java.util.stream.Stream<Path> siblings = Files.list(tmp)) {
      assertEquals(List.of("scene"), siblings.map(p -> p.getFileName().toString()).toList(),
          "no staging or set-aside folder left behind");
    }
  }

  @Test
  void rejectsInvalidOptionsWithExitCodeTwo(@TempDir Path tmp) {
    String out = tmp.resolve("x").toString();
    Object[] preset = run("synth", "--preset", "kitchen", "--out", out);
    assertEquals(BakeFeatureCli.EXIT_INVALID_INPUT, preset[0]);
    assertTrue(((String) preset[2]).contains("kitchen"));
    assertEquals(BakeFeatureCli.EXIT_INVALID_INPUT, run("synth", "--frames", "0", "--out", out)[0]);
    assertEquals(BakeFeatureCli.EXIT_INVALID_INPUT, run("synth", "--depth-noise", "-1", "--out", out)[0]);
    assertEquals(BakeFeatureCli.EXIT_INVALID_INPUT, run("synth", "--frames", "2")[0], "--out is required");
    assertFalse(Files.exists(tmp.resolve("x")), "nothing is written on invalid input");
  }
}
