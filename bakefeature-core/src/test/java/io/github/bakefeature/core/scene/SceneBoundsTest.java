package io.github.bakefeature.core.scene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.Pose;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SceneBoundsTest {

  /** The room's frames, with depth or without, each pose shifted by {@code offset} in the world. */
  private static List<Frame> room(int n, boolean depth, double[] offset) throws IOException {
    InMemoryScene room = AnalyticRoom.scene(n, 24, 18, 70);
    InMemoryScene.Builder b = InMemoryScene.builder().optBounds(new Aabb(0, 0, 0, 1, 1, 1));
    for (Frame f : room.frames()) {
      double[] c2w = f.pose().cameraToWorld();
      c2w[3] += offset[0];
      c2w[7] += offset[1];
      c2w[11] += offset[2];
      b.addFrame(f.intrinsics(), Pose.fromCameraToWorld(c2w), f.rgb(), depth ? f.depth().orElseThrow() : null,
          null, null);
    }
    return new ArrayList<>(b.build().frames());
  }

  private static List<double[]> surfacePoints(List<Frame> withDepth) throws IOException {
    List<double[]> out = new ArrayList<>();
    double[] dir = new double[3];
    for (Frame f : withDepth) {
      DepthImage d = f.depth().orElseThrow();
      for (int y = 0; y < d.height(); y++) {
        for (int x = 0; x < d.width(); x++) {
          float z = d.get(x, y);
          f.intrinsics().unproject(x, y, dir);
          double[] p = new double[4];
          f.pose().cameraToWorldPoint(dir[0] * z, dir[1] * z, z, p);
          p[3] = z;
          out.add(p);
        }
      }
    }
    return out;
  }

  @Test
  void withoutDepthTheBoxHoldsWhatTheCamerasSeeOutToThreeMetres() throws IOException {
    List<Frame> frames = room(6, false, new double[3]);
    SceneBounds.Computed c = SceneBounds.compute(frames);
    assertEquals(SceneBounds.Source.FRUSTA, c.source());
    assertEquals("cameras+frusta", c.source().label());
    Aabb b = c.box();
    int outside = 0;
    int near = 0;
    List<double[]> pts = surfacePoints(room(6, true, new double[3]));
    for (double[] p : pts) {
      boolean in = b.contains(p[0], p[1], p[2]);
      if (p[3] <= SceneBounds.MIN_FRUSTUM_DEPTH) {
        near++;
        assertTrue(in, "surface point at depth " + p[3] + " outside " + b);
      }
      outside += in ? 0 : 1;
    }
    assertTrue(near > pts.size() / 2, near + " of " + pts.size());
    assertEquals(0, outside, "the 4 m room is seen from 1.3 m off its centre");
    // The cameras alone span less than 0.8 m: the old fallback (their hull + 5 %) held no surface.
    assertTrue(b.size(0) > 3 && b.size(1) > 3 && b.size(2) > 3, b.toString());
  }

  @Test
  void frustumDepthGrowsWithTheCameraSpread() {
    assertEquals(3.0, SceneBounds.frustumDepth(new double[] {0, 0, 0}, new double[] {1, 1, 1}), 0);
    assertEquals(5.0, SceneBounds.frustumDepth(new double[] {0, 0, 0}, new double[] {6, 8, 0}), 1e-12);
  }

  @Test
  void withDepthTheSourceIsDepth() throws IOException {
    assertEquals(SceneBounds.Source.DEPTH, SceneBounds.compute(room(3, true, new double[3])).source());
  }

  @Test
  void georeferencedCoordinatesKeepMillimetrePrecision() throws IOException {
    double[] offset = {5e6, -5e6, 5e6 + 0.123};
    Aabb local = SceneBounds.fromFrames(room(3, true, new double[3]));
    Aabb geo = SceneBounds.fromFrames(room(3, true, offset));
    for (int a = 0; a < 3; a++) {
      // Float accumulation of absolute coordinates was off by up to 0.25 m here.
      assertEquals(local.min(a) + offset[a], geo.min(a), 1e-6, "min axis " + a);
      assertEquals(local.max(a) + offset[a], geo.max(a), 1e-6, "max axis " + a);
    }
    Aabb localFrusta = SceneBounds.fromFrames(room(3, false, new double[3]));
    Aabb geoFrusta = SceneBounds.fromFrames(room(3, false, offset));
    assertEquals(localFrusta.minX() + offset[0], geoFrusta.minX(), 1e-6);
    assertEquals(localFrusta.maxZ() + offset[2], geoFrusta.maxZ(), 1e-6);
  }

  @Test
  void aCameraAbsurdlyFarFromTheOthersIsNamed() throws IOException {
    List<Frame> frames = room(3, true, new double[3]);
    InMemoryScene.Builder b = InMemoryScene.builder().optBounds(new Aabb(0, 0, 0, 1, 1, 1));
    for (Frame f : frames) {
      double[] c2w = f.pose().cameraToWorld();
      if (f.index() == 1) {
        c2w[3] = 1e39;
      }
      b.addFrame(f.intrinsics(), Pose.fromCameraToWorld(c2w), f.rgb(), f.depth().orElseThrow(), null, null);
    }
    List<Frame> broken = b.build().frames();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SceneBounds.compute(broken));
    assertTrue(e.getMessage().startsWith("frame 1 '00001': camera centre (1.000e+39, "), e.getMessage());
    assertTrue(e.getMessage().contains("at most 1.000e+06 m"), e.getMessage());
  }

  @Test
  void aBoxAwayFromTheSceneIsImplausibleButACropIsNot() throws IOException {
    List<Frame> frames = room(4, true, new double[3]);
    Optional<String> away = SceneBounds.implausibility(new Aabb(100, 100, 0, 104, 104, 2.5), frames);
    assertTrue(away.isPresent());
    assertTrue(away.get().startsWith("no camera centre lies inside the box min (100.000, 100.000, 0.00000)"
        + " max (104.000, 104.000, 2.50000) and only 0 of "), away.get());
    // In millimetres by mistake: holds everything, so nothing to say.
    assertEquals(Optional.empty(), SceneBounds.implausibility(new Aabb(-2000, -2000, 0, 2000, 2000, 2500), frames));
    // The room but not the cameras (a crop to the far half): most of what they see is inside.
    assertEquals(Optional.empty(), SceneBounds.implausibility(new Aabb(-0.5, -2, 0, 2, 2, 2.5), frames));
    // A crop around the cameras only.
    assertEquals(Optional.empty(), SceneBounds.implausibility(new Aabb(-1.5, 0, 1, -0.5, 1, 1.5), frames));
  }

  @Test
  void withoutDepthABoxNoCameraLooksIntoIsImplausible() throws IOException {
    List<Frame> frames = room(4, false, new double[3]);
    Optional<String> behind = SceneBounds.implausibility(new Aabb(-10, -10, 0, -8, -8, 2.5), frames);
    assertTrue(behind.isPresent());
    assertTrue(behind.get().endsWith("and no sampled camera looks into it; expected a box around the scene"
        + " (check its units and axes)"), behind.get());
    assertEquals(Optional.empty(), SceneBounds.implausibility(new Aabb(0, 0, 0.3, 1, 1, 1.3), frames));
  }
}
