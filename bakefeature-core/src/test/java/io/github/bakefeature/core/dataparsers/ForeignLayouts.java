package io.github.bakefeature.core.dataparsers;

import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.scene.InMemoryScene;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Test code that writes a scene in each foreign layout the way that format's own tools do,
 * following the conventions documented by the importers' sources — independently of the
 * importers, so a convention mistake in an importer cannot cancel out here.
 */
public final class ForeignLayouts {
  private ForeignLayouts() {}

  /**
   * Semantic-NeRF Replica: traj_w_c.txt camera-to-world OpenCV rows, rgb_N.png, depth_N.png as
   * {@code (depth * 1000).astype(uint16)} (truncation), semantic_class_N.png holding
   * {@code sparseIds[class]} (0 = void), plus the renderer's vis_sem_class_N.png colour images.
   * The scene's camera must be Semantic-NeRF's (hfov 90 degrees, centred principal point).
   */
  public static void writeReplica(Scene s, Path dir, int[] sparseIds) throws IOException {
    Files.createDirectories(dir.resolve("rgb"));
    Files.createDirectories(dir.resolve("depth"));
    Files.createDirectories(dir.resolve("semantic_class"));
    StringBuilder traj = new StringBuilder();
    for (Frame f : s.frames()) {
      int i = f.index();
      double[] c2w = f.pose().cameraToWorld();
      for (int j = 0; j < 16; j++) {
        traj.append(j == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.18e", c2w[j]));
      }
      traj.append('\n');
      ImageIO.write(toImage(f), "png", dir.resolve("rgb/rgb_" + i + ".png").toFile());
      DepthImage d = f.depth().orElseThrow();
      int[] mm = new int[d.metres().length];
      for (int p = 0; p < mm.length; p++) {
        mm[p] = (int) (d.metres()[p] * 1000); // numpy astype(uint16) truncates
      }
      write16(dir.resolve("depth/depth_" + i + ".png"), d.width(), d.height(), mm);
      LabelImage gt = f.groundTruth().orElseThrow();
      int[] ids = new int[gt.labels().length];
      for (int p = 0; p < ids.length; p++) {
        ids[p] = gt.labels()[p] < 0 ? 0 : sparseIds[gt.labels()[p]];
      }
      ids[0] = 0; // one void pixel per frame
      BufferedImage sem = new BufferedImage(gt.width(), gt.height(), BufferedImage.TYPE_BYTE_GRAY);
      sem.getRaster().setSamples(0, 0, gt.width(), gt.height(), 0, ids);
      ImageIO.write(sem, "png", dir.resolve("semantic_class/semantic_class_" + i + ".png").toFile());
      ImageIO.write(toImage(f), "png", dir.resolve("semantic_class/vis_sem_class_" + i + ".png").toFile());
    }
    Files.writeString(dir.resolve("traj_w_c.txt"), traj.toString());
  }

  /**
   * nerfstudio transforms.json: camera-to-world in OpenGL axes, principal point with pixel centres
   * at +0.5, frames listed in shuffled order, depth PNGs in units of {@code depthUnit} metres (NaN:
   * key omitted, millimetres), optionally {@code depthFactor} times smaller than the images.
   */
  public static Path writeTransforms(Scene s, Path dir, double depthUnit, int depthFactor, long shuffleSeed) throws IOException {
    return writeTransforms(s, dir, depthUnit, depthFactor, shuffleSeed, new double[5]);
  }

  /**
   * As {@link #writeTransforms(Scene, Path, double, int, long)}, declaring the lens distortion
   * {@code distortion = {k1, k2, p1, p2, k3}} of the images at the top level as {@code ns-process-data}
   * writes COLMAP's OPENCV camera ({@code k1, k2, p1, p2}, and {@code k3} when not 0).
   */
  public static Path writeTransforms(Scene s, Path dir, double depthUnit, int depthFactor, long shuffleSeed,
                                     double[] distortion) throws IOException {
    Files.createDirectories(dir.resolve("images"));
    Files.createDirectories(dir.resolve("depths"));
    CameraIntrinsics k = s.frame(0).intrinsics();
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("camera_model", "OPENCV");
    root.put("fl_x", k.fx());
    root.put("fl_y", k.fy());
    root.put("cx", k.cx() + 0.5);
    root.put("cy", k.cy() + 0.5);
    root.put("w", k.width());
    root.put("h", k.height());
    root.put("k1", distortion[0]);
    root.put("k2", distortion[1]);
    root.put("p1", distortion[2]);
    root.put("p2", distortion[3]);
    if (distortion[4] != 0) {
      root.put("k3", distortion[4]);
    }
    if (!Double.isNaN(depthUnit)) {
      root.put("depth_unit_scale_factor", depthUnit);
    }
    List<Map<String, Object>> frames = new ArrayList<>();
    for (Frame f : s.frames()) {
      int i = f.index();
      String name = "frame_" + (i + 1); // unpadded: frame_10 must sort after frame_9
      ImageIO.write(toImage(f), "png", dir.resolve("images/" + name + ".png").toFile());
      DepthImage d = f.depth().orElseThrow();
      int w = d.width() / depthFactor;
      int h = d.height() / depthFactor;
      int[] units = new int[w * h];
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          double unit = Double.isNaN(depthUnit) ? 1e-3 : depthUnit;
          units[y * w + x] = (int) Math.round(d.get(x * depthFactor, y * depthFactor) / unit);
        }
      }
      write16(dir.resolve("depths/" + name + ".png"), w, h, units);
      // OpenGL camera axes: the camera's y and z columns flip.
      double[] c2w = f.pose().cameraToWorld();
      List<List<Double>> m = new ArrayList<>();
      for (int r = 0; r < 4; r++) {
        m.add(List.of(c2w[r * 4], -c2w[r * 4 + 1], -c2w[r * 4 + 2], c2w[r * 4 + 3]));
      }
      Map<String, Object> fr = new LinkedHashMap<>();
      fr.put("file_path", "images/" + name + ".png");
      fr.put("depth_file_path", "depths/" + name + ".png");
      fr.put("transform_matrix", m);
      frames.add(fr);
    }
    Collections.shuffle(frames, new Random(shuffleSeed));
    root.put("frames", frames);
    Path json = dir.resolve("transforms.json");
    new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(json.toFile(), root);
    return json;
  }

  /** 7-Scenes: frame-XXXXXX.color.png|jpg, .depth.png (mm, rounded), .pose.txt camera-to-world OpenCV, K file. */
  public static void writeSevenScenes(Scene s, Path dir, boolean jpeg) throws IOException {
    Files.createDirectories(dir);
    CameraIntrinsics k = s.frame(0).intrinsics();
    Files.writeString(dir.resolve("camera-intrinsics.txt"), String.format(Locale.ROOT,
        "%.18e %.18e %.18e\n%.18e %.18e %.18e\n%.18e %.18e %.18e\n", k.fx(), 0.0, k.cx(), 0.0, k.fy(), k.cy(), 0.0, 0.0, 1.0));
    for (Frame f : s.frames()) {
      String stem = String.format("frame-%06d", f.index());
      ImageIO.write(toImage(f), jpeg ? "jpg" : "png", dir.resolve(stem + ".color." + (jpeg ? "jpg" : "png")).toFile());
      DepthImage d = f.depth().orElseThrow();
      int[] mm = new int[d.metres().length];
      for (int p = 0; p < mm.length; p++) {
        mm[p] = Math.round(d.metres()[p] * 1000);
      }
      write16(dir.resolve(stem + ".depth.png"), d.width(), d.height(), mm);
      double[] c2w = f.pose().cameraToWorld();
      StringBuilder sb = new StringBuilder();
      for (int r = 0; r < 4; r++) {
        sb.append(String.format(Locale.ROOT, "%.18e\t%.18e\t%.18e\t%.18e\n", c2w[4 * r], c2w[4 * r + 1], c2w[4 * r + 2], c2w[4 * r + 3]));
      }
      Files.writeString(dir.resolve(stem + ".pose.txt"), sb.toString());
    }
  }

  /**
   * ScanNet as SensReader exports a scan ({@code SensorData.py}): colour of {@code colour} (another
   * camera at the same poses) as {@code color/N.jpg} (quality 0.95), depth of {@code depth} as
   * {@code depth/N.png} in rounded millimetres, {@code pose/N.txt} camera-to-world in OpenCV axes
   * with numpy's {@code "%f"}, {@code intrinsic/intrinsic_color.txt} and {@code intrinsic_depth.txt}
   * as 4x4 K padded with the identity, and, if {@code rawIds} is not null, {@code label-filt/N.png}
   * (16-bit) holding {@code rawIds[class]} of {@code labels}' ground truth (0 where unlabelled).
   * N = 0, 1, ... unpadded, so N = 10 sorts after 9 only numerically.
   */
  public static void writeScanNet(Scene depth, Scene colour, Path dir, Scene labels, int[] rawIds) throws IOException {
    if (depth.size() != colour.size()) {
      throw new IllegalArgumentException("depth and colour scenes differ in size");
    }
    for (String sub : new String[] {"color", "depth", "pose", "intrinsic"}) {
      Files.createDirectories(dir.resolve(sub));
    }
    Files.writeString(dir.resolve("intrinsic/intrinsic_color.txt"), scanNetK(colour.frame(0).intrinsics()));
    Files.writeString(dir.resolve("intrinsic/intrinsic_depth.txt"), scanNetK(depth.frame(0).intrinsics()));
    String id4 = "1.000000 0.000000 0.000000 0.000000\n0.000000 1.000000 0.000000 0.000000\n"
        + "0.000000 0.000000 1.000000 0.000000\n0.000000 0.000000 0.000000 1.000000\n";
    Files.writeString(dir.resolve("intrinsic/extrinsic_color.txt"), id4);
    Files.writeString(dir.resolve("intrinsic/extrinsic_depth.txt"), id4);
    for (Frame f : depth.frames()) {
      int i = f.index();
      if (!f.pose().equals(colour.frame(i).pose())) {
        throw new IllegalArgumentException("frame " + i + ": colour and depth poses differ; ScanNet's are registered");
      }
      writeJpeg(toImage(colour.frame(i)), dir.resolve("color/" + i + ".jpg"), 0.95f);
      DepthImage d = f.depth().orElseThrow();
      int[] mm = new int[d.metres().length];
      for (int p = 0; p < mm.length; p++) {
        mm[p] = Math.round(d.metres()[p] * 1000);
      }
      write16(dir.resolve("depth/" + i + ".png"), d.width(), d.height(), mm);
      double[] c2w = f.pose().cameraToWorld();
      StringBuilder sb = new StringBuilder();
      for (int r = 0; r < 4; r++) {
        sb.append(String.format(Locale.ROOT, "%f %f %f %f\n", c2w[4 * r], c2w[4 * r + 1], c2w[4 * r + 2], c2w[4 * r + 3]));
      }
      Files.writeString(dir.resolve("pose/" + i + ".txt"), sb.toString());
      if (rawIds != null) {
        Files.createDirectories(dir.resolve("label-filt"));
        LabelImage gt = labels.frame(i).groundTruth().orElseThrow();
        int[] ids = new int[gt.labels().length];
        for (int p = 0; p < ids.length; p++) {
          ids[p] = gt.labels()[p] < 0 ? 0 : rawIds[gt.labels()[p]];
        }
        write16(dir.resolve("label-filt/" + i + ".png"), gt.width(), gt.height(), ids);
      }
    }
  }

  private static String scanNetK(CameraIntrinsics k) {
    return String.format(Locale.ROOT, "%f %f %f %f\n%f %f %f %f\n%f %f %f %f\n%f %f %f %f\n",
        k.fx(), 0.0, k.cx(), 0.0, 0.0, k.fy(), k.cy(), 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0);
  }

  static void writeJpeg(BufferedImage img, Path file, float quality) throws IOException {
    Files.deleteIfExists(file); // the stream below would not truncate a longer file
    javax.imageio.ImageWriter w = ImageIO.getImageWritersByFormatName("jpg").next();
    javax.imageio.ImageWriteParam p = w.getDefaultWriteParam();
    p.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
    p.setCompressionQuality(quality);
    try (javax.imageio.stream.ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
      w.setOutput(out);
      w.write(null, new javax.imageio.IIOImage(img, null, null), p);
    } finally {
      w.dispose();
    }
  }

  /** Start of the TUM clock in the fixtures: fr1/xyz's first colour timestamp, microseconds. */
  public static final long TUM_EPOCH_US = 1_305_031_102_175_304L;
  /** Rotation speed of the fixtures' camera around each frame, rad/s (fast hand-held motion). */
  static final double TUM_OMEGA = 2.0;
  /** Its rotation axis in the world (unit). */
  static final double[] TUM_AXIS = {0.6, -0.48, 0.64};
  /** Its velocity in the world, m/s. */
  static final double[] TUM_VELOCITY = {0.3, -0.2, 0.1};

  /**
   * TUM RGB-D: {@code rgb/<t>.png}, {@code depth/<t>.png} named by their timestamps,
   * {@code rgb.txt} and {@code depth.txt} with the benchmark's comment header, depth as
   * {@code round(metres * depthScale)}, and {@code groundtruth.txt} as the benchmark writes it:
   * {@code "t tx ty tz qx qy qz qw"}, camera-to-world in OpenCV axes, scalar-last Hamilton
   * quaternion ({@link #quaternion}), 4 decimals. Timestamps are jittered from a 30 Hz clock:
   * colour by up to 2 ms, each depth frame 3 to 9 ms before or after its colour frame (never
   * within 20 ms of another colour frame), and each frame's pose is written twice, 2 to 9 ms
   * before and after its colour timestamp, with the camera moving through the frame's pose at a
   * constant screw velocity ({@link #TUM_OMEGA} about {@link #TUM_AXIS}, {@link #TUM_VELOCITY}):
   * linear + slerp interpolation at the colour timestamp gives back the frame's pose, the nearest
   * pose is 4 to 18 mrad off. Returns the colour timestamps as written.
   */
  public static List<String> writeTum(Scene s, Path dir, double depthScale, long seed) throws IOException {
    Files.createDirectories(dir.resolve("rgb"));
    Files.createDirectories(dir.resolve("depth"));
    Random rnd = new Random(seed);
    StringBuilder rgbTxt = new StringBuilder("# color images\n# file: 'synthetic.bag'\n# timestamp filename\n");
    StringBuilder depthTxt = new StringBuilder("# depth maps\n# file: 'synthetic.bag'\n# timestamp filename\n");
    StringBuilder gt = new StringBuilder("# ground truth trajectory\n# file: 'synthetic.bag'\n# timestamp tx ty tz qx qy qz qw\n");
    List<String> stamps = new ArrayList<>();
    for (Frame f : s.frames()) {
      long rgbUs = TUM_EPOCH_US + Math.round(f.index() * 1e6 / 30) + rnd.nextInt(4001) - 2000;
      long depthUs = rgbUs + (rnd.nextBoolean() ? 1 : -1) * (3000 + rnd.nextInt(6001));
      String rgbT = seconds(rgbUs, 6);
      String depthT = seconds(depthUs, 6);
      stamps.add(rgbT);
      ImageIO.write(toImage(f), "png", dir.resolve("rgb/" + rgbT + ".png").toFile());
      rgbTxt.append(rgbT).append(" rgb/").append(rgbT).append(".png\n");
      DepthImage d = f.depth().orElseThrow();
      int[] units = new int[d.metres().length];
      for (int p = 0; p < units.length; p++) {
        long u = Math.round(d.metres()[p] * depthScale);
        units[p] = u >= 65535 ? 0 : (int) u;
      }
      write16(dir.resolve("depth/" + depthT + ".png"), d.width(), d.height(), units);
      depthTxt.append(depthT).append(" depth/").append(depthT).append(".png\n");
      double[] c2w = f.pose().cameraToWorld();
      for (long offUs : new long[] {-(2000 + rnd.nextInt(7001)), 2000 + rnd.nextInt(7001)}) {
        long gtUs = Math.round((rgbUs + offUs) / 100.0) * 100; // 4 decimals
        double dt = (gtUs - rgbUs) * 1e-6;
        double[] m = screwMotion(c2w, dt);
        double[] q = quaternion(m);
        gt.append(seconds(gtUs, 4));
        for (double v : new double[] {m[3], m[7], m[11], q[0], q[1], q[2], q[3]}) {
          gt.append(String.format(Locale.ROOT, " %.4f", v));
        }
        gt.append('\n');
      }
    }
    Files.writeString(dir.resolve("rgb.txt"), rgbTxt.toString());
    Files.writeString(dir.resolve("depth.txt"), depthTxt.toString());
    Files.writeString(dir.resolve("groundtruth.txt"), gt.toString());
    return stamps;
  }

  /** {@code us} microseconds as seconds with {@code decimals} decimals (4 or 6). */
  static String seconds(long us, int decimals) {
    return java.math.BigDecimal.valueOf(us, 6).setScale(decimals, java.math.RoundingMode.HALF_UP).toPlainString();
  }

  /** Camera-to-world {@code c2w} moved for {@code dt} s at the fixtures' screw velocity. */
  static double[] screwMotion(double[] c2w, double dt) {
    double a = TUM_OMEGA * dt;
    double[] k = TUM_AXIS;
    double c = Math.cos(a);
    double s = Math.sin(a);
    double[] rot = { // Rodrigues: rotation by a about k, applied in the world frame
        c + k[0] * k[0] * (1 - c), k[0] * k[1] * (1 - c) - k[2] * s, k[0] * k[2] * (1 - c) + k[1] * s,
        k[1] * k[0] * (1 - c) + k[2] * s, c + k[1] * k[1] * (1 - c), k[1] * k[2] * (1 - c) - k[0] * s,
        k[2] * k[0] * (1 - c) - k[1] * s, k[2] * k[1] * (1 - c) + k[0] * s, c + k[2] * k[2] * (1 - c)};
    double[] m = new double[16];
    for (int r = 0; r < 3; r++) {
      for (int col = 0; col < 3; col++) {
        for (int j = 0; j < 3; j++) {
          m[r * 4 + col] += rot[r * 3 + j] * c2w[j * 4 + col];
        }
      }
      m[r * 4 + 3] = c2w[r * 4 + 3] + TUM_VELOCITY[r] * dt;
    }
    m[15] = 1;
    return m;
  }

  /**
   * The unit quaternion {@code (x, y, z, w)} (Hamilton, scalar last, {@code w >= 0}) of the
   * rotation in a 4x4 row-major matrix: the inverse of ROS tf's {@code quaternion_matrix}, by
   * Shepperd's method (the largest of the four diagonal combinations).
   */
  static double[] quaternion(double[] m) {
    double r00 = m[0];
    double r11 = m[5];
    double r22 = m[10];
    double trace = r00 + r11 + r22;
    double x;
    double y;
    double z;
    double w;
    if (trace > Math.max(r00, Math.max(r11, r22))) {
      w = 0.5 * Math.sqrt(1 + trace);
      x = (m[9] - m[6]) / (4 * w);
      y = (m[2] - m[8]) / (4 * w);
      z = (m[4] - m[1]) / (4 * w);
    } else if (r00 >= r11 && r00 >= r22) {
      x = 0.5 * Math.sqrt(1 + r00 - r11 - r22);
      w = (m[9] - m[6]) / (4 * x);
      y = (m[1] + m[4]) / (4 * x);
      z = (m[2] + m[8]) / (4 * x);
    } else if (r11 >= r22) {
      y = 0.5 * Math.sqrt(1 - r00 + r11 - r22);
      w = (m[2] - m[8]) / (4 * y);
      x = (m[1] + m[4]) / (4 * y);
      z = (m[6] + m[9]) / (4 * y);
    } else {
      z = 0.5 * Math.sqrt(1 - r00 - r11 + r22);
      w = (m[4] - m[1]) / (4 * z);
      x = (m[2] + m[8]) / (4 * z);
      y = (m[6] + m[9]) / (4 * z);
    }
    double sign = w < 0 ? -1 : 1;
    return new double[] {sign * x, sign * y, sign * z, sign * w};
  }

  /**
   * What a camera {@code k} whose lens has OpenCV's radial-tangential distortion {@code d = {k1, k2,
   * p1, p2, k3}} records of the views of {@code sharp}: the same poses, seen by any pinhole camera
   * (e.g. the same camera without distortion). Each recorded pixel {@code (u, v)} sees along the
   * ray of its undistorted normalised coordinates ({@link #undistortPoint}, the inverse of the
   * model); its colour is {@code sharp}'s there, bilinear, and its z-depth (which does not depend
   * on the lens) {@code sharp}'s there, bilinear in inverse depth (exact on planes) unless the four
   * pixels around straddle a depth edge or a hole (spread over 5 %), then the nearest pixel's; rays
   * that leave {@code sharp}'s image are black without depth.
   */
  public static InMemoryScene distorted(Scene sharp, CameraIntrinsics k, double[] d) throws IOException {
    InMemoryScene.Builder b = InMemoryScene.builder();
    int w = k.width();
    int h = k.height();
    double[] p = new double[2];
    for (Frame f : sharp.frames()) {
      CameraIntrinsics ks = f.intrinsics();
      RgbImage src = f.rgb();
      DepthImage sd = f.depth().orElseThrow();
      byte[] rgb = new byte[w * h * 3];
      float[] depth = new float[w * h];
      for (int v = 0; v < h; v++) {
        for (int u = 0; u < w; u++) {
          undistortPoint((u - k.cx()) / k.fx(), (v - k.cy()) / k.fy(), d, p);
          double us = ks.fx() * p[0] + ks.cx();
          double vs = ks.fy() * p[1] + ks.cy();
          if (!(us >= 0 && vs >= 0 && us <= ks.width() - 1 && vs <= ks.height() - 1)) {
            continue;
          }
          int x0 = Math.min((int) us, ks.width() - 2);
          int y0 = Math.min((int) vs, ks.height() - 2);
          double fx = us - x0;
          double fy = vs - y0;
          float a = sd.get(x0, y0);
          float bb = sd.get(x0 + 1, y0);
          float c0 = sd.get(x0, y0 + 1);
          float e = sd.get(x0 + 1, y0 + 1);
          float lo = Math.min(Math.min(a, bb), Math.min(c0, e));
          float hi = Math.max(Math.max(a, bb), Math.max(c0, e));
          if (lo > 0 && hi <= 1.05f * lo) { // one surface: bilinear in inverse depth, exact on planes
            double inv = (1 - fy) * ((1 - fx) / a + fx / bb) + fy * ((1 - fx) / c0 + fx / e);
            depth[v * w + u] = (float) (1 / inv);
          } else { // a depth edge or a hole: the nearest pixel's
            depth[v * w + u] = sd.get((int) Math.round(us), (int) Math.round(vs));
          }
          for (int c = 0; c < 3; c++) {
            double top = src.get(x0, y0, c) * (1 - fx) + src.get(x0 + 1, y0, c) * fx;
            double bottom = src.get(x0, y0 + 1, c) * (1 - fx) + src.get(x0 + 1, y0 + 1, c) * fx;
            rgb[(v * w + u) * 3 + c] = (byte) Math.round(top * (1 - fy) + bottom * fy);
          }
        }
      }
      b.addFrame(k, f.pose(), new RgbImage(w, h, rgb), new DepthImage(w, h, depth),
          null, null);
    }
    return b.build();
  }

  /**
   * The undistorted normalised coordinates of distorted ones {@code (xd, yd)} under OpenCV's
   * radial-tangential model {@code d = {k1, k2, p1, p2, k3}}: OpenCV's {@code undistortPoints}
   * fixed-point iteration, run until the forward model gives {@code (xd, yd)} back within 1e-12.
   */
  public static void undistortPoint(double xd, double yd, double[] d, double[] out) {
    double x = xd;
    double y = yd;
    for (int it = 0; it < 1000; it++) {
      double r2 = x * x + y * y;
      double radial = 1 + r2 * (d[0] + r2 * (d[1] + r2 * d[4]));
      double dx = 2 * d[2] * x * y + d[3] * (r2 + 2 * x * x);
      double dy = d[2] * (r2 + 2 * y * y) + 2 * d[3] * x * y;
      if (Math.abs(x * radial + dx - xd) < 1e-12 && Math.abs(y * radial + dy - yd) < 1e-12) {
        out[0] = x;
        out[1] = y;
        return;
      }
      x = (xd - dx) / radial;
      y = (yd - dy) / radial;
    }
    throw new IllegalStateException("undistortion did not converge at (" + xd + ", " + yd + ")");
  }

  static BufferedImage toImage(Frame f) throws IOException {
    var rgb = f.rgb();
    BufferedImage img = new BufferedImage(rgb.width(), rgb.height(), BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < rgb.height(); y++) {
      for (int x = 0; x < rgb.width(); x++) {
        img.setRGB(x, y, rgb.rgb(x, y));
      }
    }
    return img;
  }

  static void write16(Path file, int w, int h, int[] values) throws IOException {
    BufferedImage b = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
    b.getRaster().setSamples(0, 0, w, h, 0, values);
    ImageIO.write(b, "png", file.toFile());
  }

  /** The same pose read with the wrong direction (camera-to-world taken as world-to-camera). */
  static Pose inverted(Pose p) {
    return Pose.fromWorldToCamera(p.cameraToWorld());
  }

  /** The same pose with OpenGL camera axes taken for OpenCV ones (a forgotten y/z flip). */
  static Pose unflipped(Pose p) {
    return Pose.fromCameraToWorld(p.cameraToWorldOpenGl());
  }
}
