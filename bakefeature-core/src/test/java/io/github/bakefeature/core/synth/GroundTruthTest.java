package io.github.bakefeature.core.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Pose;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Depth and labels are exact for the pixel-centre rays, and consistent across views. */
class GroundTruthTest {
  private static SyntheticScene tabletop;
  private static SyntheticScene room;

  @BeforeAll
  static void generate() {
    tabletop = SyntheticScenes.generate(Preset.TABLETOP, 8, 96, 72, 5);
    room = SyntheticScenes.generate(Preset.ROOM, 8, 96, 72, 2);
  }

  /** World-space direction (camera z = 1) of the ray through the centre of pixel (u, v). */
  static double[] rayDirection(Frame f, int u, int v) {
    CameraIntrinsics k = f.intrinsics();
    double[] c = new double[3];
    k.unproject(u, v, c);
    double[] d = new double[3];
    f.pose().cameraToWorldDirection(c[0], c[1], c[2], d);
    return d;
  }

  /** World point seen at pixel (u, v) with z-depth z. */
  static double[] backProject(Frame f, int u, int v, double z) {
    double[] c = new double[3];
    f.intrinsics().unproject(u, v, c);
    double[] p = new double[3];
    f.pose().cameraToWorldPoint(c[0] * z, c[1] * z, z, p);
    return p;
  }

  private static SceneObject object(SyntheticScene s, String name) {
    return s.world().objects().stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void floorPixelsBackProjectOntoTheFloorPlane() throws IOException {
    for (SyntheticScene s : new SyntheticScene[] {tabletop, room}) {
      int floorSurface = object(s, "floor").primitives().get(0).index() * Primitive.PARTS;
      int checked = 0;
      double worst = 0;
      for (Frame f : s.scene().frames()) {
        SynthView v = s.view(f.index());
        DepthImage d = f.depth().orElseThrow();
        for (int y = 0; y < d.height(); y++) {
          for (int x = 0; x < d.width(); x++) {
            if (v.surface(x, y) != floorSurface) {
              continue;
            }
            double[] p = backProject(f, x, y, d.get(x, y));
            worst = Math.max(worst, Math.abs(p[1]));
            checked++;
          }
        }
      }
      assertTrue(checked > 1000, "too few floor pixels to check: " + checked);
      assertTrue(worst < 1e-4, "floor pixels back-project up to " + worst + " m off the floor plane y = 0");
    }
  }

  @Test
  void ballPixelsLieOnTheBallAndEveryRayHittingTheBallFirstIsLabelledBall() throws IOException {
    SceneObject ballObject = object(tabletop, "ball");
    Sphere ball = (Sphere) ballObject.primitives().get(0);
    double[] c = new double[3];
    ball.centre(c);
    double r = ball.radius();
    int ballClass = tabletop.world().classNames().indexOf("ball");
    int onBall = 0;
    for (Frame f : tabletop.scene().frames()) {
      DepthImage d = f.depth().orElseThrow();
      LabelImage l = f.groundTruth().orElseThrow();
      double[] o = new double[3];
      f.pose().cameraCentre(o);
      for (int y = 0; y < d.height(); y++) {
        for (int x = 0; x < d.width(); x++) {
          // Independent analytic ray-sphere intersection (not the renderer's code).
          double[] dir = rayDirection(f, x, y);
          double px = o[0] - c[0];
          double py = o[1] - c[1];
          double pz = o[2] - c[2];
          double a = dir[0] * dir[0] + dir[1] * dir[1] + dir[2] * dir[2];
          double b = 2 * (px * dir[0] + py * dir[1] + pz * dir[2]);
          double cc = px * px + py * py + pz * pz - r * r;
          double disc = b * b - 4 * a * cc;
          double tSphere = disc >= 0 ? (-b - Math.sqrt(disc)) / (2 * a) : Double.POSITIVE_INFINITY;
          double z = d.get(x, y);
          if (l.get(x, y) == ballClass) {
            double[] p = backProject(f, x, y, z);
            double dist = Math.sqrt(sq(p[0] - c[0]) + sq(p[1] - c[1]) + sq(p[2] - c[2]));
            assertEquals(r, dist, 1e-4, "ball pixel (" + x + ", " + y + ") of frame " + f.index());
            assertEquals(tSphere, z, 1e-4);
            onBall++;
          } else {
            assertTrue(tSphere > z - 1e-6,
                "pixel (" + x + ", " + y + ") of frame " + f.index() + " sees the ball at " + tSphere
                    + " m in front of its surface at " + z + " m but is labelled " + l.get(x, y));
          }
        }
      }
    }
    assertTrue(onBall > 50, "the ball should be visible in the sequence, found " + onBall + " pixels");
  }

  @Test
  void labelsAndDepthAgreeWithIndependentlyTracedPixelCentreRays() throws IOException {
    for (SyntheticScene s : new SyntheticScene[] {tabletop, room}) {
      Hit hit = new Hit();
      for (Frame f : s.scene().frames()) {
        DepthImage d = f.depth().orElseThrow();
        LabelImage l = f.groundTruth().orElseThrow();
        double[] o = new double[3];
        f.pose().cameraCentre(o);
        for (int y = 0; y < d.height(); y += 3) {
          for (int x = 0; x < d.width(); x += 3) {
            double[] dir = rayDirection(f, x, y);
            assertTrue(s.world().intersect(o[0], o[1], o[2], dir[0], dir[1], dir[2], 1e-4,
                Double.POSITIVE_INFINITY, hit), "closed rooms: every ray hits something");
            assertEquals(hit.primitive.classId(), l.get(x, y));
            assertEquals(hit.t, d.get(x, y), 1e-6 * hit.t);
          }
        }
      }
    }
  }

  @Test
  void depthAgreesAcrossViewsWherePlanarSurfacesAreSeenFromBoth() throws IOException {
    for (SyntheticScene s : new SyntheticScene[] {tabletop, room}) {
      int n = s.scene().size();
      int checked = 0;
      double worst = 0;
      for (int i = 0; i < n; i++) {
        for (int j : new int[] {(i + 1) % n, (i + n / 2) % n}) {
          double[] r = compareViews(s, i, j);
          checked += (int) r[0];
          worst = Math.max(worst, r[1]);
        }
      }
      assertTrue(checked > 5000, "too few pixels seen from two views: " + checked);
      assertTrue(worst < 1e-4, "depth of frame A re-projected into frame B differs by up to " + worst + " m");
    }
  }

  /**
   * Back-projects frame a into frame b; where b's four pixels around the projection all see the
   * same planar surface as a's pixel, inverse depth is affine in the image, so its bilinear
   * interpolation is exact. Returns {count, worst error}.
   */
  private static double[] compareViews(SyntheticScene s, int a, int b) throws IOException {
    Frame fa = s.scene().frame(a);
    Frame fb = s.scene().frame(b);
    SynthView va = s.view(a);
    SynthView vb = s.view(b);
    DepthImage da = fa.depth().orElseThrow();
    DepthImage db = fb.depth().orElseThrow();
    CameraIntrinsics k = fb.intrinsics();
    Pose pb = fb.pose();
    int w = k.width();
    int h = k.height();
    double[] q = new double[3];
    int count = 0;
    double worst = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int surface = va.surface(x, y);
        if (!s.world().isPlanarSurface(surface)) {
          continue;
        }
        double[] p = backProject(fa, x, y, da.get(x, y));
        pb.worldToCameraPoint(p[0], p[1], p[2], q);
        if (q[2] <= 0.05) {
          continue;
        }
        double u = k.fx() * q[0] / q[2] + k.cx();
        double v = k.fy() * q[1] / q[2] + k.cy();
        int u0 = (int) Math.floor(u);
        int v0 = (int) Math.floor(v);
        if (u0 < 0 || v0 < 0 || u0 + 1 >= w || v0 + 1 >= h) {
          continue;
        }
        if (vb.surface(u0, v0) != surface || vb.surface(u0 + 1, v0) != surface
            || vb.surface(u0, v0 + 1) != surface || vb.surface(u0 + 1, v0 + 1) != surface) {
          continue;
        }
        double fu = u - u0;
        double fv = v - v0;
        double inv = (1 - fu) * (1 - fv) / db.get(u0, v0) + fu * (1 - fv) / db.get(u0 + 1, v0)
            + (1 - fu) * fv / db.get(u0, v0 + 1) + fu * fv / db.get(u0 + 1, v0 + 1);
        worst = Math.max(worst, Math.abs(1 / inv - q[2]));
        count++;
      }
    }
    return new double[] {count, worst};
  }

  private static double sq(double v) {
    return v * v;
  }
}
