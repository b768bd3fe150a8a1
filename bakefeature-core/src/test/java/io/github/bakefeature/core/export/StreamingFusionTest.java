package io.github.bakefeature.core.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.annotation.SemanticClass;
import io.github.bakefeature.api.field.RenderedView;
import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.viz.Palette;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streaming fusion of {@link PointCloudExporter} against the buffered one it replaced, and its memory. */
class StreamingFusionTest {
  private static final Aabb BOX = new Aabb(-5, -5, -5, 5, 5, 5);

  @TempDir
  Path tmp;

  @Test
  void writesTheSamePlyBytesAsTheBufferedFusionOnRandomViews() throws Exception {
    SplittableRandom r = new SplittableRandom(20261124);
    double[] voxelSizes = {0, 0.002, 0.05, 0.3, 2.0, 12.0};
    int withOverflow = 0;
    int points = 0;
    for (int trial = 0; trial < 150; trial++) {
      int frames = 2 + r.nextInt(12);
      Pose[] poses = new Pose[frames];
      for (int i = 0; i < frames; i++) {
        poses[i] = FusionFixtures.look(r.nextDouble(-2, 2), r.nextDouble(-2, 2), r.nextDouble(-2, 2),
            r.nextDouble(0, 2 * Math.PI), r.nextDouble(-1.2, 1.2));
      }
      CameraIntrinsics k =
          CameraIntrinsics.fromHorizontalFov(1 + r.nextInt(24), 1 + r.nextInt(18), r.nextDouble(20, 100));
      // Few classes make ties likely; many (up to the 32767 maximum) overflow the two inline votes.
      int[] classes;
      switch (trial % 3) {
        case 0 -> classes = new int[] {0, 1, 2};
        case 1 -> classes = r.ints(9, 0, 12).toArray();
        default -> classes = r.ints(40, 0, 32768).toArray();
      }
      classes[0] = trial % 3 == 2 ? 32767 : classes[0];
      List<SemanticClass> legend = legend(trial % 3 == 2 ? 300 : 12);
      Scene scene = FusionFixtures.cameras(k, poses, BOX, List.of("a", "b"));
      int pixelStride = 1 + r.nextInt(3);
      float minConfidence = new float[] {0f, 0.3f, 0.5f, 0.9f}[r.nextInt(4)];
      PointCloudExporter.Builder b = PointCloudExporter.builder().optClasses(legend)
          .optFrameStride(1 + r.nextInt(2)).optPixelStride(pixelStride).optMinConfidence(minConfidence)
          .optRenderScale(new double[] {1, 1, 0.5, 1.5}[r.nextInt(4)]);
      double voxel = voxelSizes[r.nextInt(voxelSizes.length)];
      if (voxel > 0) {
        b.optVoxelSize(voxel);
      }
      PointCloudExporter ex = b.build();
      ViewSource views = FusionFixtures.noise(trial, classes);
      String what = "trial " + trial + ": " + frames + " frames " + k.width() + "x" + k.height() + ", voxel " + voxel;

      LabelledPointCloud expected = LegacyPointCloudFusion.fuse(ex, pixelStride, minConfidence, views, scene, legend);
      LabelledPointCloud actual = ex.fuse(views, scene, legend.size());
      assertSameBytes(expected, actual, what);
      withOverflow += ex.accumulate(views, scene, true).overflowVotes() > 0 ? 1 : 0;
      points += actual.count();
    }
    assertTrue(withOverflow >= 10, "trials with voxels of more than two classes: " + withOverflow);
    assertTrue(points > 10_000, "points compared: " + points);
  }

  @Test
  void writesTheSamePlyBytesAsTheBufferedFusionOnARenderedRoom() throws Exception {
    Aabb room = new Aabb(-2, -1.2, -3, 2, 1.3, 3);
    Pose[] poses = FusionFixtures.posesInside(room, 150, 7);
    Scene scene = FusionFixtures.cameras(CameraIntrinsics.fromHorizontalFov(40, 30, 70), poses, room.padded(0.1),
        List.of("-x", "+x", "-y", "+y", "-z", "+z", "s0", "s1", "s2"));
    ViewSource views = FusionFixtures.boxRoom(scene, room);
    List<SemanticClass> legend = ExportClasses.fromScene(scene, 9);
    for (float minConfidence : new float[] {0.5f, 0.3f}) {
      // Default voxel (diagonal / 256) with the default minimum; 20 cm voxels keeping the 0.45 pixels.
      PointCloudExporter.Builder b = PointCloudExporter.builder().optMinConfidence(minConfidence);
      PointCloudExporter ex = (minConfidence == 0.5f ? b : b.optVoxelSize(0.2)).build();
      LabelledPointCloud expected = LegacyPointCloudFusion.fuse(ex, 1, minConfidence, views, scene, legend);
      LabelledPointCloud actual = ex.fuse(views, scene, 9);
      assertTrue(actual.count() > 2000, actual.count() + " points");
      assertSameBytes(expected, actual, "room, voxel " + ex.voxelSize(scene));
    }
  }

  @Test
  void tiedVotesGoToTheLowestClassIdWhereverTheyAreCounted() {
    // One voxel; classes seen first (inline) and later (overflow) tie at 4 votes, others have fewer.
    short[][] perFrame = {
        {9, 8, 300, 3, 32767, 5},
        {9, 8, 300, 3, 32767, 5},
        {32767, 300, 3, 8, 9, 5},
        {1, 1, 0, 0, 2, 2}};
    assertEquals(3, fuseOneVoxel(perFrame), "9, 8 (inline), 300, 3, 32767, 5 (overflow) tie at 3 votes; 0-2 have 2");
    short[][] inlineTie = {{12, 4, 12, 4, 7}};
    assertEquals(4, fuseOneVoxel(inlineTie), "the second class seen wins a tie with the first when its id is lower");
    short[][] overflowWins = {{2, 1, 6, 6, 6, 0, 0, 0}};
    assertEquals(0, fuseOneVoxel(overflowWins), "0 and 6 (both beyond the first two) tie at 3 votes");
    short[][] single = {{42, 42}};
    assertEquals(42, fuseOneVoxel(single));
  }

  /** Fuses one frame per row, every pixel into the same voxel, checked against the buffered fusion. */
  private static int fuseOneVoxel(short[][] perFrame) {
    int w = perFrame[0].length;
    Pose[] poses = new Pose[perFrame.length];
    Arrays.fill(poses, Pose.identity());
    Scene scene = FusionFixtures.cameras(new CameraIntrinsics(w, 1, 1000, 1000, 0, 0), poses, BOX, List.of());
    ViewSource views = (frame, camera, outputs) -> {
      float[] conf = new float[w];
      Arrays.fill(conf, 0.8f);
      float[] depth = new float[w];
      Arrays.fill(depth, 1f);
      return new RenderedView(w, 1, new float[3 * w], depth, null, 0, perFrame[frame].clone(), conf, 0);
    };
    PointCloudExporter ex = PointCloudExporter.builder().optVoxelSize(8).build();
    List<SemanticClass> legend = legend(300);
    LabelledPointCloud cloud = ex.fuse(views, scene, 300);
    LabelledPointCloud old = LegacyPointCloudFusion.fuse(ex, 1, 0.5f, views, scene, legend);
    assertEquals(1, cloud.count());
    assertEquals(old.classes()[0], cloud.classes()[0], "same class as the buffered fusion");
    return cloud.classes()[0] & 0xFFFF;
  }

  @Test
  void fusingMoreFramesOfTheSameVoxelsAllocatesNothingMore() {
    // Every frame sees the same 8x6 pixels at depth 1 through 1 m voxels: a few voxels, each with
    // seven classes (two inline, five in the overflow map), whatever the number of frames.
    int w = 8;
    int h = 6;
    int frames = 400;
    Pose[] poses = new Pose[frames];
    Arrays.fill(poses, Pose.identity());
    Scene scene = FusionFixtures.cameras(CameraIntrinsics.fromHorizontalFov(w, h, 90), poses, BOX, List.of());
    ViewSource views = (frame, camera, outputs) -> {
      int n = w * h;
      float[] depth = new float[n];
      Arrays.fill(depth, 1f);
      float[] conf = new float[n];
      Arrays.fill(conf, 0.9f);
      short[] cls = new short[n];
      for (int p = 0; p < n; p++) {
        cls[p] = (short) ((p + frame) % 7 * 1000);
      }
      return new RenderedView(w, h, new float[3 * n], depth, null, 0, cls, conf, 0);
    };
    // After seven frames every voxel has seen all seven classes.
    PointCloudExporter one =
        PointCloudExporter.builder().optVoxelSize(1).optFrames(new int[] {0, 1, 2, 3, 4, 5, 6}).build();
    PointCloudExporter all = PointCloudExporter.builder().optVoxelSize(1).build();
    PointCloudExporter.Voxels first = one.accumulate(views, scene, true);
    PointCloudExporter.Voxels many = all.accumulate(views, scene, true);
    int voxels = all.fuse(views, scene, 7).count();

    assertTrue(voxels >= 2 && voxels <= 8, voxels + " voxels");
    assertEquals(voxels, many.size(), "one slot per occupied voxel");
    assertEquals(first.size(), many.size());
    assertEquals(5 * voxels, many.overflowVotes(), "one overflow entry per extra (voxel, class) pair");
    assertEquals(first.capacityBytes(), many.capacityBytes(),
        frames * w * h + " pixels take no more memory than " + w * h);
    assertTrue(many.capacityBytes() < 200_000, many.capacityBytes() + " bytes");
  }

  private void assertSameBytes(LabelledPointCloud expected, LabelledPointCloud actual, String what) throws Exception {
    assertEquals(expected.count(), actual.count(), what);
    Path e = tmp.resolve("expected.ply");
    Path a = tmp.resolve("actual.ply");
    expected.writePly(e);
    actual.writePly(a);
    assertArrayEquals(Files.readAllBytes(e), Files.readAllBytes(a), what);
  }

  private static List<SemanticClass> legend(int n) {
    List<SemanticClass> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new SemanticClass(i, "c" + i, Palette.colour(i)));
    }
    return out;
  }
}
