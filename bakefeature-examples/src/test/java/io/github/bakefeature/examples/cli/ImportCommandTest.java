package io.github.bakefeature.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.core.dataparsers.ForeignLayouts;
import io.github.bakefeature.core.scene.AnalyticRoom;
import io.github.bakefeature.core.scene.InMemoryScene;
import io.github.bakefeature.core.scene.SceneAssertions;
import io.github.bakefeature.core.scene.SceneFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportCommandTest {
  @TempDir Path tmp;

  @Test
  void importsEachFormatAndPrintsOneJsonLine() throws Exception {
    InMemoryScene room = AnalyticRoom.scene(3, 24, 18, 90);
    ForeignLayouts.writeReplica(room, tmp.resolve("replica"), new int[] {40, 5, 93, 17});
    ForeignLayouts.writeTransforms(room, tmp.resolve("ns"), 1e-3, 1, 3);
    ForeignLayouts.writeSevenScenes(room, tmp.resolve("7s"), false);
    String[][] cases = {{"replica", "replica"}, {"transforms", "ns"}, {"7scenes", "7s"}};
    for (String[] c : cases) {
      Path out = tmp.resolve("out-" + c[0]);
      CliRun r = CliRun.run("import", "--format", c[0], "--in", tmp.resolve(c[1]).toString(), "--out", out.toString());
      assertEquals(0, r.exitCode(), c[0] + ": " + r.err());
      assertEquals(1, r.outLines().length, r.out());
      JsonNode j = new ObjectMapper().readTree(r.outLines()[0]);
      assertEquals("import", j.get("command").asText());
      assertEquals(c[0], j.get("format").asText());
      assertEquals(3, j.get("frames").asInt());
      assertEquals(24, j.get("width").asInt());
      assertEquals(6, j.get("bounds").size());
      // Replica keeps the classes present in the sequence; the other formats have none.
      assertEquals(c[0].equals("replica") ? presentClasses(room) : 0, j.get("classes").asInt());
      assertTrue(r.err().contains("3/3 frames written"), r.err());
      SceneFolder s = SceneFolder.open(out);
      for (int i = 0; i < 3; i++) {
        SceneAssertions.assertPoseEquals(room.frame(i).pose(), s.frame(i).pose(), 1e-9, c[0] + " frame " + i);
      }
    }
  }

  @Test
  void warnsWhenTheImportedPosesDisagreeWithTheDepthLikeInfoDoes() throws Exception {
    // Before: Replica renders of another field of view than the assumed 90 degrees imported without
    // a word; only `info` then reported the inconsistency.
    for (int fov : new int[] {90, 60}) {
      InMemoryScene room = AnalyticRoom.scene(6, 64, 48, fov);
      Path in = tmp.resolve("replica-" + fov);
      ForeignLayouts.writeReplica(room, in, new int[] {40, 5, 93, 17});
      CliRun r = CliRun.run("import", "--format", "replica", "--in", in.toString(), "--out",
          tmp.resolve("out-fov-" + fov).toString());
      assertEquals(0, r.exitCode(), r.err());
      JsonNode check = new ObjectMapper().readTree(r.outLines()[0]).get("pose_check");
      if (fov == 90) {
        assertEquals("ok", check.get("verdict").asText(), check.toString());
        assertTrue(!r.err().contains("warning"), r.err());
      } else {
        assertTrue(!check.get("verdict").asText().equals("ok"), check.toString());
        assertTrue(r.err().contains("bakefeature import: warning: depth of overlapping frames disagrees"), r.err());
      }
    }
  }

  @Test
  void importsTransformsSayingWhichLensDistortionItRemoved() throws Exception {
    InMemoryScene room = AnalyticRoom.scene(3, 24, 18, 90);
    ForeignLayouts.writeTransforms(room, tmp.resolve("ns-distorted"), 1e-3, 1, 3, new double[] {0.05, -0.01, 0, 0, 0});
    CliRun r = CliRun.run("import", "--format", "transforms", "--in", tmp.resolve("ns-distorted").toString(), "--out",
        tmp.resolve("out-distorted").toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.err().contains("removing lens distortion k1,k2,p1,p2,k3 = 0.05,-0.01,0.0,0.0,0.0"), r.err());
    JsonNode j = new ObjectMapper().readTree(r.outLines()[0]);
    assertEquals(List.of(0.05, -0.01, 0.0, 0.0, 0.0), doubles(j.get("distortion")));
    ForeignLayouts.writeTransforms(room, tmp.resolve("ns-plain"), 1e-3, 1, 3);
    CliRun plain = CliRun.run("import", "--format", "transforms", "--in", tmp.resolve("ns-plain").toString(), "--out",
        tmp.resolve("out-plain").toString());
    assertEquals(0, plain.exitCode(), plain.err());
    assertFalse(plain.err().contains("lens distortion"), plain.err());
    assertEquals(List.of(0.0, 0.0, 0.0, 0.0, 0.0),
        doubles(new ObjectMapper().readTree(plain.outLines()[0]).get("distortion")));
  }

  @Test
  void importsScanNetKeepingEveryNthFrameAndReportingSkippedPoses() throws Exception {
    // ScanNet's cameras: colour larger by a non-integral ratio, with its own focal length and
    // principal point, at the same poses as depth.
    InMemoryScene depth = AnalyticRoom.scene(7, new CameraIntrinsics(24, 18, 20, 20, 11.5, 8.5));
    InMemoryScene colour = AnalyticRoom.scene(7, new CameraIntrinsics(50, 38, 44, 44, 25.2, 18.9));
    Path in = tmp.resolve("scene0000_00");
    ForeignLayouts.writeScanNet(depth, colour, in, colour, new int[] {1, 2, 3, 40});
    Files.writeString(in.resolve("pose/4.txt"), "-inf -inf -inf -inf\n".repeat(4));
    Path out = tmp.resolve("out-scannet");
    CliRun r = CliRun.run("import", "--format", "scannet", "--in", in.toString(), "--out", out.toString(),
        "--every", "2");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.err().contains("skipped 1 frame whose pose is not finite (-inf/nan): pose/4.txt"), r.err());
    JsonNode j = new ObjectMapper().readTree(r.outLines()[0]);
    assertEquals("scannet", j.get("format").asText());
    assertEquals(3, j.get("frames").asInt(), "frames 0, 2, 6 of 0, 2, 4, 6");
    assertEquals(1, j.get("skipped_invalid_poses").asInt());
    assertEquals(24, j.get("width").asInt(), "the depth camera's size");
    assertTrue(j.get("has_ground_truth").asBoolean());
    SceneFolder s = SceneFolder.open(out);
    int[] original = {0, 2, 6};
    for (int i = 0; i < 3; i++) {
      SceneAssertions.assertPoseEquals(depth.frame(original[i]).pose(), s.frame(i).pose(), 1e-5, "frame " + i);
    }
    // Frames renumbered after --every and the skipped pose: which raw frame each one is.
    assertEquals(out.resolve("source_frames.tsv").toString(), j.get("source_frames").asText());
    assertEquals(java.util.List.of("frame\tsource", "00000\tcolor/0.jpg", "00001\tcolor/2.jpg", "00002\tcolor/6.jpg"),
        Files.readAllLines(out.resolve("source_frames.tsv")));
  }

  @Test
  void importsScanNetLabelsAsNyu40ClassesFromTheLabelTable() throws Exception {
    InMemoryScene depth = AnalyticRoom.scene(3, new CameraIntrinsics(24, 18, 20, 20, 11.5, 8.5));
    Path in = tmp.resolve("scene0001_00");
    // Two ScanNet ids of every class but the last share one NYU40 class.
    int classes = depth.classNames().size();
    int[] raw = new int[classes];
    StringBuilder tsv = new StringBuilder("id\traw_category\tcategory\tcount\tnyu40id\teigen13id\tnyuClass\tnyu40class\n");
    for (int c = 0; c < classes; c++) {
      raw[c] = 100 + c;
      int nyu = c < classes - 1 ? 1 + c / 2 : 0;
      tsv.append(raw[c]).append("\tthing ").append(c).append("\tthing ").append(c).append("\t1\t").append(nyu)
          .append("\t0\t\t").append(nyu == 0 ? "" : "nyu class " + nyu).append('\n');
    }
    ForeignLayouts.writeScanNet(depth, depth, in, depth, raw);
    Path table = Files.writeString(tmp.resolve("labels.tsv"), tsv);
    Path out = tmp.resolve("out-nyu");
    CliRun r = CliRun.run("import", "--format", "scannet", "--in", in.toString(), "--out", out.toString(),
        "--label-table", table.toString(), "--label-set", "nyu40");
    assertEquals(0, r.exitCode(), r.err());
    SceneFolder s = SceneFolder.open(out);
    assertTrue(s.classNames().stream().allMatch(n -> n.startsWith("nyu class ")), s.classNames().toString());
    assertTrue(s.classNames().size() < presentClasses(depth), "ids merged: " + s.classNames());

    CliRun noTable = CliRun.run("import", "--format", "scannet", "--in", in.toString(), "--out",
        tmp.resolve("out-nyu2").toString(), "--label-set", "nyu40");
    assertEquals(2, noTable.exitCode());
    assertTrue(noTable.err().contains("--label-set nyu40: NYU40 classes need ScanNet's label table"), noTable.err());
    CliRun other = CliRun.run("import", "--format", "7scenes", "--in", in.toString(), "--out",
        tmp.resolve("out-7").toString(), "--label-table", table.toString());
    assertEquals(2, other.exitCode());
    assertTrue(other.err().contains("--label-table: applies to --format scannet only, found --format 7scenes"),
        other.err());
  }

  static int presentClasses(InMemoryScene room) throws java.io.IOException {
    java.util.Set<Integer> ids = new java.util.HashSet<>();
    for (var f : room.frames()) {
      for (short l : f.groundTruth().orElseThrow().labels()) {
        ids.add((int) l);
      }
    }
    return ids.size();
  }

  @Test
  void importsTumWithItsOptionsAndSaysWhatItSkipped() throws Exception {
    InMemoryScene room = AnalyticRoom.scene(5, 24, 18, 90);
    Path in = tmp.resolve("capture");
    ForeignLayouts.writeTum(room, in, 5000, 1);
    // Frame 3 loses its depth frame (depth.txt: 3 comment lines, then one line per frame).
    List<String> depth = new ArrayList<>(Files.readAllLines(in.resolve("depth.txt")));
    depth.remove(3 + 3);
    Files.write(in.resolve("depth.txt"), depth);
    // An estimated trajectory kept outside the sequence folder.
    Path est = tmp.resolve("CameraTrajectory.txt");
    Files.move(in.resolve("groundtruth.txt"), est);
    CameraIntrinsics k = room.frame(0).intrinsics();
    String intrinsics = String.format(Locale.ROOT, "%.17g,%.17g,%.17g,%.17g", k.fx(), k.fy(), k.cx(), k.cy());
    Path out = tmp.resolve("out-tum");
    CliRun r = CliRun.run("import", "--format", "tum", "--in", in.toString(), "--out", out.toString(),
        "--intrinsics", intrinsics, "--trajectory", est.toString(), "--depth-scale", "5000", "--every", "2");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.err().contains("kept 2 of 5 colour frames (every 2nd of 4 associated); skipped 1 without a depth"
        + " frame within 0.02 s"), r.err());
    JsonNode j = new ObjectMapper().readTree(r.outLines()[0]);
    assertEquals("tum", j.get("format").asText());
    assertEquals(2, j.get("frames").asInt());
    assertEquals(1, j.get("skipped_without_depth").asInt());
    assertEquals(0, j.get("skipped_without_pose").asInt());
    assertEquals(List.of(0.0, 0.0, 0.0, 0.0, 0.0), doubles(j.get("distortion")), "given intrinsics: no distortion");
    assertFalse(r.err().contains("lens distortion"), r.err());
    SceneFolder s = SceneFolder.open(out);
    SceneAssertions.assertIntrinsicsEquals(k, s.frame(0).intrinsics(), 1e-12, "tum");
    // Associated: frames 0, 1, 2, 4; every 2nd: 0 and 2 (poses interpolated from 4-decimal lines).
    SceneAssertions.assertPoseEquals(room.frame(0).pose(), s.frame(0).pose(), 5e-4, "tum frame 0");
    SceneAssertions.assertPoseEquals(room.frame(2).pose(), s.frame(1).pose(), 5e-4, "tum frame 2");
  }

  @Test
  void importsTumRemovingTheGivenLensDistortion() throws Exception {
    InMemoryScene room = AnalyticRoom.scene(3, 24, 18, 90);
    Path in = tmp.resolve("capture");
    ForeignLayouts.writeTum(room, in, 5000, 1);
    CameraIntrinsics k = room.frame(0).intrinsics();
    String intrinsics = String.format(Locale.ROOT, "%.17g,%.17g,%.17g,%.17g", k.fx(), k.fy(), k.cx(), k.cy());
    Path out = tmp.resolve("out-tum");
    CliRun r = CliRun.run("import", "--format", "tum", "--in", in.toString(), "--out", out.toString(),
        "--intrinsics", intrinsics, "--distortion", "0.1, 0, 0, 0, 0");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.err().contains("removing lens distortion k1,k2,p1,p2,k3 = 0.1,0.0,0.0,0.0,0.0"), r.err());
    JsonNode j = new ObjectMapper().readTree(r.outLines()[0]);
    assertEquals(List.of(0.1, 0.0, 0.0, 0.0, 0.0), doubles(j.get("distortion")));
    SceneFolder s = SceneFolder.open(out);
    SceneAssertions.assertIntrinsicsEquals(k, s.frame(0).intrinsics(), 1e-12, "the pinhole camera is kept");
    for (int i = 0; i < 3; i++) {
      var depth = s.frame(i).depth().orElseThrow();
      // The pixel at the principal point stays; the corners come from outside the stored images.
      assertEquals(room.frame(i).depth().orElseThrow().get(12, 9), depth.get(12, 9), 0.0006, "frame " + i);
      assertTrue(room.frame(i).depth().orElseThrow().get(0, 0) > 0, "frame " + i);
      assertEquals(0f, depth.get(0, 0), "frame " + i);
    }
  }

  static List<Double> doubles(JsonNode array) {
    List<Double> l = new ArrayList<>();
    array.forEach(n -> l.add(n.asDouble()));
    return l;
  }

  @Test
  void tumOptionsAreCheckedAndEveryAppliesToEveryFormat() throws Exception {
    InMemoryScene room = AnalyticRoom.scene(3, 24, 18, 90);
    Path tum = tmp.resolve("capture");
    ForeignLayouts.writeTum(room, tum, 5000, 1);
    Path sevenScenes = tmp.resolve("7s");
    ForeignLayouts.writeSevenScenes(room, sevenScenes, false);
    String[][] refused = {
        {"tum", tum.toString(), "the folder name does not say freiburg1, freiburg2 or freiburg3; expected the camera's"
            + " intrinsics fx, fy, cx, cy in pixels to be given (--intrinsics fx,fy,cx,cy"},
        {"tum", tum.toString(), "--intrinsics: expected four numbers fx,fy,cx,cy (pixels), found 3 in '20,20,12'",
            "--intrinsics", "20,20,12"},
        {"tum", tum.toString(), "--depth-scale: depth scale must be a positive number of units per metre, found 0.0",
            "--intrinsics", "20,20,12,9", "--depth-scale", "0"},
        {"tum", tum.toString(), "--distortion: expected five numbers k1,k2,p1,p2,k3 (OpenCV's order; 0 for a"
            + " coefficient your calibration lacks, e.g. k3), found 4 in '0.1,0,0,0'",
            "--intrinsics", "20,20,12,9", "--distortion", "0.1,0,0,0"},
        {"tum", tum.toString(), "--distortion: expected five numbers k1,k2,p1,p2,k3 (OpenCV's order; 0 for a"
            + " coefficient your calibration lacks, e.g. k3), found 'x' in '0.1,x,0,0,0'",
            "--intrinsics", "20,20,12,9", "--distortion", "0.1,x,0,0,0"},
        {"tum", tum.toString(), "--distortion: expected finite distortion coefficients, found k1 = NaN",
            "--intrinsics", "20,20,12,9", "--distortion", "NaN,0,0,0,0"},
        {"7scenes", sevenScenes.toString(), "--intrinsics: applies to --format tum only, found --format 7scenes",
            "--intrinsics", "20,20,12,9"},
        {"7scenes", sevenScenes.toString(), "--distortion: applies to --format tum only, found --format 7scenes",
            "--distortion", "0,0,0,0,0"},
        {"replica", sevenScenes.toString(), "--trajectory: applies to --format tum only, found --format replica",
            "--trajectory", "x.txt"},
        {"7scenes", sevenScenes.toString(), "--every: expected a positive number of frames, found 0", "--every", "0"}};
    for (String[] c : refused) {
      Path out = tmp.resolve("refused");
      List<String> args = new ArrayList<>(List.of("import", "--format", c[0], "--in", c[1], "--out", out.toString()));
      args.addAll(Arrays.asList(c).subList(3, c.length));
      CliRun r = CliRun.run(args.toArray(new String[0]));
      assertEquals(2, r.exitCode(), r.err());
      assertTrue(r.err().contains(c[2]), "expected \"" + c[2] + "\" in: " + r.err());
      assertFalse(Files.exists(out));
    }
    Path out = tmp.resolve("out-7s-every");
    CliRun r = CliRun.run("import", "--format", "7scenes", "--in", sevenScenes.toString(), "--out", out.toString(),
        "--every", "2");
    assertEquals(0, r.exitCode(), r.err());
    SceneFolder s = SceneFolder.open(out);
    assertEquals(2, s.size());
    SceneAssertions.assertPoseEquals(room.frame(2).pose(), s.frame(1).pose(), 1e-9, "7scenes frame 2");
  }

  @Test
  void invalidInputExitsWithTwoAndLeavesNoOutput() throws Exception {
    Path in = tmp.resolve("7s");
    ForeignLayouts.writeSevenScenes(AnalyticRoom.scene(2, 16, 12, 70), in, false);
    Files.delete(in.resolve("frame-000001.pose.txt"));
    Path out = tmp.resolve("out");
    CliRun r = CliRun.run("import", "--format", "7scenes", "--in", in.toString(), "--out", out.toString());
    assertEquals(2, r.exitCode());
    assertEquals("", r.out());
    assertTrue(r.err().contains("frame-000001.pose.txt: file does not exist"), r.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void unknownFormatAndOccupiedOutputExitWithTwo() throws Exception {
    CliRun r = CliRun.run("import", "--format", "colmap", "--in", tmp.toString(), "--out", tmp.resolve("o").toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("unknown import format 'colmap'; expected one of replica, transforms, 7scenes, tum"), r.err());
    Path occupied = tmp.resolve("occupied");
    Files.createDirectories(occupied);
    Files.writeString(occupied.resolve("keep.txt"), "mine");
    CliRun o = CliRun.run("import", "--format", "replica", "--in", tmp.toString(), "--out", occupied.toString());
    assertEquals(2, o.exitCode());
    assertTrue(o.err().contains("expected a new or empty folder, found a non-empty folder"), o.err());
    assertEquals("mine", Files.readString(occupied.resolve("keep.txt")));
    CliRun missing = CliRun.run("import", "--format", "replica");
    assertEquals(2, missing.exitCode(), "picocli usage error");
  }

  static void writeGrey(Path file, int w, int h, int bits) throws java.io.IOException {
    java.awt.image.BufferedImage g = new java.awt.image.BufferedImage(w, h, bits == 16
        ? java.awt.image.BufferedImage.TYPE_USHORT_GRAY : java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
    javax.imageio.ImageIO.write(g, "png", file.toFile());
  }

  @Test
  void labelsThatAreAllVoidImportAsAReadableSceneWithoutGroundTruth() throws Exception {
    InMemoryScene room = AnalyticRoom.scene(3, 24, 18, 90);
    Path replica = tmp.resolve("replica-void");
    ForeignLayouts.writeReplica(room, replica, new int[] {40, 5, 93, 17});
    Path scanNet = tmp.resolve("scannet-void");
    ForeignLayouts.writeScanNet(room, room, scanNet, room, new int[] {3, 40, 7, 1200});
    for (int i = 0; i < 3; i++) {
      writeGrey(replica.resolve("semantic_class/semantic_class_" + i + ".png"), 24, 18, 8);
      writeGrey(scanNet.resolve("label-filt/" + i + ".png"), 24, 18, 16);
    }
    for (String[] c : new String[][] {{"replica", replica.toString()}, {"scannet", scanNet.toString()}}) {
      Path out = tmp.resolve("out-void-" + c[0]);
      CliRun r = CliRun.run("import", "--format", c[0], "--in", c[1], "--out", out.toString());
      assertEquals(0, r.exitCode(), c[0] + ": " + r.err());
      JsonNode j = new ObjectMapper().readTree(r.outLines()[0]);
      assertEquals(0, j.get("classes").asInt(), c[0]);
      assertFalse(j.get("has_ground_truth").asBoolean(), c[0]);
      assertEquals(3, SceneFolder.open(out).size());
      assertFalse(Files.exists(out.resolve("gt_semantic")), c[0]);
    }
  }

  @Test
  void anImportFailingWhileWritingLeavesNoOutputSoTheRerunWorks() throws Exception {
    Path in = tmp.resolve("replica-broken");
    ForeignLayouts.writeReplica(AnalyticRoom.scene(3, 24, 18, 90), in, new int[] {40, 5, 93, 17});
    Path rgb = in.resolve("rgb/rgb_2.png");
    byte[] good = Files.readAllBytes(rgb);
    Files.write(rgb, Arrays.copyOf(good, good.length / 2)); // the header reads, the pixels do not
    Path out = tmp.resolve("out-broken");
    CliRun r = CliRun.run("import", "--format", "replica", "--in", in.toString(), "--out", out.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("rgb_2.png"), r.err());
    assertFalse(Files.exists(out));
    try (var left = Files.list(tmp)) {
      assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith(".out-broken")), "no staging folder left");
    }
    Files.write(rgb, good);
    CliRun again = CliRun.run("import", "--format", "replica", "--in", in.toString(), "--out", out.toString());
    assertEquals(0, again.exitCode(), again.err());
    assertEquals(3, SceneFolder.open(out).size());
  }

  @Test
  void everyNeverReadsTheDepthOfTheFramesLeftOut() throws Exception {
    InMemoryScene room = AnalyticRoom.scene(3, 24, 18, 90);
    Path in = tmp.resolve("replica-every");
    ForeignLayouts.writeReplica(room, in, new int[] {40, 5, 93, 17});
    Files.write(in.resolve("depth/depth_1.png"), new byte[] {1, 2, 3});
    Path out = tmp.resolve("out-every");
    CliRun r = CliRun.run("import", "--format", "replica", "--in", in.toString(), "--out", out.toString(),
        "--every", "2");
    assertEquals(0, r.exitCode(), r.err());
    SceneFolder s = SceneFolder.open(out);
    assertEquals(2, s.size());
    SceneAssertions.assertPoseEquals(room.frame(2).pose(), s.frame(1).pose(), 1e-9, "replica frame 2");
  }
}
