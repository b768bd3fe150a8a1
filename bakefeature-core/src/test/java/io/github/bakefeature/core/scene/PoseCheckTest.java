package io.github.bakefeature.core.scene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PoseCheckTest {
  @TempDir Path tmp;

  private Path dir;

  @BeforeEach
  void scene() throws IOException {
    dir = tmp.resolve("tabletop");
    SceneWriter.write(SyntheticScenes.tabletop(16, 96, 72, 3), dir);
  }

  /** Rewrites every pose/ file as {@code mistake} applied to its world-to-camera matrix. */
  static void rewritePoses(Path scene, UnaryOperator<double[]> mistake) throws IOException {
    try (Stream<Path> files = Files.list(scene.resolve("pose"))) {
      for (Path p : (Iterable<Path>) files::iterator) {
        double[] m = Arrays.stream(Files.readString(p).trim().split("\\s+")).mapToDouble(Double::parseDouble).toArray();
        double[] out = mistake.apply(m);
        StringBuilder s = new StringBuilder();
        for (int r = 0; r < 4; r++) {
          s.append(Arrays.stream(out, r * 4, r * 4 + 4).mapToObj(v -> String.format(Locale.ROOT, "%.17g", v))
              .collect(Collectors.joining(" "))).append('\n');
        }
        Files.writeString(p, s.toString());
      }
    }
    Files.deleteIfExists(scene.resolve("bbox.txt")); // computed from the poses, so stale now
  }

  /** Camera-to-world stored instead of world-to-camera. */
  static double[] inverted(double[] w2c) {
    return Pose.fromWorldToCamera(w2c).cameraToWorld();
  }

  /** World-to-camera in OpenGL camera axes: the camera's y and z rows flipped. */
  static double[] openGl(double[] w2c) {
    double[] m = w2c.clone();
    for (int c = 0; c < 4; c++) {
      m[4 + c] = -m[4 + c];
      m[8 + c] = -m[8 + c];
    }
    return m;
  }

  @Test
  void aSyntheticSceneAsWrittenIsOk() throws IOException {
    PoseCheck c = PoseCheck.check(SceneFolder.open(dir));
    assertEquals("ok", c.verdict(), c.toString());
    assertNull(c.reason());
    assertFalse(c.warning().isPresent());
    assertTrue(c.pairs() > 0 && c.points().get("stored") >= PoseCheck.MIN_POINTS, c.toString());
    assertTrue(c.medianErrorM() < 0.02 * c.medianDepth(), "depth agrees under the stored poses: " + c);
  }

  @Test
  void invertedPoseFilesAreFlaggedAsCameraToWorld() throws IOException {
    rewritePoses(dir, PoseCheckTest::inverted);
    PoseCheck c = PoseCheck.check(SceneFolder.open(dir));
    assertEquals("inverted", c.verdict(), c.toString());
    assertTrue(c.warning().orElseThrow().startsWith(
        "pose/ files look like camera-to-world; the scene format expects world-to-camera"), c.warning().get());
  }

  @Test
  void openGlAxesAreFlagged() throws IOException {
    rewritePoses(dir, PoseCheckTest::openGl);
    PoseCheck c = PoseCheck.check(SceneFolder.open(dir));
    assertEquals("opengl", c.verdict(), c.toString());
    assertTrue(c.warning().orElseThrow().contains("OpenGL camera axes"), c.warning().get());
  }

  @Test
  void cameraToWorldInOpenGlAxesIsFlaggedAsBoth() throws IOException {
    rewritePoses(dir, m -> inverted(openGl(m)));
    PoseCheck c = PoseCheck.check(SceneFolder.open(dir));
    assertEquals("inverted_opengl", c.verdict(), c.toString());
  }

  @Test
  void posesOfOtherFramesAreFlaggedAsInconsistent() throws IOException {
    // Poses shifted by three frames (as when colour, depth and a trajectory are not time-aligned):
    // no convention makes the depth of overlapping frames agree.
    SceneFolder original = SceneFolder.open(dir);
    InMemoryScene.Builder b = InMemoryScene.builder();
    for (int i = 0; i < original.size(); i++) {
      Frame f = original.frame(i);
      Pose shifted = original.frame((i + 3) % original.size()).pose();
      b.addFrame(f.intrinsics(), shifted, f.rgb(), f.depth().orElseThrow(), null, null);
    }
    PoseCheck c = PoseCheck.check(b.build());
    assertEquals("inconsistent", c.verdict(), c.toString());
    assertTrue(c.suspicious());
    assertTrue(c.medianErrorM() > PoseCheck.INCONSISTENT_FRACTION * c.medianDepth(), c.toString());
    assertTrue(c.warning().orElseThrow().startsWith("depth of overlapping frames disagrees by a median "),
        c.warning().get());
    assertTrue(c.warning().get().contains("no other pose convention makes it agree"), c.warning().get());
  }

  @Test
  void depthInTheWrongUnitsIsFlaggedAsInconsistent() throws IOException {
    // Depth read at 4x its true scale (e.g. quarter-millimetre units written as millimetres).
    SceneFolder original = SceneFolder.open(dir);
    InMemoryScene.Builder b = InMemoryScene.builder();
    for (Frame f : original.frames()) {
      var d = f.depth().orElseThrow();
      float[] scaled = new float[d.width() * d.height()];
      for (int y = 0; y < d.height(); y++) {
        for (int x = 0; x < d.width(); x++) {
          scaled[y * d.width() + x] = d.get(x, y) * 4;
        }
      }
      b.addFrame(f.intrinsics(), f.pose(), f.rgb(), new DepthImage(d.width(),
          d.height(), scaled), null, null);
    }
    PoseCheck c = PoseCheck.check(b.build());
    assertEquals("inconsistent", c.verdict(), c.toString());
  }

  @Test
  void aSceneWithoutDepthIsUncheckedWithTheReason() throws IOException {
    InMemoryScene.Builder b = InMemoryScene.builder();
    for (Frame f : SyntheticScenes.tabletop(3, 32, 24, 1).frames()) {
      b.addFrame(f.intrinsics(), f.pose(), f.rgb(), null, null, null);
    }
    PoseCheck c = PoseCheck.check(b.build());
    assertEquals("unchecked", c.verdict());
    assertEquals("expected at least 2 frames with depth to compare, found 0", c.reason());
    assertEquals("unchecked", SceneInspector.inspect(b.build()).poseCheck().verdict());
  }

  @Test
  void framesThatNeverOverlapAreUncheckedWithTheReason() throws IOException {
    // Every camera looks away from the others' surfaces: move them far apart along their own axis.
    InMemoryScene.Builder b = InMemoryScene.builder();
    int i = 0;
    for (Frame f : SyntheticScenes.tabletop(4, 32, 24, 1).frames()) {
      double[] w2c = f.pose().worldToCamera();
      w2c[3] += 1000 * i++;
      b.addFrame(f.intrinsics(), Pose.fromWorldToCamera(w2c), f.rgb(), f.depth().orElseThrow(), null, null);
    }
    PoseCheck c = PoseCheck.check(b.build());
    assertEquals("unchecked", c.verdict(), c.toString());
    assertTrue(c.reason().startsWith("expected at least 100 depth pixels seen by two frames"), c.reason());
  }
}
