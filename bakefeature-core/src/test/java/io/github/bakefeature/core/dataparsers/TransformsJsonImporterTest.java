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

  /**
   * From nerfstudio's documented convention alone, not from this project's fixture writer: a
   * camera-to-world matrix in OpenGL axes (x right, y up, looking down -z). The identity rotation at
   * (0, 0, 2) looks at the origin from +z; turned 90 degrees about world y it looks along -x.
   */
  @Test
  void handWrittenOpenGlCameraToWorldLooksWhereNerfstudioSays() throws IOException {
    Path d = tmp.resolve("by-hand");
    Files.createDirectories(d.resolve("images"));
    java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(8, 6, java.awt.image.BufferedImage.TYPE_INT_RGB);
    javax.imageio.ImageIO.write(img, "png", d.resolve("images/a.png").toFile());
    javax.imageio.ImageIO.write(img, "png", d.resolve("images/b.png").toFile());
    Files.writeString(d.resolve("transforms.json"), """
        {"fl_x": 10, "fl_y": 10, "cx": 4, "cy": 3, "w": 8, "h": 6, "frames": [
          {"file_path": "images/a.png", "transform_matrix": [[1,0,0,0],[0,1,0,0],[0,0,1,2],[0,0,0,1]]},
          {"file_path": "images/b.png", "transform_matrix": [[0,0,1,3],[0,1,0,0],[-1,0,0,0],[0,0,0,1]]}]}
        """);
    Scene s = new TransformsJsonImporter().read(d);
    double[] c = new double[3];
    // Frame a: the origin 2 m straight ahead (OpenCV +z), world +x to the right (+x), world +y up (-y).
    s.frame(0).pose().worldToCameraPoint(0, 0, 0, c);
    assertArrayEquals(new double[] {0, 0, 2}, c, 1e-12);
    s.frame(0).pose().worldToCameraPoint(1, 0, 0, c);
    assertArrayEquals(new double[] {1, 0, 2}, c, 1e-12);
    s.frame(0).pose().worldToCameraPoint(0, 1, 0, c);
    assertArrayEquals(new double[] {0, -1, 2}, c, 1e-12);
    // Frame b at (3, 0, 0), its -z (view direction) along world -x: the origin 3 m ahead.
    s.frame(1).pose().worldToCameraPoint(0, 0, 0, c);
    assertArrayEquals(new double[] {0, 0, 3}, c, 1e-12);
    s.frame(1).pose().worldToCameraPoint(3, 0, -1, c); // its x column is world -z: 1 m to the right, in its plane
    assertArrayEquals(new double[] {1, 0, 0}, c, 1e-12);
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
  void rejectsDistortionBeyondOpenCvsFiveCoefficients() throws IOException {
    Path d = broken(root -> root.put("k4", -0.07));
    assertFails(d, d.resolve("transforms.json"), "distortion k4 = -0.07; only OpenCV's k1, k2, k3, p1, p2 are removed");
    Path f = broken(root -> {
      root.put("camera_model", "FULL_OPENCV");
      frame(root, 3).put("k6", 0.001);
    });
    assertFails(f, f.resolve("transforms.json"), "): distortion k6 = 0.001; only OpenCV's");
  }

  @Test
  void rejectsFisheyeCameras() throws IOException {
    Path d = broken(root -> root.put("camera_model", "OPENCV_FISHEYE"));
    assertFails(d, d.resolve("transforms.json"), "camera_model \"OPENCV_FISHEYE\" is not supported: expected a pinhole"
        + " camera with at most OpenCV's k1, k2, k3, p1, p2 distortion");
  }

  @Test
  void rejectsFramesWithDifferentDistortion() throws IOException {
    Path d = broken(root -> {
      for (String k : new String[] {"k1", "k2", "p1", "p2"}) {
        root.remove(k); // per-frame distortion only: with any at the top level, the top level's is every frame's
      }
      frame(root, 2).put("k1", 0.01);
    });
    assertFails(d, d.resolve("transforms.json"), "distortion (k1 = 0.0100000, k2 = 0.00000, p1 = 0.00000, p2 = 0.00000,"
        + " k3 = 0.00000) differs from");
  }

  @Test
  void rejectsDistortionGivenTwiceOrMisshapen() throws IOException {
    Path d = broken(root -> root.putArray("distortion_params").add(0.1).add(0).add(0).add(0).add(0).add(0));
    assertFails(d, d.resolve("transforms.json"), "both distortion_params and k1 are given");
    Path e = broken(root -> {
      for (String k : new String[] {"k1", "k2", "p1", "p2"}) {
        root.remove(k);
      }
      root.putArray("distortion_params").add(0.1).add(0);
    });
    assertFails(e, e.resolve("transforms.json"), "distortion_params: expected [k1, k2, k3, k4, p1, p2], found [0.1,0]");
  }

  // ---- non-finite numbers (Python's json.dump writes NaN and Infinity) ----------------------------

  /** The dataset with the number 12345.5 written into it by {@code edit} replaced by {@code token}. */
  Path withToken(Consumer<ObjectNode> edit, String token) throws IOException {
    Path d = broken(edit);
    Path json = d.resolve("transforms.json");
    String text = Files.readString(json);
    assertTrue(text.contains("12345.5"), text);
    Files.writeString(json, text.replace("12345.5", token));
    return d;
  }

  @Test
  void namesTheFrameOfANonFiniteTransform() throws IOException {
    Path d = withToken(root -> ((ArrayNode) frame(root, 4).get("transform_matrix").get(1)).set(3, 12345.5), "NaN");
    ObjectMapper lenient = com.fasterxml.jackson.databind.json.JsonMapper.builder()
        .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    String file = frame((ObjectNode) lenient.readTree(d.resolve("transforms.json").toFile()), 4).get("file_path").asText();
    assertFails(d, d.resolve("transforms.json"), "frames[4] (" + file + "): non-finite transform_matrix[1][3] = NaN");
  }

  @Test
  void namesTheFieldOfNonFiniteIntrinsicsAndDistortion() throws IOException {
    Path d = withToken(root -> root.put("fl_x", 12345.5), "Infinity");
    assertFails(d, d.resolve("transforms.json"), "fl_x: expected a finite number, found Infinity");
    Path e = withToken(root -> frame(root, 2).put("cy", 12345.5), "-Infinity");
    assertFails(e, e.resolve("transforms.json"), ").cy: expected a finite number, found -Infinity");
    Path f = withToken(root -> frame(root, 0).put("k2", 12345.5), "NaN");
    assertFails(f, f.resolve("transforms.json"), "): k2: expected a finite number, found NaN");
  }

  // ---- lens distortion --------------------------------------------------------------------------

  @Test
  void removesOpenCvLensDistortionGivingBackThePinholeCapture() throws IOException {
    // A capture through a lens with COLMAP-like OPENCV distortion (barrel, slight tangential, k3).
    InMemoryScene exact = io.github.bakefeature.core.synth.SyntheticScenes.tabletop(4, 320, 240, 3);
    CameraIntrinsics kk = exact.frame(0).intrinsics();
    double[] dist = {-0.21, 0.07, 0.0015, -0.001, -0.01};
    InMemoryScene capture = ForeignLayouts.distorted(exact, kk, dist);
    Path with = tmp.resolve("opencv");
    ForeignLayouts.writeTransforms(capture, with, 1e-4, 1, 5, dist);
    Path without = tmp.resolve("opencv-undeclared");
    ForeignLayouts.writeTransforms(capture, without, 1e-4, 1, 5);
    Scene a = new TransformsJsonImporter().read(with);
    Scene b = new TransformsJsonImporter().read(without);
    for (int i = 0; i < a.size(); i++) {
      assertIntrinsicsEquals(kk, a.frame(i).intrinsics(), 1e-9, "the pinhole camera and size are kept");
      assertTrue(((io.github.bakefeature.core.scene.FileBackedFrame) a.frame(i)).rgbFile().isEmpty(),
          "the stored file is not the undistorted colour");
    }
    double withErr = TumImporterTest.medianDepthDifference(a, exact);
    double withoutErr = TumImporterTest.medianDepthDifference(b, exact);
    String depths = String.format(java.util.Locale.ROOT, "median |depth - exact| %.2f mm undistorted, %.2f mm as stored",
        withErr * 1000, withoutErr * 1000);
    assertTrue(withErr < withoutErr / 3 && withErr < 0.002, depths);
    double withColour = meanColourDifference(a, exact);
    double withoutColour = meanColourDifference(b, exact);
    String colours = String.format(java.util.Locale.ROOT, "mean |rgb - exact| %.2f undistorted, %.2f as stored",
        withColour, withoutColour);
    assertTrue(withColour < withoutColour / 2, colours);
    int[][] pairs = {{0, 1}, {2, 3}};
    MultiViewConsistency.Stats good = Consistency.pooled(a, pairs, 1, UnaryOperator.identity());
    MultiViewConsistency.Stats bad = Consistency.pooled(b, pairs, 1, UnaryOperator.identity());
    Consistency.report("transforms", "synthetic tabletop 320x240 with OPENCV lens distortion, removed", good);
    Consistency.report("transforms", "synthetic tabletop 320x240 with OPENCV lens distortion, not removed", bad);
    assertTrue(good.median() < bad.median() / 2, good + " vs " + bad);
    // Written scenes keep the undistorted pixels.
    SceneFolder written = Importers.importScene("transforms", with, tmp.resolve("opencv-out"), (done, total) -> { });
    assertArrayEquals(a.frame(2).rgb().pixels(), written.frame(2).rgb().pixels());
  }

  @Test
  void perFrameDistortionAndDistortionParamsAreTheSameCamera() throws IOException {
    double[] dist = {-0.21, 0.07, 0.0015, -0.001, -0.01};
    Path perFrame = broken(root -> {
      for (String k : new String[] {"k1", "k2", "p1", "p2"}) {
        root.remove(k);
      }
      for (com.fasterxml.jackson.databind.JsonNode f : root.get("frames")) {
        ((ObjectNode) f).put("k1", dist[0]).put("k2", dist[1]).put("p1", dist[2]).put("p2", dist[3]).put("k3", dist[4]);
      }
    });
    Path params = broken(root -> {
      for (String k : new String[] {"k1", "k2", "p1", "p2"}) {
        root.remove(k);
      }
      root.putArray("distortion_params").add(dist[0]).add(dist[1]).add(dist[4]).add(0.0).add(dist[2]).add(dist[3]);
    });
    Scene a = new TransformsJsonImporter().read(perFrame);
    Scene b = new TransformsJsonImporter().read(params);
    Undistortion u = new Undistortion(K, dist);
    for (int i = 0; i < a.size(); i++) {
      byte[] expected = u.colour(room.frame(i).rgb()).pixels();
      assertArrayEquals(expected, a.frame(i).rgb().pixels(), "frame " + i + ", per-frame k1, k2, p1, p2, k3");
      assertArrayEquals(expected, b.frame(i).rgb().pixels(), "frame " + i + ", distortion_params");
    }
  }

  /** Mean absolute colour difference over the pixels with depth in both scenes. */
  static double meanColourDifference(Scene a, Scene b) throws IOException {
    double sum = 0;
    long n = 0;
    for (int i = 0; i < a.size(); i++) {
      byte[] x = a.frame(i).rgb().pixels();
      byte[] y = b.frame(i).rgb().pixels();
      float[] dx = a.frame(i).depth().orElseThrow().metres();
      float[] dy = b.frame(i).depth().orElseThrow().metres();
      for (int p = 0; p < dx.length; p++) {
        if (dx[p] > 0 && dy[p] > 0) {
          for (int c = 0; c < 3; c++) {
            sum += Math.abs((x[3 * p + c] & 0xFF) - (y[3 * p + c] & 0xFF));
          }
          n += 3;
        }
      }
    }
    return sum / n;
  }

  @Test
  void rejectsFramesWithDifferentCameras() throws IOException {
    Path d = broken(root -> {
      double fx = root.remove("fl_x").asDouble();
      for (com.fasterxml.jackson.databind.JsonNode f : root.get("frames")) {
        ((ObjectNode) f).put("fl_x", fx);
      }
      frame(root, 0).put("fl_x", 50.0);
    });
    assertFails(d, d.resolve("transforms.json"), "the scene format has one camera for all frames");
  }

  @Test
  void topLevelCameraAndDistortionWinOverTheFramesOwnAsInNerfstudio() throws IOException {
    // NeRFCapture writes frame 0's camera at the top level and each frame's (drifting) one per frame;
    // nerfstudio's parser takes the top level's (fx_fixed, distort_fixed), and so do we.
    Path d = broken(root -> {
      int i = 0;
      for (com.fasterxml.jackson.databind.JsonNode f : root.get("frames")) {
        ((ObjectNode) f).put("fl_x", root.get("fl_x").asDouble() * (1 + 0.01 * i)).put("cx", root.get("cx").asDouble() + i)
            .put("k1", 0.3);
        i++;
      }
    });
    Scene got = new TransformsJsonImporter().read(d);
    Scene expected = new TransformsJsonImporter().read(dir);
    for (int i = 0; i < got.size(); i++) {
      assertIntrinsicsEquals(expected.frame(i).intrinsics(), got.frame(i).intrinsics(), 0, "frame " + i);
      assertArrayEquals(expected.frame(i).rgb().pixels(), got.frame(i).rgb().pixels(), "frame " + i + ": top-level distortion");
    }
  }

  @Test
  void rejectsInstantNgpFisheyeAndOtherNonPinholeLenses() throws IOException {
    // colmap2nerf.py writes is_fisheye (and k1, k2 as fisheye coefficients) for COLMAP's fisheye cameras.
    Path d = broken(root -> root.put("is_fisheye", true));
    assertFails(d, d.resolve("transforms.json"), "is_fisheye is true: fisheye lenses (instant-ngp's OpenCV fisheye"
        + " model) are not supported");
    Path f = broken(root -> frame(root, 2).put("is_fisheye", true));
    assertFails(f, f.resolve("transforms.json"), ".png): is_fisheye is true");
    Path l = broken(root -> root.put("latlong", true));
    assertFails(l, l.resolve("transforms.json"), "latlong = true: only pinhole cameras are supported");
    Path t = broken(root -> root.put("ftheta_p0", 0.0).put("ftheta_p1", 500.0));
    assertFails(t, t.resolve("transforms.json"), "ftheta_p0 = 0.0: only pinhole cameras are supported, not instant-ngp's f-theta lens");
    Path no = broken(root -> root.put("is_fisheye", false).put("latlong", false));
    assertEquals(new TransformsJsonImporter().read(dir).size(), new TransformsJsonImporter().read(no).size(), "explicit false is a pinhole camera");
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
