package io.github.bakefeature.core.export;

import io.github.bakefeature.api.field.RenderedView;
import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.api.scene.Scene;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/** Scenes and view sources for point-cloud fusion tests and the fusion benchmark: no images held. */
final class FusionFixtures {
  private FusionFixtures() {}

  /** A scene of cameras only: frame {@code i} has camera {@code k} and pose {@code poses[i]}; images are never read. */
  static Scene cameras(CameraIntrinsics k, Pose[] poses, Aabb bounds, List<String> classNames) {
    List<Frame> frames = new ArrayList<>();
    for (int i = 0; i < poses.length; i++) {
      int index = i;
      Pose pose = poses[i];
      frames.add(new Frame() {
        @Override
        public int index() {
          return index;
        }

        @Override
        public String name() {
          return String.format("frame_%05d", index);
        }

        @Override
        public CameraIntrinsics intrinsics() {
          return k;
        }

        @Override
        public Pose pose() {
          return pose;
        }

        @Override
        public RgbImage rgb() {
          throw new AssertionError("images are not read");
        }

        @Override
        public boolean hasDepth() {
          return false;
        }

        @Override
        public Optional<DepthImage> depth() {
          return Optional.empty();
        }

        @Override
        public Optional<LabelImage> groundTruth() {
          return Optional.empty();
        }

        @Override
        public Optional<LabelImage> scribbles() {
          return Optional.empty();
        }
      });
    }
    List<Frame> view = List.copyOf(frames);
    return new Scene() {
      @Override
      public Optional<Path> directory() {
        return Optional.empty();
      }

      @Override
      public List<Frame> frames() {
        return view;
      }

      @Override
      public Aabb bounds() {
        return bounds;
      }

      @Override
      public List<String> classNames() {
        return classNames;
      }

      @Override
      public boolean hasGroundTruth() {
        return false;
      }
    };
  }

  /** A camera at {@code (px, py, pz)} looking along yaw (about world +y) and pitch, OpenCV axes, world y up. */
  static Pose look(double px, double py, double pz, double yaw, double pitch) {
    double[] f = {Math.cos(pitch) * Math.sin(yaw), Math.sin(pitch), Math.cos(pitch) * Math.cos(yaw)};
    // x = f x up, y = z x x: right-handed with y pointing down.
    double[] x = {-f[2], 0, f[0]};
    double n = Math.hypot(x[0], x[2]);
    x[0] /= n;
    x[2] /= n;
    double[] y = {f[1] * x[2] - f[2] * x[1], f[2] * x[0] - f[0] * x[2], f[0] * x[1] - f[1] * x[0]};
    return Pose.fromCameraToWorld(new double[] {
        x[0], y[0], f[0], px,
        x[1], y[1], f[1], py,
        x[2], y[2], f[2], pz,
        0, 0, 0, 1});
  }

  /** {@code n} cameras at random places inside {@code room} (kept 0.3 m off the walls), looking anywhere level-ish. */
  static Pose[] posesInside(Aabb room, int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Pose[] out = new Pose[n];
    for (int i = 0; i < n; i++) {
      out[i] = look(r.nextDouble(room.minX() + 0.3, room.maxX() - 0.3),
          r.nextDouble(room.minY() + 0.3, room.maxY() - 0.3),
          r.nextDouble(room.minZ() + 0.3, room.maxZ() - 0.3), r.nextDouble(0, 2 * Math.PI), r.nextDouble(-0.6, 0.6));
    }
    return out;
  }

  /**
   * The inside of box {@code room} rendered exactly: z-depth of the wall each pixel's ray leaves
   * through, class = that wall (0-5) or, on a stripe pattern, 6 + wall % 3 (so voxels on stripe
   * edges see several classes), colour = position in the box, confidence 0.9 (0.45 on a second
   * pattern, below the default minimum).
   */
  static ViewSource boxRoom(Scene scene, Aabb room) {
    return (frame, camera, outputs) -> {
      Pose pose = scene.frame(frame).pose();
      int w = camera.width();
      int h = camera.height();
      int n = w * h;
      float[] depth = new float[n];
      float[] colour = new float[3 * n];
      short[] cls = new short[n];
      float[] conf = new float[n];
      double[] o = new double[3];
      double[] d = new double[3];
      double[] t = new double[2];
      pose.cameraToWorldPoint(0, 0, 0, o);
      for (int v = 0; v < h; v++) {
        for (int u = 0; u < w; u++) {
          int p = v * w + u;
          // Camera-frame direction with z = 1, so the ray parameter is the z-depth.
          pose.cameraToWorldDirection((u - camera.cx()) / camera.fx(), (v - camera.cy()) / camera.fy(), 1, d);
          room.intersect(o[0], o[1], o[2], d[0], d[1], d[2], t);
          double z = t[1];
          double hx = o[0] + z * d[0];
          double hy = o[1] + z * d[1];
          double hz = o[2] + z * d[2];
          double[] gap = {hx - room.minX(), room.maxX() - hx, hy - room.minY(), room.maxY() - hy, hz - room.minZ(),
              room.maxZ() - hz};
          int wall = 0;
          for (int a = 1; a < 6; a++) {
            if (gap[a] < gap[wall]) {
              wall = a;
            }
          }
          depth[p] = (float) z;
          colour[3 * p] = (float) ((hx - room.minX()) / room.size(0));
          colour[3 * p + 1] = (float) ((hy - room.minY()) / room.size(1));
          colour[3 * p + 2] = (float) ((hz - room.minZ()) / room.size(2));
          int stripe = (int) Math.floor(4 * (hx + hy + hz));
          cls[p] = (short) (Math.floorMod(stripe, 5) == 0 ? 6 + wall % 3 : wall);
          conf[p] = Math.floorMod((int) Math.floor(3 * (hx - hz)), 7) == 0 ? 0.45f : 0.9f;
        }
      }
      return new RenderedView(w, h, colour, depth, null, 0, cls, conf, 0);
    };
  }

  /**
   * Views of random noise, the same for the same {@code (seed, frame, camera size)}: depth around a
   * per-frame base with some 0, negative, NaN and infinite pixels; colour in [-0.1, 1.1] (clamped on
   * output); confidence in [0, 1] with exact 0.5s, zeros and NaNs; classes from {@code classes} with
   * some -1s. Pixels of a frame cluster in few voxels when voxels are large.
   */
  static ViewSource noise(long seed, int[] classes) {
    return (frame, camera, outputs) -> {
      SplittableRandom r = new SplittableRandom(seed * 1_000_003L + frame * 7919L + camera.width());
      int n = camera.width() * camera.height();
      float[] depth = new float[n];
      float[] colour = new float[3 * n];
      short[] cls = new short[n];
      float[] conf = new float[n];
      double base = r.nextDouble(0.2, 4);
      double spread = r.nextBoolean() ? 0.01 : r.nextDouble(0, 2);
      for (int p = 0; p < n; p++) {
        int special = r.nextInt(100);
        depth[p] = special == 0 ? 0f : special == 1 ? Float.NaN : special == 2 ? Float.POSITIVE_INFINITY
            : special == 3 ? -1f : (float) (base + spread * r.nextDouble());
        for (int c = 0; c < 3; c++) {
          colour[3 * p + c] = (float) r.nextDouble(-0.1, 1.1);
        }
        int cs = r.nextInt(50);
        conf[p] = cs == 0 ? 0f : cs == 1 ? Float.NaN : cs < 8 ? 0.5f : (float) r.nextDouble();
        cls[p] = r.nextInt(60) == 0 ? -1 : (short) classes[r.nextInt(classes.length)];
      }
      return new RenderedView(camera.width(), camera.height(), colour, depth, null, 0, cls, conf, 0);
    };
  }
}
