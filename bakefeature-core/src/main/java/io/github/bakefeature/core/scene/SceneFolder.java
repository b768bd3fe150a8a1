package io.github.bakefeature.core.scene;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
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
import io.github.bakefeature.core.io.ImageHeader;
import io.github.bakefeature.core.io.NaturalOrder;
import io.github.bakefeature.core.io.TextNumbers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A scene read from a folder in the scene format ({@link SceneLayout}).
 *
 * <p>Opening validates everything that can be checked without decoding every image — folders,
 * frame counts and file pairing, poses, intrinsics, image sizes, channel counts, bit depths and
 * size ratios (from headers), metadata, bounds, and the scribbles (few, so they are decoded) — and
 * throws an {@link InvalidSceneException} naming the file and the problem; no {@code SceneFolder}
 * exists for a folder that failed. A {@code bbox.txt} that holds no camera and little of what they
 * see opens with a warning ({@link #boundsWarning()}), since a crop may be deliberate; without it
 * the bounds are computed ({@link SceneBounds}). Images are decoded on demand into a bounded
 * {@link ImageCache}; a pixel-level defect found later (a truncated file) also throws
 * {@link InvalidSceneException}.
 * {@link Builder#optFullValidation(boolean)} decodes every image while opening, for callers that
 * need the guarantee up front (e.g. {@code bakefeature info}).
 *
 * <p>Depth smaller than RGB by one integer factor is resized (nearest neighbour) to the RGB size,
 * as the paper's tool does. So are scribbles saved at another size of the same aspect ratio (the
 * paper's tool saves them at its 720 px wide canvas; {@link LabelSizes} states the rule); they are
 * not rewritten. Ground truth must be at the RGB size. Frames are ordered by name in natural order ({@code 9} before
 * {@code 10}); the zero-padded names the writer produces sort the same either way.
 */
public final class SceneFolder implements Scene {
  /**
   * Default decoded-image budget, 256 MiB. A 640x480 frame decodes to 0.92 MB of RGB plus 1.23 MB
   * of float depth (and 0.61 MB per label map), so the cache holds the ~120 most recently used
   * frames. A 2,000-frame scene would need 4.3 GB to hold every frame; with this budget its
   * decoded images never take more than 256 MiB, whatever the length, and a training loop that
   * samples rays from a working set of frames still hits the cache. Pass a different budget to
   * {@link Builder#optCacheBytes(long)} to trade memory for decoding time.
   */
  public static final long DEFAULT_CACHE_BYTES = 256L << 20;

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  /** Largest class count: what {@link LabelImage} can hold ({@value LabelImage#MAX_CLASSES}). */
  public static final int MAX_CLASSES = LabelImage.MAX_CLASSES;
  private static final Logger LOG = LoggerFactory.getLogger(SceneFolder.class);
  private static final double MATRIX_TOLERANCE = 1e-6;

  private final Path dir;
  private final List<Frame> frames;
  private final Aabb bounds;
  private final SceneBounds.Source boundsSource;
  private final String boundsWarning;
  private final List<String> classNames;
  private final ImageCache cache;
  private final boolean hasGt;
  private final int depthFactor;

  private SceneFolder(Path dir, List<Frame> frames, Aabb bounds, SceneBounds.Source boundsSource,
                      String boundsWarning, List<String> classNames, ImageCache cache, boolean hasGt,
                      int depthFactor) {
    this.dir = dir;
    this.frames = frames;
    this.bounds = bounds;
    this.boundsSource = boundsSource;
    this.boundsWarning = boundsWarning;
    this.classNames = classNames;
    this.cache = cache;
    this.hasGt = hasGt;
    this.depthFactor = depthFactor;
  }

  /** Opens and validates the scene in {@code dir} with the default image cache. */
  public static SceneFolder open(Path dir) throws IOException {
    return builder(dir).open();
  }

  /** Opens and validates the scene in {@code dir} with an image cache of {@code cacheBytes}. */
  public static SceneFolder open(Path dir, long cacheBytes) throws IOException {
    return builder(dir).optCacheBytes(cacheBytes).open();
  }

  /** A builder for opening {@code dir} with non-default options. */
  public static Builder builder(Path dir) {
    return new Builder(dir);
  }

  /** Options for {@link SceneFolder#open}. */
  public static final class Builder {
    private final Path dir;
    private long cacheBytes = DEFAULT_CACHE_BYTES;
    private boolean fullValidation;
    private java.util.function.Consumer<String> warnings = w -> LOG.warn("{}", w);

    private Builder(Path dir) {
      this.dir = java.util.Objects.requireNonNull(dir, "dir");
    }

    /** Decoded-image budget in bytes (default {@link #DEFAULT_CACHE_BYTES}; 0 disables caching). */
    public Builder optCacheBytes(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("cache budget must be >= 0 bytes, found " + bytes);
      }
      this.cacheBytes = bytes;
      return this;
    }

    /**
     * Whether to decode every image while opening (default false), so that truncated or corrupt
     * pixel data is reported now rather than when a frame is first used.
     */
    public Builder optFullValidation(boolean full) {
      this.fullValidation = full;
      return this;
    }

    /**
     * Where warnings about a scene that opens but looks wrong go (default: logged at WARN), e.g. a
     * {@code bbox.txt} that holds no camera and little of the scene; see {@link #boundsWarning()}.
     */
    public Builder optWarnings(java.util.function.Consumer<String> sink) {
      this.warnings = java.util.Objects.requireNonNull(sink, "sink");
      return this;
    }

    /** Opens and validates the scene. */
    public SceneFolder open() throws IOException {
      SceneFolder scene = SceneFolder.load(dir, cacheBytes);
      scene.boundsWarning().ifPresent(warnings);
      if (fullValidation) {
        SceneInspector.inspect(scene);
      }
      return scene;
    }
  }

  private static SceneFolder load(Path dir, long cacheBytes) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new InvalidSceneException(dir, Files.exists(dir)
          ? "expected a scene folder, found a file" : "scene folder does not exist");
    }
    Path rgbDir = requireDir(dir.resolve(SceneLayout.RGB), "the colour images rgb/00000.png|jpg, ...");
    Map<String, Path> rgb = listImages(rgbDir, true);
    if (rgb.isEmpty()) {
      throw new InvalidSceneException(rgbDir, "empty scene: expected at least one .png or .jpg image, found none");
    }
    Path poseDir = requireDir(dir.resolve(SceneLayout.POSE), "one world-to-camera pose per frame, pose/00000.txt, ...");
    Map<String, Path> poses = listFiles(poseDir, ".txt");
    checkPairing(rgbDir, rgb, poseDir, poses, ".txt");

    Path depthDir = dir.resolve(SceneLayout.DEPTH);
    Map<String, Path> depths = null;
    if (optionalDir(depthDir, "16-bit depth PNGs")) {
      rejectJpeg(depthDir, "depth must be a 16-bit PNG in millimetres (JPEG is lossy and 8-bit)");
      depths = listImages(depthDir, false);
      if (!depths.isEmpty()) {
        checkPairing(rgbDir, rgb, depthDir, depths, ".png");
      } else {
        rejectForeignDepth(depthDir);
        depths = null;
      }
    }

    Path kFile = dir.resolve(SceneLayout.INTRINSICS);
    CameraIntrinsics k0 = readIntrinsicsFile(kFile);
    List<String> names = new ArrayList<>(rgb.keySet());
    ImageHeader first = ImageFiles.readHeader(rgb.get(names.get(0)));
    CameraIntrinsics k = withSize(kFile, k0, first.width(), first.height());
    int[] rgbSize = {first.width(), first.height()};
    int depthFactor = 1;
    for (String name : names) {
      Path rp = rgb.get(name);
      ImageHeader h = name.equals(names.get(0)) ? first : ImageFiles.readHeader(rp);
      if (h.width() != first.width() || h.height() != first.height()) {
        throw new InvalidSceneException(rp, "expected " + first.size() + " like the first frame "
            + rgb.get(names.get(0)).getFileName() + ", found " + h.size());
      }
      if (depths != null) {
        Path dp = depths.get(name);
        ImageHeader dh = ImageFiles.readHeader(dp);
        checkDepthHeader(dp, dh);
        int f = depthFactor(dp, new int[] {dh.width(), dh.height()}, rgbSize);
        if (name.equals(names.get(0))) {
          depthFactor = f;
        } else if (f != depthFactor) {
          throw new InvalidSceneException(dp, "expected depth " + rgbSize[0] / depthFactor + "x"
              + rgbSize[1] / depthFactor + " like the first frame, found " + dh.size());
        }
      }
    }

    Path metaFile = dir.resolve(SceneLayout.METADATA);
    List<String> classNames = Files.exists(metaFile) ? readMetadata(metaFile) : List.of();

    Path semDir = dir.resolve(SceneLayout.SEMANTIC);
    Map<String, Path> scribbles = labelFiles(semDir, rgb, rgbSize, true);
    Path gtDir = dir.resolve(SceneLayout.GT_SEMANTIC);
    Map<String, Path> gts = labelFiles(gtDir, rgb, rgbSize, false);
    if (classNames.isEmpty() && !(scribbles.isEmpty() && gts.isEmpty())) {
      Path labelled = scribbles.isEmpty() ? gtDir : semDir;
      throw new InvalidSceneException(metaFile, "file does not exist, but " + labelled.getFileName()
          + "/ holds label images; expected {\"n_classes\": C, \"classes\": [...]} naming the classes");
    }
    int classCount = classNames.size();

    ImageCache cache = new ImageCache(cacheBytes);
    List<Frame> frames = new ArrayList<>(names.size());
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      Pose pose = readPoseFile(poses.get(name), false);
      frames.add(new FolderFrame(i, name, k, pose, poses.get(name), rgb.get(name),
          depths == null ? null : depths.get(name), depthFactor, gts.get(name), scribbles.get(name),
          classCount, cache));
    }
    // Scribbles are few and must never be silently wrong: decode and check them now.
    for (Frame f : frames) {
      f.scribbles();
    }

    Path bboxFile = dir.resolve(SceneLayout.BBOX);
    Aabb bounds;
    SceneBounds.Source source;
    String warning = null;
    if (Files.exists(bboxFile)) {
      bounds = readBoundsFile(bboxFile);
      source = SceneBounds.Source.BBOX_FILE;
      // Warn rather than fail: a user may crop deliberately.
      Optional<String> why = SceneBounds.implausibility(bounds, frames);
      if (why.isPresent()) {
        warning = bboxFile + ": " + why.get();
      }
    } else {
      SceneBounds.Computed c = SceneBounds.compute(frames);
      bounds = c.box();
      source = c.source();
      warning = c.warning();
    }
    return new SceneFolder(dir, Collections.unmodifiableList(frames), bounds, source, warning,
        classNames, cache, !gts.isEmpty(), depthFactor);
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

  /** Whether the bounds were computed (from depth or the camera frusta): {@code bbox.txt} is missing. */
  public boolean boundsComputed() {
    return boundsSource != SceneBounds.Source.BBOX_FILE;
  }

  /** Where the bounds come from: {@code bbox.txt}, depth, or the camera frusta. */
  public SceneBounds.Source boundsSource() {
    return boundsSource;
  }

  /**
   * Why {@code bbox.txt} looks wrong for this scene (see {@link SceneBounds#implausibility}),
   * naming the file, or, without {@code bbox.txt} and without depth, that the computed bounds are a
   * guess; empty otherwise.
   */
  public Optional<String> boundsWarning() {
    return Optional.ofNullable(boundsWarning);
  }

  @Override
  public List<String> classNames() {
    return classNames;
  }

  /** Class count from metadata.json (0 when there is none). */
  public int classCount() {
    return classNames.size();
  }

  @Override
  public boolean hasGroundTruth() {
    return hasGt;
  }

  /** How much smaller the stored depth maps are than the colour images (1 = same size). */
  public int depthFactor() {
    return depthFactor;
  }

  /** The decoded-image cache (for tests and memory accounting). */
  public ImageCache cache() {
    return cache;
  }

  // ---- parsing ---------------------------------------------------------------------------------

  private static Path requireDir(Path p, String what) throws InvalidSceneException {
    if (!Files.isDirectory(p)) {
      throw new InvalidSceneException(p, (Files.exists(p) ? "expected a folder, found a file" : "missing folder")
          + " (expected " + what + ")");
    }
    return p;
  }

  private static Map<String, Path> listImages(Path dir, boolean allowJpeg) throws IOException {
    Map<String, Path> out = new TreeMap<>(NaturalOrder.INSTANCE);
    for (Path p : list(dir)) {
      String fn = p.getFileName().toString();
      String lower = fn.toLowerCase(Locale.ROOT);
      boolean ok = lower.endsWith(".png") || (allowJpeg && (lower.endsWith(".jpg") || lower.endsWith(".jpeg")));
      if (!ok) {
        continue;
      }
      rejectFolder(p);
      String stem = fn.substring(0, fn.lastIndexOf('.'));
      Path prev = out.put(stem, p);
      if (prev != null) {
        throw new InvalidSceneException(p, "two images for frame '" + stem + "' (" + prev.getFileName()
            + " and " + fn + "); expected one");
      }
    }
    return out;
  }

  /** A folder named like a frame's file: skipped, a frame (or a person's scribbles) would silently go missing. */
  private static void rejectFolder(Path p) throws InvalidSceneException {
    if (Files.isDirectory(p)) {
      throw new InvalidSceneException(p, "expected a file, found a folder");
    }
  }

  /** Non-hidden entries of {@code dir}, sorted by name. */
  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> out = new ArrayList<>();
      for (Path p : (Iterable<Path>) s::iterator) {
        if (!p.getFileName().toString().startsWith(".")) {
          out.add(p);
        }
      }
      out.sort((a, b) -> NaturalOrder.INSTANCE.compare(a.getFileName().toString(), b.getFileName().toString()));
      return out;
    }
  }

  private static Map<String, Path> listFiles(Path dir, String ext) throws IOException {
    Map<String, Path> out = new TreeMap<>(NaturalOrder.INSTANCE);
    for (Path p : list(dir)) {
      String fn = p.getFileName().toString();
      if (fn.toLowerCase(Locale.ROOT).endsWith(ext)) {
        rejectFolder(p);
        out.put(fn.substring(0, fn.length() - ext.length()), p);
      }
    }
    return out;
  }

  private static void rejectJpeg(Path dir, String why) throws IOException {
    for (Path p : list(dir)) {
      String lower = p.getFileName().toString().toLowerCase(Locale.ROOT);
      if (lower.endsWith(".jpg") || lower.endsWith(".jpeg")) {
        throw new InvalidSceneException(p, "expected a PNG, found a JPEG file: " + why);
      }
    }
  }

  /**
   * Refuses a {@code depth/} folder without PNGs but with other files (depth stored as .tiff or
   * .npy, say): read as "no depth" it would silently drop what the user meant to give. An empty
   * folder is a scene without depth.
   */
  private static void rejectForeignDepth(Path depthDir) throws IOException {
    List<Path> entries = list(depthDir);
    if (entries.isEmpty()) {
      return;
    }
    Map<String, Integer> kinds = new TreeMap<>();
    for (Path p : entries) {
      String fn = p.getFileName().toString();
      int dot = fn.lastIndexOf('.');
      String kind = Files.isDirectory(p) ? "folders" : dot > 0 ? fn.substring(dot).toLowerCase(Locale.ROOT) : "no extension";
      kinds.merge(kind, 1, Integer::sum);
    }
    List<String> found = new ArrayList<>();
    kinds.forEach((kind, count) -> found.add(count + " " + kind));
    throw new InvalidSceneException(depthDir, "expected 16-bit PNG depth maps in millimetres (00000.png, ...),"
        + " found no .png but " + String.join(", ", found)
        + "; convert them to PNG, or remove the folder for a scene without depth");
  }

  /**
   * Whether the optional folder {@code dir} is there; a file in its place is an error (read as
   * "no depth" or "no labels" it would silently drop what the user meant to give).
   */
  private static boolean optionalDir(Path dir, String holds) throws InvalidSceneException {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new InvalidSceneException(dir, "expected a folder of " + holds + ", found a file");
    }
    return Files.isDirectory(dir);
  }

  /**
   * Label PNGs of {@code dir} (absent folder = none), each paired with a colour image and of its
   * size, or, for scribbles ({@code scribbles}), of a size {@link LabelSizes} resamples to it.
   */
  private static Map<String, Path> labelFiles(Path dir, Map<String, Path> rgb, int[] rgbSize, boolean scribbles)
      throws IOException {
    if (!optionalDir(dir, "label PNGs")) {
      return Map.of();
    }
    rejectJpeg(dir, "labels must be stored losslessly");
    Map<String, Path> files = listFiles(dir, ".png");
    for (Map.Entry<String, Path> e : files.entrySet()) {
      Path p = e.getValue();
      if (!rgb.containsKey(e.getKey())) {
        throw new InvalidSceneException(p, "no colour image rgb/" + e.getKey()
            + ".png|jpg for this label file; expected labels only for existing frames");
      }
      ImageHeader h = ImageFiles.readHeader(p);
      if (h.bands() != 1) {
        throw new InvalidSceneException(p, "expected a single-channel 8- or 16-bit label PNG (0 = unlabelled,"
            + " k+1 = class k), found " + h.describe());
      }
      if (scribbles) {
        LabelSizes.check(p, h.width(), h.height(), rgbSize[0], rgbSize[1]);
      } else if (h.width() != rgbSize[0] || h.height() != rgbSize[1]) {
        throw new InvalidSceneException(p, "expected " + rgbSize[0] + "x" + rgbSize[1]
            + " like the colour images, found " + h.size());
      }
    }
    return files;
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
      for (Map.Entry<String, Path> e : other.entrySet()) {
        if (!rgb.containsKey(e.getKey())) {
          extra.add(e.getValue().getFileName().toString());
        }
      }
      throw new InvalidSceneException(otherDir, "frame count mismatch: expected " + rgb.size()
          + " files matching " + rgbDir.getFileName() + "/, found " + other.size()
          + (missing.isEmpty() ? "" : "; missing " + preview(missing))
          + (extra.isEmpty() ? "" : "; without a colour image: " + preview(extra)));
    }
  }

  private static String preview(List<String> names) {
    return names.size() <= 5 ? String.join(", ", names)
        : String.join(", ", names.subList(0, 5)) + " and " + (names.size() - 5) + " more";
  }

  private static void checkDepthHeader(Path file, ImageHeader h) throws InvalidSceneException {
    if (h.bands() != 1 || h.bitsPerSample() != 16 || h.palette()) {
      throw new InvalidSceneException(file, "expected a 16-bit single-channel depth PNG in millimetres, found "
          + h.describe());
    }
  }

  /**
   * The integer factor by which a depth map of size {@code ds} is smaller than colour images of
   * {@code rgbSize}.
   *
   * @throws InvalidSceneException naming {@code depthFile} if the ratio is not one integer on both axes
   */
  public static int depthFactor(Path depthFile, int[] ds, int[] rgbSize) throws InvalidSceneException {
    if (ds[0] <= 0 || ds[1] <= 0 || ds[0] > rgbSize[0] || ds[1] > rgbSize[1]
        || rgbSize[0] % ds[0] != 0 || rgbSize[1] % ds[1] != 0
        || rgbSize[0] / ds[0] != rgbSize[1] / ds[1]) {
      throw new InvalidSceneException(depthFile, "depth is " + ds[0] + "x" + ds[1] + " but colour is "
          + rgbSize[0] + "x" + rgbSize[1] + "; expected the same size or smaller by one integer factor on both axes");
    }
    return rgbSize[0] / ds[0];
  }

  /** Parses whitespace-separated numbers; names the file on any error. */
  public static double[] readNumbers(Path file) throws InvalidSceneException {
    return TextNumbers.read(file);
  }

  /**
   * Reads a 4x4 pose matrix (a 3x4 matrix gets the row 0 0 0 1).
   *
   * @param cameraToWorld whether the file stores camera-to-world (else world-to-camera); camera
   *     axes are OpenCV's either way
   */
  public static Pose readPoseFile(Path file, boolean cameraToWorld) throws InvalidSceneException {
    return poseFromNumbers(file, readNumbers(file), cameraToWorld, "");
  }

  /**
   * A pose from 16 (or 12) row-major numbers read from {@code file}.
   *
   * @param where prefix for messages, e.g. {@code "line 7: "}
   */
  public static Pose poseFromNumbers(Path file, double[] v, boolean cameraToWorld, String where)
      throws InvalidSceneException {
    if (v.length == 12) {
      v = new double[] {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], 0, 0, 0, 1};
    }
    if (v.length != 16) {
      throw new InvalidSceneException(file, where + "expected a 4x4 matrix (16 numbers), found " + v.length
          + " number" + (v.length == 1 ? "" : "s"));
    }
    try {
      return cameraToWorld ? Pose.fromCameraToWorld(v) : Pose.fromWorldToCamera(v);
    } catch (IllegalArgumentException e) {
      throw new InvalidSceneException(file, where + "not a rigid pose: " + e.getMessage());
    }
  }

  /**
   * Reads a 3x3 K or a 4x4 K padded with the identity (ScanNet style), without skew. The returned
   * intrinsics have a placeholder size of 1x1 until {@link #withSize} attaches the image size.
   */
  public static CameraIntrinsics readIntrinsicsFile(Path file) throws InvalidSceneException {
    double[] v = readNumbers(file);
    int n;
    if (v.length == 9) {
      n = 3;
    } else if (v.length == 16) {
      n = 4;
    } else {
      throw new InvalidSceneException(file, "expected a 3x3 or 4x4 camera matrix (9 or 16 numbers), found "
          + v.length + " number" + (v.length == 1 ? "" : "s"));
    }
    for (double d : v) {
      if (!Double.isFinite(d)) {
        throw new InvalidSceneException(file, "camera matrix has a non-finite entry (" + d + ")");
      }
    }
    double fx = v[0];
    double cx = v[2];
    double fy = v[n + 1];
    double cy = v[n + 2];
    if (!(fx > 0) || !(fy > 0)) {
      throw new InvalidSceneException(file, "focal lengths must be positive, found fx=" + fx + " fy=" + fy);
    }
    // Every other entry must be that of [[fx 0 cx] [0 fy cy] [0 0 1]] (padded with the identity).
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < n; c++) {
        boolean free = (r == 0 && (c == 0 || c == 2)) || (r == 1 && (c == 1 || c == 2));
        if (free) {
          continue;
        }
        double expected = r == c ? 1 : 0;
        if (Math.abs(v[r * n + c] - expected) > MATRIX_TOLERANCE) {
          String what = r == 0 && c == 1 ? " (skew is not supported)" : "";
          throw new InvalidSceneException(file, String.format(Locale.ROOT,
              "expected K[%d][%d] = %s for a pinhole matrix [[fx 0 cx] [0 fy cy] [0 0 1]]%s, found %s",
              r, c, expected == 1 ? "1" : "0", what, fmt(v[r * n + c])));
        }
      }
    }
    return new CameraIntrinsics(1, 1, fx, fy, cx, cy);
  }

  /**
   * Attaches the image size to intrinsics read from {@code file}, checking that the principal
   * point lies on the image (intrinsics for another resolution are the usual cause when not).
   */
  public static CameraIntrinsics withSize(Path file, CameraIntrinsics k, int width, int height)
      throws InvalidSceneException {
    if (k.cx() < -0.5 || k.cx() > width - 0.5 || k.cy() < -0.5 || k.cy() > height - 0.5) {
      throw new InvalidSceneException(file, "principal point (" + fmt(k.cx()) + ", " + fmt(k.cy())
          + ") lies outside the " + width + "x" + height + " colour images; expected intrinsics for the rgb/ resolution");
    }
    try {
      return new CameraIntrinsics(width, height, k.fx(), k.fy(), k.cx(), k.cy());
    } catch (IllegalArgumentException e) {
      throw new InvalidSceneException(file, e.getMessage());
    }
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, "%.6g", d);
  }

  /**
   * Reads {@code min x y z max x y z} in metres, optionally followed by a 7th number, the voxel
   * size the paper's tool (autolabel) writes there; it is ignored here, but must be a finite
   * positive number.
   */
  public static Aabb readBoundsFile(Path file) throws InvalidSceneException {
    double[] v = readNumbers(file);
    if (v.length != 6 && v.length != 7) {
      throw new InvalidSceneException(file, "expected 6 numbers (min x y z, max x y z), or 7 with the voxel size"
          + " autolabel appends, found " + v.length);
    }
    if (v.length == 7 && !(v[6] > 0 && Double.isFinite(v[6]))) {
      throw new InvalidSceneException(file, "expected the 7th number (autolabel's voxel size, in metres) to be"
          + " positive and finite, found " + v[6]);
    }
    try {
      return new Aabb(v[0], v[1], v[2], v[3], v[4], v[5]);
    } catch (IllegalArgumentException e) {
      throw new InvalidSceneException(file, e.getMessage());
    }
  }

  /**
   * Reads {@code {"n_classes": C, "classes": [names]}}; either key may be missing (names default
   * to {@code "class k"}), but not both. Returns the class names, at least one.
   */
  public static List<String> readMetadata(Path file) throws InvalidSceneException {
    JsonNode root;
    String text = TextNumbers.readText(file);
    try (JsonParser parser = JSON.createParser(text)) {
      root = JSON.readTree(parser);
      if (root != null) {
        rejectTrailing(file, parser, text);
      }
    } catch (InvalidSceneException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidSceneException(file, "not valid JSON (" + io.github.bakefeature.core.io.ErrorText.describe(e) + ")", e);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidSceneException(file, "expected a JSON object with n_classes and classes, found "
          + (root == null || root.isMissingNode() ? "an empty file" : root.getNodeType().toString().toLowerCase(Locale.ROOT)));
    }
    JsonNode classes = root.get("classes");
    JsonNode n = root.get("n_classes");
    if (classes == null && n == null) {
      throw new InvalidSceneException(file, "expected \"n_classes\" and/or \"classes\", found neither");
    }
    List<String> names = new ArrayList<>();
    if (classes != null) {
      if (!classes.isArray()) {
        throw new InvalidSceneException(file, "expected \"classes\" to be an array of names, found "
            + classes.getNodeType().toString().toLowerCase(Locale.ROOT));
      }
      Set<String> seen = new HashSet<>();
      for (JsonNode c : classes) {
        if (!c.isTextual() || c.asText().isBlank()) {
          throw new InvalidSceneException(file, "expected class names to be non-empty strings, found " + c);
        }
        if (!seen.add(c.asText())) {
          throw new InvalidSceneException(file, "class name \"" + c.asText() + "\" appears twice; expected unique names");
        }
        names.add(c.asText());
      }
    }
    int count;
    if (n != null) {
      if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 1 || n.asInt() > MAX_CLASSES) {
        throw new InvalidSceneException(file, "expected \"n_classes\" to be an integer in [1, " + MAX_CLASSES
            + "], found " + n);
      }
      count = n.asInt();
      if (classes != null && names.size() != count) {
        throw new InvalidSceneException(file, "n_classes is " + count + " but \"classes\" lists "
            + names.size() + " name" + (names.size() == 1 ? "" : "s"));
      }
    } else {
      count = names.size();
      if (count < 1 || count > MAX_CLASSES) {
        throw new InvalidSceneException(file, "expected \"classes\" to list between 1 and " + MAX_CLASSES
            + " names, found " + count);
      }
    }
    for (int i = names.size(); i < count; i++) {
      names.add("class " + i);
    }
    return List.copyOf(names);
  }

  /**
   * Refuses anything but whitespace after the first JSON value ({@code {...} trailing}, two
   * objects): a concatenated or half-edited file would otherwise be read as its first object. This
   * is Jackson's {@code FAIL_ON_TRAILING_TOKENS} done by hand, so the message can say where.
   */
  private static void rejectTrailing(Path file, JsonParser parser, String text) throws InvalidSceneException {
    int i = (int) parser.currentLocation().getCharOffset();
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    if (i >= text.length()) {
      return;
    }
    int line = 1;
    int lineStart = 0;
    for (int j = 0; j < i; j++) {
      if (text.charAt(j) == '\n') {
        line++;
        lineStart = j + 1;
      }
    }
    String rest = text.substring(i).lines().findFirst().orElse("").strip();
    throw new InvalidSceneException(file, "expected one JSON object and nothing after it, found more content at line "
        + line + ", column " + (i - lineStart + 1) + ": '" + (rest.length() > 20 ? rest.substring(0, 20) + "..." : rest)
        + "'");
  }

  // ---- frames ----------------------------------------------------------------------------------

  /** A frame whose images stay on disk until asked for. */
  private static final class FolderFrame implements FileBackedFrame {
    private final int index;
    private final String name;
    private final CameraIntrinsics k;
    private final Pose pose;
    private final Path poseFile;
    private final Path rgb;
    private final Path depth;
    private final int depthFactor;
    private final Path gt;
    private final Path scribbles;
    private final int classCount;
    private final ImageCache cache;

    FolderFrame(int index, String name, CameraIntrinsics k, Pose pose, Path poseFile, Path rgb, Path depth,
                int depthFactor, Path gt, Path scribbles, int classCount, ImageCache cache) {
      this.index = index;
      this.name = name;
      this.k = k;
      this.pose = pose;
      this.poseFile = poseFile;
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
    public Optional<Path> rgbFile() {
      return Optional.of(rgb);
    }

    @Override
    public Optional<Path> poseFile() {
      return Optional.of(poseFile);
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
        return ImageFiles.resizeNearest(d, depthFactor);
      }));
    }

    @Override
    public Optional<LabelImage> groundTruth() throws IOException {
      return gt == null ? Optional.empty() : Optional.of(readLabels(gt, false));
    }

    /** At the frame's size: a PNG saved at another size of the same aspect ratio is resampled ({@link LabelSizes}). */
    @Override
    public Optional<LabelImage> scribbles() throws IOException {
      return scribbles == null ? Optional.empty() : Optional.of(readLabels(scribbles, true));
    }

    private LabelImage readLabels(Path p, boolean resample) throws IOException {
      long bytes = (long) k.width() * k.height() * 2;
      return cache.get(p.toString(), bytes, () -> {
        LabelImage l = ImageFiles.readLabels(p, false, -1, classCount);
        if (!resample) {
          checkSize(p, l.width(), l.height(), 1);
          return l;
        }
        LabelSizes.check(p, l.width(), l.height(), k.width(), k.height());
        return LabelSizes.toFrameSize(l, k.width(), k.height());
      });
    }

    private void checkSize(Path p, int w, int h, int factor) throws InvalidSceneException {
      if (w * factor != k.width() || h * factor != k.height()) {
        throw new InvalidSceneException(p, "expected " + k.width() / factor + "x" + k.height() / factor
            + ", found " + w + "x" + h);
      }
    }

    @Override
    public String toString() {
      return "Frame[" + index + " '" + name + "']";
    }
  }
}
