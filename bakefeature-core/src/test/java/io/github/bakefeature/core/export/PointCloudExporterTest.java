package io.github.bakefeature.core.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.field.RenderedView;
import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.scene.InMemoryScene;
import io.github.bakefeature.core.synth.Preset;
import io.github.bakefeature.core.synth.SyntheticScene;
import io.github.bakefeature.core.synth.SyntheticScenes;
import io.github.bakefeature.core.viz.Palette;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PointCloudExporterTest {
  private static SyntheticScene room;

  @TempDir
  Path tmp;

  @BeforeAll
  static void makeScene() {
    room = SyntheticScenes.generate(Preset.ROOM, 6, 64, 48, 3);
  }

  @Test
  void geometryOnlyFusionKeepsPositionsAndColoursAndMarksEveryClassUnknown() throws Exception {
    InMemoryScene s = room.scene();
    PointCloudExporter ex = PointCloudExporter.builder().optMinConfidence(1f).build();
    LabelledPointCloud labelled = PointCloudExporter.builder().optMinConfidence(0f).build()
        .fuse(ExportFixtures.oracle(s), s, s.classNames().size());
    // The oracle's confidence (0.9) is below 1: a labelled fusion would keep nothing; geometry keeps all.
    assertEquals(0, ex.fuse(ExportFixtures.oracle(s), s, s.classNames().size()).count());
    LabelledPointCloud geometry = ex.fuseGeometry(ExportFixtures.oracle(s), s);
    assertEquals(labelled.count(), geometry.count());
    assertArrayEquals(labelled.positions(), geometry.positions());
    assertArrayEquals(labelled.colours(), geometry.colours());
    for (int i = 0; i < geometry.count(); i++) {
      assertEquals(LabelledPointCloud.UNKNOWN_CLASS, geometry.classes()[i]);
      assertEquals(0f, geometry.confidence()[i]);
    }
    Path file = tmp.resolve("geometry.ply");
    geometry.writePly(file);
    PlyReader ply = PlyReader.read(file);
    assertEquals(geometry.count(), ply.vertices);
    assertTrue(ply.comments.stream().noneMatch(c -> c.startsWith("class ")), ply.comments.toString());
    assertEquals(LabelledPointCloud.UNKNOWN_CLASS, ply.classes[0]);
  }

  @Test
  void plyOfAPerfectModelPutsFloorCeilingAndWallPointsOnTheirSurfaces() throws Exception {
    InMemoryScene s = room.scene();
    PointCloudExporter ex = PointCloudExporter.builder().build();
    LabelledPointCloud cloud = ex.fuse(ExportFixtures.oracle(s), s, s.classNames().size());
    Path file = tmp.resolve("room.ply");
    cloud.writePly(file);
    PlyReader ply = PlyReader.read(file);

    assertEquals("ply", ply.header.get(0));
    assertEquals("format binary_little_endian 1.0", ply.header.get(1));
    assertEquals(cloud.count(), ply.vertices);
    assertEquals(0, ply.trailingBytes, "exactly N records after the header");
    List<String> names = new ArrayList<>();
    for (String[] p : ply.properties) {
      names.add(p[0] + " " + p[1]);
    }
    assertEquals(List.of("float x", "float y", "float z", "uchar red", "uchar green", "uchar blue", "uchar class",
        "float confidence"), names);
    for (int c = 0; c < s.classNames().size(); c++) {
      String expected = "class " + c + " " + String.format("#%06x", Palette.colour(c)) + " " + s.classNames().get(c);
      assertTrue(ply.comments.contains(expected), "missing comment '" + expected + "' in " + ply.comments);
    }

    Aabb g = room.world().geometryBounds();
    double voxel = ex.voxelSize(s);
    int floor = s.classNames().indexOf("floor");
    int ceiling = s.classNames().indexOf("ceiling");
    int wall = s.classNames().indexOf("wall");
    int[] seen = new int[s.classNames().size()];
    List<Double> floorErrors = new ArrayList<>();
    Set<Long> voxels = new HashSet<>();
    for (int i = 0; i < ply.vertices; i++) {
      double x = ply.xyz[3 * i];
      double y = ply.xyz[3 * i + 1];
      double z = ply.xyz[3 * i + 2];
      int c = ply.classes[i];
      seen[c]++;
      assertEquals(0.9f, ply.confidence[i], 1e-6f);
      if (c == floor) {
        assertEquals(g.minY(), y, voxel, "floor point " + i);
        floorErrors.add(Math.abs(y - g.minY()));
      } else if (c == ceiling) {
        assertEquals(g.maxY(), y, voxel, "ceiling point " + i);
      } else if (c == wall) {
        double d = Math.min(Math.min(Math.abs(x - g.minX()), Math.abs(x - g.maxX())),
            Math.min(Math.abs(z - g.minZ()), Math.abs(z - g.maxZ())));
        assertTrue(d <= voxel, "wall point " + i + " is " + d + " m from every wall");
      }
      long key = (long) Math.floor((x - s.bounds().minX()) / voxel) * 1_000_003L * 1_000_003L
          + (long) Math.floor((y - s.bounds().minY()) / voxel) * 1_000_003L + (long) Math.floor((z - s.bounds().minZ()) / voxel);
      voxels.add(key);
    }
    assertTrue(seen[floor] > 50 && seen[wall] > 50, "floor and walls are visible: " + java.util.Arrays.toString(seen));
    floorErrors.sort(null);
    assertTrue(floorErrors.get(floorErrors.size() / 2) < 1e-3, "coplanar points average onto the floor plane");
    // The mean of a voxel's points lies in the voxel's convex hull: distinct points, distinct voxels.
    assertTrue(voxels.size() > 0.95 * ply.vertices, voxels.size() + " voxels for " + ply.vertices + " points");
    int pixels = 6 * 64 * 48;
    assertTrue(ply.vertices < pixels, "overlapping views share voxels: " + ply.vertices + " of " + pixels);
    LabelledPointCloud coarse = PointCloudExporter.builder().optVoxelSize(0.25).build()
        .fuse(ExportFixtures.oracle(s), s, s.classNames().size());
    assertTrue(coarse.count() < ply.vertices / 10, "25 cm voxels: " + coarse.count() + " points");
  }

  @Test
  void backProjectsZDepthWithTheFrameCameraAndPose() throws Exception {
    // Camera at (1, 0, 0) looking down world +x (camera z -> world x, camera x -> world -z).
    double[] c2w = {0, 0, 1, 1, 0, 1, 0, 0, -1, 0, 0, 0, 0, 0, 0, 1};
    CameraIntrinsics k = new CameraIntrinsics(4, 3, 2.0, 2.0, 1.5, 1.0);
    InMemoryScene s = InMemoryScene.builder().optBounds(new Aabb(-5, -5, -5, 5, 5, 5))
        .addFrame(k, Pose.fromCameraToWorld(c2w), new RgbImage(4, 3, new byte[36]), null, null, null).build();
    float[] depth = new float[12];
    java.util.Arrays.fill(depth, 2f);
    depth[5] = 0f; // no surface
    short[] cls = new short[12];
    cls[3] = 1;
    float[] conf = new float[12];
    java.util.Arrays.fill(conf, 0.75f);
    conf[7] = 0.2f; // too uncertain
    float[] colour = new float[36];
    java.util.Arrays.fill(colour, 0.5f);
    ViewSource flat = (frame, camera, outputs) -> new RenderedView(4, 3, colour, depth, null, 0, cls, conf, 0);
    LabelledPointCloud cloud = PointCloudExporter.builder().optVoxelSize(1e-3).build().fuse(flat, s, 2);
    assertEquals(10, cloud.count(), "12 pixels minus one without depth and one below 0.5 confidence");
    // Pixel (u, v) = (3, 0): camera ((3 - 1.5) / 2 * 2, (0 - 1) / 2 * 2, 2) = (1.5, -1, 2) -> world (3, -1, -1.5).
    boolean found = false;
    for (int i = 0; i < cloud.count(); i++) {
      if (Math.abs(cloud.positions()[3 * i] - 3) < 1e-5 && Math.abs(cloud.positions()[3 * i + 1] + 1) < 1e-5
          && Math.abs(cloud.positions()[3 * i + 2] + 1.5) < 1e-5) {
        found = true;
        assertEquals(1, cloud.classes()[i]);
        assertEquals(0.75f, cloud.confidence()[i]);
        assertEquals(128, cloud.colours()[3 * i] & 0xff);
      }
    }
    assertTrue(found, "pixel (3, 0) back-projects to (3, -1, -1.5)");
  }

  @Test
  void voxelsAverageTheirPointsAndTakeTheMajorityClass() {
    InMemoryScene s = InMemoryScene.builder().optBounds(new Aabb(-5.5, -5.5, -5.5, 5, 5, 5))
        .addFrame(new CameraIntrinsics(3, 1, 100.0, 100.0, 1.0, 0.0), Pose.identity(), new RgbImage(3, 1, new byte[9]),
            null, null, null).build();
    // Three pixels at depth 1, 1 cm apart: one voxel of 1 m. Classes 2, 0, 2 -> 2.
    ViewSource v = (frame, camera, outputs) -> new RenderedView(3, 1, new float[] {0, 0, 0, 0.3f, 0.3f, 0.3f, 0.6f, 0.6f, 0.6f},
        new float[] {1, 1, 1}, null, 0, new short[] {2, 0, 2}, new float[] {0.6f, 0.9f, 0.6f}, 0);
    LabelledPointCloud cloud = PointCloudExporter.builder().optVoxelSize(1.0).build().fuse(v, s, 3);
    assertEquals(1, cloud.count());
    assertEquals(2, cloud.classes()[0]);
    assertEquals(0.7f, cloud.confidence()[0], 1e-6f);
    assertEquals(0f, cloud.positions()[0], 1e-7f);
    assertEquals(1f, cloud.positions()[2], 1e-7f);
    assertEquals(77, cloud.colours()[0] & 0xff); // mean 0.3 -> 76.5 -> 77
  }

  @Test
  void frameStrideAndRenderScaleChooseWhatIsRendered() {
    InMemoryScene s = room.scene();
    List<int[]> calls = new ArrayList<>();
    ViewSource spy = (frame, camera, outputs) -> {
      calls.add(new int[] {frame, camera.width(), camera.height()});
      int n = camera.width() * camera.height();
      return new RenderedView(camera.width(), camera.height(), new float[3 * n], new float[n], null, 0, new short[n],
          new float[n], 0);
    };
    PointCloudExporter ex = PointCloudExporter.builder().optFrameStride(2).optRenderScale(0.5).build();
    assertEquals(0, ex.fuse(spy, s, 10).count(), "no rendered depth, no points");
    assertEquals(3, calls.size());
    assertArrayEquals(new int[] {0, 32, 24}, calls.get(0));
    assertArrayEquals(new int[] {4, 32, 24}, calls.get(2));
    assertThrows(IllegalArgumentException.class, () -> PointCloudExporter.builder().optVoxelSize(0));
    assertThrows(IllegalArgumentException.class, () -> PointCloudExporter.builder().optFrames(new int[] {9}).build().fuse(spy, s, 10));
  }

  @Test
  void moreThan256ClassesAreWrittenAsUnsignedShorts() throws Exception {
    List<io.github.bakefeature.api.annotation.SemanticClass> legend = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      legend.add(new io.github.bakefeature.api.annotation.SemanticClass(i, "c" + i, Palette.colour(i)));
    }
    LabelledPointCloud cloud = new LabelledPointCloud(2, new float[] {0, 1, 2, 3, 4, 5}, new byte[] {1, 2, 3, 4, 5, 6},
        new short[] {299, 7}, new float[] {0.5f, 1f}, legend);
    Path f = tmp.resolve("wide.ply");
    cloud.writePly(f);
    PlyReader ply = PlyReader.read(f);
    assertTrue(ply.header.contains("property ushort class"));
    assertEquals(299, ply.classes[0]);
    assertEquals(7, ply.classes[1]);
    assertEquals(4f, ply.xyz[4]);
    assertEquals(6, ply.rgb[5]);
    assertEquals(0, ply.trailingBytes);
  }

  @Test
  void classIdsBeyondAShortLegendAreWrittenAsUnsignedShortsNotTruncated() throws Exception {
    List<io.github.bakefeature.api.annotation.SemanticClass> legend =
        List.of(new io.github.bakefeature.api.annotation.SemanticClass(0, "floor", Palette.colour(0)));
    LabelledPointCloud cloud = new LabelledPointCloud(2, new float[6], new byte[6], new short[] {300, 0},
        new float[] {1f, 1f}, legend);
    Path f = tmp.resolve("short-legend.ply");
    cloud.writePly(f);
    PlyReader ply = PlyReader.read(f);
    assertTrue(ply.header.contains("property ushort class"), String.join("\n", ply.header));
    assertEquals(300, ply.classes[0], "not 300 mod 256");
    assertEquals(0, ply.classes[1]);
    LabelledPointCloud narrow = new LabelledPointCloud(1, new float[3], new byte[3], new short[] {255}, new float[] {0f}, legend);
    assertFalse(narrow.wideClasses(), "255 (unknown) still fits in a byte");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LabelledPointCloud(1, new float[3], new byte[3], new short[] {-2}, new float[] {0f}, legend));
    assertTrue(e.getMessage().contains("found -2 at point 0"), e.getMessage());
  }

  @Test
  void refusesRenderScaleThatTakesAFrameBeyondTheRenderLimitBeforeRendering() {
    // A 4200 x 3200 frame at render scale 4 would be 16800 x 12800: refused up front, naming the frame.
    Scene big = FusionFixtures.cameras(CameraIntrinsics.fromHorizontalFov(4200, 3200, 60),
        new Pose[] {Pose.identity(), Pose.identity()}, new Aabb(-1, -1, -1, 1, 1, 1), List.of("a", "b"));
    PointCloudExporter ex = PointCloudExporter.builder().optRenderScale(4).build();
    int[] rendered = {0};
    ViewSource counting = (frame, camera, outputs) -> {
      rendered[0]++;
      throw new AssertionError("nothing is rendered");
    };
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ex.fuse(counting, big, 2));
    assertTrue(e.getMessage().startsWith("frame frame_00000 (4200x3200) at render scale 4.0: render size 16800x12800"),
        e.getMessage());
    assertEquals(0, rendered[0]);
    assertThrows(IllegalArgumentException.class, () -> ex.cameras(big));
    CameraIntrinsics[] half = PointCloudExporter.builder().optRenderScale(0.5).build().cameras(big);
    assertEquals(2100, half[1].width());
    assertEquals(1600, half[1].height());
  }
}
