package io.github.bakefeature.core.scene;

import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.RgbImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Test fixture: a closed room (floor, ceiling, four walls) with a sphere in it, ray-cast per pixel
 * so depth, colour and classes are exact. The world is z-up (unlike every camera convention, so a
 * mixed-up axis cannot go unnoticed). Room: x, y in [-2, 2], z in [0, 2.5]; sphere centre
 * (0.4, 0.3, 0.8), radius 0.5. Classes: 0 floor, 1 ceiling, 2 wall, 3 sphere.
 *
 * <p>Not the product's synthetic scene generator (that lives in {@code core.synth}); just enough
 * geometry to test that file formats and pose conventions round-trip.
 */
public final class AnalyticRoom {
  public static final List<String> CLASSES = List.of("floor", "ceiling", "wall", "sphere");
  public static final double HALF = 2.0;
  public static final double CEILING = 2.5;
  public static final double[] SPHERE = {0.4, 0.3, 0.8};
  public static final double RADIUS = 0.5;

  private AnalyticRoom() {}

  /** One rendered view. */
  public record View(RgbImage rgb, DepthImage depth, LabelImage labels) {}

  /**
   * An OpenCV camera at {@code eye} looking at {@code target} with the world's +z up in the image
   * (image y points down, i.e. along -z as far as possible).
   */
  public static Pose lookAt(double[] eye, double[] target) {
    double[] f = normalize(sub(target, eye));
    double[] r = normalize(cross(f, new double[] {0, 0, 1}));
    double[] d = cross(f, r);
    double[] c2w = {
        r[0], d[0], f[0], eye[0],
        r[1], d[1], f[1], eye[1],
        r[2], d[2], f[2], eye[2],
        0, 0, 0, 1};
    return Pose.fromCameraToWorld(c2w);
  }

  /**
   * {@code n} overlapping views on an arc around the sphere, 0.1 rad apart, at varying heights,
   * each looking at a point near the sphere: neighbouring views overlap by most of the image.
   */
  public static List<Pose> trajectory(int n) {
    List<Pose> poses = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double a = -0.6 + 0.1 * i;
      double[] eye = {-1.3 * Math.cos(a), -1.3 * Math.sin(a) - 0.2, 1.3 + 0.05 * Math.sin(3.0 * i)};
      double[] target = {SPHERE[0] + 0.05 * Math.sin(i), SPHERE[1], SPHERE[2] + 0.05 * Math.cos(i)};
      poses.add(lookAt(eye, target));
    }
    return poses;
  }

  /** Ray-casts one view: exact z-depth (metres), class per pixel, and a texture that varies in space. */
  public static View render(CameraIntrinsics k, Pose pose) {
    int w = k.width();
    int h = k.height();
    float[] depth = new float[w * h];
    short[] labels = new short[w * h];
    byte[] rgb = new byte[w * h * 3];
    double[] o = new double[3];
    pose.cameraCentre(o);
    double[] dirCam = new double[3];
    double[] d = new double[3];
    double[] hit = new double[2];
    for (int v = 0; v < h; v++) {
      for (int u = 0; u < w; u++) {
        k.unproject(u, v, dirCam);
        pose.cameraToWorldDirection(dirCam[0], dirCam[1], dirCam[2], d);
        trace(o, d, hit);
        int i = v * w + u;
        double t = hit[0];
        int cls = (int) hit[1];
        // d is the world image of a camera direction with z = 1, so t is the z-depth.
        depth[i] = (float) t;
        labels[i] = (short) cls;
        double x = o[0] + t * d[0];
        double y = o[1] + t * d[1];
        double z = o[2] + t * d[2];
        int checker = ((int) Math.floor(x * 4) + (int) Math.floor(y * 4) + (int) Math.floor(z * 4)) & 1;
        int base = 60 + 40 * cls;
        rgb[3 * i] = (byte) (base + 80 * checker);
        rgb[3 * i + 1] = (byte) (200 - 30 * cls);
        rgb[3 * i + 2] = (byte) (40 + 50 * cls + 60 * checker);
      }
    }
    return new View(new RgbImage(w, h, rgb), new DepthImage(w, h, depth), new LabelImage(w, h, labels));
  }

  /** Nearest hit of the ray o + t d (t > 0): writes {t, class}. */
  public static void trace(double[] o, double[] d, double[] out) {
    double best = Double.POSITIVE_INFINITY;
    int cls = -1;
    // Planes: the ray starts inside the room, so for each axis exactly one face is ahead.
    double[] lo = {-HALF, -HALF, 0};
    double[] hi = {HALF, HALF, CEILING};
    for (int a = 0; a < 3; a++) {
      if (d[a] == 0) {
        continue;
      }
      double t = ((d[a] > 0 ? hi[a] : lo[a]) - o[a]) / d[a];
      if (t > 0 && t < best) {
        best = t;
        cls = a < 2 ? 2 : d[a] > 0 ? 1 : 0;
      }
    }
    double[] oc = sub(o, SPHERE);
    double qa = dot(d, d);
    double qb = 2 * dot(oc, d);
    double qc = dot(oc, oc) - RADIUS * RADIUS;
    double disc = qb * qb - 4 * qa * qc;
    if (disc >= 0) {
      double t = (-qb - Math.sqrt(disc)) / (2 * qa);
      if (t > 0 && t < best) {
        best = t;
        cls = 3;
      }
    }
    out[0] = best;
    out[1] = cls;
  }

  /**
   * A small scene: {@code frames} views of {@code w x h} on {@link #trajectory}, dense ground
   * truth on every frame and a few scribble strokes on frame 0 (and on frame 1 if there is one).
   */
  public static InMemoryScene scene(int frames, int w, int h, double hfovDegrees) {
    return scene(frames, CameraIntrinsics.fromHorizontalFov(w, h, hfovDegrees));
  }

  /** As {@link #scene(int, int, int, double)} with an arbitrary camera. */
  public static InMemoryScene scene(int frames, CameraIntrinsics k) {
    InMemoryScene.Builder b = InMemoryScene.builder().optClassNames(CLASSES);
    List<Pose> poses = trajectory(frames);
    for (int i = 0; i < frames; i++) {
      View view = render(k, poses.get(i));
      LabelImage scribbles = i < 2 ? scribbles(view.labels(), i) : null;
      b.addFrame(k, poses.get(i), view.rgb(), view.depth(), view.labels(), scribbles);
    }
    return b.build();
  }

  /** Every 7th pixel of two rows and one column, labelled with the true class. */
  private static LabelImage scribbles(LabelImage gt, int seed) {
    int w = gt.width();
    int h = gt.height();
    short[] s = new short[w * h];
    java.util.Arrays.fill(s, LabelImage.UNLABELLED);
    for (int x = seed; x < w; x += 7) {
      for (int y : new int[] {h / 3, 2 * h / 3}) {
        s[y * w + x] = (short) gt.get(x, y);
      }
    }
    for (int y = 0; y < h; y += 3) {
      s[y * w + w / 2] = (short) gt.get(w / 2, y);
    }
    return new LabelImage(w, h, s);
  }

  static double[] sub(double[] a, double[] b) {
    return new double[] {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
  }

  static double dot(double[] a, double[] b) {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  }

  static double[] cross(double[] a, double[] b) {
    return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
  }

  static double[] normalize(double[] a) {
    double n = Math.sqrt(dot(a, a));
    return new double[] {a[0] / n, a[1] / n, a[2] / n};
  }
}
