package io.github.bakefeature.core.dataparsers;

import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.io.ImageFiles;
import io.github.bakefeature.core.io.ImageHeader;
import io.github.bakefeature.core.scene.FileBackedFrame;
import io.github.bakefeature.core.scene.ImageCache;
import io.github.bakefeature.core.scene.SceneFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Imports one ScanNet scan (Dai et al., CVPR 2017) as exported from its {@code .sens} file by
 * ScanNet's SensReader ({@code python reader.py --filename scene0000_00.sens --output_path DIR
 * --export_depth_images --export_color_images --export_poses --export_intrinsics}):
 *
 * <pre>
 * color/N.jpg                    colour, typically 1296x968; N = 0, 1, ... in numeric order (10 after 9)
 * depth/N.png                    uint16 z-depth in millimetres (depth shift 1000), typically 640x480
 * pose/N.txt                     4x4 camera-to-world matrix, metres; all -inf where tracking was lost
 * intrinsic/intrinsic_color.txt  4x4 (or 3x3) K of the colour images
 * intrinsic/intrinsic_depth.txt  4x4 (or 3x3) K of the depth images
 * label-filt/N.png               optional: ScanNet label ids (scene*_2d-label-filt.zip), 0 = unannotated
 * </pre>
 *
 * <p>Conventions, as written by {@code SensReader/python/SensorData.py}:
 *
 * <ul>
 *   <li><b>Poses</b>: {@code pose/N.txt} is the frame's {@code camera_to_world} matrix
 *       ({@code np.savetxt}, six decimals), {@code T_wc} in <b>OpenCV camera axes</b> (x right, y
 *       down, z forward), metres. We store its inverse. Frames whose pose has a non-finite entry
 *       (ScanNet writes {@code -inf} where its reconstruction lost track) have no pose: they are
 *       <b>skipped</b> and listed in {@link Result#skippedPoses()}, so one lost stretch does not
 *       fail the whole scan. A finite pose that is not rigid is an error naming the file.</li>
 *   <li><b>Cameras</b>: colour and depth are registered — one pose for both, each with its own
 *       intrinsics ({@code extrinsic_*.txt} are not read). Principal points are used as given,
 *       pixel centres at integer image coordinates.</li>
 *   <li><b>Resolution</b>: the scene format has one camera per scene and accepts depth only an
 *       integer factor smaller than colour, and ScanNet's 1296x968 colour is 2.025 x 2.017 times
 *       its 640x480 depth. Imported frames therefore take the <b>depth camera</b>: the size and K
 *       of {@code intrinsic_depth.txt}, depth unchanged (never interpolated, which would invent
 *       surfaces between foreground and background). Colour is resampled to it: depth pixel
 *       {@code (u, v)} looks along {@code K_depth^-1 (u, v, 1)}, which the colour camera, at the
 *       same centre and orientation, sees at {@code K_colour K_depth^-1 (u, v, 1)} — exact at any
 *       depth, as the two cameras share their centre. Colour is sampled there <b>bilinearly</b>
 *       (the four nearest colour pixels, no area prefilter; clamped at the border of the colour
 *       image), labels by <b>nearest neighbour</b> (unlabelled outside the colour image). When
 *       the two cameras are the same, colour files are copied unchanged. This keeps the geometry
 *       the field is fitted to exactly as measured; the price is colour at about half ScanNet's
 *       resolution.</li>
 *   <li><b>Labels</b> (unless {@link Builder#optLabels} is off): {@code label-filt/N.png} at the
 *       colour resolution (as ScanNet ships them, aligned with the colour image; also when colour
 *       and depth have the same size) or at the depth resolution. The raw ids present in the
 *       imported frames are remapped in increasing order to class ids {@code 0..C-1} named
 *       {@code "label_<id>"}, or by their category when ScanNet's label table
 *       ({@code scannetv2-labels.combined.tsv}, in the user's ScanNet download; not bundled) is
 *       given ({@link Builder#optLabelTable}); with {@link LabelSet#NYU40} the ids become their
 *       NYU40 classes instead (several ids merge into one class; ids without one are unlabelled).
 *       0 (unannotated) becomes unlabelled. Frames without a label file have no ground
 *       truth; if no imported label names a class (all 0, or no NYU40 class), none has.</li>
 *   <li><b>Subsampling</b>: ScanNet records at 30 Hz; {@link Builder#optEvery} keeps every n-th
 *       frame in numeric order, starting with the first (as SensReader's {@code frame_skip}).
 *       Frames with invalid poses are then skipped among those kept.</li>
 * </ul>
 */
public final class ScanNetImporter implements SceneImporter {
  static final String COLOR = "color";
  static final String DEPTH = "depth";
  static final String POSE = "pose";
  static final String INTRINSIC = "intrinsic";
  static final String LABELS = "label-filt";
  static final String COLOR_K = "intrinsic_color.txt";
  static final String DEPTH_K = "intrinsic_depth.txt";
  private static final Pattern COLOR_FILE = Pattern.compile("(\\d+)\\.(?i:jpe?g|png)");
  private static final Pattern PNG_FILE = Pattern.compile("(\\d+)\\.(?i:png)");
  private static final Pattern TXT_FILE = Pattern.compile("(\\d+)\\.(?i:txt)");
  private static final double SAME_CAMERA = 1e-9;

  private final int every;
  private final boolean labels;
  private final ScanNetLabelTable labelTable;
  private final LabelSet labelSet;

  /** Which classes {@code label-filt/} ids become. */
  public enum LabelSet {
    /** One class per ScanNet label id present, named by the label table's category (else {@code "label_<id>"}). */
    SCANNET,
    /** One class per NYU40 class present (needs the label table); ids without an NYU40 class are unlabelled. */
    NYU40
  }

  private ScanNetImporter(Builder b) {
    this.every = b.every;
    this.labels = b.labels;
    this.labelTable = b.labelTable;
    this.labelSet = b.labelSet;
  }

  /** Options; the defaults import every frame with its labels. */
  public static Builder builder() {
    return new Builder();
  }

  /** Every how many frames one is kept. */
  public int every() {
    return every;
  }

  /** Whether {@code label-filt/} is imported as ground truth. */
  public boolean labels() {
    return labels;
  }

  @Override
  public String format() {
    return "scannet";
  }

  @Override
  public String description() {
    return "ScanNet scan exported by SensReader: color/N.jpg, depth/N.png, pose/N.txt, intrinsic/, label-filt/N.png";
  }

  /**
   * An import's scene and the pose files of the frames it left out because their pose is not
   * finite (in numeric order; only among the frames kept by {@link Builder#optEvery}).
   */
  public record Result(Scene scene, List<Path> skippedPoses) {
    public Result {
      skippedPoses = List.copyOf(skippedPoses);
    }
  }

  @Override
  public Scene read(Path in) throws IOException {
    return readScan(in).scene();
  }

  /**
   * Reads the scan in {@code in}, reporting skipped frames; see the class comment.
   *
   * @throws InvalidSceneException naming the file and the problem if {@code in} is not a valid export
   */
  public Result readScan(Path in) throws IOException {
    SourceFiles.requireDir(in, "a ScanNet scan exported by SensReader with color/, depth/, pose/ and intrinsic/");
    Path colorDir = in.resolve(COLOR);
    if (!Files.exists(colorDir)) {
      rejectRawScan(in);
    }
    SourceFiles.requireDir(colorDir, "colour images color/0.jpg, color/1.jpg, ... (reader.py --export_color_images)");
    Path depthDir = SourceFiles.requireDir(in.resolve(DEPTH),
        "depth images depth/0.png, depth/1.png, ... (reader.py --export_depth_images)");
    Path poseDir = SourceFiles.requireDir(in.resolve(POSE),
        "poses pose/0.txt, pose/1.txt, ... (reader.py --export_poses)");
    Path kDir = SourceFiles.requireDir(in.resolve(INTRINSIC),
        COLOR_K + " and " + DEPTH_K + " (reader.py --export_intrinsics)");
    TreeMap<Long, Path> color = SourceFiles.numbered(colorDir, COLOR_FILE);
    if (color.isEmpty()) {
      throw new InvalidSceneException(colorDir, "empty dataset: expected color/0.jpg, color/1.jpg, ..., found none");
    }
    TreeMap<Long, Path> depth = SourceFiles.numbered(depthDir, PNG_FILE);
    SourceFiles.checkSameFrames(colorDir, color, depthDir, depth, "%d.png");
    TreeMap<Long, Path> pose = SourceFiles.numbered(poseDir, TXT_FILE);
    SourceFiles.checkSameFrames(colorDir, color, poseDir, pose, "%d.txt");
    TreeMap<Long, Path> label = null;
    Path labelDir = in.resolve(LABELS);
    if (labels && Files.exists(labelDir)) {
      SourceFiles.requireDir(labelDir, "label PNGs label-filt/0.png, label-filt/1.png, ...");
      label = SourceFiles.numbered(labelDir, PNG_FILE);
      for (Map.Entry<Long, Path> e : label.entrySet()) {
        if (!color.containsKey(e.getKey())) {
          throw new InvalidSceneException(e.getValue(), "no colour image color/" + e.getKey()
              + ".jpg for this label file; expected labels only for frames of color/");
        }
      }
    }
    Path kColorFile = kDir.resolve(COLOR_K);
    Path kDepthFile = kDir.resolve(DEPTH_K);
    CameraIntrinsics kColor0 = SceneFolder.readIntrinsicsFile(kColorFile);
    CameraIntrinsics kDepth0 = SceneFolder.readIntrinsicsFile(kDepthFile);

    // Every n-th frame in numeric order, starting with the first.
    List<Long> kept = new ArrayList<>();
    int position = 0;
    for (long n : color.keySet()) {
      if (position++ % every == 0) {
        kept.add(n);
      }
    }
    Path firstColor = color.get(kept.get(0));
    Path firstDepth = depth.get(kept.get(0));
    String firstColorName = COLOR + "/" + firstColor.getFileName();
    String firstDepthName = DEPTH + "/" + firstDepth.getFileName();
    ImageHeader ch = ImageFiles.readHeader(firstColor);
    ImageHeader dh = checkDepthHeader(firstDepth);
    CameraIntrinsics kColor = withSize(kColorFile, kColor0, ch.width(), ch.height(),
        "colour images (" + firstColorName + ")");
    CameraIntrinsics kDepth = withSize(kDepthFile, kDepth0, dh.width(), dh.height(),
        "depth images (" + firstDepthName + ")");
    Resampling resampling = new Resampling(kColor, kDepth);

    // Poses and headers of the kept frames; invalid poses are skipped.
    record Kept(long n, Pose pose, Path label, boolean labelAtColour) {}
    List<Kept> valid = new ArrayList<>();
    List<Path> skipped = new ArrayList<>();
    for (long n : kept) {
      Path poseFile = pose.get(n);
      double[] v = SceneFolder.readNumbers(poseFile);
      if ((v.length == 16 || v.length == 12) && Arrays.stream(v).anyMatch(x -> !Double.isFinite(x))) {
        skipped.add(poseFile);
        continue;
      }
      Pose p = SceneFolder.poseFromNumbers(poseFile, v, true, "");
      SourceFiles.checkSize(color.get(n), ch.width(), ch.height(), firstColorName);
      ImageHeader d = checkDepthHeader(depth.get(n));
      if (d.width() != dh.width() || d.height() != dh.height()) {
        throw new InvalidSceneException(depth.get(n), "expected " + dh.size() + " like " + firstDepthName
            + ", found " + d.size());
      }
      Path l = label == null ? null : label.get(n);
      boolean atColour = false;
      if (l != null) {
        ImageHeader lh = ImageFiles.readHeader(l);
        if (lh.bands() != 1) {
          throw new InvalidSceneException(l, "expected a single-channel 8- or 16-bit label PNG of ScanNet ids,"
              + " found " + lh.describe());
        }
        atColour = lh.width() == ch.width() && lh.height() == ch.height();
        if (!atColour && (lh.width() != dh.width() || lh.height() != dh.height())) {
          throw new InvalidSceneException(l, "expected " + ch.size() + " like the colour images or " + dh.size()
              + " like the depth images, found " + lh.size());
        }
      }
      valid.add(new Kept(n, p, l, atColour));
    }
    if (valid.isEmpty()) {
      throw new InvalidSceneException(poseDir, "every one of the " + kept.size() + " frames"
          + (every > 1 ? " kept (every " + every + ")" : "") + " has an invalid pose (non-finite entries, e.g. -inf);"
          + " expected at least one finite camera-to-world matrix");
    }

    // Classes: the ids present in the imported label files (ScanNet ids, or their NYU40 ids),
    // remapped to 0..C-1 in increasing order.
    List<String> names = new ArrayList<>();
    int[] lut = new int[1 << 16];
    Arrays.fill(lut, Integer.MIN_VALUE);
    lut[0] = LabelImage.UNLABELLED;
    boolean hasGt = valid.stream().anyMatch(k -> k.label() != null);
    if (hasGt) {
      boolean[] present = new boolean[1 << 16];
      for (Kept k : valid) {
        if (k.label() != null) {
          for (int v : ImageFiles.readChannel(k.label(), new int[2])) {
            present[v] = true;
          }
        }
      }
      if (labelSet == LabelSet.NYU40) {
        int[] classOf = new int[41];
        Arrays.fill(classOf, -1);
        for (int v = 1; v < present.length; v++) {
          int n = present[v] ? labelTable.nyu40Id(v) : 0;
          if (n > 0 && classOf[n] < 0) {
            classOf[n] = 0; // present; numbered below in NYU40 order
          }
        }
        for (int n = 1; n <= 40; n++) {
          if (classOf[n] == 0) {
            classOf[n] = names.size();
            String name = labelTable.nyu40Class(n);
            names.add(name != null ? name : "nyu40_" + n);
          }
        }
        for (int v = 1; v < present.length; v++) {
          if (present[v]) {
            int n = labelTable.nyu40Id(v);
            lut[v] = n > 0 ? classOf[n] : LabelImage.UNLABELLED;
          }
        }
      } else {
        java.util.Set<String> used = new java.util.HashSet<>();
        for (int v = 1; v < present.length; v++) {
          if (present[v]) {
            lut[v] = names.size();
            String name = labelTable != null && labelTable.category(v) != null ? labelTable.category(v) : "label_" + v;
            // Class names must be unique; categories can repeat across ids.
            names.add(used.add(name) ? name : name + " (" + v + ")");
          }
        }
      }
    }

    if (names.isEmpty()) {
      // Every label is void (or, for nyu40, outside NYU40): no class to name, so no ground truth
      // (a scene cannot have labels without classes).
      hasGt = false;
    }

    ImageCache cache = ImportedScene.newCache();
    List<ScanNetFrame> frames = new ArrayList<>();
    for (Kept k : valid) {
      int i = frames.size();
      frames.add(new ScanNetFrame(i, ImportedScene.frameName(i), k.pose(), color.get(k.n()), firstColorName,
          depth.get(k.n()), hasGt ? k.label() : null, k.labelAtColour(), lut, resampling, cache));
    }
    return new Result(ImportedScene.of(in, frames, names, hasGt), skipped);
  }

  /** A folder holding a raw {@code .sens} file instead of its export gets told how to export it. */
  private static void rejectRawScan(Path in) throws IOException {
    try (Stream<Path> s = Files.list(in)) {
      Optional<Path> sens = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".sens"))
          .findFirst();
      if (sens.isPresent()) {
        throw new InvalidSceneException(in.resolve(COLOR), "missing folder; " + sens.get().getFileName()
            + " is a raw ScanNet scan: expected its export (SensReader's reader.py --export_depth_images"
            + " --export_color_images --export_poses --export_intrinsics)");
      }
    }
  }

  private static ImageHeader checkDepthHeader(Path depth) throws InvalidSceneException {
    ImageHeader h = ImageFiles.readHeader(depth);
    if (h.bands() != 1 || h.bitsPerSample() != 16 || h.palette()) {
      throw new InvalidSceneException(depth, "expected a 16-bit single-channel depth PNG in millimetres, found "
          + h.describe());
    }
    return h;
  }

  /** Attaches the image size to K, checking the principal point lies on the image. */
  private static CameraIntrinsics withSize(Path kFile, CameraIntrinsics k, int w, int h, String images)
      throws InvalidSceneException {
    if (k.cx() < -0.5 || k.cx() > w - 0.5 || k.cy() < -0.5 || k.cy() > h - 0.5) {
      throw new InvalidSceneException(kFile, String.format(Locale.ROOT, "principal point (%.6g, %.6g) lies outside"
          + " the %dx%d %s; expected intrinsics for that resolution (images resized at export need scaled"
          + " intrinsics)", k.cx(), k.cy(), w, h, images));
    }
    return new CameraIntrinsics(w, h, k.fx(), k.fy(), k.cx(), k.cy());
  }

  /**
   * Where each depth-camera pixel lies in the colour image: column {@code u} at
   * {@code u_c = fx_c (u - cx_d) / fx_d + cx_c}, row {@code v} likewise (the mapping is separable,
   * as both cameras are pinholes without skew sharing a centre and an orientation).
   */
  static final class Resampling {
    final CameraIntrinsics colour;
    final CameraIntrinsics depth;
    final boolean identity;
    private final int[] x0;
    private final int[] x1;
    private final float[] wx;
    private final int[] y0;
    private final int[] y1;
    private final float[] wy;
    private final int[] nx;
    private final int[] ny;

    Resampling(CameraIntrinsics colour, CameraIntrinsics depth) {
      this.colour = colour;
      this.depth = depth;
      this.identity = colour.width() == depth.width() && colour.height() == depth.height()
          && close(colour.fx(), depth.fx()) && close(colour.fy(), depth.fy())
          && close(colour.cx(), depth.cx()) && close(colour.cy(), depth.cy());
      int w = depth.width();
      int h = depth.height();
      x0 = new int[w];
      x1 = new int[w];
      wx = new float[w];
      nx = new int[w];
      for (int u = 0; u < w; u++) {
        double uc = colour.fx() * (u - depth.cx()) / depth.fx() + colour.cx();
        axis(uc, colour.width(), u, x0, x1, wx, nx);
      }
      y0 = new int[h];
      y1 = new int[h];
      wy = new float[h];
      ny = new int[h];
      for (int v = 0; v < h; v++) {
        double vc = colour.fy() * (v - depth.cy()) / depth.fy() + colour.cy();
        axis(vc, colour.height(), v, y0, y1, wy, ny);
      }
    }

    private static void axis(double c, int size, int i, int[] lo, int[] hi, float[] frac, int[] nearest) {
      double clamped = Math.max(0, Math.min(size - 1, c));
      int a = (int) Math.floor(clamped);
      lo[i] = a;
      hi[i] = Math.min(a + 1, size - 1);
      frac[i] = (float) (clamped - a);
      long n = (long) Math.floor(c + 0.5);
      nearest[i] = n >= 0 && n < size ? (int) n : -1;
    }

    private static boolean close(double a, double b) {
      return Math.abs(a - b) <= SAME_CAMERA * Math.max(1, Math.abs(a));
    }

    /** Colour at the depth camera's pixels, bilinear. */
    RgbImage bilinear(RgbImage c) {
      int w = depth.width();
      int h = depth.height();
      int cw = c.width();
      byte[] src = c.pixels();
      byte[] out = new byte[w * h * 3];
      for (int v = 0; v < h; v++) {
        int r0 = y0[v] * cw;
        int r1 = y1[v] * cw;
        float fy = wy[v];
        for (int u = 0; u < w; u++) {
          float fx = wx[u];
          int a = (r0 + x0[u]) * 3;
          int b = (r0 + x1[u]) * 3;
          int d = (r1 + x0[u]) * 3;
          int e = (r1 + x1[u]) * 3;
          int o = (v * w + u) * 3;
          for (int ch = 0; ch < 3; ch++) {
            float top = (src[a + ch] & 0xFF) * (1 - fx) + (src[b + ch] & 0xFF) * fx;
            float bottom = (src[d + ch] & 0xFF) * (1 - fx) + (src[e + ch] & 0xFF) * fx;
            out[o + ch] = (byte) Math.min(255, (int) (top * (1 - fy) + bottom * fy + 0.5f));
          }
        }
      }
      return new RgbImage(w, h, out);
    }

    /** Labels at the depth camera's pixels, nearest neighbour; unlabelled outside the colour image. */
    LabelImage nearest(short[] l, int cw) {
      int w = depth.width();
      int h = depth.height();
      short[] out = new short[w * h];
      for (int v = 0; v < h; v++) {
        for (int u = 0; u < w; u++) {
          out[v * w + u] = nx[u] < 0 || ny[v] < 0 ? LabelImage.UNLABELLED : l[ny[v] * cw + nx[u]];
        }
      }
      return new LabelImage(w, h, out);
    }
  }

  /** One frame at the depth camera: depth as stored, colour and labels resampled on demand. */
  private static final class ScanNetFrame implements FileBackedFrame {
    private final int index;
    private final String name;
    private final Pose pose;
    private final Path rgb;
    private final String firstColorName;
    private final Path depth;
    private final Path label;
    private final boolean labelAtColour;
    private final int[] lut;
    private final Resampling r;
    private final ImageCache cache;

    ScanNetFrame(int index, String name, Pose pose, Path rgb, String firstColorName, Path depth, Path label,
                 boolean labelAtColour, int[] lut, Resampling r, ImageCache cache) {
      this.index = index;
      this.name = name;
      this.pose = pose;
      this.rgb = rgb;
      this.firstColorName = firstColorName;
      this.depth = depth;
      this.label = label;
      this.labelAtColour = labelAtColour;
      this.lut = lut;
      this.r = r;
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
      return r.depth;
    }

    @Override
    public Pose pose() {
      return pose;
    }

    @Override
    public Optional<Path> rgbFile() {
      return r.identity ? Optional.of(rgb) : Optional.empty();
    }

    @Override
    public Optional<Path> sourceFile() {
      return Optional.of(rgb);
    }

    @Override
    public RgbImage rgb() throws IOException {
      return cache.get("rgb:" + rgb, (long) r.depth.width() * r.depth.height() * 3, () -> {
        RgbImage c = ImageFiles.readRgb(rgb);
        if (c.width() != r.colour.width() || c.height() != r.colour.height()) {
          throw new InvalidSceneException(rgb, "expected " + r.colour.width() + "x" + r.colour.height() + " like "
              + firstColorName + ", found " + c.width() + "x" + c.height());
        }
        return r.identity ? c : r.bilinear(c);
      });
    }

    @Override
    public boolean hasDepth() {
      return true;
    }

    @Override
    public Optional<DepthImage> depth() throws IOException {
      return Optional.of(cache.get("depth:" + depth, (long) r.depth.width() * r.depth.height() * 4, () -> {
        DepthImage d = ImageFiles.readDepth(depth, 0.001);
        if (d.width() != r.depth.width() || d.height() != r.depth.height()) {
          throw new InvalidSceneException(depth, "expected " + r.depth.width() + "x" + r.depth.height()
              + " like the other depth images, found " + d.width() + "x" + d.height());
        }
        return d;
      }));
    }

    @Override
    public Optional<LabelImage> groundTruth() throws IOException {
      if (label == null) {
        return Optional.empty();
      }
      return Optional.of(cache.get("gt:" + label, (long) r.depth.width() * r.depth.height() * 2, () -> {
        int[] size = new int[2];
        int[] raw = ImageFiles.readChannel(label, size);
        CameraIntrinsics at = labelAtColour ? r.colour : r.depth;
        if (size[0] != at.width() || size[1] != at.height()) {
          throw new InvalidSceneException(label, "expected " + at.width() + "x" + at.height() + " like the "
              + (labelAtColour ? "colour" : "depth") + " images, found " + size[0] + "x" + size[1]);
        }
        short[] l = new short[raw.length];
        for (int i = 0; i < raw.length; i++) {
          int id = lut[raw[i]];
          if (id == Integer.MIN_VALUE) {
            throw new InvalidSceneException(label, "label value " + raw[i]
                + " was not seen when the classes were listed");
          }
          l[i] = (short) id;
        }
        return labelAtColour && !r.identity ? r.nearest(l, size[0]) : new LabelImage(size[0], size[1], l);
      }));
    }

    @Override
    public Optional<LabelImage> scribbles() {
      return Optional.empty();
    }

    @Override
    public String toString() {
      return "Frame[" + index + " '" + name + "' from " + rgb.getFileName() + "]";
    }
  }

  /** Options of a {@link ScanNetImporter}; every one has a default. */
  public static final class Builder {
    private int every = 1;
    private boolean labels = true;
    private ScanNetLabelTable labelTable;
    private LabelSet labelSet = LabelSet.SCANNET;

    private Builder() {}

    /**
     * ScanNet's label table ({@link ScanNetLabelTable#read}): names classes by category, and is
     * needed for {@link LabelSet#NYU40}. Default none: classes are named "label_&lt;id&gt;".
     */
    public Builder optLabelTable(ScanNetLabelTable table) {
      this.labelTable = table;
      return this;
    }

    /** Which classes the label ids become (default {@link LabelSet#SCANNET}). */
    public Builder optLabelSet(LabelSet set) {
      if (set == null) {
        throw new IllegalArgumentException("label set must not be null; expected SCANNET or NYU40");
      }
      this.labelSet = set;
      return this;
    }

    /**
     * Keeps every {@code n}-th frame in numeric order, starting with the first (default 1: all).
     * ScanNet records at 30 Hz, so 10 keeps three frames a second.
     *
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public Builder optEvery(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("every must be at least 1 (keep every n-th frame), found " + n);
      }
      this.every = n;
      return this;
    }

    /** Whether to import {@code label-filt/} as ground truth (default true; nothing happens without the folder). */
    public Builder optLabels(boolean on) {
      this.labels = on;
      return this;
    }

    /**
     * @throws IllegalArgumentException if NYU40 classes are asked for without a label table
     */
    public ScanNetImporter build() {
      if (labelSet == LabelSet.NYU40 && labelTable == null) {
        throw new IllegalArgumentException("NYU40 classes need ScanNet's label table (scannetv2-labels.combined.tsv, "
            + "optLabelTable / --label-table); expected a table, found none");
      }
      return new ScanNetImporter(this);
    }
  }
}
