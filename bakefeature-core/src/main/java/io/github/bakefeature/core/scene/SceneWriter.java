package io.github.bakefeature.core.scene;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.io.AtomicFiles;
import io.github.bakefeature.core.io.ImageFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Writes any {@link Scene} in the scene format ({@link SceneLayout}).
 *
 * <p>The whole scene is written into a hidden staging folder next to the target and renamed into
 * place when complete, so the target is either absent or a complete, valid scene — never a
 * half-written one, even if the process dies. The target must not exist or be an empty folder
 * (writing over an existing scene could leave stale frames of the old one).
 *
 * <p>Frames are renamed {@code 00000, 00001, ...} in scene order. Colour images of a
 * {@link FileBackedFrame} are copied byte for byte (keeping JPEG as JPEG) after decoding them once
 * to be sure they are valid; other colour images are written as PNG. Depth is written at colour
 * resolution in millimetres. When the scene has labels but no class names, names
 * {@code "class k"} are generated so the written scene stays readable; labels that are all
 * unlabelled then (no class at all) are not written. The staged scene is opened with
 * {@link SceneFolder#open} before it is moved into place.
 */
public final class SceneWriter {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final double INTRINSICS_TOLERANCE = 1e-9;

  /** Called after each frame with (frames written, total frames). */
  @FunctionalInterface
  public interface Progress {
    void frameWritten(int done, int total);
  }

  private SceneWriter() {}

  /** Writes {@code scene} as a new scene folder {@code dir}; see the class comment. */
  public static void write(Scene scene, Path dir) throws IOException {
    write(scene, dir, (done, total) -> { });
  }

  /**
   * Writes {@code scene} as a new scene folder {@code dir}.
   *
   * @throws java.nio.file.FileAlreadyExistsException if {@code dir} is a file or a non-empty folder
   * @throws IllegalArgumentException if frames have different cameras (the format has one) or
   *     labels beyond the class names
   * @throws io.github.bakefeature.api.scene.InvalidSceneException if an image of the scene
   *     cannot be read, or the written scene would not open (naming the file under {@code dir});
   *     nothing is left at {@code dir} then
   */
  public static void write(Scene scene, Path dir, Progress progress) throws IOException {
    Path target = dir.toAbsolutePath().normalize();
    if (Files.exists(target) && !AtomicFiles.isEmptyDirectory(target)) {
      throw new java.nio.file.FileAlreadyExistsException(target.toString(), null,
          "expected a new or empty folder for the scene, found " + (Files.isDirectory(target) ? "a non-empty folder" : "a file"));
    }
    checkCameras(scene);
    Files.createDirectories(target.getParent());
    AtomicFiles.writeDirectory(target, "partial", staging -> {
      writeInto(scene, staging, progress);
      checkOpens(staging, target);
    });
  }

  /**
   * Writes {@code scene} into {@code dir}, replacing a scene already there: every scene-format
   * entry ({@link SceneLayout#ENTRIES}, including the feature {@code cache/}, which belongs to the
   * old images) is replaced by the new one; any other file in {@code dir} (a user's notes) is kept.
   * The new scene is fully written to a staging folder first, so a failure while writing leaves the
   * old scene untouched. The swap then renames the old entries aside before moving the new ones in
   * and puts them back if a move fails; if the process dies during the swap, the old entries are
   * in {@code .<dir>.replaced-<n>} next to {@code dir}. {@code rgb/} leaves first and comes in last,
   * so a folder caught in the middle of a swap has no {@code rgb/} and does not open as a scene
   * (never half old, half new without a word).
   */
  public static void replace(Scene scene, Path dir) throws IOException {
    Path target = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(target) || AtomicFiles.isEmptyDirectory(target)) {
      write(scene, target);
      return;
    }
    long n = System.nanoTime();
    Path staging = target.resolveSibling("." + target.getFileName() + ".replacing-" + n);
    write(scene, staging);
    Path aside = target.resolveSibling("." + target.getFileName() + ".replaced-" + n);
    List<String> movedAside = new ArrayList<>();
    List<String> movedIn = new ArrayList<>();
    boolean done = false;
    try {
      Files.createDirectories(aside);
      for (String entry : SceneLayout.ENTRIES) {
        Path old = target.resolve(entry);
        if (Files.exists(old, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.move(old, aside.resolve(entry), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
          movedAside.add(entry);
        }
      }
      List<Path> children;
      try (java.util.stream.Stream<Path> list = Files.list(staging)) {
        children = swapOrder(list.toList());
      }
      for (Path child : children) {
        String name = child.getFileName().toString();
        Files.move(child, target.resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        movedIn.add(name);
      }
      done = true;
    } catch (IOException | RuntimeException e) {
      restore(target, aside, movedAside, movedIn, e);
      throw e;
    } finally {
      AtomicFiles.deleteRecursively(staging);
      if (done) {
        AtomicFiles.deleteRecursively(aside);
      }
    }
  }

  /**
   * The order a swap moves new entries in: {@code rgb/} last ({@link SceneLayout#ENTRIES} starts
   * with it, so it also left first): until it is in, no scene opens in the folder.
   */
  static List<Path> swapOrder(List<Path> entries) {
    return entries.stream().sorted(java.util.Comparator.comparing(
        (Path c) -> c.getFileName().toString().equals(SceneLayout.RGB)).thenComparing(Path::toString)).toList();
  }

  /** Undoes a failed swap: removes what was moved in, moves the old entries back. */
  private static void restore(Path target, Path aside, List<String> movedAside, List<String> movedIn, Exception failure) {
    try {
      for (String name : movedIn) {
        AtomicFiles.deleteRecursively(target.resolve(name));
      }
      for (String entry : movedAside) {
        Files.move(aside.resolve(entry), target.resolve(entry), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
      AtomicFiles.deleteRecursively(aside);
    } catch (IOException | RuntimeException again) {
      failure.addSuppressed(new IOException("could not put the old scene back; its entries are in " + aside, again));
    }
  }

  /**
   * Opens the staged scene as a reader will, so that a scene which would not open is never moved
   * into place (a failed write leaves nothing at the target, and a rerun is not refused).
   */
  private static void checkOpens(Path staging, Path target) throws IOException {
    try {
      SceneFolder.builder(staging).optCacheBytes(0).open();
    } catch (InvalidSceneException e) {
      Path file = e.file().toAbsolutePath().normalize();
      Path shown = file.startsWith(staging) ? target.resolve(staging.relativize(file)) : file;
      throw new InvalidSceneException(shown, "the scene written for " + target + " does not open, so nothing was"
          + " left there: " + e.problem(), e);
    }
  }

  private static void checkCameras(Scene scene) {
    if (scene.size() < 1) {
      throw new IllegalArgumentException("a scene needs at least one frame, found none");
    }
    CameraIntrinsics k0 = scene.frame(0).intrinsics();
    for (int i = 1; i < scene.size(); i++) {
      CameraIntrinsics k = scene.frame(i).intrinsics();
      if (k.width() != k0.width() || k.height() != k0.height() || !close(k.fx(), k0.fx())
          || !close(k.fy(), k0.fy()) || !close(k.cx(), k0.cx()) || !close(k.cy(), k0.cy())) {
        throw new IllegalArgumentException("frame " + i + " has camera " + k + " but frame 0 has " + k0
            + "; the scene format stores one camera for all frames");
      }
    }
  }

  private static boolean close(double a, double b) {
    return Math.abs(a - b) <= INTRINSICS_TOLERANCE * Math.max(1, Math.max(Math.abs(a), Math.abs(b)));
  }

  private static void writeInto(Scene scene, Path dir, Progress progress) throws IOException {
    Files.createDirectories(dir.resolve(SceneLayout.RGB));
    Files.createDirectories(dir.resolve(SceneLayout.POSE));
    writeIntrinsics(scene.frame(0).intrinsics(), dir.resolve(SceneLayout.INTRINSICS));
    List<String> names = scene.classNames();
    int maxLabel = -1;
    int n = scene.size();
    for (int i = 0; i < n; i++) {
      Frame f = scene.frame(i);
      String name = SceneLayout.frameName(i);
      writeRgb(f, dir.resolve(SceneLayout.RGB), name);
      writePose(f.pose(), dir.resolve(SceneLayout.POSE).resolve(name + ".txt"));
      Optional<DepthImage> depth = f.depth();
      if (depth.isPresent()) {
        ImageFiles.writeDepthPng(depth.get(), dir.resolve(SceneLayout.DEPTH).resolve(name + ".png"));
      }
      Optional<LabelImage> gt = f.groundTruth();
      if (gt.isPresent()) {
        maxLabel = Math.max(maxLabel, checkLabels(f, "ground truth", gt.get(), names));
        ImageFiles.writeLabelPng(gt.get(), true, dir.resolve(SceneLayout.GT_SEMANTIC).resolve(name + ".png"));
      }
      Optional<LabelImage> scribbles = f.scribbles();
      if (scribbles.isPresent()) {
        maxLabel = Math.max(maxLabel, checkLabels(f, "scribbles", scribbles.get(), names));
        ImageFiles.writeLabelPng(scribbles.get(), true, dir.resolve(SceneLayout.SEMANTIC).resolve(name + ".png"));
      }
      progress.frameWritten(i + 1, n);
    }
    if (names.isEmpty() && maxLabel >= 0) {
      List<String> generated = new ArrayList<>();
      for (int c = 0; c <= maxLabel; c++) {
        generated.add("class " + c);
      }
      names = generated;
    }
    if (!names.isEmpty()) {
      writeMetadata(names, dir.resolve(SceneLayout.METADATA));
    } else {
      // Labels but no class at all (every pixel unlabelled): nothing to name, and the format has
      // no labels without classes, so the all-unlabelled images are left out.
      AtomicFiles.deleteRecursively(dir.resolve(SceneLayout.GT_SEMANTIC));
      AtomicFiles.deleteRecursively(dir.resolve(SceneLayout.SEMANTIC));
    }
    writeBounds(scene.bounds(), dir.resolve(SceneLayout.BBOX));
  }

  private static void writeRgb(Frame f, Path rgbDir, String name) throws IOException {
    if (f instanceof FileBackedFrame fb && fb.rgbFile().isPresent()) {
      Path src = fb.rgbFile().get();
      String lower = src.getFileName().toString().toLowerCase(Locale.ROOT);
      String ext = lower.endsWith(".png") ? ".png" : lower.endsWith(".jpg") || lower.endsWith(".jpeg") ? ".jpg" : null;
      if (ext != null) {
        f.rgb(); // decodes (and so validates) the file before it is copied
        AtomicFiles.copy(src, rgbDir.resolve(name + ext));
        return;
      }
    }
    ImageFiles.writeRgbPng(f.rgb(), rgbDir.resolve(name + ".png"));
  }

  private static int checkLabels(Frame f, String what, LabelImage l, List<String> names) {
    int max = l.maxLabel();
    if (!names.isEmpty() && max >= names.size()) {
      throw new IllegalArgumentException("frame " + f.name() + ": " + what + " use class " + max
          + " but the scene names only " + names.size() + " classes");
    }
    return max;
  }

  /** Writes the 4x4 world-to-camera matrix, one row per line, atomically. */
  public static void writePose(Pose pose, Path file) throws IOException {
    AtomicFiles.writeString(file, matrixText(pose.worldToCamera(), 4));
  }

  /** Writes K as a 3x3 matrix, atomically. */
  public static void writeIntrinsics(CameraIntrinsics k, Path file) throws IOException {
    AtomicFiles.writeString(file, matrixText(k.matrix(), 3));
  }

  /** Writes {@code min x y z max x y z} on one line, atomically. */
  public static void writeBounds(Aabb b, Path file) throws IOException {
    AtomicFiles.writeString(file, String.format(Locale.ROOT, "%.17g %.17g %.17g %.17g %.17g %.17g%n",
        b.minX(), b.minY(), b.minZ(), b.maxX(), b.maxY(), b.maxZ()));
  }

  /** Writes {@code {"n_classes": C, "classes": [...]}}, atomically. */
  public static void writeMetadata(List<String> classNames, Path file) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("n_classes", classNames.size());
    m.put("classes", classNames);
    AtomicFiles.write(file, JSON.writeValueAsBytes(m));
  }

  /** Rows of an n x n row-major matrix; 17 significant digits, so doubles survive the round trip. */
  private static String matrixText(double[] m, int n) {
    StringBuilder sb = new StringBuilder();
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < n; c++) {
        if (c > 0) {
          sb.append(' ');
        }
        double v = m[r * n + c];
        sb.append(v == 0 ? "0" : String.format(Locale.ROOT, "%.17g", v));
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
