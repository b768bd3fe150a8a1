package io.github.bakefeature.core.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.scene.InMemoryScene;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

class SyntheticSceneGeneratorTest {

  private static SyntheticSceneGenerator.Builder small(Preset p, long seed) {
    return SyntheticSceneGenerator.builder().optPreset(p).optFrames(4).optSize(64, 48).optSeed(seed);
  }

  /** Asserts two scenes are byte-identical: poses, colour, depth bits, labels. */
  private static void assertIdentical(Scene a, Scene b) throws IOException {
    assertEquals(a.size(), b.size());
    assertEquals(a.bounds(), b.bounds());
    assertEquals(a.classNames(), b.classNames());
    for (int i = 0; i < a.size(); i++) {
      Frame fa = a.frame(i);
      Frame fb = b.frame(i);
      assertEquals(fa.pose(), fb.pose(), "pose of frame " + i);
      assertEquals(fa.intrinsics(), fb.intrinsics());
      assertArrayEquals(fa.rgb().pixels(), fb.rgb().pixels(), "rgb of frame " + i);
      float[] da = fa.depth().orElseThrow().metres();
      float[] db = fb.depth().orElseThrow().metres();
      for (int k = 0; k < da.length; k++) {
        assertEquals(Float.floatToRawIntBits(da[k]), Float.floatToRawIntBits(db[k]), "depth of frame " + i);
      }
      assertArrayEquals(fa.groundTruth().orElseThrow().labels(), fb.groundTruth().orElseThrow().labels());
    }
  }

  @Test
  void sameSeedAndOptionsGiveByteIdenticalScenes() throws IOException {
    for (Preset p : Preset.values()) {
      assertIdentical(small(p, 7).build().generate().scene(), small(p, 7).build().generate().scene());
    }
  }

  @Test
  void differentSeedsGiveDifferentScenes() throws IOException {
    for (Preset p : Preset.values()) {
      InMemoryScene a = small(p, 1).build().generate().scene();
      InMemoryScene b = small(p, 2).build().generate().scene();
      assertFalse(a.frame(0).pose().equals(b.frame(0).pose()), "camera paths should differ");
      assertFalse(java.util.Arrays.equals(a.frame(0).rgb().pixels(), b.frame(0).rgb().pixels()));
      assertFalse(a.bounds().equals(b.bounds()), "room sizes should differ");
    }
  }

  @Test
  void outputDoesNotDependOnTheThreadCount() throws IOException {
    for (Preset p : Preset.values()) {
      // With the sensor model on, so per-pixel noise and holes are covered too.
      InMemoryScene one = small(p, 3).optDepthNoise(0.01).optDepthHoles(0.05).optThreads(1).build().generate().scene();
      InMemoryScene many = small(p, 3).optDepthNoise(0.01).optDepthHoles(0.05).optThreads(5).build().generate().scene();
      InMemoryScene dflt = small(p, 3).optDepthNoise(0.01).optDepthHoles(0.05).build().generate().scene();
      assertIdentical(one, many);
      assertIdentical(one, dflt);
    }
  }

  @Test
  void presetsHaveTheirClassCountsAndShowEveryClassAlongThePath() throws IOException {
    assertEquals(6, Preset.TABLETOP.classNames().size());
    assertEquals(10, Preset.ROOM.classNames().size());
    for (Preset p : Preset.values()) {
      int c = p.classNames().size();
      assertTrue(p == Preset.TABLETOP ? c >= 4 && c <= 6 : c >= 8 && c <= 10, p + " has " + c + " classes");
      assertEquals(c, new HashSet<>(p.classNames()).size(), "class names must be unique");
      for (long seed = 0; seed < 3; seed++) {
        InMemoryScene s = SyntheticSceneGenerator.builder().optPreset(p).optFrames(16).optSize(96, 72)
            .optSeed(seed).build().generate().scene();
        assertEquals(p.classNames(), s.classNames());
        assertTrue(s.hasGroundTruth());
        BitSet seen = new BitSet();
        for (Frame f : s.frames()) {
          LabelImage l = f.groundTruth().orElseThrow();
          BitSet here = new BitSet();
          for (short id : l.labels()) {
            assertTrue(id >= 0 && id < c, "closed rooms: every pixel has a class, found " + id);
            here.set(id);
          }
          int minimum = p == Preset.TABLETOP ? 5 : 4;
          assertTrue(here.cardinality() >= minimum, p + " seed " + seed + " frame " + f.index() + " shows only "
              + here.cardinality() + " classes");
          seen.or(here);
        }
        assertEquals(c, seen.cardinality(), p + " seed " + seed + ": classes seen " + seen);
      }
    }
  }

  @Test
  void tabletopFramesAreCentredOnTheTableAndItsObjects() throws IOException {
    InMemoryScene s = SyntheticScenes.tabletop(12, 80, 60, 4);
    for (Frame f : s.frames()) {
      short[] l = f.groundTruth().orElseThrow().labels();
      int foreground = 0;
      for (short id : l) {
        foreground += id != 0 ? 1 : 0;
      }
      assertTrue(foreground > 0.2 * l.length, "frame " + f.index() + ": table and objects cover only "
          + foreground + " of " + l.length + " pixels");
    }
  }

  @Test
  void camerasStayInsideTheRoomAndClearOfObjectsForManySeeds() {
    // build() checks every camera against every object and throws if one is inside or too close.
    for (Preset p : Preset.values()) {
      for (long seed = 0; seed < 40; seed++) {
        SyntheticSceneGenerator g = SyntheticSceneGenerator.builder().optPreset(p).optFrames(90).optSeed(seed).build();
        assertEquals(90, g.poses().size());
      }
    }
  }

  @Test
  void solidsDoNotInterpenetrateAndStayInsideTheRoomForManySeeds() {
    // The rug is a thin carpet that may run under the sofa; the shell is made of rectangles.
    Set<String> skip = Set.of("floor", "wall", "ceiling", "rug", "background");
    for (Preset p : Preset.values()) {
      for (long seed = 0; seed < 25; seed++) {
        World w = SyntheticSceneGenerator.builder().optPreset(p).optFrames(1).optSeed(seed).build().world();
        List<SceneObject> solids = new ArrayList<>();
        Aabb shell = null;
        for (SceneObject o : w.objects()) {
          String cls = w.classNames().get(o.classId());
          if (!skip.contains(cls)) {
            solids.add(o);
          } else if (!cls.equals("rug")) {
            Aabb b = o.bounds();
            shell = shell == null ? b : shell.including(b.minX(), b.minY(), b.minZ()).including(b.maxX(), b.maxY(), b.maxZ());
          }
        }
        // Nothing pokes through the walls, floor or ceiling: the geometry bounds are the room's.
        Aabb all = w.geometryBounds();
        for (int k = 0; k < 3; k++) {
          assertEquals(shell.min(k), all.min(k), 1e-6, p + " seed " + seed + " axis " + k);
          assertEquals(shell.max(k), all.max(k), 1e-6, p + " seed " + seed + " axis " + k);
        }
        for (int i = 0; i < solids.size(); i++) {
          for (int j = i + 1; j < solids.size(); j++) {
            double[] point = commonInteriorPoint(solids.get(i), solids.get(j));
            assertTrue(point == null, p + " seed " + seed + ": " + solids.get(i).name() + " and "
                + solids.get(j).name() + " both contain " + java.util.Arrays.toString(point));
          }
        }
      }
    }
  }

  /**
   * A grid point (1 cm spacing, 1 mm inside the overlap of the two boxes) lying inside a solid of
   * both objects, or null. Inside a convex solid means: the line through the point meets the solid
   * on both sides of the point.
   */
  private static double[] commonInteriorPoint(SceneObject a, SceneObject b) {
    Aabb ba = a.bounds();
    Aabb bb = b.bounds();
    double[] lo = new double[3];
    double[] hi = new double[3];
    for (int k = 0; k < 3; k++) {
      lo[k] = Math.max(ba.min(k), bb.min(k)) + 1e-3;
      hi[k] = Math.min(ba.max(k), bb.max(k)) - 1e-3;
      if (lo[k] > hi[k]) {
        return null;
      }
    }
    for (double x = lo[0]; x <= hi[0]; x += 0.01) {
      for (double y = lo[1]; y <= hi[1]; y += 0.01) {
        for (double z = lo[2]; z <= hi[2]; z += 0.01) {
          if (inside(a, x, y, z) && inside(b, x, y, z)) {
            return new double[] {x, y, z};
          }
        }
      }
    }
    return null;
  }

  private static boolean inside(SceneObject o, double x, double y, double z) {
    Hit h = new Hit();
    for (Primitive p : o.primitives()) {
      h.reset();
      boolean forward = p.intersect(x, y, z, 0.267, 0.534, 0.802, 0, h);
      h.reset();
      if (forward && p.intersect(x, y, z, -0.267, -0.534, -0.802, 0, h)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void posesHaveZeroRollAndMoveSmoothlyAlongThePath() {
    for (Preset p : Preset.values()) {
      List<Pose> poses = SyntheticSceneGenerator.builder().optPreset(p).optFrames(60).optSeed(11).build().poses();
      double[] a = new double[3];
      double[] b = new double[3];
      double maxStep = 0;
      double maxTurn = 0;
      Set<Integer> octants = new HashSet<>();
      for (int i = 0; i < poses.size(); i++) {
        Pose pose = poses.get(i);
        // Camera x axis (first column of camera-to-world) stays horizontal.
        assertEquals(0, pose.cameraToWorld(1, 0), 1e-12, "roll of frame " + i);
        // Camera looks somewhat down, never up.
        assertTrue(pose.cameraToWorld(1, 2) < 0, "frame " + i + " looks upwards");
        pose.cameraCentre(a);
        octants.add((int) Math.floor((Math.atan2(a[2], a[0]) + Math.PI) / (Math.PI / 4)));
        if (i > 0) {
          poses.get(i - 1).cameraCentre(b);
          maxStep = Math.max(maxStep, Math.sqrt(sq(a[0] - b[0]) + sq(a[1] - b[1]) + sq(a[2] - b[2])));
          double cos = 0;
          for (int r = 0; r < 3; r++) {
            cos += pose.cameraToWorld(r, 2) * poses.get(i - 1).cameraToWorld(r, 2);
          }
          maxTurn = Math.max(maxTurn, Math.toDegrees(Math.acos(Math.min(1, cos))));
        }
      }
      assertTrue(maxStep < 0.35, p + ": consecutive cameras up to " + maxStep + " m apart");
      assertTrue(maxTurn < 15, p + ": consecutive views turn up to " + maxTurn + " degrees");
      assertTrue(octants.size() >= 7, p + ": the path should circle the scene, visits " + octants);
    }
  }

  @Test
  void consecutiveFramesOverlap() throws IOException {
    for (Preset p : Preset.values()) {
      InMemoryScene s = SyntheticSceneGenerator.builder().optPreset(p).optFrames(30).optSize(64, 48).optSeed(9)
          .build().generate().scene();
      for (int i = 0; i + 1 < s.size(); i++) {
        double overlap = overlap(s.frame(i), s.frame(i + 1));
        assertTrue(overlap > 0.6, p + ": frames " + i + " and " + (i + 1) + " overlap only " + overlap);
      }
    }
  }

  /** Fraction of a's pixels whose surface point projects inside b's image. */
  private static double overlap(Frame a, Frame b) throws IOException {
    DepthImage d = a.depth().orElseThrow();
    double[] q = new double[3];
    int in = 0;
    for (int y = 0; y < d.height(); y++) {
      for (int x = 0; x < d.width(); x++) {
        double[] p = GroundTruthTest.backProject(a, x, y, d.get(x, y));
        b.pose().worldToCameraPoint(p[0], p[1], p[2], q);
        double u = b.intrinsics().fx() * q[0] / q[2] + b.intrinsics().cx();
        double v = b.intrinsics().fy() * q[1] / q[2] + b.intrinsics().cy();
        if (q[2] > 0 && u > -0.5 && v > -0.5 && u < d.width() - 0.5 && v < d.height() - 0.5) {
          in++;
        }
      }
    }
    return (double) in / (d.width() * d.height());
  }

  @Test
  void boundsContainGeometryAndCamerasWithALittlePadding() {
    for (Preset p : Preset.values()) {
      SyntheticSceneGenerator g = SyntheticSceneGenerator.builder().optPreset(p).optFrames(20).optSeed(5).build();
      Aabb geo = g.world().geometryBounds();
      Aabb b = g.bounds();
      for (int a = 0; a < 3; a++) {
        assertTrue(b.min(a) < geo.min(a) && b.max(a) > geo.max(a));
        // Padding is "a little": at most 3 % of the size on each side.
        assertTrue(geo.min(a) - b.min(a) < 0.03 * b.size(a));
      }
      // Geometry bounds are exact: the floor is at y = 0.
      assertEquals(0, geo.minY(), 1e-6);
      double[] c = new double[3];
      for (Pose pose : g.poses()) {
        pose.cameraCentre(c);
        assertTrue(b.contains(c[0], c[1], c[2]));
      }
    }
  }

  @Test
  void viewOfAFrameReproducesItsColourLabelsAndDepth() throws IOException {
    SyntheticScene s = small(Preset.ROOM, 8).build().generate();
    SynthView v = s.view(2);
    Frame f = s.scene().frame(2);
    assertArrayEquals(f.rgb().pixels(), v.rgb().pixels());
    assertArrayEquals(f.groundTruth().orElseThrow().labels(), v.labels().labels());
    assertArrayEquals(f.depth().orElseThrow().metres(), v.depth().metres());
    for (int i = 0; i < v.instances().length; i++) {
      SceneObject o = s.world().objects().get(v.instances()[i]);
      assertEquals(o.classId(), v.labels().labels()[i], "instance and class of pixel " + i + " disagree");
      assertEquals(o.classId(), s.world().primitive(v.surfaces()[i] / Primitive.PARTS).classId());
    }
  }

  @Test
  void progressIsReportedOncePerFrame() {
    ConcurrentLinkedQueue<Integer> done = new ConcurrentLinkedQueue<>();
    small(Preset.TABLETOP, 1).optFrames(5).optProgress((n, total) -> {
      assertEquals(5, total);
      done.add(n);
    }).build().generate();
    List<Integer> sorted = new ArrayList<>(done);
    java.util.Collections.sort(sorted);
    assertEquals(List.of(1, 2, 3, 4, 5), sorted);
  }

  // ---- rendering on demand ---------------------------------------------------------------------

  @Test
  void framesRenderedOnDemandAreTheGeneratedOnesInAnyOrder() throws IOException {
    for (Preset p : Preset.values()) {
      // 11 frames: batches of 4 and a short last one; the sensor model covers per-frame noise.
      SyntheticSceneGenerator g = small(p, 5).optFrames(11).optDepthNoise(0.01).optDepthHoles(0.05).build();
      OnDemandScene lazy = g.onDemand();
      assertEquals(4, lazy.batchSize(), "at least 4 frames of 64x48 per batch");
      InMemoryScene all = g.generate().scene();
      assertIdentical(all, lazy);
      // Out of order: a frame's batch is rendered again, with the same pixels.
      for (int i : new int[] {9, 2, 10, 0, 5, 5, 3}) {
        assertArrayEquals(all.frame(i).rgb().pixels(), lazy.frame(i).rgb().pixels(), "frame " + i);
        assertArrayEquals(all.frame(i).groundTruth().orElseThrow().labels(),
            lazy.frame(i).groundTruth().orElseThrow().labels(), "frame " + i);
      }
      assertTrue(lazy.hasGroundTruth());
      assertEquals(g.bounds(), lazy.bounds());
      assertEquals(g.world().classNames(), lazy.classNames());
    }
  }

  @Test
  void batchesStayWithinTheirMemoryBudgetWhateverTheFrameCount() {
    // 9 bytes a pixel: a 2048x2048 frame is 36 MB, over the 32 MB budget: one frame at a time.
    assertEquals(1, small(Preset.TABLETOP, 1).optFrames(100_000).optSize(2048, 2048).build().onDemand().batchSize());
    // 1024x768 frames (7 MB): 4 of them.
    assertEquals(4, small(Preset.TABLETOP, 1).optFrames(100_000).optSize(1024, 768).build().onDemand().batchSize());
  }

  @Test
  void writingFrameByFrameGivesTheFilesOfTheInMemoryScene(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
      throws IOException {
    SyntheticSceneGenerator g = small(Preset.ROOM, 2).optFrames(9).build();
    java.nio.file.Path streamed = tmp.resolve("streamed");
    java.nio.file.Path inMemory = tmp.resolve("in-memory");
    List<Integer> written = new ArrayList<>();
    g.write(streamed, (done, total) -> written.add(done));
    g.generate().write(inMemory);
    assertEquals(9, written.size());
    try (var files = java.nio.file.Files.walk(inMemory)) {
      List<java.nio.file.Path> all = files.filter(java.nio.file.Files::isRegularFile).toList();
      assertEquals(9 * 4 + 3, all.size(), "rgb, depth, pose, gt_semantic per frame; intrinsics, bbox, metadata");
      for (java.nio.file.Path f : all) {
        java.nio.file.Path other = streamed.resolve(inMemory.relativize(f).toString());
        assertArrayEquals(java.nio.file.Files.readAllBytes(f), java.nio.file.Files.readAllBytes(other), other.toString());
      }
    }
  }

  @Test
  void progressCountsTheFramesOfTheWholeSequenceOnDemand() throws IOException {
    ConcurrentLinkedQueue<Integer> done = new ConcurrentLinkedQueue<>();
    OnDemandScene s = small(Preset.TABLETOP, 1).optFrames(6).optProgress((n, total) -> {
      assertEquals(6, total);
      done.add(n);
    }).build().onDemand();
    for (Frame f : s.frames()) {
      f.rgb();
    }
    List<Integer> sorted = new ArrayList<>(done);
    java.util.Collections.sort(sorted);
    assertEquals(List.of(1, 2, 3, 4, 5, 6), sorted);
    assertTrue(s.renderSeconds() > 0);
  }

  @Test
  void rejectsInvalidOptions() {
    assertThrows(IllegalArgumentException.class, () -> SyntheticSceneGenerator.builder().optFrames(0));
    assertThrows(IllegalArgumentException.class, () -> SyntheticSceneGenerator.builder().optSize(0, 10));
    assertThrows(IllegalArgumentException.class, () -> SyntheticSceneGenerator.builder().optDepthNoise(-0.1));
    assertThrows(IllegalArgumentException.class, () -> SyntheticSceneGenerator.builder().optDepthHoles(1.5));
    assertThrows(IllegalArgumentException.class, () -> SyntheticSceneGenerator.builder().optThreads(0));
    assertThrows(IllegalArgumentException.class, () -> SyntheticSceneGenerator.builder().optFieldOfView(200));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Preset.fromName("kitchen"));
    assertTrue(e.getMessage().contains("kitchen") && e.getMessage().contains("tabletop"));
    assertEquals(Preset.ROOM, Preset.fromName("Room"));
  }

  private static double sq(double v) {
    return v * v;
  }
}
