package io.github.bakefeature.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** How invalid input is reported: one line and exit code 2; with BAKEFEATURE_DEBUG, a stack trace too. */
class ErrorReportingTest {
  @TempDir Path tmp;

  private static Cli.Result run(boolean debug, String... args) {
    CommandLine cl = BakeFeatureCli.newCommandLine(debug);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return new Cli.Result(cl.execute(args), out.toString(), err.toString());
  }

  @Test
  void invalidSceneIsOneLineUnlessDebugAsksForTheStackTrace() {
    String missing = tmp.resolve("nope").toString();
    Cli.Result plain = run(false, "info", "--scene", missing);
    assertEquals(2, plain.code());
    assertEquals(1, plain.err().strip().lines().count(), plain.err());
    assertTrue(plain.err().startsWith("bakefeature info: " + missing + ": scene folder does not exist"), plain.err());

    Cli.Result debug = run(true, "info", "--scene", missing);
    assertEquals(2, debug.code());
    assertTrue(debug.err().startsWith(plain.err().strip() + System.lineSeparator()), debug.err());
    assertTrue(debug.err().contains("InvalidSceneException"), debug.err());
    assertTrue(debug.err().contains("\tat io.github.bakefeature."), debug.err());
  }

  @Test
  void unknownOrMissingOptionIsOneLineWithAHint() {
    Cli.Result typo = run(false, "info", "--scene", tmp.toString(), "--sene");
    assertEquals(2, typo.code());
    assertEquals(1, typo.err().strip().lines().count(), typo.err());
    assertTrue(typo.err().startsWith("bakefeature info: Unknown option: '--sene'"), typo.err());
    assertTrue(typo.err().strip().endsWith("(bakefeature info --help lists them)"), typo.err());
    Cli.Result missing = run(false, "info");
    assertEquals(2, missing.code());
    assertEquals(1, missing.err().strip().lines().count(), missing.err());
    assertTrue(missing.err().startsWith("bakefeature info: Missing required option: '--scene=DIR'"), missing.err());
    Cli.Result command = run(false, "trian");
    assertEquals(2, command.code());
    assertTrue(command.err().startsWith("bakefeature: Unmatched argument at index 0: 'trian'"), command.err());
    assertTrue(command.err().contains("did you mean train?"), command.err());
  }

  @Test
  void aMistypedRequiredOptionIsReportedAsTheTypoNotAsMissing() {
    // Before: "Missing required option: '--scene=DIR'", which sends the user looking for the wrong fix.
    Cli.Result typo = run(false, "info", "--scnee", tmp.toString());
    assertEquals(2, typo.code());
    assertEquals(1, typo.err().strip().lines().count(), typo.err());
    assertTrue(typo.err().startsWith("bakefeature info: Unknown options: '--scnee'") && typo.err().contains("did you mean --scene?"),
        typo.err());
  }

  @Test
  void valuesTheLibraryRefusesAreReportedUnderTheOptionsName() throws Exception {
    // Before: "components to keep must be >= 0, found -1" and the like, naming no option.
    Path scene = tmp.resolve("scene");
    assertEquals(0, Cli.run("synth", "--frames", "2", "--width", "16", "--height", "12", "--out", scene.toString()).code());
    Path ckpt = tmp.resolve("absent.ckpt");
    String[][] cases = {
        {"--keep-components: components to keep must be >= 0, found -1", "export", "--masks", tmp.resolve("m").toString(),
            "--keep-components", "-1"},
        {"--connectivity: connectivity must be 4 or 8, found 5", "segment", "--out", tmp.resolve("s").toString(),
            "--connectivity", "5"},
        {"--render-scale: mask render scale must be in (0, 1], found 0.0", "segment", "--out", tmp.resolve("s").toString(),
            "--render-scale", "0"},
        {"--frame-stride: frame stride must be >= 1, found 0", "export", "--pointcloud", tmp.resolve("p.ply").toString(),
            "--frame-stride", "0"},
        {"--voxel: voxel size must be a positive number of metres, found -1.0", "export", "--pointcloud",
            tmp.resolve("p.ply").toString(), "--voxel", "-1"}};
    for (String[] c : cases) {
      String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of(c[1], "--scene", scene.toString(),
          "--checkpoint", ckpt.toString()), java.util.Arrays.stream(c, 2, c.length)).toArray(String[]::new);
      Cli.Result r = run(false, args);
      assertEquals(2, r.code(), r.err());
      assertTrue(r.err().contains(c[0]), r.err());
    }
    Cli.Result rays = run(false, "train", "--scene", scene.toString(), "--rays", "1", "--out", ckpt.toString());
    assertEquals(2, rays.code(), rays.err());
    assertTrue(rays.err().startsWith("bakefeature train: --rays: rays per batch must be in [2, "), rays.err());
  }

  @Test
  void invalidOptionValueIsOneLineUnlessDebugAsksForTheStackTrace() throws Exception {
    Path scene = tmp.resolve("scene");
    assertEquals(0, Cli.run("synth", "--frames", "2", "--width", "16", "--height", "12", "--out", scene.toString()).code());
    Path notACheckpoint = Files.writeString(tmp.resolve("model.ckpt"), "not a checkpoint");
    String[] args = {"render", "--scene", scene.toString(), "--checkpoint", notACheckpoint.toString(), "--frame", "5",
        "--out", tmp.resolve("r").toString()};
    Cli.Result plain = run(false, args);
    assertEquals(2, plain.code());
    assertEquals(1, plain.err().strip().lines().count(), plain.err());
    assertFalse(plain.err().contains("\tat "), plain.err());

    Cli.Result debug = run(true, args);
    assertEquals(2, debug.code());
    assertTrue(debug.err().startsWith(plain.err().strip() + System.lineSeparator()), debug.err());
    assertTrue(debug.err().contains("\tat io.github.bakefeature."), debug.err());
  }
}
