package io.github.bakefeature.core.scene;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.io.ImageFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A scene read from a folder in the scene format ({@link SceneLayout}).
 *
 * <p>{@link #open} validates everything that can be checked without decoding every image —
 * folders, frame counts, file pairing, poses, intrinsics, image sizes and ratios (from headers),
 * metadata, bounds, and the scribbles (few, so they are decoded) — and throws an
 * {@link InvalidSceneException} naming the file and the problem. Images are decoded on demand into
 * a bounded {@link ImageCache}; a decode failure later (a truncated file) also throws
 * {@link InvalidSceneException}. Depth smaller than RGB by an integer factor is resized (nearest
 * neighbour) to the RGB size, as the paper's tool does.
 */
public final class SceneFolder implements Scene {
  /** Default decoded-image budget: about 100 frames of 640x480 RGB-D. */
  public static final long DEFAULT_CACHE_BYTES = 256L << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final List<Frame> frames;
  private final Aabb bounds;
  private final boolean boundsComputed;
  private final List<String> classNames;
  private final int classCount;
  private final ImageCache cache;
  private final boolean hasGt;

  private SceneFolder(Path dir, List<Frame> frames, Aabb bounds, boolean boundsComputed,
                      List<String> classNames, int classCount, ImageCache cache, boolean hasGt) {
    this.dir = dir;
    this.frames = frames;
    this.bounds = bounds;
    this.boundsComputed = boundsComputed;
    this.classNames = classNames;
    this.classCount = classCount;
    this.cache = cache;
    this.hasGt = hasGt;
  }

  /** Opens and validates the scene in {@code dir} with the default image cache. */
  public static SceneFolder open(Path dir) throws IOException {
    return open(dir, DEFAULT_CACHE_BYTES);
  }

  /** Opens and validates the scene in {@code dir} with an image cache of {@code cacheBytes}. */
  public static SceneFolder open(Path dir, long cacheBytes) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new InvalidSceneException(dir, Files.exists(dir)
          ? "expected a scene folder, found a file" : "scene folder does not exist");
    }
    Path rgbDir = requireDir(dir.resolve(SceneLayout.RGB), "the colour images");
    Map<String, Path> rgb = listImages(rgbDir, true);
    if (rgb.isEmpty()) {
      throw new InvalidSceneException(rgbDir, "empty scene: expected at least one .png or .jpg image, found none");
    }
    Path poseDir = requireDir(dir.resolve(SceneLayout.POSE), "one world-to-camera pose per frame");
    Map<String, Path> poses = listFiles(poseDir, ".txt");
    checkPairing(rgbDir, rgb, poseDir, poses, ".txt");

    Path depthDir = dir.resolve(SceneLayout.DEPTH);
    Map<String, Path> depths = null;
    if (Files.isDirectory(depthDir)) {
      depths = listImages(depthDir, false);
      if (!depths.isEmpty()) {
        checkPairing(rgbDir, rgb, depthDir, depths, ".png");
      } else {
        depths = null;
      }
    }

    CameraIntrinsics k0 = readIntrinsicsFile(dir.resolve(SceneLayout.INTRINSICS));
    List<String> names = new ArrayList<>(rgb.keySet());
    // All frames share one size; read headers only.
    int[] size0 = ImageFiles.readSize(rgb.get(names.get(0)));
    CameraIntrinsics k = withSize(dir.resolve(SceneLayout.INTRINSICS), k0, size0[0], size0[1]);
    int depthFactor = 1;
    for (String name : names) {
      int[] s = ImageFiles.readSize(rgb.get(name));
      if (s[0] != size0[0] || s[1] != size0[1]) {
        throw new InvalidSceneException(rgb.get(name), "expected " + size0[0] + "x" + size0[1]
            + " like the first frame, found " + s[0] + "x" + s[1]);
      }
      if (depths != null) {
        Path dp = depths.get(name);
        int[] ds = ImageFiles.readSize(dp);
        int f = depthFactor(dp, ds, size0);
        if (name.equals(names.get(0))) {
          depthFactor = f;
        } else if (f != depthFactor) {
          throw new InvalidSceneException(dp, "expected depth " + size0[0] / depthFactor + "x"
              + size0[1] / depthFactor + " like the first frame, found " + ds[0] + "x" + ds[1]);
        }
      }
    }

    Path metaFile = dir.resolve(SceneLayout.METADATA);
    List<String> classNames = List.of();
    int classCount = 0;
    if (Files.exists(metaFile)) {
      Object[] meta = readMetadata(metaFile);
      classNames = (List<String>) castNames(meta[0]);
      classCount = (Integer) meta[1];
    }

    Path semDir = dir.resolve(SceneLayout.SEMANTIC);
    Map<String, Path> scribbles = Files.isDirectory(semDir) ? listFiles(semDir, ".png") : Map.of();
    checkSubset(semDir, scribbles, rgb);
    Path gtDir = dir.resolve(SceneLayout.GT_SEMANTIC);
    Map<String, Path> gts = Files.isDirectory(gtDir) ? listFiles(gtDir, ".png") : Map.of();
    checkSubset(gtDir, gts, rgb);

    ImageCache cache = new ImageCache(cacheBytes);
    List<Frame> frames = new ArrayList<>(names.size());
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      Pose pose = readPoseFile(poses.get(name), false);
      frames.add(new FolderFrame(i, name, k, pose, rgb.get(name),
          depths == null ? null : depths.get(name), depthFactor, gts.get(name), scribbles.get(name),
          classCount, cache));
    }
    // Scribbles are few and must never be silently wrong: decode and check them now.
    for (Frame f : frames) {
      f.scribbles();
    }

    Path bboxFile = dir.resolve(SceneLayout.BBOX);
    Aabb bounds;
    boolean computed = false;
    if (Files.exists(bboxFile)) {
      bounds = readBoundsFile(bboxFile);
    } else {
      bounds = SceneBounds.fromFrames(frames);
      computed = true;
    }
    return new SceneFolder(dir, Collections.unmodifiableList(frames), bounds, computed,
        classNames, classCount, cache, !gts.isEmpty());
  }

  @SuppressWarnings("unchecked")
  private static List<String> castNames(Object o) {
    return (List<String>) o;
  }

  @Override
  public Optional<Path> directory() {
    return Optional.of(dir);
  }

  @Override
  public int size() {
    return frames.size();
  }

  @Override
  public Frame frame(int index) {
    if (index < 0 || index >= frames.size()) {
      throw new IndexOutOfBoundsException("frame index must be in [0, " + frames.size() + "), found " + index);
    }
    return frames.get(index);
  }

  @Override
  public List<Frame> frames() {
    return frames;
  }

  @Override
  public Aabb bounds() {
    return bounds;
  }

  /** Whether the bounds were computed from depth because {@code bbox.txt} is missing. */
  public boolean boundsComputed() {
    return boundsComputed;
  }

  @Override
  public List<String> classNames() {
    return classNames;
  }

  /** Class count from metadata.json (0 when unknown). */
  public int classCount() {
    return classCount;
  }

  @Override
  public boolean hasGroundTruth() {
    return hasGt;
  }

  /** The decoded-image cache (for tests and memory accounting). */
  public ImageCache cache() {
    return cache;
  }

  // ---- parsing ---------------------------------------------------------------------------------

  private static Path requireDir(Path p, String what) throws InvalidSceneException {
    if (!Files.isDirectory(p)) {
      throw new InvalidSceneException(p, "missing folder (expected " + what + ")");
    }
    return p;
  }

  private static Map<String, Path> listImages(Path dir, boolean allowJpeg) throws IOException {
    Map<String, Path> out = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s.sorted()::iterator) {
        String fn = p.getFileName().toString();
        String lower = fn.toLowerCase(Locale.ROOT);
        if (fn.startsWith(".")) {
          continue;
        }
        boolean ok = lower.endsWith(".png") || (allowJpeg && (lower.endsWith(".jpg") || lower.endsWith(".jpeg")));
        if (!ok) {
          continue;
        }
        String stem = fn.substring(0, fn.lastIndexOf('.'));
        Path prev = out.put(stem, p);
        if (prev != null) {
          throw new InvalidSceneException(p, "two images for frame '" + stem + "' (" + prev.getFileName()
              + " and " + fn + "); expected one");
        }
      }
    }
    return out;
  }

  private static Map<String, Path> listFiles(Path dir, String ext) throws IOException {
    Map<String, Path> out = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String fn = p.getFileName().toString();
        if (!fn.startsWith(".") && fn.toLowerCase(Locale.ROOT).endsWith(ext)) {
          out.put(fn.substring(0, fn.length() - ext.length()), p);
        }
      }
    }
    return out;
  }

  private static void checkPairing(Path rgbDir, Map<String, Path> rgb, Path otherDir,
                                   Map<String, Path> other, String ext) throws InvalidSceneException {
    if (rgb.size() != other.size() || !rgb.keySet().equals(other.keySet())) {
      List<String> missing = new ArrayList<>();
      for (String n : rgb.keySet()) {
        if (!other.containsKey(n)) {
          missing.add(n + ext);
        }
      }
      List<String> extra = new ArrayList<>();
      for (String n : other.keySet()) {
        if (!rgb.containsKey(n)) {
          extra.add(n);
        }
      }
      throw new InvalidSceneException(otherDir, "frame count mismatch: expected " + rgb.size()
          + " files matching " + rgbDir.getFileName() + "/, found " + other.size()
          + (missing.isEmpty() ? "" : "; missing " + preview(missing))
          + (extra.isEmpty() ? "" : "; without a colour image: " + preview(extra)));
    }
  }

  private static void checkSubset(Path dir, Map<String, Path> files, Map<String, Path> rgb)
      throws InvalidSceneException {
    for (Map.Entry<String, Path> e : files.entrySet()) {
      if (!rgb.containsKey(e.getKey())) {
        throw new InvalidSceneException(e.getValue(), "no colour image rgb/" + e.getKey()
            + ".png|jpg for this file");
      }
    }
  }

  private static String preview(List<String> names) {
    return names.size() <= 5 ? String.join(", ", names)
        : String.join(", ", names.subList(0, 5)) + " and " + (names.size() - 5) + " more";
  }

  private static int depthFactor(Path depthFile, int[] ds, int[] rgbSize) throws InvalidSceneException {
    if (ds[0] > rgbSize[0] || ds[1] > rgbSize[1]
        || rgbSize[0] % ds[0] != 0 || rgbSize[1] % ds[1] != 0
        || rgbSize[0] / ds[0] != rgbSize[1] / ds[1]) {
      throw new InvalidSceneException(depthFile, "depth is " + ds[0] + "x" + ds[1] + " but colour is "
          + rgbSize[0] + "x" + rgbSize[1] + "; expected the same size or smaller by one integer factor");
    }
    return rgbSize[0] / ds[0];
  }

  /** Parses whitespace-separated numbers; names the file on any error. */
  public static double[] readNumbers(Path file) throws InvalidSceneException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new InvalidSceneException(file, "file does not exist");
    } catch (IOException e) {
      throw new InvalidSceneException(file, "unreadable (" + e.getMessage() + ")", e);
    }
    String[] tok = text.trim().isEmpty() ? new String[0] : text.trim().split("[\\s,]+");
    double[] v = new double[tok.length];
    for (int i = 0; i < tok.length; i++) {
      try {
        v[i] = Double.parseDouble(tok[i]);
      } catch (NumberFormatException e) {
        throw new InvalidSceneException(file, "expected numbers, found '" + tok[i] + "' (value " + (i + 1) + ")");
      }
    }
    return v;
  }

  /**
   * Reads a 4x4 pose matrix (a 3x4 matrix gets the row 0 0 0 1).
   *
   * @param cameraToWorld whether the file stores camera-to-world (else world-to-camera)
   */
  public static Pose readPoseFile(Path file, boolean cameraToWorld) throws InvalidSceneException {
    double[] v = readNumbers(file);
    if (v.length == 12) {
      v = new double[] {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], 0, 0, 0, 1};
    }
    if (v.length != 16) {
      throw new InvalidSceneException(file, "expected a 4x4 matrix (16 numbers), found " + v.length + " numbers");
    }
    try {
      return cameraToWorld ? Pose.fromCameraToWorld(v) : Pose.fromWorldToCamera(v);
    } catch (IllegalArgumentException e) {
      throw new InvalidSceneException(file, "not a rigid pose: " + e.getMessage());
    }
  }

  /**
   * Reads a 3x3 or 4x4 K. The returned intrinsics have a placeholder size of 1x1 until
   * {@link #withSize} attaches the image size.
   */
  public static CameraIntrinsics readIntrinsicsFile(Path file) throws InvalidSceneException {
    double[] v = readNumbers(file);
    double fx;
    double fy;
    double cx;
    double cy;
    if (v.length == 9) {
      fx = v[0];
      cx = v[2];
      fy = v[4];
      cy = v[5];
    } else if (v.length == 16) {
      fx = v[0];
      cx = v[2];
      fy = v[5];
      cy = v[6];
    } else {
      throw new InvalidSceneException(file, "expected a 3x3 or 4x4 camera matrix (9 or 16 numbers), found "
          + v.length + " numbers");
    }
    if (!(fx > 0) || !(fy > 0) || !Double.isFinite(fx) || !Double.isFinite(fy)) {
      throw new InvalidSceneException(file, "focal lengths must be positive and finite, found fx=" + fx + " fy=" + fy);
    }
    if (!Double.isFinite(cx) || !Double.isFinite(cy)) {
      throw new InvalidSceneException(file, "principal point must be finite, found cx=" + cx + " cy=" + cy);
    }
    return new CameraIntrinsics(1, 1, fx, fy, cx, cy);
  }

  /** Attaches the image size to intrinsics read from {@code file}. */
  public static CameraIntrinsics withSize(Path file, CameraIntrinsics k, int width, int height)
      throws InvalidSceneException {
    try {
      return new CameraIntrinsics(width, height, k.fx(), k.fy(), k.cx(), k.cy());
    } catch (IllegalArgumentException e) {
      throw new InvalidSceneException(file, e.getMessage());
    }
  }

  /** Reads {@code min x y z max x y z}. */
  public static Aabb readBoundsFile(Path file) throws InvalidSceneException {
    double[] v = readNumbers(file);
    if (v.length != 6) {
      throw new InvalidSceneException(file, "expected 6 numbers (min x y z, max x y z), found " + v.length);
    }
    try {
      return new Aabb(v[0], v[1], v[2], v[3], v[4], v[5]);
    } catch (IllegalArgumentException e) {
      throw new InvalidSceneException(file, e.getMessage());
    }
  }

  /** Returns {names, count}. */
  private static Object[] readMetadata(Path file) throws InvalidSceneException {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new InvalidSceneException(file, "not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidSceneException(file, "expected a JSON object with n_classes and classes");
    }
    List<String> names = new ArrayList<>();
    JsonNode classes = root.get("classes");
    if (classes != null) {
      if (!classes.isArray()) {
        throw new InvalidSceneException(file, "expected \"classes\" to be an array of names, found " + classes.getNodeType());
      }
      for (JsonNode c : classes) {
        if (!c.isTextual() || c.asText().isBlank()) {
          throw new InvalidSceneException(file, "expected class names to be non-empty strings, found " + c);
        }
        names.add(c.asText());
      }
    }
    JsonNode n = root.get("n_classes");
    int count;
    if (n != null) {
      if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1) {
        throw new InvalidSceneException(file, "expected \"n_classes\" to be a positive integer, found " + n);
      }
      count = n.asInt();
      if (classes != null && names.size() != count) {
        throw new InvalidSceneException(file, "n_classes is " + count + " but \"classes\" lists "
            + names.size() + " names");
      }
    } else {
      count = names.size();
    }
    if (names.isEmpty() && count > 0) {
      for (int i = 0; i < count; i++) {
        names.add("class " + i);
      }
    }
    return new Object[] {List.copyOf(names), count};
  }

  // ---- frames ----------------------------------------------------------------------------------

  /** A frame whose images stay on disk until asked for. */
  private static final class FolderFrame implements Frame {
    private final int index;
    private final String name;
    private final CameraIntrinsics k;
    private final Pose pose;
    private final Path rgb;
    private final Path depth;
    private final int depthFactor;
    private final Path gt;
    private final Path scribbles;
    private final int classCount;
    private final ImageCache cache;

    FolderFrame(int index, String name, CameraIntrinsics k, Pose pose, Path rgb, Path depth, int depthFactor,
                Path gt, Path scribbles, int classCount, ImageCache cache) {
      this.index = index;
      this.name = name;
      this.k = k;
      this.pose = pose;
      this.rgb = rgb;
      this.depth = depth;
      this.depthFactor = depthFactor;
      this.gt = gt;
      this.scribbles = scribbles;
      this.classCount = classCount;
      this.cache = cache;
    }

    @Override
    public int index() {
      return index;
    }

    @Override
    public String name() {
      return name;
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
    public RgbImage rgb() throws IOException {
      long bytes = (long) k.width() * k.height() * 3;
      return cache.get(rgb.toString(), bytes, () -> {
        RgbImage img = ImageFiles.readRgb(rgb);
        checkSize(rgb, img.width(), img.height(), 1);
        return img;
      });
    }

    @Override
    public boolean hasDepth() {
      return depth != null;
    }

    @Override
    public Optional<DepthImage> depth() throws IOException {
      if (depth == null) {
        return Optional.empty();
      }
      long bytes = (long) k.width() * k.height() * 4;
      return Optional.of(cache.get(depth.toString(), bytes, () -> {
        DepthImage d = ImageFiles.readDepth(depth, SceneLayout.METRES_PER_DEPTH_UNIT);
        checkSize(depth, d.width(), d.height(), depthFactor);
        return upsampleNearest(d, depthFactor);
      }));
    }

    @Override
    public Optional<LabelImage> groundTruth() throws IOException {
      return gt == null ? Optional.empty() : Optional.of(readLabels(gt));
    }

    @Override
    public Optional<LabelImage> scribbles() throws IOException {
      return scribbles == null ? Optional.empty() : Optional.of(readLabels(scribbles));
    }

    private LabelImage readLabels(Path p) throws IOException {
      long bytes = (long) k.width() * k.height() * 2;
      return cache.get(p.toString(), bytes, () -> {
        LabelImage l = ImageFiles.readLabels(p, false, -1, classCount);
        checkSize(p, l.width(), l.height(), 1);
        return l;
      });
    }

    private void checkSize(Path p, int w, int h, int factor) throws InvalidSceneException {
      if (w * factor != k.width() || h * factor != k.height()) {
        throw new InvalidSceneException(p, "expected " + k.width() / factor + "x" + k.height() / factor
            + ", found " + w + "x" + h);
      }
    }

    private static DepthImage upsampleNearest(DepthImage d, int f) {
      if (f == 1) {
        return d;
      }
      int w = d.width() * f;
      int h = d.height() * f;
      float[] out = new float[w * h];
      float[] src = d.metres();
      for (int y = 0; y < h; y++) {
        int sy = y / f;
        for (int x = 0; x < w; x++) {
          out[y * w + x] = src[sy * d.width() + x / f];
        }
      }
      return new DepthImage(w, h, out);
    }

    @Override
    public String toString() {
      return "Frame[" + index + " '" + name + "']";
    }
  }
}
