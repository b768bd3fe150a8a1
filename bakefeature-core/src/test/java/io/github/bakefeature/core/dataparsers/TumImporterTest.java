package io.github.bakefeature.core.dataparsers;

import static io.github.bakefeature.core.scene.SceneAssertions.assertIntrinsicsEquals;
import static io.github.bakefeature.core.scene.SceneAssertions.assertPoseEquals;
import static io.github.bakefeature.core.scene.SceneAssertions.assertScenesEqual;
import static io.github.bakefeature.core.scene.SceneAssertions.maxDepthError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.scene.FileBackedFrame;
import io.github.bakefeature.core.scene.InMemoryScene;
import io.github.bakefeature.core.scene.MalformedSceneTestAccess;
import io.github.bakefeature.core.scene.MultiViewConsistency;
import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.scene.SceneWriter;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.UnaryOperator;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TumImporterTest {
  static final int FRAMES = 8;
  @TempDir static Path tmp;
  static InMemoryScene scene;
  static CameraIntrinsics k;
  static Path dir;
  static List<String> stamps;
  static int cases;

  @BeforeAll
  static void writeSequence() throws IOException {
    scene = SyntheticScenes.tabletop(FRAMES, 64, 48, 3);
    k = scene.frame(0).intrinsics();
    dir = tmp.resolve("my_capture"); // no freiburg in the name: intrinsics must be given
    stamps = ForeignLayouts.writeTum(scene, dir, TumImporter.DEFAULT_DEPTH_SCALE, 7);
  }

  static TumImporter.Builder withCamera() {
    return TumImporter.builder().optIntrinsics(k.fx(), k.fy(), k.cx(), k.cy());
  }

  @Test
  void importsExactCamerasPosesAndDepthFromJitteredTimestamps() throws IOException {
    TumImporter.Result r = withCamera().build().readWithReport(dir);
    Scene s = r.scene();
    assertEquals(FRAMES, s.size());
    for (int i = 0; i < FRAMES; i++) {
      assertIntrinsicsEquals(k, s.frame(i).intrinsics(), 0, "frame " + i);
      // Interpolated between poses 2-9 ms either side, written with 4 decimals.
      assertPoseEquals(scene.frame(i).pose(), s.frame(i).pose(), 5e-4, "frame " + i);
      assertArrayEquals(scene.frame(i).rgb().pixels(), s.frame(i).rgb().pixels());
      double err = maxDepthError(scene.frame(i).depth().orElseThrow(), s.frame(i).depth().orElseThrow());
      assertTrue(err <= 0.5 / 5000 + 1e-6, "depth in 1/5000 m units: " + err);
    }
    TumImporter.Association a = r.association();
    assertEquals(new TumImporter.Association(FRAMES, 0, 0, FRAMES, 1, FRAMES, FRAMES, 0.02), a);
    assertEquals("kept 8 of 8 colour frames; none skipped", a.summary());
    assertTrue(s.classNames().isEmpty());
  }

  @Test
  void surfacesOfOverlappingViewsCoincide() throws IOException {
    Scene s = withCamera().build().read(dir);
    int[][] pairs = {{0, 1}, {2, 3}, {5, 6}};
    MultiViewConsistency.Stats ok = Consistency.pooled(s, pairs, 1, UnaryOperator.identity());
    Consistency.report("tum", "synthetic tabletop 64x48, 3 pairs, jittered timestamps", ok);
    assertTrue(ok.overlap() > 0.3, ok.toString());
    MultiViewConsistency.Stats exact = Consistency.pooled(scene, pairs, 1, UnaryOperator.identity());
    Consistency.report("tum", "exact fixture depth and poses (floor of the measure)", exact);
    // Within depth quantization (0.1 mm) and the 4-decimal poses (~0.5 mm here) of that floor.
    assertTrue(ok.median() <= exact.median() + 0.001 && ok.p90() <= exact.p90() + 0.002, ok + " vs exact " + exact);
    // The test can fail: each way of misreading the quaternion or the direction breaks the agreement.
    List<UnaryOperator<Pose>> wrong = List.of(ForeignLayouts::inverted, TumImporterTest::conjugated,
        TumImporterTest::scalarFirst);
    for (UnaryOperator<Pose> w : wrong) {
      MultiViewConsistency.Stats bad = Consistency.pooled(s, pairs, 1, w);
      assertTrue(!(bad.median() < 0.05), "wrong convention must disagree: " + bad);
    }
  }

  /** The quaternion taken for world-to-camera (its conjugate) with the position kept. */
  static Pose conjugated(Pose p) {
    double[] m = p.cameraToWorld();
    double[] t = {m[1], m[2], m[4], m[6], m[8], m[9]};
    m[1] = t[2];
    m[4] = t[0];
    m[2] = t[4];
    m[8] = t[1];
    m[6] = t[5];
    m[9] = t[3];
    return Pose.fromCameraToWorld(m);
  }

  /** The file's {@code qx qy qz qw} read as {@code qw qx qy qz} (Eigen's / scalar-first order). */
  static Pose scalarFirst(Pose p) {
    double[] m = p.cameraToWorld();
    double[] q = ForeignLayouts.quaternion(m);
    return TumImporter.toPose(new double[] {m[3], m[7], m[11]}, new double[] {q[1], q[2], q[3], q[0]});
  }

  @Test
  void quaternionsAreScalarLastHamiltonCameraToWorld() throws IOException {
    double h = Math.sqrt(0.5);
    Path d = minimal("quaternions", 4, 3, new double[] {1, 2, 3}, new double[] {1, 2, 3},
        "1.0 0 0 0 0.06146124 0 0 0.99810947\n" // ROS tf's doctest: 0.123 rad about x
            + "2.0 1 2 3 0 0 " + h + " " + h + "\n" // 90 degrees about z, camera centre (1, 2, 3)
            + "3.0 0 0 0 0.5 -0.5 0.5 -0.5\n", // 240 degrees about (1, -1, 1), scalar negative
        null);
    Scene s = importer().read(d);
    double c = Math.cos(0.123);
    double sn = Math.sin(0.123);
    assertRotation(new double[] {1, 0, 0, 0, c, -sn, 0, sn, c}, s.frame(0).pose(), 1e-7);
    Pose p = s.frame(1).pose();
    double[] centre = new double[3];
    p.cameraCentre(centre);
    assertArrayEquals(new double[] {1, 2, 3}, centre, 1e-12);
    double[] axis = new double[3];
    p.cameraToWorldDirection(1, 0, 0, axis);
    assertArrayEquals(new double[] {0, 1, 0}, axis, 1e-12, "camera x (right) points along world +y");
    p.cameraToWorldDirection(0, 0, 1, axis);
    assertArrayEquals(new double[] {0, 0, 1}, axis, 1e-12, "camera z (forward) unchanged");
    // Any quaternion: the benchmark's own matrix.
    assertRotation(transform44(new double[] {0.5, -0.5, 0.5, -0.5}), s.frame(2).pose(), 1e-12);
  }

  @Test
  void rotationIsTheBenchmarksTransform44ForSlightlyNonUnitQuaternions() throws IOException {
    Random rnd = new Random(11);
    int n = 20;
    double[][] qs = new double[n][];
    StringBuilder gt = new StringBuilder("# timestamp tx ty tz qx qy qz qw\n");
    double[] times = new double[n];
    for (int i = 0; i < n; i++) {
      double[] q = {rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()};
      double norm = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
      double target = 1 + (rnd.nextDouble() - 0.5) * 0.008; // within the accepted 0.005
      for (int j = 0; j < 4; j++) {
        q[j] *= target / norm;
      }
      qs[i] = q;
      times[i] = 100 + i;
      gt.append(String.format(Locale.ROOT, "%.6f %.3f %.3f %.3f %.17g %.17g %.17g %.17g%n", times[i], 0.1 * i, -0.2, 1.5,
          q[0], q[1], q[2], q[3]));
    }
    Scene s = importer().read(minimal("transform44", 4, 3, times, times, gt.toString(), null));
    assertEquals(n, s.size());
    for (int i = 0; i < n; i++) {
      assertRotation(transform44(qs[i]), s.frame(i).pose(), 1e-12);
      double[] centre = new double[3];
      s.frame(i).pose().cameraCentre(centre);
      assertArrayEquals(new double[] {0.1 * i, -0.2, 1.5}, centre, 1e-9);
    }
  }

  /**
   * The rotation part of the benchmark's {@code transform44} ({@code evaluate_rpe.py}; ROS tf's
   * {@code quaternion_matrix}), transcribed: {@code q *= sqrt(2 / q.q); q = outer(q, q)}.
   */
  static double[] transform44(double[] quat) {
    double nq = quat[0] * quat[0] + quat[1] * quat[1] + quat[2] * quat[2] + quat[3] * quat[3];
    double[] v = new double[4];
    for (int i = 0; i < 4; i++) {
      v[i] = quat[i] * Math.sqrt(2.0 / nq);
    }
    double[][] q = new double[4][4];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        q[i][j] = v[i] * v[j];
      }
    }
    return new double[] {
        1.0 - q[1][1] - q[2][2], q[0][1] - q[2][3], q[0][2] + q[1][3],
        q[0][1] + q[2][3], 1.0 - q[0][0] - q[2][2], q[1][2] - q[0][3],
        q[0][2] - q[1][3], q[1][2] + q[0][3], 1.0 - q[0][0] - q[1][1]};
  }

  static void assertRotation(double[] expected3x3, Pose p, double tol) {
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 3; c++) {
        assertEquals(expected3x3[r * 3 + c], p.cameraToWorld(r, c), tol, "R[" + r + "][" + c + "]");
      }
    }
  }

  @Test
  void associatesLikeAssociatePyAndSkipsFramesWithoutDepthOrPose() throws IOException {
    double[] rgb = {0.000, 0.033, 0.066, 0.100, 0.133, 0.166, 0.200};
    // d0 -> rgb0; d1 is 17 ms from rgb1 and 16 ms from rgb2, but d2 is 2 ms from rgb2, so rgb1 gets
    // d1; d3 is 17 ms from rgb3 and 16 ms from rgb4: one frame each, so rgb4 gets it and rgb3 none.
    double[] depth = {0.010, 0.050, 0.068, 0.117, 0.170, 0.205};
    StringBuilder gt = new StringBuilder();
    for (double t = 0; t < 0.0705; t += 0.01) { // 100 Hz, then a dropout from 0.07 to 0.19 s
      gt.append(String.format(Locale.ROOT, "%.4f 0 0 0 0 0 0 1%n", t));
    }
    gt.append(String.format(Locale.ROOT, "%.4f 0 0 0 0 0 0 1%n", 0.13));
    for (double t = 0.19; t < 0.2105; t += 0.01) {
      gt.append(String.format(Locale.ROOT, "%.4f 0 0 0 0 0 0 1%n", t));
    }
    Path d = minimal("associate", 4, 3, rgb, depth, gt.toString(), null);
    TumImporter.Result r = importer().readWithReport(d);
    // rgb3: no depth; rgb5 (0.166): its depth is 4 ms away, but the nearest poses are 36 and 24 ms away.
    assertEquals(new TumImporter.Association(7, 1, 1, 5, 1, 5, 2, 0.02), r.association());
    assertEquals("kept 5 of 7 colour frames; skipped 1 without a depth frame within 0.02 s and 1 without a pose"
        + " within 0.02 s", r.association().summary());
    int[] expectedDepth = {0, 1, 2, 3, 5};
    for (int i = 0; i < 5; i++) {
      // Depth image j holds 1000 (j + 1) units everywhere.
      assertEquals(0.2 * (expectedDepth[i] + 1), r.scene().frame(i).depth().orElseThrow().get(1, 1), 1e-6, "frame " + i);
    }
  }

  @Test
  void interpolatesPositionLinearlyAndOrientationBySlerpWithinTheMaxDifference() throws IOException {
    double h = Math.sqrt(0.5);
    String gt = "10.000 0 0 0 0 0 0 1\n"
        + "10.016 1.6 0 0 0 0 " + (-h) + " " + (-h) + "\n" // 90 deg about z, written as -q: slerp must go the short way
        + "10.100 5 5 5 0 0 0 1\n"
        + "10.150 7 7 7 0 0 0 1\n";
    double[] rgb = {10.000, 10.004, 10.030, 10.112, 10.125};
    Path d = minimal("interpolation", 4, 3, rgb, rgb, gt, null);
    TumImporter.Result r = importer().readWithReport(d);
    Scene s = r.scene();
    // 10.125 is 25 ms from both neighbours: skipped, the gap is not bridged.
    assertEquals(new TumImporter.Association(5, 0, 1, 4, 1, 4, 1, 0.02), r.association());
    assertPose(s.frame(0).pose(), new double[] {0, 0, 0}, 0, "exact timestamp");
    assertPose(s.frame(1).pose(), new double[] {0.4, 0, 0}, Math.PI / 8, "a quarter of the way: 22.5 deg");
    assertPose(s.frame(2).pose(), new double[] {1.6, 0, 0}, Math.PI / 2, "14 ms after the last pose: the nearest");
    assertPose(s.frame(3).pose(), new double[] {5, 5, 5}, 0, "12 ms after 10.100, 38 ms before 10.150: the nearest");
  }

  /** Camera-to-world = rotation by {@code angle} about world z, camera centre {@code centre}. */
  static void assertPose(Pose p, double[] centre, double angle, String what) {
    double c = Math.cos(angle);
    double sn = Math.sin(angle);
    Pose expected = Pose.fromCameraToWorld(new double[] {
        c, -sn, 0, centre[0], sn, c, 0, centre[1], 0, 0, 1, centre[2], 0, 0, 0, 1});
    assertPoseEquals(expected, p, 1e-9, what);
  }

  @Test
  void keepsEveryNthAssociatedFrame() throws IOException {
    TumImporter.Result r = withCamera().optEvery(3).build().readWithReport(dir);
    assertEquals(3, r.scene().size());
    for (int i = 0; i < 3; i++) {
      assertPoseEquals(scene.frame(3 * i).pose(), r.scene().frame(i).pose(), 5e-4, "frame " + 3 * i);
      assertEquals(i, r.scene().frame(i).index());
    }
    assertEquals("kept 3 of 8 colour frames (every 3rd of 8 associated); none skipped", r.association().summary());
  }

  @Test
  void readsAnEstimatedTrajectoryInItsOwnWorldFrame() throws IOException {
    // ORB-SLAM's CameraTrajectory.txt: a pose at each frame's own timestamp, the first camera as world.
    Path d = copy();
    Files.delete(d.resolve("groundtruth.txt"));
    Pose first = scene.frame(0).pose();
    StringBuilder est = new StringBuilder();
    List<Pose> expected = new ArrayList<>();
    for (int i = 0; i < FRAMES; i++) {
      double[] m = multiply(first.worldToCamera(), scene.frame(i).pose().cameraToWorld());
      expected.add(Pose.fromCameraToWorld(m));
      double[] q = ForeignLayouts.quaternion(m);
      est.append(String.format(Locale.ROOT, "%s %.9f %.9f %.9f %.9f %.9f %.9f %.9f%n", stamps.get(i), m[3], m[7], m[11],
          q[0], q[1], q[2], q[3]));
    }
    Files.createDirectories(d.resolve("slam"));
    Files.writeString(d.resolve("slam/CameraTrajectory.txt"), est.toString());
    TumImporter.Result r = withCamera().optTrajectory(Path.of("slam/CameraTrajectory.txt")).build().readWithReport(d);
    assertEquals(FRAMES, r.scene().size());
    assertEquals(0, r.association().interpolated(), "exact timestamps take the pose as it is");
    for (int i = 0; i < FRAMES; i++) {
      assertPoseEquals(expected.get(i), r.scene().frame(i).pose(), 1e-7, "frame " + i);
    }
    // Without the option the missing groundtruth.txt is named, with the way out.
    assertFails(withCamera().build(), d, d.resolve("groundtruth.txt"), "--trajectory FILE");
  }

  @Test
  void depthScaleOptionReadsOtherUnits() throws IOException {
    Path d = tmp.resolve("millimetres");
    ForeignLayouts.writeTum(scene, d, 1000, 7);
    Scene s = withCamera().optDepthScale(1000).build().read(d);
    double err = maxDepthError(scene.frame(4).depth().orElseThrow(), s.frame(4).depth().orElseThrow());
    assertTrue(err <= 0.0005 + 1e-6, "millimetres: " + err);
    Scene wrong = withCamera().build().read(d);
    assertEquals(scene.frame(4).depth().orElseThrow().get(30, 20) / 5, wrong.frame(4).depth().orElseThrow().get(30, 20),
        0.0002, "read as 1/5000 m the depth is 5 times too short");
  }

  @Test
  void importedSceneWritesAndReopensUnchanged() throws IOException {
    Scene s = withCamera().build().read(dir);
    Path out = tmp.resolve("written");
    SceneWriter.write(s, out, (done, total) -> { });
    // Depth is re-stored in millimetres: rounding moves it by at most 0.5 mm.
    assertScenesEqual(s, SceneFolder.open(out), 1e-9, 0.0005 + 1e-6);
  }

  // ---- intrinsics -------------------------------------------------------------------------------

  @Test
  void freiburgFolderNamesGetTheBenchmarksDefaultCamera() throws IOException {
    String[] names = {"rgbd_dataset_freiburg1_xyz", "rgbd_dataset_freiburg2_desk", "rgbd_dataset_freiburg3_long_office_household"};
    Path vga = minimal("vga-template", 640, 480, new double[] {1}, new double[] {1}, "1 0 0 0 0 0 0 1\n", null);
    for (String name : names) {
      Path d = tmp.resolve(name);
      MalformedSceneTestAccess.copyTree(vga, d);
      assertIntrinsicsEquals(new CameraIntrinsics(640, 480, 525, 525, 319.5, 239.5),
          new TumImporter().read(d).frame(0).intrinsics(), 0, name + ": the camera the benchmark turns depth into 3D with");
    }
    assertIntrinsicsEquals(new CameraIntrinsics(640, 480, 517.3, 516.5, 318.6, 255.3), TumImporter.FREIBURG1, 0, "fr1");
    assertIntrinsicsEquals(new CameraIntrinsics(640, 480, 520.9, 521.0, 325.1, 249.7), TumImporter.FREIBURG2, 0, "fr2");
    assertIntrinsicsEquals(new CameraIntrinsics(640, 480, 535.4, 539.2, 320.1, 247.6), TumImporter.FREIBURG3, 0, "fr3");
    // Given intrinsics win over the folder name.
    Scene given = TumImporter.builder().optIntrinsics(600, 601, 330, 240).build().read(tmp.resolve(names[0]));
    assertIntrinsicsEquals(new CameraIntrinsics(640, 480, 600, 601, 330, 240), given.frame(0).intrinsics(), 0, "given");
  }

  @Test
  void refusesWithoutIntrinsicsUnlessTheFolderSaysFreiburg() throws IOException {
    assertFails(new TumImporter(), dir, dir, "TUM sequences carry no intrinsics, and the folder name does not say"
        + " freiburg1, freiburg2 or freiburg3; expected the camera's intrinsics fx, fy, cx, cy");
    Path small = tmp.resolve("rgbd_dataset_freiburg3_small");
    MalformedSceneTestAccess.copyTree(dir, small);
    assertFails(new TumImporter(), small, small.resolve("rgb/" + stamps.get(0) + ".png"),
        "names a TUM Freiburg sequence, whose camera is for 640x480 images, but the images are 64x48");
  }

  @Test
  void parsesIntrinsicsAndRejectsBadOnes() {
    assertArrayEquals(new double[] {517.3, 516.5, 318.6, 255.3}, TumImporter.parseIntrinsics("517.3,516.5,318.6,255.3"));
    assertArrayEquals(new double[] {517.3, 516.5, 318.6, 255.3}, TumImporter.parseIntrinsics(" 517.3 516.5, 318.6 255.3 "));
    String[][] bad = {
        {"517.3,516.5,318.6", "expected four numbers fx,fy,cx,cy (pixels), found 3 in '517.3,516.5,318.6'"},
        {"517.3,516.5,318.6,255.3,0", "found 5"},
        {"517.3,516.5,318.6,255.3,,", "found 5"},
        {"fx,516.5,318.6,255.3", "found 'fx' in"},
        {"", "found 0"},
        {"-517.3,516.5,318.6,255.3", "expected positive finite focal lengths, found fx = -517.3"},
        {"517.3,NaN,318.6,255.3", "expected positive finite focal lengths"},
        {"517.3,516.5,318.6,Infinity", "expected a finite principal point"}};
    for (String[] b : bad) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TumImporter.parseIntrinsics(b[0]));
      assertTrue(e.getMessage().contains(b[1]), "expected \"" + b[1] + "\" in: " + e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> TumImporter.builder().optIntrinsics(0, 1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> TumImporter.builder().optEvery(0));
    assertThrows(IllegalArgumentException.class, () -> TumImporter.builder().optDepthScale(-5000));
    assertThrows(IllegalArgumentException.class, () -> TumImporter.builder().optMaxDifference(Double.NaN));
  }

  @Test
  void rejectsAPrincipalPointOffTheImages() throws IOException {
    InvalidSceneException e = assertThrows(InvalidSceneException.class,
        () -> TumImporter.builder().optIntrinsics(517.3, 516.5, 318.6, 255.3).build().read(dir));
    assertTrue(e.problem().contains("principal point (318.600, 255.300) of the given intrinsics lies outside the 64x48"
        + " colour images"), e.getMessage());
  }

  // ---- lens distortion --------------------------------------------------------------------------

  @Test
  void zeroDistortionLeavesFramesBitIdentical() throws IOException {
    Scene plain = withCamera().build().read(dir);
    TumImporter.Result r = withCamera().optDistortion(0, -0.0, 0, 0, 0).build().readWithReport(dir);
    assertEquals(TumImporter.Distortion.NONE, r.distortion());
    assertTrue(r.distortion().isNone());
    for (int i = 0; i < FRAMES; i++) {
      Frame f = r.scene().frame(i);
      // Exactly the stored pixels: the fixture's colour, the same depth as without the option.
      assertArrayEquals(scene.frame(i).rgb().pixels(), f.rgb().pixels(), "frame " + i);
      assertArrayEquals(plain.frame(i).depth().orElseThrow().metres(), f.depth().orElseThrow().metres(), "frame " + i);
      assertTrue(((FileBackedFrame) f).rgbFile().isPresent(), "the stored file is the frame's colour");
    }
  }

  @Test
  void undistortsColourBilinearlyAndDepthFromTheNearestPixelBlankingWhatComesFromOutside() throws IOException {
    double[] d = {0.3, -0.1, 0.01, -0.008, 0.05};
    Scene plain = withCamera().build().read(dir);
    TumImporter.Result r = withCamera().optDistortion(d[0], d[1], d[2], d[3], d[4]).build().readWithReport(dir);
    assertArrayEquals(d, r.distortion().toArray());
    Scene s = r.scene();
    int w = k.width();
    int h = k.height();
    int outside = 0;
    for (int i = 0; i < FRAMES; i++) {
      Frame f = s.frame(i);
      assertIntrinsicsEquals(k, f.intrinsics(), 0, "the pinhole camera is kept");
      assertTrue(((FileBackedFrame) f).rgbFile().isEmpty(), "the stored file is not the undistorted colour");
      RgbImage src = plain.frame(i).rgb();
      DepthImage srcDepth = plain.frame(i).depth().orElseThrow();
      RgbImage rgb = f.rgb();
      DepthImage depth = f.depth().orElseThrow();
      for (int v = 0; v < h; v++) {
        for (int u = 0; u < w; u++) {
          // OpenCV's model on the output pixel's normalised coordinates gives the stored pixel.
          double x = (u - k.cx()) / k.fx();
          double y = (v - k.cy()) / k.fy();
          double r2 = x * x + y * y;
          double radial = 1 + d[0] * r2 + d[1] * r2 * r2 + d[4] * r2 * r2 * r2;
          double us = k.fx() * (x * radial + 2 * d[2] * x * y + d[3] * (r2 + 2 * x * x)) + k.cx();
          double vs = k.fy() * (y * radial + d[2] * (r2 + 2 * y * y) + 2 * d[3] * x * y) + k.cy();
          String at = "frame " + i + " (" + u + ", " + v + ") from (" + us + ", " + vs + ")";
          if (us < -0.5 || vs < -0.5 || us >= w - 0.5 || vs >= h - 0.5) {
            outside++;
            assertEquals(0f, depth.get(u, v), at);
            assertEquals(0, rgb.rgb(u, v), at);
            continue;
          }
          assertEquals(srcDepth.get((int) Math.round(us), (int) Math.round(vs)), depth.get(u, v), at);
          double cu = Math.max(0, Math.min(w - 1, us));
          double cv = Math.max(0, Math.min(h - 1, vs));
          int x0 = Math.min((int) cu, w - 2);
          int y0 = Math.min((int) cv, h - 2);
          double fx = cu - x0;
          double fy = cv - y0;
          for (int c = 0; c < 3; c++) {
            double top = src.get(x0, y0, c) * (1 - fx) + src.get(x0 + 1, y0, c) * fx;
            double bottom = src.get(x0, y0 + 1, c) * (1 - fx) + src.get(x0 + 1, y0 + 1, c) * fx;
            assertEquals(top * (1 - fy) + bottom * fy, rgb.get(u, v, c), 0.51, at + " channel " + c);
          }
        }
      }
    }
    assertTrue(outside > FRAMES * 20, "the corners come from outside the stored images: " + outside);
    // Written scenes keep the undistorted pixels (not a copy of the stored file).
    Path out = tmp.resolve("written-undistorted");
    SceneWriter.write(s, out, (done, total) -> { });
    assertScenesEqual(s, SceneFolder.open(out), 1e-9, 0.0005 + 1e-6);
  }

  @Test
  void undistortionRestoresTheMultiViewConsistencyOfADistortedCapture() throws IOException {
    // A 320x240 capture through a lens with Freiburg 1's distortion, written in TUM layout.
    InMemoryScene exact = SyntheticScenes.tabletop(FRAMES, 320, 240, 3);
    CameraIntrinsics kk = exact.frame(0).intrinsics();
    double[] d = TumImporter.FREIBURG1_DISTORTION.toArray();
    Path capture = tmp.resolve("distorted_capture");
    ForeignLayouts.writeTum(ForeignLayouts.distorted(exact, kk, d), capture, TumImporter.DEFAULT_DEPTH_SCALE, 7);
    TumImporter.Builder b = TumImporter.builder().optIntrinsics(kk.fx(), kk.fy(), kk.cx(), kk.cy());
    Scene without = b.build().read(capture);
    Scene with = b.optDistortion(d[0], d[1], d[2], d[3], d[4]).build().read(capture);
    int[][] pairs = {{0, 1}, {2, 3}, {5, 6}};
    MultiViewConsistency.Stats bad = Consistency.pooled(without, pairs, 1, UnaryOperator.identity());
    MultiViewConsistency.Stats good = Consistency.pooled(with, pairs, 1, UnaryOperator.identity());
    Consistency.report("tum", "synthetic tabletop 320x240 with Freiburg 1 lens distortion, not removed", bad);
    Consistency.report("tum", "synthetic tabletop 320x240 with Freiburg 1 lens distortion, removed", good);
    String medians = String.format(Locale.ROOT, "consistency median %.2f mm with undistortion, %.2f mm without",
        good.median() * 1000, bad.median() * 1000);
    // What is left is the nearest-pixel depth sampling: up to half a pixel on slanted surfaces.
    assertTrue(good.median() < bad.median() / 2, medians);
    assertTrue(good.overlap() > 0.3, good.toString());
    // Pixel by pixel, the undistorted depth is the pinhole camera's.
    double withErr = medianDepthDifference(with, exact);
    double withoutErr = medianDepthDifference(without, exact);
    String depths = String.format(Locale.ROOT, "median |depth - exact| %.2f mm with undistortion, %.2f mm without",
        withErr * 1000, withoutErr * 1000);
    assertTrue(withErr < withoutErr / 3 && withErr < 0.002, depths);
  }

  /** The median absolute difference of the depth of pixels valid in both scenes, metres. */
  static double medianDepthDifference(Scene a, Scene b) throws IOException {
    List<Double> diff = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      float[] x = a.frame(i).depth().orElseThrow().metres();
      float[] y = b.frame(i).depth().orElseThrow().metres();
      for (int p = 0; p < x.length; p++) {
        if (x[p] > 0 && y[p] > 0) {
          diff.add((double) Math.abs(x[p] - y[p]));
        }
      }
    }
    diff.sort(null);
    return diff.get(diff.size() / 2);
  }

  @Test
  void freiburgFoldersAreUsedAsStoredUnlessADistortionIsGiven() throws IOException {
    assertArrayEquals(new double[] {0.2624, -0.9531, -0.0054, 0.0026, 1.1633}, TumImporter.FREIBURG1_DISTORTION.toArray());
    assertArrayEquals(new double[] {0.2312, -0.7849, -0.0033, -0.0001, 0.9172}, TumImporter.FREIBURG2_DISTORTION.toArray());
    assertEquals(TumImporter.Distortion.NONE, TumImporter.FREIBURG3_DISTORTION);
    Path vga = minimal("vga-distortion", 640, 480, new double[] {1}, new double[] {1}, "1 0 0 0 0 0 0 1\n", null);
    String[] names = {"rgbd_dataset_freiburg1_desk", "rgbd_dataset_freiburg2_xyz", "rgbd_dataset_freiburg3_office"};
    for (String name : names) {
      Path d = tmp.resolve(name);
      MalformedSceneTestAccess.copyTree(vga, d);
      TumImporter.Result r = new TumImporter().readWithReport(d);
      assertEquals(TumImporter.Distortion.NONE, r.distortion(), name + ": stored undistorted by the Kinect driver");
      Frame f = r.scene().frame(0);
      assertEquals(0.2f, f.depth().orElseThrow().get(0, 0), 1e-6f, name + " corner as stored");
      assertTrue(((FileBackedFrame) f).rgbFile().isPresent(), name + ": colour copied unchanged");
    }
    // The benchmark's raw-camera calibration, given explicitly, is removed.
    Path fr1 = tmp.resolve(names[0]);
    double[] k = TumImporter.FREIBURG1_DISTORTION.toArray();
    TumImporter.Result given = TumImporter.builder().optIntrinsics(517.3, 516.5, 318.6, 255.3)
        .optDistortion(k[0], k[1], k[2], k[3], k[4]).build().readWithReport(fr1);
    assertEquals(TumImporter.FREIBURG1_DISTORTION, given.distortion());
    DepthImage depth = given.scene().frame(0).depth().orElseThrow();
    assertEquals(0.2f, depth.get(320, 240), 1e-6f, "the middle keeps its depth");
    assertEquals(0f, depth.get(0, 0), 1e-6f, "the corner comes from outside the stored image");
    assertTrue(((FileBackedFrame) given.scene().frame(0)).rgbFile().isEmpty(), "undistorted colour is re-encoded");
  }


  @Test
  void parsesDistortionAndRejectsBadOnes() {
    assertArrayEquals(new double[] {0.2624, -0.9531, -0.0054, 0.0026, 1.1633},
        TumImporter.parseDistortion("0.2624,-0.9531,-0.0054,0.0026,1.1633"));
    assertArrayEquals(new double[] {0.1, 0, 0, 0, -1e-3}, TumImporter.parseDistortion(" 0.1 0, 0 0 -1e-3 "));
    String[][] bad = {
        {"0.2624,-0.9531,-0.0054,0.0026", "expected five numbers k1,k2,p1,p2,k3 (OpenCV's order; 0 for a coefficient"
            + " your calibration lacks, e.g. k3), found 4 in '0.2624,-0.9531,-0.0054,0.0026'"},
        {"0.2624,-0.9531,-0.0054,0.0026,1.1633,0,0,0", "found 8 in"},
        {"", "found 0 in ''"},
        {"k1,0,0,0,0", "found 'k1' in 'k1,0,0,0,0'"},
        {"0.1;0;0;0;0", "found 1 in"},
        {"0.1,NaN,0,0,0", "expected finite distortion coefficients, found k2 = NaN"},
        {"0,0,0,0,-Infinity", "expected finite distortion coefficients, found k3 = -Infinity"}};
    for (String[] b : bad) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TumImporter.parseDistortion(b[0]));
      assertTrue(e.getMessage().contains(b[1]), "expected \"" + b[1] + "\" in: " + e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TumImporter.builder().optDistortion(0, 0, Double.POSITIVE_INFINITY, 0, 0));
    assertTrue(e.getMessage().contains("found p1 = Infinity"), e.getMessage());
  }

  // ---- malformed inputs ------------------------------------------------------------------------

  static TumImporter importer() {
    return TumImporter.builder().optIntrinsics(3, 3, 1.5, 1).build();
  }

  /**
   * A sequence of {@code w x h} images: colour frame i at {@code rgbTimes[i]}, depth frame j at
   * {@code depthTimes[j]} holding {@code 1000 (j + 1)} units, and the given trajectory text.
   */
  static Path minimal(String name, int w, int h, double[] rgbTimes, double[] depthTimes, String groundtruth,
                      Path at) throws IOException {
    Path d = at != null ? at : tmp.resolve(name);
    Files.createDirectories(d.resolve("rgb"));
    Files.createDirectories(d.resolve("depth"));
    StringBuilder rgbTxt = new StringBuilder("# color images\n# timestamp filename\n");
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < rgbTimes.length; i++) {
      img.setRGB(0, 0, i);
      ImageIO.write(img, "png", d.resolve("rgb/" + i + ".png").toFile());
      rgbTxt.append(String.format(Locale.ROOT, "%.6f rgb/%d.png%n", rgbTimes[i], i));
    }
    StringBuilder depthTxt = new StringBuilder("# depth maps\n# timestamp filename\n");
    for (int j = 0; j < depthTimes.length; j++) {
      int[] v = new int[w * h];
      Arrays.fill(v, 1000 * (j + 1));
      ForeignLayouts.write16(d.resolve("depth/" + j + ".png"), w, h, v);
      depthTxt.append(String.format(Locale.ROOT, "%.6f depth/%d.png%n", depthTimes[j], j));
    }
    Files.writeString(d.resolve("rgb.txt"), rgbTxt.toString());
    Files.writeString(d.resolve("depth.txt"), depthTxt.toString());
    Files.writeString(d.resolve("groundtruth.txt"), groundtruth);
    return d;
  }

  Path copy() throws IOException {
    Path d = tmp.resolve("broken" + (cases++));
    MalformedSceneTestAccess.copyTree(dir, d);
    return d;
  }

  /** A copy of the fixture with line {@code line} (1-based) of {@code file} replaced. */
  Path withLine(String file, int line, String text) throws IOException {
    Path d = copy();
    List<String> lines = new ArrayList<>(Files.readAllLines(d.resolve(file)));
    lines.set(line - 1, text);
    Files.write(d.resolve(file), lines);
    return d;
  }

  static void assertFails(TumImporter importer, Path in, Path file, String problem) {
    InvalidSceneException e = assertThrows(InvalidSceneException.class, () -> importer.read(in));
    assertEquals(file, e.file(), e.getMessage());
    assertTrue(e.problem().contains(problem), "expected \"" + problem + "\" in: " + e.getMessage());
  }

  static void assertFails(Path in, Path file, String problem) {
    assertFails(withCamera().build(), in, file, problem);
  }

  @Test
  void rejectsMissingLists() throws IOException {
    Path d = copy();
    Files.delete(d.resolve("rgb.txt"));
    assertFails(d, d.resolve("rgb.txt"), "file does not exist; expected the colour image list 'timestamp filename'");
    Path e = copy();
    Files.delete(e.resolve("depth.txt"));
    assertFails(e, e.resolve("depth.txt"), "file does not exist; expected the depth image list");
    assertFails(withCamera().optTrajectory(tmp.resolve("nope.txt")).build(), dir, tmp.resolve("nope.txt"),
        "file does not exist");
    Path f = copy();
    Files.delete(f.resolve("groundtruth.txt"));
    assertFails(f, f.resolve("groundtruth.txt"), "file does not exist; expected the trajectory 'timestamp tx ty tz qx"
        + " qy qz qw' (to read another file, e.g. a SLAM system's estimate: --trajectory FILE");
    Path notDir = tmp.resolve("file.txt");
    Files.writeString(notDir, "x");
    assertFails(notDir, notDir, "expected a folder, found a file");
  }

  @Test
  void rejectsBadListLines() throws IOException {
    Path d = withLine("rgb.txt", 5, stamps.get(1));
    assertFails(d, d.resolve("rgb.txt"), "line 5: expected 'timestamp filename', found '" + stamps.get(1) + "'");
    Path e = withLine("depth.txt", 4, "12:00:01 depth/a.png");
    assertFails(e, e.resolve("depth.txt"), "line 4: expected a timestamp in seconds, found '12:00:01'");
    Path f = withLine("rgb.txt", 6, stamps.get(0) + " rgb/" + stamps.get(0) + ".png");
    assertFails(f, f.resolve("rgb.txt"), "line 6: timestamp " + stamps.get(0) + " is also on line 4; expected one"
        + " colour image per timestamp");
  }

  @Test
  void rejectsMissingImageFile() throws IOException {
    Path d = copy();
    Path missing = d.resolve(Files.readAllLines(d.resolve("depth.txt")).get(5).split(" ")[1]);
    Files.delete(missing);
    assertFails(d, missing, "file does not exist (listed on line 6 of depth.txt)");
  }

  @Test
  void rejectsTrajectoryLineWithoutEightNumbers() throws IOException {
    Path d = withLine("groundtruth.txt", 6, "1305031102.2000 1.0 2.0 3.0 0 0 1");
    assertFails(d, d.resolve("groundtruth.txt"), "line 6: expected 8 numbers 'timestamp tx ty tz qx qy qz qw', found 7");
    Path e = withLine("groundtruth.txt", 6, "1305031102.2000 1.0 2.0 3.0 0 0 x 1");
    assertFails(e, e.resolve("groundtruth.txt"), "line 6: expected a number, found 'x'");
  }

  @Test
  void rejectsNonUnitAndNonFiniteQuaternions() throws IOException {
    Path d = withLine("groundtruth.txt", 7, "1305031102.2000 1.0 2.0 3.0 0 0 0 2");
    assertFails(d, d.resolve("groundtruth.txt"), "line 7: expected a unit quaternion qx qy qz qw (norm 1 +- 0.005),"
        + " found norm 2.00000");
    Path z = withLine("groundtruth.txt", 7, "1305031102.2000 1.0 2.0 3.0 0 0 0 0");
    assertFails(z, z.resolve("groundtruth.txt"), "found norm 0.00000");
    Path e = withLine("groundtruth.txt", 7, "1305031102.2000 1.0 2.0 3.0 nan 0 0 1");
    assertFails(e, e.resolve("groundtruth.txt"), "line 7: expected finite numbers, found qx = NaN");
    Path f = withLine("groundtruth.txt", 4, "1305031102.2000 inf 2.0 3.0 0 0 0 1");
    assertFails(f, f.resolve("groundtruth.txt"), "line 4: expected finite numbers, found tx = Infinity");
  }

  @Test
  void rejectsSequenceWithoutAssociatedFrames() throws IOException {
    // Depth stamped by another clock, 100 s later: nothing is within 0.02 s.
    Path d = copy();
    List<String> lines = new ArrayList<>();
    for (String l : Files.readAllLines(d.resolve("depth.txt"))) {
      if (l.startsWith("#")) {
        lines.add(l);
      } else {
        String[] t = l.split(" ");
        lines.add(ForeignLayouts.seconds(Math.round(Double.parseDouble(t[0]) * 1e6) + 100_000_000L, 6) + " " + t[1]);
      }
    }
    Files.write(d.resolve("depth.txt"), lines);
    assertFails(d, d, "no associated frames: expected colour frames with a depth frame and a pose less than 0.02 s"
        + " away, found none (8 colour frames: 8 without depth, 0 without a pose; rgb.txt spans 1305031102.1");
  }

  @Test
  void rejectsEightBitDepthAndImagesOfAnotherSize() throws IOException {
    Path d = copy();
    String depthName = Files.readAllLines(d.resolve("depth.txt")).get(4).split(" ")[1];
    ImageIO.write(new BufferedImage(64, 48, BufferedImage.TYPE_BYTE_GRAY), "png", d.resolve(depthName).toFile());
    assertFails(d, d.resolve(depthName), "expected a 16-bit single-channel depth PNG");
    Path e = copy();
    Path rgb = e.resolve("rgb/" + stamps.get(2) + ".png");
    ImageIO.write(new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB), "png", rgb.toFile());
    assertFails(e, rgb, "expected 64x48 like " + stamps.get(0) + ".png, found 32x24");
  }

  static double[] multiply(double[] a, double[] b) {
    double[] m = new double[16];
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        for (int j = 0; j < 4; j++) {
          m[r * 4 + c] += a[r * 4 + j] * b[j * 4 + c];
        }
      }
    }
    return m;
  }
}
