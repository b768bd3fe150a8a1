package io.github.bakefeature.core.dataparsers;

import static io.github.bakefeature.core.scene.SceneAssertions.assertIntrinsicsEquals;
import static io.github.bakefeature.core.scene.SceneAssertions.assertPoseEquals;
import static io.github.bakefeature.core.scene.SceneAssertions.assertScenesEqual;
import static io.github.bakefeature.core.scene.SceneAssertions.maxDepthError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
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
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransformsJsonImporterTest {
  /** A camera with fx != fy and an off-centre principal point, so no axis can be mixed up unnoticed. */
  static final CameraIntrinsics K = new CameraIntrinsics(40, 30, 33.0, 35.5, 18.7, 15.2);
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  static InMemoryScene room;
  static Path dir;
  static int cases;

  @BeforeAll
  static void writeDataset() throws IOException {
    room = AnalyticRoom.scene(11, K);
    dir = tmp.resolve("ns");
    ForeignLayouts.writeTransforms(room, dir, 1e-4, 1, 42);
  }

  @Test
  void importsExactCamerasPosesAndDepthInFileNameOrder() throws IOException {
    Scene s = new TransformsJsonImporter().read(dir);
    assertEquals(11, s.size());
    for (int i = 0; i < 11; i++) {
      // frame_1 .. frame_11 sort naturally (frame_10 after frame_9), despite the shuffled JSON.
      assertIntrinsicsEquals(K, s.frame(i).intrinsics(), 1e-12, "cx, cy shifted by -0.5 from nerfstudio's");
      assertPoseEquals(room.frame(i).pose(), s.frame(i).pose(), 1e-9, "frame_" + (i + 1));
      assertArrayEquals(room.frame(i).rgb().pixels(), s.frame(i).rgb().pixels());
      double err = maxDepthError(room.frame(i).depth().orElseThrow(), s.frame(i).depth().orElseThrow());
      assertTrue(err <= 0.00005 + 1e-6, "depth in 0.1 mm units: " + err);
    }
    assertTrue(s.classNames().isEmpty());
  }

  @Test
  void surfacesOfOverlappingViewsCoincide() throws IOException {
    Scene s = new TransformsJsonImporter().read(dir);
    int[][] pairs = {{0, 1}, {4, 5}, {9, 10}};
    MultiViewConsistency.Stats ok = Consistency.pooled(s, pairs, 1, UnaryOperator.identity());
    Consistency.report("transforms", "analytic room 40x30, 3 pairs, 0.1 mm depth units", ok);
    assertTrue(ok.overlap() > 0.3, ok.toString());
    // The floor of the measure itself: the same pairs on the exact float depth of the fixture
    // (bilinear sampling of the curved sphere at this tiny resolution is not exact).
    MultiViewConsistency.Stats exact = Consistency.pooled(room, pairs, 1, UnaryOperator.identity());
    Consistency.report("transforms", "exact fixture depth (floor of the measure)", exact);
    // Within the format's depth quantization (0.00005 m) of that floor.
    assertTrue(ok.median() <= exact.median() + 0.00005 && ok.p90() <= exact.p90() + 0.00005, ok + " vs exact " + exact);
    // The test can fail: taking OpenGL camera axes for OpenCV ones breaks the agreement.
    MultiViewConsistency.Stats wrong = Consistency.pooled(s, pairs, 1, ForeignLayouts::unflipped);
    assertTrue(!(wrong.median() < 0.05), "wrong convention must disagree: " + wrong);
  }

  @Test
  void smallerDepthInMillimetresByDefault() throws IOException {
    Path d = tmp.resolve("half");
    ForeignLayouts.writeTransforms(AnalyticRoom.scene(2, K), d, Double.NaN, 2, 1);
    Scene s = new TransformsJsonImporter().read(d.resolve("transforms.json"));
    DepthImage got = s.frame(1).depth().orElseThrow();
    DepthImage exact = room.frame(1).depth().orElseThrow();
    assertEquals(40, got.width());
    for (int y = 0; y < 30; y++) {
      for (int x = 0; x < 40; x++) {
        assertEquals(exact.get(x / 2 * 2, y / 2 * 2), got.get(x, y), 0.0005 + 1e-6);
      }
    }
  }

  @Test
  void cameraAngleGivesACentredCamera() throws IOException {
    Path d = broken(root -> {
      for (String key : new String[] {"fl_x", "fl_y", "cx", "cy"}) {
        root.remove(key);
      }
      root.put("camera_angle_x", Math.toRadians(75));
    });
    Scene s = new TransformsJsonImporter().read(d);
    assertIntrinsicsEquals(CameraIntrinsics.fromHorizontalFov(40, 30, 75), s.frame(0).intrinsics(), 1e-9, "camera_angle_x");
    assertEquals(19.5, s.frame(0).intrinsics().cx(), 1e-12, "w / 2 in nerfstudio = (w - 1) / 2 here");
  }

  @Test
  void importedSceneWritesAndReopensUnchanged() throws IOException {
    Scene s = new TransformsJsonImporter().read(dir);
    SceneFolder written = Importers.importScene("transforms", dir, tmp.resolve("out"), (done, total) -> { });
    // Depth is re-stored in millimetres: rounding moves it by at most 0.5 mm.
    assertScenesEqual(s, written, 1e-9, 0.0005 + 1e-6);
  }

  // ---- malformed inputs ------------------------------------------------------------------------

  Path broken(Consumer<ObjectNode> edit) throws IOException {
    Path d = tmp.resolve("broken" + (cases++));
    MalformedSceneTestAccess.copyTree(dir, d);
    ObjectNode root = (ObjectNode) JSON.readTree(d.resolve("transforms.json").toFile());
    edit.accept(root);
    JSON.writeValue(d.resolve("transforms.json").toFile(), root);
    return d;
  }

  static ObjectNode frame(ObjectNode root, int i) {
    return (ObjectNode) root.get("frames").get(i);
  }

  static void assertFails(Path in, Path file, String problem) {
    InvalidSceneException e = assertThrows(InvalidSceneException.class, () -> new TransformsJsonImporter().read(in));
    assertEquals(file, e.file(), e.getMessage());
    assertTrue(e.problem().contains(problem), "expected \"" + problem + "\" in: " + e.getMessage());
  }

  @Test
  void rejectsDistortion() throws IOException {
    Path d = broken(root -> root.put("k1", -0.07));
    assertFails(d, d.resolve("transforms.json"), "distortion k1 = -0.07; only undistorted pinhole images are supported");
    Path f = broken(root -> frame(root, 3).put("p2", 0.001));
    assertFails(f, f.resolve("transforms.json"), "distortion p2 = 0.001");
  }

  @Test
  void rejectsFisheyeCameras() throws IOException {
    Path d = broken(root -> root.put("camera_model", "OPENCV_FISHEYE"));
    assertFails(d, d.resolve("transforms.json"), "camera_model \"OPENCV_FISHEYE\" is not a pinhole camera");
  }

  @Test
  void rejectsFramesWithDifferentCameras() throws IOException {
    Path d = broken(root -> frame(root, 0).put("fl_x", 50.0));
    assertFails(d, d.resolve("transforms.json"), "the scene format has one camera for all frames");
  }

  @Test
  void rejectsMissingImage() throws IOException {
    Path d = broken(root -> frame(root, 2).put("file_path", "images/nope.png"));
    assertFails(d, d.resolve("images/nope.png"), "file does not exist (frames[2].file_path in transforms.json)");
  }

  @Test
  void rejectsNonRigidOrMisshapenTransform() throws IOException {
    Path d = broken(root -> ((ArrayNode) frame(root, 1).get("transform_matrix").get(0)).set(0, 3.0));
    assertFails(d, d.resolve("transforms.json"), "transform_matrix is not a rigid pose: rotation is not orthonormal");
    Path e = broken(root -> ((ArrayNode) frame(root, 1).get("transform_matrix").get(2)).remove(3));
    assertFails(e, e.resolve("transforms.json"), "transform_matrix row 2 must hold 4 numbers");
  }

  @Test
  void rejectsDepthOnSomeFramesOnly() throws IOException {
    Path d = broken(root -> frame(root, 4).remove("depth_file_path"));
    assertFails(d, d.resolve("transforms.json"), "expected depth for every frame or for none");
  }

  @Test
  void rejectsImageSizeDisagreeingWithJson() throws IOException {
    Path d = broken(root -> root.put("w", 80));
    InvalidSceneException e = assertThrows(InvalidSceneException.class, () -> new TransformsJsonImporter().read(d));
    assertTrue(e.problem().contains("image is 40x30 but transforms.json says w = 80"), e.getMessage());
  }

  @Test
  void rejectsEmptyFramesAndInvalidJson() throws IOException {
    Path d = broken(root -> root.putArray("frames"));
    assertFails(d, d.resolve("transforms.json"), "empty dataset: \"frames\" is an empty array");
    Files.writeString(d.resolve("transforms.json"), "{\"frames\": [");
    assertFails(d, d.resolve("transforms.json"), "not valid JSON");
    Path none = tmp.resolve("nothing");
    Files.createDirectories(none);
    assertFails(none, none.resolve("transforms.json"), "file does not exist");
  }
}
