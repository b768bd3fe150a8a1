package io.github.bakefeature.core.dataparsers;

import static io.github.bakefeature.core.scene.SceneAssertions.assertIntrinsicsEquals;
import static io.github.bakefeature.core.scene.SceneAssertions.assertPoseEquals;
import static io.github.bakefeature.core.scene.SceneAssertions.maxDepthError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.scene.AnalyticRoom;
import io.github.bakefeature.core.scene.InMemoryScene;
import io.github.bakefeature.core.scene.MalformedSceneTestAccess;
import io.github.bakefeature.core.scene.MultiViewConsistency;
import io.github.bakefeature.core.scene.SceneFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SevenScenesImporterTest {
  /** 7-Scenes-like: principal point at (w/2, h/2), half a pixel off centre. */
  static final CameraIntrinsics K = new CameraIntrinsics(32, 24, 29.25, 29.25, 16, 12);
  @TempDir static Path tmp;
  static InMemoryScene room;
  static Path dir;
  static int cases;

  @BeforeAll
  static void writeSequence() throws IOException {
    room = AnalyticRoom.scene(3, K);
    dir = tmp.resolve("seq-01");
    ForeignLayouts.writeSevenScenes(room, dir, false);
  }

  @Test
  void importsExactCamerasPosesAndDepth() throws IOException {
    Scene s = new SevenScenesImporter().read(dir);
    assertEquals(3, s.size());
    for (int i = 0; i < 3; i++) {
      assertIntrinsicsEquals(K, s.frame(i).intrinsics(), 1e-12, "frame " + i);
      assertPoseEquals(room.frame(i).pose(), s.frame(i).pose(), 1e-9, "frame " + i);
      assertArrayEquals(room.frame(i).rgb().pixels(), s.frame(i).rgb().pixels());
      double err = maxDepthError(room.frame(i).depth().orElseThrow(), s.frame(i).depth().orElseThrow());
      assertTrue(err <= 0.0005 + 1e-6, "depth in rounded millimetres: " + err);
    }
  }

  @Test
  void surfacesOfOverlappingViewsCoincide() throws IOException {
    Scene s = new SevenScenesImporter().read(dir);
    int[][] pairs = {{0, 1}, {1, 2}};
    MultiViewConsistency.Stats ok = Consistency.pooled(s, pairs, 1, UnaryOperator.identity());
    Consistency.report("7scenes", "analytic room 32x24, 2 pairs", ok);
    assertTrue(ok.overlap() > 0.3, ok.toString());
    // The floor of the measure itself: the same pairs on the exact float depth of the fixture
    // (bilinear sampling of the curved sphere at this tiny resolution is not exact).
    MultiViewConsistency.Stats exact = Consistency.pooled(room, pairs, 1, UnaryOperator.identity());
    Consistency.report("7scenes", "exact fixture depth (floor of the measure)", exact);
    // Within the format's depth quantization (0.0005 m) of that floor.
    assertTrue(ok.median() <= exact.median() + 0.0005 && ok.p90() <= exact.p90() + 0.0005, ok + " vs exact " + exact);
    MultiViewConsistency.Stats wrong = Consistency.pooled(s, pairs, 1, ForeignLayouts::inverted);
    assertTrue(!(wrong.median() < 0.05), "wrong convention must disagree: " + wrong);
  }

  @Test
  void jpegColourIsCopiedUnchangedIntoTheScene() throws IOException {
    Path d = tmp.resolve("jpeg");
    ForeignLayouts.writeSevenScenes(room, d, true);
    Files.delete(d.resolve("camera-intrinsics.txt"));
    Files.writeString(d.resolve("camera-intrinsics.txt"), "29.25 0 16\n0 29.25 12\n0 0 1\n");
    SceneFolder out = Importers.importScene("7scenes", d, tmp.resolve("jpeg-out"), (done, total) -> { });
    assertArrayEquals(Files.readAllBytes(d.resolve("frame-000001.color.jpg")),
        Files.readAllBytes(tmp.resolve("jpeg-out/rgb/00001.jpg")));
    assertEquals(3, out.size());
    assertPoseEquals(room.frame(2).pose(), out.frame(2).pose(), 1e-9, "frame 2");
  }

  @Test
  void usesTheDatasetsDefaultCameraFor640x480WithoutIntrinsicsFile() throws IOException {
    InMemoryScene vga = AnalyticRoom.scene(1, SevenScenesImporter.DEFAULT_CAMERA);
    Path d = tmp.resolve("vga");
    ForeignLayouts.writeSevenScenes(vga, d, false);
    Files.delete(d.resolve("camera-intrinsics.txt"));
    Scene s = new SevenScenesImporter().read(d);
    assertIntrinsicsEquals(new CameraIntrinsics(640, 480, 585, 585, 320, 240), s.frame(0).intrinsics(), 0, "default");
  }

  // ---- malformed inputs ------------------------------------------------------------------------

  Path broken() throws IOException {
    Path d = tmp.resolve("broken" + (cases++));
    MalformedSceneTestAccess.copyTree(dir, d);
    return d;
  }

  static void assertFails(Path in, Path file, String problem) {
    InvalidSceneException e = assertThrows(InvalidSceneException.class, () -> new SevenScenesImporter().read(in));
    assertEquals(file, e.file(), e.getMessage());
    assertTrue(e.problem().contains(problem), "expected \"" + problem + "\" in: " + e.getMessage());
  }

  @Test
  void rejectsFrameWithoutPose() throws IOException {
    Path d = broken();
    Files.delete(d.resolve("frame-000001.pose.txt"));
    assertFails(d, d.resolve("frame-000001.pose.txt"), "file does not exist, but frame-000001.color.png does");
  }

  @Test
  void rejectsNonFinitePose() throws IOException {
    Path d = broken();
    Files.writeString(d.resolve("frame-000002.pose.txt"), "1 0 0 0\n0 1 0 0\n0 0 1 inf\n0 0 0 1\n");
    assertFails(d, d.resolve("frame-000002.pose.txt"), "not a rigid pose: matrix has a non-finite entry (Infinity)");
  }

  @Test
  void rejectsDepthWithoutColour() throws IOException {
    Path d = broken();
    Files.copy(d.resolve("frame-000000.depth.png"), d.resolve("frame-000009.depth.png"));
    assertFails(d, d.resolve("frame-000009.depth.png"), "no colour image frame-000009.color.png|jpg");
  }

  @Test
  void rejectsScenesFolderWithAHint() throws IOException {
    Path scene = tmp.resolve("redkitchen");
    Files.createDirectories(scene.resolve("seq-01"));
    assertFails(scene, scene, "pass one of its seq-XX sequence folders");
  }

  @Test
  void rejectsMissingIntrinsicsForNonVgaImages() throws IOException {
    Path d = broken();
    Files.delete(d.resolve("camera-intrinsics.txt"));
    assertFails(d, d.resolve("camera-intrinsics.txt"), "the images are 32x24 while the 7-Scenes default camera");
  }

  @Test
  void rejectsDepthOfAnotherSize() throws IOException {
    Path d = broken();
    ForeignLayouts.write16(d.resolve("frame-000001.depth.png"), 10, 10, new int[100]);
    assertFails(d, d.resolve("frame-000001.depth.png"), "depth is 10x10 but colour is 32x24");
  }

  @Test
  void depthHalvedInOneFrameOnlyNamesTheSizeFound() throws IOException {
    Path d = broken();
    ForeignLayouts.write16(d.resolve("frame-000002.depth.png"), 16, 12, new int[16 * 12]);
    assertFails(d, d.resolve("frame-000002.depth.png"), "expected depth 32x24 like the first frame, found 16x12");
  }
}
