package io.github.bakefeature.core.synth;

import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Pose;

/**
 * Renders rows of one view: one primary ray through each pixel centre, Lambertian shading with a
 * shadow ray to the point light, exact z-depth and class, optional sensor model. Every pixel is a
 * pure function of (world, camera, pose, sensor, seed, frame, pixel), which is what makes the
 * output independent of how rows are split among threads.
 */
final class Renderer {
  /** Surfaces closer than this to the camera are ignored (metres along z). */
  static final double NEAR = 1e-4;
  /** Shadow rays start this far off the surface (metres) so they do not hit it again. */
  private static final double SHADOW_OFFSET = 1e-6;

  private Renderer() {}

  /** Output arrays of one frame (row-major); instances and surfaces may be null. */
  record Buffers(byte[] rgb, float[] depth, short[] labels, short[] instances, int[] surfaces) {}

  /** Per-frame sensor state: the model plus this frame's hole blobs ({cx, cy, rx, ry} each). */
  record Sensor(DepthNoise model, long seed, int frame, double[] blobs) {
    static final Sensor NONE = new Sensor(DepthNoise.NONE, 0, 0, new double[0]);

    /** Draws the hole blobs of one frame (deterministic in seed and frame). */
    static Sensor of(DepthNoise model, long seed, int frame, int width, int height) {
      if (!model.enabled()) {
        return NONE;
      }
      double target = model.holeFraction() * width * height;
      SeededRandom rnd = new SeededRandom(SeededRandom.hash(seed, 0xB10B5L, frame));
      double[] tmp = new double[4 * 512];
      int n = 0;
      double area = 0;
      while (area < target && n < 512) {
        double rx = width * rnd.range(0.015, 0.06);
        double ry = rx * rnd.range(0.5, 1.6);
        tmp[4 * n] = rnd.range(0, width);
        tmp[4 * n + 1] = rnd.range(0, height);
        tmp[4 * n + 2] = rx;
        tmp[4 * n + 3] = ry;
        area += Math.PI * rx * ry;
        n++;
      }
      return new Sensor(model, seed, frame, java.util.Arrays.copyOf(tmp, 4 * n));
    }
  }

  /** Per-thread scratch. */
  static final class Scratch {
    final Hit hit = new Hit();
    final Hit shadow = new Hit();
    final double[] rgb = new double[3];
    final double[] sub = new double[3];
    final Hit subHit = new Hit();
  }

  /** Shaded colour (linear, before byte conversion) of the ray o + t d into {@code out}; black if it hits nothing. */
  private static void shade(World world, double ox, double oy, double oz, double dx, double dy, double dz,
                            double[] light, double ambient, double diffuse, Scratch s, double[] out) {
    Hit hit = s.subHit;
    if (!world.intersect(ox, oy, oz, dx, dy, dz, NEAR, Double.POSITIVE_INFINITY, hit)) {
      out[0] = 0;
      out[1] = 0;
      out[2] = 0;
      return;
    }
    double nx = hit.nx;
    double ny = hit.ny;
    double nz = hit.nz;
    if (nx * dx + ny * dy + nz * dz > 0) {
      nx = -nx;
      ny = -ny;
      nz = -nz;
    }
    hit.primitive.texture.albedo(hit.lx, hit.ly, hit.lz, out);
    double t = hit.t;
    double sx = ox + t * dx + SHADOW_OFFSET * nx;
    double sy = oy + t * dy + SHADOW_OFFSET * ny;
    double sz = oz + t * dz + SHADOW_OFFSET * nz;
    double shade = ambient * (0.85 + 0.15 * ny);
    double lx = light[0] - sx;
    double ly = light[1] - sy;
    double lz = light[2] - sz;
    double ndl = nx * lx + ny * ly + nz * lz;
    if (ndl > 0 && !world.occluded(sx, sy, sz, lx, ly, lz, 0, 1, s.shadow)) {
      shade += diffuse * ndl / Math.sqrt(lx * lx + ly * ly + lz * lz);
    }
    out[0] *= shade;
    out[1] *= shade;
    out[2] *= shade;
  }

  /**
   * Sub-pixel offsets of the 4-sample rotated grid used for antialiased colour: a camera
   * integrates light over the pixel, so edges and fine texture come out smooth instead of jagged.
   */
  private static final double[] RGSS = {-0.125, -0.375, 0.375, -0.125, 0.125, 0.375, -0.375, 0.125};

  /**
   * Renders rows {@code [y0, y1)} into {@code out}. Depth and class always come from the ray
   * through the pixel centre; with {@code antialias} the colour is the mean of four rotated-grid
   * sub-pixel rays (a pixel's area, like a camera), else that of the centre ray.
   */
  static void renderRows(World world, CameraIntrinsics k, Pose pose, Sensor sensor, int y0, int y1,
                         Buffers out, Scratch s, boolean antialias) {
    int w = k.width();
    double fx = k.fx();
    double fy = k.fy();
    double cxp = k.cx();
    double cyp = k.cy();
    double r00 = pose.cameraToWorld(0, 0);
    double r01 = pose.cameraToWorld(0, 1);
    double r02 = pose.cameraToWorld(0, 2);
    double r10 = pose.cameraToWorld(1, 0);
    double r11 = pose.cameraToWorld(1, 1);
    double r12 = pose.cameraToWorld(1, 2);
    double r20 = pose.cameraToWorld(2, 0);
    double r21 = pose.cameraToWorld(2, 1);
    double r22 = pose.cameraToWorld(2, 2);
    double ox = pose.cameraToWorld(0, 3);
    double oy = pose.cameraToWorld(1, 3);
    double oz = pose.cameraToWorld(2, 3);
    double[] light = new double[3];
    world.light(light);
    double ambient = world.ambient();
    double diffuse = world.diffuse();
    Hit hit = s.hit;
    double[] alb = s.rgb;
    for (int v = y0; v < y1; v++) {
      double yc = (v - cyp) / fy;
      for (int u = 0; u < w; u++) {
        int i = v * w + u;
        double xc = (u - cxp) / fx;
        // Camera-frame direction (xc, yc, 1): the ray parameter t is then the z-depth.
        double dx = r00 * xc + r01 * yc + r02;
        double dy = r10 * xc + r11 * yc + r12;
        double dz = r20 * xc + r21 * yc + r22;
        if (!world.intersect(ox, oy, oz, dx, dy, dz, NEAR, Double.POSITIVE_INFINITY, hit)) {
          out.rgb[3 * i] = 0;
          out.rgb[3 * i + 1] = 0;
          out.rgb[3 * i + 2] = 0;
          out.depth[i] = 0;
          out.labels[i] = LabelImage.UNLABELLED;
          if (out.instances != null) {
            out.instances[i] = -1;
          }
          if (out.surfaces != null) {
            out.surfaces[i] = -1;
          }
          continue;
        }
        Primitive p = hit.primitive;
        double t = hit.t;
        double nx = hit.nx;
        double ny = hit.ny;
        double nz = hit.nz;
        double dn = nx * dx + ny * dy + nz * dz;
        if (dn > 0) {
          // Shade the side facing the camera.
          nx = -nx;
          ny = -ny;
          nz = -nz;
          dn = -dn;
        }
        p.texture.albedo(hit.lx, hit.ly, hit.lz, alb);
        double px = ox + t * dx;
        double py = oy + t * dy;
        double pz = oz + t * dz;
        // Hemisphere ambient: up-facing surfaces a little brighter than down-facing ones.
        double shade = ambient * (0.85 + 0.15 * ny);
        double sx = px + SHADOW_OFFSET * nx;
        double sy = py + SHADOW_OFFSET * ny;
        double sz = pz + SHADOW_OFFSET * nz;
        double lx = light[0] - sx;
        double ly = light[1] - sy;
        double lz = light[2] - sz;
        double ndl = nx * lx + ny * ly + nz * lz;
        if (ndl > 0) {
          double cos = ndl / Math.sqrt(lx * lx + ly * ly + lz * lz);
          if (!world.occluded(sx, sy, sz, lx, ly, lz, 0, 1, s.shadow)) {
            shade += diffuse * cos;
          }
        }
        if (antialias) {
          double rs = 0;
          double gs = 0;
          double bs = 0;
          double[] sub = s.sub;
          for (int k2 = 0; k2 < RGSS.length; k2 += 2) {
            double sxc = (u + RGSS[k2] - cxp) / fx;
            double syc = (v + RGSS[k2 + 1] - cyp) / fy;
            shade(world, ox, oy, oz, r00 * sxc + r01 * syc + r02, r10 * sxc + r11 * syc + r12,
                r20 * sxc + r21 * syc + r22, light, ambient, diffuse, s, sub);
            rs += sub[0];
            gs += sub[1];
            bs += sub[2];
          }
          out.rgb[3 * i] = toByte(rs * 0.25);
          out.rgb[3 * i + 1] = toByte(gs * 0.25);
          out.rgb[3 * i + 2] = toByte(bs * 0.25);
        } else {
          out.rgb[3 * i] = toByte(alb[0] * shade);
          out.rgb[3 * i + 1] = toByte(alb[1] * shade);
          out.rgb[3 * i + 2] = toByte(alb[2] * shade);
        }
        out.labels[i] = (short) p.classId;
        if (out.instances != null) {
          out.instances[i] = (short) p.instanceId;
        }
        if (out.surfaces != null) {
          out.surfaces[i] = hit.surfaceId();
        }
        double z = t;
        if (sensor.model().enabled()) {
          double cosView = -dn / Math.sqrt(dx * dx + dy * dy + dz * dz);
          z = sense(sensor, u, v, i, z, cosView);
        }
        out.depth[i] = (float) z;
      }
    }
  }

  /** Applies the sensor model to exact depth {@code z} of pixel (u, v); 0 = invalid. */
  private static double sense(Sensor s, int u, int v, int i, double z, double cosView) {
    DepthNoise m = s.model();
    if (cosView < m.minCosine() || z > m.maxRange()) {
      return 0;
    }
    double[] b = s.blobs();
    for (int j = 0; j < b.length; j += 4) {
      double ex = (u - b[j]) / b[j + 2];
      double ey = (v - b[j + 1]) / b[j + 3];
      if (ex * ex + ey * ey <= 1) {
        return 0;
      }
    }
    if (m.sigma() > 0) {
      long h = SeededRandom.hash(s.seed() ^ 0x5E45L, s.frame(), i);
      double u1 = SeededRandom.unit(h);
      double u2 = SeededRandom.unit(SeededRandom.mix(h + 1));
      double g = StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2);
      z += g * m.sigma() * z;
    }
    // A sensor reports millimetres.
    z = Math.rint(z * 1000) / 1000;
    return z > 0 ? z : 0;
  }

  private static byte toByte(double c) {
    int q = (int) (c * 255 + 0.5);
    return (byte) (q < 0 ? 0 : Math.min(q, 255));
  }
}
