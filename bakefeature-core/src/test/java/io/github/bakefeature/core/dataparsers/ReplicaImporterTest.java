package io.github.bakefeature.core.dataparsers;

import static io.github.bakefeature.core.scene.SceneAssertions.assertIntrinsicsEquals;
import static io.github.bakefeature.core.scene.SceneAssertions.assertPoseEquals;
import static io.github.bakefeature.core.scene.SceneAssertions.assertScenesEqual;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.scene.AnalyticRoom;
import io.github.bakefeature.core.scene.InMemoryScene;
import io.github.bakefeature.core.scene.MalformedSceneTestAccess;
import io.github.bakefeature.core.scene.MultiViewConsistency;
import io.github.bakefeature.core.scene.SceneFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicaImporterTest {
  /** Replica-style sparse ids for floor, ceiling, wall, sphere. */
  static final int[] SPARSE = {40, 5, 93, 17};
  @TempDir static Path tmp;
  static InMemoryScene room;
  static Path dir;
  static int cases;

  @BeforeAll
  static void writeReplicaSequence() throws IOException {
    room = AnalyticRoom.scene(3, 48, 36, ReplicaImporter.HFOV_DEGREES);
    dir = tmp.resolve("room0");
    ForeignLayouts.writeReplica(room, dir, SPARSE);
    Files.writeString(dir.resolve("info_semantic.json"), "{\"classes\": [{\"id\": 1, \"name\": \"backpack\"},"
        + " {\"id\": 5, \"name\": \"ceiling\"}, {\"id\": 17, \"name\": \"sphere\"}, {\"id\": 40, \"name\": \"floor\"},"
        + " {\"id\": 93, \"name\": \"wall\"}], \"id_to_label\": [0, 1]}");
  }

  @Test
  void importsExactCamerasPosesDepthAndRemappedClasses() throws IOException {
    Scene s = new ReplicaImporter().read(dir);
    assertEquals(3, s.size());
    // Sparse ids 5, 17, 40, 93 become 0..3 in increasing order; names from info_semantic.json.
    assertEquals(List.of("ceiling", "sphere", "floor", "wall"), s.classNames());
    int[] ourClassOfRoomClass = {2, 0, 3, 1};
    for (int i = 0; i < 3; i++) {
      Frame e = room.frame(i);
      Frame a = s.frame(i);
      assertIntrinsicsEquals(CameraIntrinsics.fromHorizontalFov(48, 36, 90), a.intrinsics(), 1e-12, "frame " + i);
      assertEquals(24.0, a.intrinsics().fx(), 1e-12, "hfov 90: fx = W / 2");
      assertEquals(23.5, a.intrinsics().cx(), 1e-12, "cx = (W - 1) / 2");
      assertPoseEquals(e.pose(), a.pose(), 1e-9, "frame " + i);
      assertArrayEquals(e.rgb().pixels(), a.rgb().pixels());
      DepthImage de = e.depth().orElseThrow();
      DepthImage da = a.depth().orElseThrow();
      for (int p = 0; p < de.metres().length; p++) {
        double diff = de.metres()[p] - da.metres()[p];
        assertTrue(diff >= -1e-6 && diff < 0.001 + 1e-6, "truncated millimetres, pixel " + p + ": " + diff);
      }
      short[] ge = e.groundTruth().orElseThrow().labels();
      short[] ga = a.groundTruth().orElseThrow().labels();
      assertEquals(LabelImage.UNLABELLED, ga[0], "void becomes unlabelled");
      for (int p = 1; p < ge.length; p++) {
        assertEquals(ourClassOfRoomClass[ge[p]], ga[p], "class of pixel " + p);
      }
    }
  }

  @Test
  void surfacesOfOverlappingViewsCoincide() throws IOException {
    Scene s = new ReplicaImporter().read(dir);
    int[][] pairs = {{0, 1}, {1, 2}};
    MultiViewConsistency.Stats ok = Consistency.pooled(s, pairs, 1, UnaryOperator.identity());
    Consistency.report("replica", "analytic room 48x36, 3 views", ok);
    assertTrue(ok.overlap() > 0.3, ok.toString());
    // Exact geometry stored with 1 mm truncation: within a millimetre.
    // The floor of the measure itself: the same pairs on the exact float depth of the fixture
    // (bilinear sampling of the curved sphere at this tiny resolution is not exact).
    MultiViewConsistency.Stats exact = Consistency.pooled(room, pairs, 1, UnaryOperator.identity());
    Consistency.report("replica", "exact fixture depth (floor of the measure)", exact);
    // Within the format's depth quantization (0.001 m) of that floor.
    assertTrue(ok.median() <= exact.median() + 0.001 && ok.p90() <= exact.p90() + 0.001, ok + " vs exact " + exact);
    // The test can fail: reading traj_w_c.txt as world-to-camera breaks the agreement.
    MultiViewConsistency.Stats wrong = Consistency.pooled(s, pairs, 1, ForeignLayouts::inverted);
    assertTrue(!(wrong.median() < 0.05), "wrong convention must disagree: " + wrong);
  }

  @Test
  void importedSceneWritesAndReopensUnchanged() throws IOException {
    Scene s = new ReplicaImporter().read(dir);
    Path out = tmp.resolve("imported");
    SceneFolder written = Importers.importScene("replica", dir, out, (done, total) -> { });
    assertScenesEqual(s, written, 1e-9, 1e-6);
    assertTrue(Files.exists(out.resolve("gt_semantic/00002.png")));
    assertEquals(s.bounds(), written.bounds());
  }

  @Test
  void ordersFramesNumericallyAndNamesUnknownClassesById() throws IOException {
    InMemoryScene eleven = AnalyticRoom.scene(11, 8, 6, 90);
    Path d = tmp.resolve("eleven");
    ForeignLayouts.writeReplica(eleven, d, SPARSE);
    Scene s = new ReplicaImporter().read(d);
    for (int i = 0; i < 11; i++) {
      assertPoseEquals(eleven.frame(i).pose(), s.frame(i).pose(), 1e-9, "rgb_" + i + " pairs with line " + i);
      assertArrayEquals(eleven.frame(i).rgb().pixels(), s.frame(i).rgb().pixels(), "rgb_" + i);
    }
    assertTrue(s.classNames().stream().allMatch(n -> n.startsWith("class ")), s.classNames().toString());
    assertTrue(s.classNames().contains("class 93"), s.classNames().toString());
  }

  // ---- malformed inputs ------------------------------------------------------------------------

  Path broken() throws IOException {
    Path d = tmp.resolve("broken" + (cases++));
    MalformedSceneTestAccess.copyTree(dir, d);
    return d;
  }

  static void assertFails(Path in, Path file, String problem) {
    InvalidSceneException e = assertThrows(InvalidSceneException.class, () -> new ReplicaImporter().read(in));
    assertEquals(file, e.file(), e.getMessage());
    assertTrue(e.problem().contains(problem), "expected \"" + problem + "\" in: " + e.getMessage());
  }

  @Test
  void rejectsTrajectoryWithTheWrongNumberOfPoses() throws IOException {
    Path d = broken();
    List<String> lines = Files.readAllLines(d.resolve("traj_w_c.txt"));
    Files.write(d.resolve("traj_w_c.txt"), lines.subList(0, 2));
    assertFails(d, d.resolve("traj_w_c.txt"), "rgb/ has 3 frames, found 2 poses");
  }

  @Test
  void rejectsTrajectoryLineWithFifteenNumbers() throws IOException {
    Path d = broken();
    List<String> lines = new java.util.ArrayList<>(Files.readAllLines(d.resolve("traj_w_c.txt")));
    lines.set(1, lines.get(1).substring(0, lines.get(1).lastIndexOf(' ')));
    Files.write(d.resolve("traj_w_c.txt"), lines);
    assertFails(d, d.resolve("traj_w_c.txt"), "line 2: expected 16 numbers like line 1 (a 4x4 matrix per line), found 15");
  }

  @Test
  void rejectsNonRigidTrajectoryPose() throws IOException {
    Path d = broken();
    List<String> lines = new java.util.ArrayList<>(Files.readAllLines(d.resolve("traj_w_c.txt")));
    lines.set(2, "2 0 0 0 0 2 0 0 0 0 2 0 0 0 0 1");
    Files.write(d.resolve("traj_w_c.txt"), lines);
    assertFails(d, d.resolve("traj_w_c.txt"), "line 3: not a rigid pose: rotation is not orthonormal");
  }

  @Test
  void rejectsGapsInFrameNumbers() throws IOException {
    Path d = broken();
    Files.move(d.resolve("rgb/rgb_1.png"), d.resolve("rgb/rgb_7.png"));
    assertFails(d, d.resolve("rgb"), "but rgb_1 is missing");
  }

  @Test
  void rejectsMissingDepthFrame() throws IOException {
    Path d = broken();
    Files.delete(d.resolve("depth/depth_2.png"));
    assertFails(d, d.resolve("depth"), "missing depth_2.png for rgb_2.png");
  }

  @Test
  void rejectsMalformedClassInfo() throws IOException {
    Path d = broken();
    Files.writeString(d.resolve("info_semantic.json"), "{\"classes\": [{\"id\": \"five\", \"name\": \"x\"}]}");
    assertFails(d, d.resolve("info_semantic.json"), "expected every class to have an integer \"id\"");
  }

  @Test
  void rejectsEightBitDepth() throws IOException {
    Path d = broken();
    java.awt.image.BufferedImage g = new java.awt.image.BufferedImage(48, 36, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
    javax.imageio.ImageIO.write(g, "png", d.resolve("depth/depth_1.png").toFile());
    assertFails(d, d.resolve("depth/depth_1.png"), "expected a 16-bit single-channel depth PNG, found 8-bit grey png");
  }

  @Test
  void rejectsTruncatedDepthWhileComputingBounds() throws IOException {
    Path d = broken();
    byte[] b = Files.readAllBytes(d.resolve("depth/depth_0.png"));
    Files.write(d.resolve("depth/depth_0.png"), java.util.Arrays.copyOf(b, b.length / 2));
    assertFails(d, d.resolve("depth/depth_0.png"), "corrupt or truncated image");
  }

  // ---- trajectory layouts ----------------------------------------------------------------------

  /** The trajectory rewritten with one matrix row (4 numbers) per line, as np.savetxt of (n, 4, 4) stacks. */
  static List<String> fourPerLine(List<String> lines) {
    List<String> out = new java.util.ArrayList<>();
    for (String l : lines) {
      String[] t = l.strip().split("\\s+");
      for (int r = 0; r < 4; r++) {
        out.add(String.join(" ", java.util.Arrays.copyOfRange(t, 4 * r, 4 * r + 4)));
      }
    }
    return out;
  }

  @Test
  void readsTrajectoryWithOneMatrixRowPerLine() throws IOException {
    Path d = broken();
    Path traj = d.resolve("traj_w_c.txt");
    Files.write(traj, fourPerLine(Files.readAllLines(traj)));
    assertEquals(12, Files.readAllLines(traj).size());
    Scene s = new ReplicaImporter().read(d);
    assertEquals(3, s.size());
    for (int i = 0; i < 3; i++) {
      assertPoseEquals(room.frame(i).pose(), s.frame(i).pose(), 1e-9, "lines " + (4 * i + 1) + "-" + (4 * i + 4));
    }
  }

  @Test
  void rejectsTrajectoryMixingOneLineAndFourLineMatrices() throws IOException {
    Path d = broken();
    Path traj = d.resolve("traj_w_c.txt");
    List<String> lines = Files.readAllLines(traj);
    List<String> mixed = new java.util.ArrayList<>(fourPerLine(lines.subList(0, 1)));
    mixed.addAll(lines.subList(1, 3));
    Files.write(traj, mixed);
    assertFails(d, traj, "line 5: expected 4 numbers like line 1 (a matrix row per line), found 16");
  }

  @Test
  void rejectsFourNumberLinesThatDoNotMakeWholeMatrices() throws IOException {
    Path d = broken();
    Path traj = d.resolve("traj_w_c.txt");
    List<String> rows = fourPerLine(Files.readAllLines(traj));
    Files.write(traj, rows.subList(0, 10));
    assertFails(d, traj, "expected 4 lines of 4 numbers per 4x4 matrix, found 10 lines");
  }

  @Test
  void rejectsTrajectoryLinesOfEightNumbers() throws IOException {
    Path d = broken();
    Path traj = d.resolve("traj_w_c.txt");
    Files.writeString(traj, "1 0 0 0 0 1 0 0\n0 0 1 0 0 0 0 1\n");
    assertFails(d, traj, "line 1: expected 16 numbers (a 4x4 matrix per line) or 4 (a matrix row per line, 4 lines"
        + " per matrix), found 8");
  }

  // ---- void labels and thinning -----------------------------------------------------------------

  static void writeGrey(Path file, int w, int h, int value) throws IOException {
    java.awt.image.BufferedImage g = new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
    int[] v = new int[w * h];
    java.util.Arrays.fill(v, value);
    g.getRaster().setSamples(0, 0, w, h, 0, v);
    javax.imageio.ImageIO.write(g, "png", file.toFile());
  }

  @Test
  void allVoidLabelsGiveASceneWithoutGroundTruthThatWritesAndReopens() throws IOException {
    Path d = broken();
    for (int i = 0; i < 3; i++) {
      writeGrey(d.resolve("semantic_class/semantic_class_" + i + ".png"), 48, 36, 0);
    }
    Scene s = new ReplicaImporter().read(d);
    assertTrue(s.classNames().isEmpty(), s.classNames().toString());
    assertFalse(s.hasGroundTruth());
    assertTrue(s.frame(1).groundTruth().isEmpty());
    Path out = tmp.resolve("all-void-out");
    SceneFolder written = Importers.importScene("replica", d, out, (done, total) -> { });
    assertEquals(3, written.size());
    assertFalse(written.hasGroundTruth());
    assertFalse(Files.exists(out.resolve("gt_semantic")));
  }

  @Test
  void everySecondFrameNeverOpensTheLeftOutFramesAndListsOnlyTheirClasses() throws IOException {
    Path d = broken();
    // Frame 1 is left out: its depth and labels are unreadable, and it alone shows Replica id 77.
    Files.write(d.resolve("depth/depth_1.png"), new byte[] {1, 2, 3});
    writeGrey(d.resolve("semantic_class/semantic_class_1.png"), 48, 36, 77);
    Scene s = new ReplicaImporter().read(d, 2);
    assertEquals(2, s.size());
    assertEquals(List.of("ceiling", "sphere", "floor", "wall"), s.classNames(), "no class 77: frame 1 is not kept");
    for (int j = 0; j < 2; j++) {
      assertEquals(ImportedScene.frameName(j), s.frame(j).name());
      assertPoseEquals(room.frame(2 * j).pose(), s.frame(j).pose(), 1e-9, "kept frame " + j);
      assertArrayEquals(room.frame(2 * j).rgb().pixels(), s.frame(j).rgb().pixels());
    }
    assertEquals(io.github.bakefeature.core.scene.SceneBounds.fromFrames(s.frames()), s.bounds(),
        "bounds of the kept frames");
    // Every frame: the unreadable depth is decoded for the bounds.
    assertFails(d, d.resolve("depth/depth_1.png"), "");
  }

  @Test
  void everyFrameIsTheSameAsPlainRead() throws IOException {
    Scene a = new ReplicaImporter().read(dir);
    Scene b = new ReplicaImporter().read(dir, 1);
    assertScenesEqual(a, b, 0, 0);
    assertEquals(a.bounds(), b.bounds());
    assertEquals(a.classNames(), b.classNames());
    assertThrows(IllegalArgumentException.class, () -> new ReplicaImporter().read(dir, 0));
  }

  /**
   * From Semantic-NeRF's convention alone (traj_w_c.txt: row-major camera-to-world, rays built
   * with its default "opencv" convention: x right, y down, looking down +z), written by hand rather
   * than by the fixture writer that shares the importer's beliefs.
   */
  @Test
  void handWrittenCameraToWorldRowsLookWhereSemanticNerfSays() throws IOException {
    Path d = tmp.resolve("by-hand");
    Files.createDirectories(d.resolve("rgb"));
    Files.createDirectories(d.resolve("depth"));
    java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(8, 6, java.awt.image.BufferedImage.TYPE_INT_RGB);
    int[] mm = new int[8 * 6];
    java.util.Arrays.fill(mm, 2000);
    for (int i = 0; i < 2; i++) {
      javax.imageio.ImageIO.write(img, "png", d.resolve("rgb/rgb_" + i + ".png").toFile());
      ForeignLayouts.write16(d.resolve("depth/depth_" + i + ".png"), 8, 6, mm);
    }
    // Frame 0 at (0, 0, -2) with the identity rotation: looks along world +z at the origin.
    // Frame 1 at (2, 0, 0), its +z (view) along world -x, its x (right) along world +z.
    Files.writeString(d.resolve("traj_w_c.txt"), "1 0 0 0 0 1 0 0 0 0 1 -2 0 0 0 1\n"
        + "0 0 -1 2 0 1 0 0 1 0 0 0 0 0 0 1\n");
    Scene s = new ReplicaImporter().read(d);
    double[] c = new double[3];
    s.frame(0).pose().worldToCameraPoint(0, 0, 0, c);
    assertArrayEquals(new double[] {0, 0, 2}, c, 1e-12);
    s.frame(0).pose().worldToCameraPoint(0, 1, 0, c); // world +y is down in the image (OpenCV y)
    assertArrayEquals(new double[] {0, 1, 2}, c, 1e-12);
    s.frame(1).pose().worldToCameraPoint(0, 0, 0, c);
    assertArrayEquals(new double[] {0, 0, 2}, c, 1e-12);
    s.frame(1).pose().worldToCameraPoint(2, 0, 1, c);
    assertArrayEquals(new double[] {1, 0, 0}, c, 1e-12);
  }
}
