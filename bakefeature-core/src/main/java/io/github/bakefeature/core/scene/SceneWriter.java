package io.github.bakefeature.core.scene;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.io.AtomicFiles;
import io.github.bakefeature.core.io.ImageFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Writes any {@link Scene} in the scene format ({@link SceneLayout}); every file atomically. */
public final class SceneWriter {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private SceneWriter() {}

  /**
   * Writes {@code scene} into {@code dir} (created if needed). Frames are renamed
   * {@code 00000, 00001, ...}. Intrinsics are taken from frame 0 (the format has one camera).
   */
  public static void write(Scene scene, Path dir) throws IOException {
    Files.createDirectories(dir.resolve(SceneLayout.RGB));
    Files.createDirectories(dir.resolve(SceneLayout.POSE));
    writeIntrinsics(scene.frame(0).intrinsics(), dir.resolve(SceneLayout.INTRINSICS));
    writeBounds(scene.bounds(), dir.resolve(SceneLayout.BBOX));
    if (!scene.classNames().isEmpty()) {
      writeMetadata(scene.classNames(), dir.resolve(SceneLayout.METADATA));
    }
    for (Frame f : scene.frames()) {
      String name = SceneLayout.frameName(f.index());
      RgbImage rgb = f.rgb();
      ImageFiles.writeRgbPng(rgb, dir.resolve(SceneLayout.RGB).resolve(name + ".png"));
      writePose(f.pose(), dir.resolve(SceneLayout.POSE).resolve(name + ".txt"));
      if (f.hasDepth()) {
        ImageFiles.writeDepthPng(f.depth().orElseThrow(), dir.resolve(SceneLayout.DEPTH).resolve(name + ".png"));
      }
      Optional<LabelImage> gt = f.groundTruth();
      if (gt.isPresent()) {
        ImageFiles.writeLabelPng(gt.get(), true, dir.resolve(SceneLayout.GT_SEMANTIC).resolve(name + ".png"));
      }
      Optional<LabelImage> scribbles = f.scribbles();
      if (scribbles.isPresent()) {
        ImageFiles.writeLabelPng(scribbles.get(), true, dir.resolve(SceneLayout.SEMANTIC).resolve(name + ".png"));
      }
    }
  }

  /** Writes the 4x4 world-to-camera matrix, one row per line. */
  public static void writePose(Pose pose, Path file) throws IOException {
    AtomicFiles.writeString(file, matrixText(pose.worldToCamera(), 4));
  }

  /** Writes K as a 3x3 matrix. */
  public static void writeIntrinsics(CameraIntrinsics k, Path file) throws IOException {
    AtomicFiles.writeString(file, matrixText(k.matrix(), 3));
  }

  /** Writes {@code min x y z max x y z} on one line. */
  public static void writeBounds(Aabb b, Path file) throws IOException {
    AtomicFiles.writeString(file, String.format(Locale.ROOT, "%.9g %.9g %.9g %.9g %.9g %.9g%n",
        b.minX(), b.minY(), b.minZ(), b.maxX(), b.maxY(), b.maxZ()));
  }

  /** Writes {@code {"n_classes": C, "classes": [...]}}. */
  public static void writeMetadata(List<String> classNames, Path file) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("n_classes", classNames.size());
    m.put("classes", classNames);
    AtomicFiles.write(file, JSON.writeValueAsBytes(m));
  }

  private static String matrixText(double[] m, int n) {
    StringBuilder sb = new StringBuilder();
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < n; c++) {
        if (c > 0) {
          sb.append(' ');
        }
        sb.append(String.format(Locale.ROOT, "%.12g", m[r * n + c]));
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
