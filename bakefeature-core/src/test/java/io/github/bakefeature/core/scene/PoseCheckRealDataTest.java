package io.github.bakefeature.core.scene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.bakefeature.core.dataparsers.Importers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PoseCheck} on real captured data: the 7-Scenes sample (100 frames of "redkitchen" in the
 * project's shared data, never in the repository) imported as it is passes, and with its pose files
 * rewritten in the usual wrong conventions is flagged. Skips with the reason when the data is
 * absent; {@link PoseCheckTest} covers the same on a synthetic scene.
 */
class PoseCheckRealDataTest {
  static final String NAME = "7scenes-redkitchen-100";

  @Test
  void importedSevenScenesSampleIsOkAndItsWrongConventionsAreFlagged(@TempDir Path tmp) throws IOException {
    Optional<Path> data = SharedData.find(NAME);
    assumeTrue(data.isPresent(), SharedData.whyMissing(NAME));
    Path dir = tmp.resolve("redkitchen");
    Importers.importScene("7scenes", data.get(), dir, (done, total) -> { });

    SceneFolder scene = SceneFolder.open(dir);
    long start = System.nanoTime();
    PoseCheck ok = PoseCheck.check(scene);
    double seconds = (System.nanoTime() - start) / 1e9;
    report("as imported", ok, seconds);
    assertEquals("ok", ok.verdict(), ok.toString());
    assertEquals(PoseCheck.MAX_PAIRS, ok.pairs());
    // Kinect v1 depth noise at 1-3 m is 1-3 cm; the wrong conventions are off by decimetres.
    assertTrue(ok.medianErrorM() < 0.03, ok.toString());
    // Its time (about 0.4 s cold, 16 depth maps decoded) is printed in the JSON line, not asserted.

    PoseCheckTest.rewritePoses(dir, PoseCheckTest::inverted);
    PoseCheck inverted = PoseCheck.check(SceneFolder.open(dir));
    report("camera-to-world", inverted, Double.NaN);
    assertEquals("inverted", inverted.verdict(), inverted.toString());

    PoseCheckTest.rewritePoses(dir, PoseCheckTest::inverted); // back to world-to-camera
    PoseCheckTest.rewritePoses(dir, PoseCheckTest::openGl);
    PoseCheck openGl = PoseCheck.check(SceneFolder.open(dir));
    report("OpenGL axes", openGl, Double.NaN);
    assertEquals("opengl", openGl.verdict(), openGl.toString());
  }

  private static void report(String what, PoseCheck c, double seconds) {
    StringBuilder errors = new StringBuilder();
    c.medianErrors().forEach((h, e) -> errors.append(errors.length() == 0 ? "" : ",").append('"').append(h)
        .append("\":").append(Double.isFinite(e) ? String.format(java.util.Locale.ROOT, "%.5f", e) : "null"));
    System.out.println("{\"metric\":\"7scenes_pose_check\",\"poses\":\"" + what + "\",\"verdict\":\"" + c.verdict()
        + "\",\"median_error_m\":{" + errors + "}" + (Double.isNaN(seconds) ? "" : ",\"seconds\":" + seconds) + "}");
  }
}
