package io.github.bakefeature.core.dataparsers;

import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.io.ImageFiles;
import io.github.bakefeature.core.io.ImageHeader;
import io.github.bakefeature.core.io.TextNumbers;
import io.github.bakefeature.core.scene.ImageCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Imports a sequence in the layout of the TUM RGB-D benchmark (Sturm et al., IROS 2012;
 * {@code cvg.cit.tum.de/data/datasets/rgbd-dataset/file_formats}), which is also the trajectory
 * format most SLAM systems write (ORB-SLAM's {@code CameraTrajectory.txt}, ...), so a capture
 * posed by one can be labelled here:
 *
 * <pre>
 * rgb.txt            lines "timestamp filename" (seconds; '#' starts a comment line), e.g. "1305031102.175304 rgb/1305031102.175304.png"
 * depth.txt          the same for the depth images
 * rgb/*.png          colour, 8-bit (640x480 in the benchmark)
 * depth/*.png        16-bit depth, 5000 units per metre (0 = no measurement), registered to the colour camera
 * groundtruth.txt    lines "timestamp tx ty tz qx qy qz qw"
 * </pre>
 *
 * <p>Conventions:
 *
 * <ul>
 *   <li><b>Poses</b>: each trajectory line gives the position {@code (tx, ty, tz)} of the colour
 *       camera's optical centre in the world (the motion-capture frame for {@code groundtruth.txt},
 *       the first camera for most SLAM estimates) and its orientation as a unit quaternion
 *       {@code (qx, qy, qz, qw)} — Hamilton convention, <b>scalar last</b> — mapping camera axes to
 *       world axes: together a <b>camera-to-world</b> transform, in <b>OpenCV camera axes</b>
 *       (x right, y down, z forward). The rotation matrix is the benchmark's own
 *       ({@code transform44} in its {@code evaluate_rpe.py}, i.e. ROS {@code tf}'s
 *       {@code quaternion_matrix}); we store the inverse. Quaternions must have norm 1 within
 *       {@value #QUATERNION_NORM_TOLERANCE} (the benchmark writes 4 decimals) and are normalised.</li>
 *   <li><b>Association</b>, as the benchmark's {@code associate.py}: every (colour, depth) pair
 *       whose timestamps differ by less than the maximum difference (default
 *       {@value #DEFAULT_MAX_DIFFERENCE} s) is a candidate; candidates are taken greedily from the
 *       closest, each colour and each depth frame at most once. A colour frame left without depth
 *       is skipped.</li>
 *   <li><b>Pose at a colour frame's timestamp t</b>: when the last trajectory pose at or before t
 *       and the first at or after t both lie less than the maximum difference from t, their
 *       positions are interpolated linearly and their orientations by slerp (a pose at exactly t
 *       is used as it is). The benchmark's ground truth runs at 100 Hz and the camera at 30 Hz, so
 *       this is the pose at the frame's time rather than one up to 5 ms off (2 mm and 0.25 deg at
 *       Freiburg 1 speeds). Otherwise the nearest pose is used if it lies less than the maximum
 *       difference from t (the end of a trajectory, or one written with fewer decimals than
 *       {@code rgb.txt}); otherwise the frame is skipped. Gaps in the trajectory (tracking lost,
 *       motion-capture dropouts) are never bridged by more than twice the maximum difference.</li>
 *   <li><b>Frames</b>: associated frames in colour-timestamp order; with {@code every = N} the
 *       1st, (N+1)-th, ... of them are kept. {@link #readWithReport} says how many were skipped and
 *       why.</li>
 *   <li><b>Camera</b>: TUM folders hold no intrinsics. Without {@link Builder#optIntrinsics}, a
 *       folder whose name says {@code freiburg1}, {@code freiburg2} or {@code freiburg3} (or
 *       {@code fr1}, ...) gets {@link #KINECT_DEFAULT} (fx = fy = 525, cx = 319.5, cy = 239.5,
 *       640x480): the benchmark stores images that the Kinect's OpenNI driver already undistorted
 *       with its factory calibration and depth registered to them, and its documentation converts
 *       every sequence's depth to 3D with this camera. Any other folder is refused. The
 *       benchmark's own calibrations of the raw colour cameras ({@link #FREIBURG1} ...
 *       {@link #FREIBURG3} with {@link #FREIBURG1_DISTORTION} ...) are there to pass explicitly.
 *       The principal point is used as given: the calibration is OpenCV's, with pixel centres at
 *       integer coordinates like ours.</li>
 *   <li><b>Lens distortion</b> (OpenCV's radial-tangential model {@code k1, k2, p1, p2, k3} on
 *       normalised pinhole coordinates; see {@link Builder#optDistortion}) is removed from colour
 *       and depth alike, as the depth is registered to the colour camera: the frames keep the
 *       pinhole intrinsics and image size (OpenCV's {@code undistort} with
 *       {@code newCameraMatrix = K}), colour is resampled bilinearly, depth from the nearest source
 *       pixel (never interpolated: 0 stays invalid, no depth is invented across edges), and pixels
 *       that come from outside the stored image are black with invalid depth (the corners and
 *       some of the edges of Freiburg 1 and 2 frames with their published coefficients, about 5 %
 *       of the pixels). Only coefficients given with {@link Builder#optDistortion} are removed
 *       (the benchmark's images are stored undistorted by the driver, and the benchmark advises
 *       against undistorting its pre-registered depth again); without them the images are used
 *       exactly as stored (no resampling). The map from output to source pixels is computed
 *       once per sequence; frames are undistorted as they are decoded.</li>
 *   <li><b>Depth</b>: z-depth, {@value #DEFAULT_DEPTH_SCALE} units per metre unless
 *       {@link Builder#optDepthScale} says otherwise; 0 = no measurement. It is registered to the
 *       colour camera (the benchmark's depth is; so is a RealSense's aligned depth), so both use
 *       one camera.</li>
 * </ul>
 *
 * <p>Image paths in the lists are relative to the sequence folder. Every listed file must exist;
 * the images of kept frames are checked from their headers (size, 16-bit depth) and decoded
 * lazily. Instances are immutable and thread-safe.
 */
public final class TumImporter implements SceneImporter {
  /** Depth PNG units per metre in the benchmark. */
  public static final double DEFAULT_DEPTH_SCALE = 5000;
  /** Largest timestamp difference for association, seconds ({@code associate.py}'s default). */
  public static final double DEFAULT_MAX_DIFFERENCE = 0.02;
  /** Accepted {@code | |q| - 1 |} of a trajectory quaternion before it is normalised. */
  public static final double QUATERNION_NORM_TOLERANCE = 0.005;
  /**
   * The camera the benchmark's documentation uses to turn every sequence's (driver-undistorted,
   * colour-registered) depth into 3D: fx = fy = 525, cx = 319.5, cy = 239.5, 640x480. The default
   * for folders named after a Freiburg sequence.
   */
  public static final CameraIntrinsics KINECT_DEFAULT = new CameraIntrinsics(640, 480, 525, 525, 319.5, 239.5);
  /** The benchmark's calibration of the raw Freiburg 1 colour camera (640x480); pass it explicitly to use it. */
  public static final CameraIntrinsics FREIBURG1 = new CameraIntrinsics(640, 480, 517.3, 516.5, 318.6, 255.3);
  /** The benchmark's calibration of the raw Freiburg 2 colour camera (640x480); pass it explicitly to use it. */
  public static final CameraIntrinsics FREIBURG2 = new CameraIntrinsics(640, 480, 520.9, 521.0, 325.1, 249.7);
  /** The benchmark's calibration of the Freiburg 3 colour camera (640x480); pass it explicitly to use it. */
  public static final CameraIntrinsics FREIBURG3 = new CameraIntrinsics(640, 480, 535.4, 539.2, 320.1, 247.6);
  /** The benchmark's published lens distortion of the Freiburg 1 colour camera (its d0..d4). */
  public static final Distortion FREIBURG1_DISTORTION = new Distortion(0.2624, -0.9531, -0.0054, 0.0026, 1.1633);
  /** The benchmark's published lens distortion of the Freiburg 2 colour camera (its d0..d4). */
  public static final Distortion FREIBURG2_DISTORTION = new Distortion(0.2312, -0.7849, -0.0033, -0.0001, 0.9172);
  /** Freiburg 3's calibration has no distortion. */
  public static final Distortion FREIBURG3_DISTORTION = Distortion.NONE;
  static final String RGB_LIST = "rgb.txt";
  static final String DEPTH_LIST = "depth.txt";
  static final String GROUNDTRUTH = "groundtruth.txt";
  private static final Pattern FREIBURG_NAME = Pattern.compile("(?i)(?:^|[^a-z])(?:freiburg|fr)_?([123])(?![0-9])");
  private static final Pattern SEPARATOR = Pattern.compile("[\\s,]+");

  private final Path trajectory;
  private final double[] intrinsics;
  private final Distortion distortion;
  private final double depthScale;
  private final int every;
  private final double maxDifference;

  /** The importer with every default: {@code groundtruth.txt}, Freiburg cameras, depth / 5000, every frame. */
  public TumImporter() {
    this(builder());
  }

  private TumImporter(Builder b) {
    this.trajectory = b.trajectory;
    this.intrinsics = b.intrinsics;
    this.distortion = b.distortion;
    this.depthScale = b.depthScale;
    this.every = b.every;
    this.maxDifference = b.maxDifference;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String format() {
    return "tum";
  }

  @Override
  public String description() {
    return "TUM RGB-D benchmark / SLAM trajectory: rgb.txt, depth.txt, groundtruth.txt (timestamp tx ty tz qx qy qz qw)";
  }

  /**
   * How the colour frames of a sequence became the scene's frames.
   *
   * @param colourFrames images listed in {@code rgb.txt}
   * @param withoutDepth colour frames skipped because no depth frame was associated with them
   * @param withoutPose colour frames with depth skipped because no pose lies within {@code maxDifference}
   * @param associated colour frames with depth and pose
   * @param every every how many associated frames one was kept
   * @param kept frames of the scene
   * @param interpolated associated frames whose pose was interpolated; the others took a pose at,
   *     or nearest to, their timestamp
   * @param maxDifference the association's largest timestamp difference, seconds
   */
  public record Association(int colourFrames, int withoutDepth, int withoutPose, int associated, int every,
                            int kept, int interpolated, double maxDifference) {
    /** Colour frames that were not associated (without depth or without pose). */
    public int skipped() {
      return withoutDepth + withoutPose;
    }

    /** One line for people, e.g. {@code "kept 40 of 50 colour frames; skipped 6 without ... "}. */
    public String summary() {
      String s = String.format(Locale.ROOT, "kept %d of %d colour frames", kept, colourFrames);
      if (every > 1) {
        s += " (every " + ordinal(every) + " of " + associated + " associated)";
      }
      if (skipped() == 0) {
        return s + "; none skipped";
      }
      String diff = plain(maxDifference) + " s";
      List<String> why = new ArrayList<>();
      if (withoutDepth > 0) {
        why.add(withoutDepth + " without a depth frame within " + diff);
      }
      if (withoutPose > 0) {
        why.add(withoutPose + " without a pose within " + diff);
      }
      return s + "; skipped " + String.join(" and ", why);
    }
  }

  /**
   * Lens distortion coefficients in OpenCV's order and model (radial {@code k1, k2, k3}, tangential
   * {@code p1, p2}, on normalised pinhole coordinates); {@link #NONE} for an undistorted camera.
   */
  public record Distortion(double k1, double k2, double p1, double p2, double k3) {
    /** No distortion: images are used as stored. */
    public static final Distortion NONE = new Distortion(0, 0, 0, 0, 0);

    /** @throws IllegalArgumentException if a coefficient is not finite */
    public Distortion {
      k1 += 0.0; // -0.0 becomes 0.0, so equals() sees no distortion as NONE
      k2 += 0.0;
      p1 += 0.0;
      p2 += 0.0;
      k3 += 0.0;
      double[] c = {k1, k2, p1, p2, k3};
      String[] names = {"k1", "k2", "p1", "p2", "k3"};
      for (int i = 0; i < 5; i++) {
        if (!Double.isFinite(c[i])) {
          throw new IllegalArgumentException("expected finite distortion coefficients, found " + names[i] + " = " + c[i]);
        }
      }
    }

    /** Whether every coefficient is 0 (the images need no resampling). */
    public boolean isNone() {
      return k1 == 0 && k2 == 0 && p1 == 0 && p2 == 0 && k3 == 0;
    }

    /** The coefficients {@code {k1, k2, p1, p2, k3}}. */
    public double[] toArray() {
      return new double[] {k1, k2, p1, p2, k3};
    }
  }

  /**
   * The scene, how its frames were chosen, and the lens distortion that was removed from its
   * images ({@link Distortion#NONE}: used as stored).
   */
  public record Result(Scene scene, Association association, Distortion distortion) {}

  @Override
  public Scene read(Path in) throws IOException {
    return readWithReport(in).scene();
  }

  /**
   * Reads the sequence in {@code in} and says how many colour frames were skipped and why.
   *
   * @throws InvalidSceneException naming the file and the problem if the input is not a valid TUM
   *     sequence, has no associated frame, or needs intrinsics that were not given
   */
  public Result readWithReport(Path in) throws IOException {
    SourceFiles.requireDir(in, "a TUM RGB-D sequence folder with rgb.txt, depth.txt and groundtruth.txt");
    CameraIntrinsics byName = intrinsics == null ? cameraFromFolderName(in) : null;
    List<Stamped> rgb = readList(in, in.resolve(RGB_LIST), "colour");
    List<Stamped> depth = readList(in, in.resolve(DEPTH_LIST), "depth");
    Path trajFile = trajectory == null ? in.resolve(GROUNDTRUTH) : in.resolve(trajectory);
    if (trajectory == null && !Files.exists(trajFile)) {
      throw new InvalidSceneException(trajFile, "file does not exist; expected the trajectory 'timestamp tx ty tz qx qy qz"
          + " qw' (to read another file, e.g. a SLAM system's estimate: --trajectory FILE on the command line,"
          + " TumImporter.Builder.optTrajectory from Java)");
    }
    List<PoseSample> poses = readTrajectory(trajFile);

    int[] depthOf = associate(rgb, depth, maxDifference);
    List<Integer> associatedRgb = new ArrayList<>();
    List<Pose> associatedPose = new ArrayList<>();
    int withoutDepth = 0;
    int withoutPose = 0;
    int interpolated = 0;
    boolean[] wasInterpolated = new boolean[1];
    for (int i = 0; i < rgb.size(); i++) {
      if (depthOf[i] < 0) {
        withoutDepth++;
        continue;
      }
      Pose p = poseAt(poses, rgb.get(i).time(), maxDifference, wasInterpolated);
      if (p == null) {
        withoutPose++;
        continue;
      }
      interpolated += wasInterpolated[0] ? 1 : 0;
      associatedRgb.add(i);
      associatedPose.add(p);
    }
    if (associatedRgb.isEmpty()) {
      throw new InvalidSceneException(in, String.format(Locale.ROOT, "no associated frames: expected colour frames with"
              + " a depth frame and a pose less than %s s away, found none (%d colour frames: %d without depth, %d"
              + " without a pose; %s spans %s, %s %s, %s %s)", plain(maxDifference), rgb.size(), withoutDepth, withoutPose,
          RGB_LIST, span(rgb.get(0).time(), rgb.get(rgb.size() - 1).time()), DEPTH_LIST,
          span(depth.get(0).time(), depth.get(depth.size() - 1).time()), trajFile.getFileName(),
          span(poses.get(0).time(), poses.get(poses.size() - 1).time())));
    }

    Path firstRgb = rgb.get(associatedRgb.get(0)).file();
    ImageHeader header = ImageFiles.readHeader(firstRgb);
    int w = header.width();
    int h = header.height();
    CameraIntrinsics k = camera(in, byName, firstRgb, w, h);
    Distortion dist = distortion != null ? distortion : Distortion.NONE;
    Undistortion undistortion = dist.isNone() ? null : new Undistortion(k, dist.toArray());
    ImageCache cache = ImportedScene.newCache();
    List<ImportedScene.SourceFrame> frames = new ArrayList<>();
    int depthFactor = 1;
    for (int j = 0; j < associatedRgb.size(); j += every) {
      int i = associatedRgb.get(j);
      Path rgbFile = rgb.get(i).file();
      Path depthFile = depth.get(depthOf[i]).file();
      SourceFiles.checkSize(rgbFile, w, h, firstRgb.getFileName().toString());
      int f = SourceFiles.depthFactor(depthFile, w, h);
      if (frames.isEmpty()) {
        depthFactor = f;
      } else if (f != depthFactor) {
        throw new InvalidSceneException(depthFile, "expected depth " + w / depthFactor + "x" + h / depthFactor
            + " like the first frame's");
      }
      int n = frames.size();
      frames.add(new ImportedScene.SourceFrame(n, ImportedScene.frameName(n), k, associatedPose.get(j), rgbFile,
          depthFile, 1.0 / depthScale, depthFactor, null, null, cache, undistortion));
    }
    Association a = new Association(rgb.size(), withoutDepth, withoutPose, associatedRgb.size(), every, frames.size(),
        interpolated, maxDifference);
    return new Result(ImportedScene.of(in, frames, List.of()), a, dist);
  }

  // ---- camera -----------------------------------------------------------------------------------

  /** The Freiburg camera the folder's name asks for, or a refusal asking for intrinsics. */
  private static CameraIntrinsics cameraFromFolderName(Path in) throws InvalidSceneException {
    Path name = in.toAbsolutePath().normalize().getFileName();
    Matcher m = FREIBURG_NAME.matcher(name == null ? "" : name.toString());
    if (!m.find()) {
      throw new InvalidSceneException(in, "TUM sequences carry no intrinsics, and the folder name does not say"
          + " freiburg1, freiburg2 or freiburg3; expected the camera's intrinsics fx, fy, cx, cy in pixels to be given"
          + " (--intrinsics fx,fy,cx,cy on the command line, TumImporter.Builder.optIntrinsics from Java)");
    }
    return KINECT_DEFAULT;
  }

  private CameraIntrinsics camera(Path in, CameraIntrinsics byName, Path firstRgb, int w, int h)
      throws InvalidSceneException {
    if (byName != null) {
      if (w != byName.width() || h != byName.height()) {
        throw new InvalidSceneException(firstRgb, "the folder name " + in.toAbsolutePath().normalize().getFileName()
            + " names a TUM Freiburg sequence, whose camera is for " + byName.width() + "x" + byName.height()
            + " images, but the images are " + w + "x" + h + "; expected intrinsics fx, fy, cx, cy for this"
            + " resolution to be given (--intrinsics fx,fy,cx,cy)");
      }
      return byName;
    }
    double cx = intrinsics[2];
    double cy = intrinsics[3];
    if (cx < -0.5 || cx > w - 0.5 || cy < -0.5 || cy > h - 0.5) {
      throw new InvalidSceneException(firstRgb, "principal point (" + fmt(cx) + ", " + fmt(cy) + ") of the given"
          + " intrinsics lies outside the " + w + "x" + h + " colour images; expected intrinsics for this resolution");
    }
    return new CameraIntrinsics(w, h, intrinsics[0], intrinsics[1], cx, cy);
  }

  /**
   * Parses {@code "fx,fy,cx,cy"} (pixels; commas or spaces) as given on a command line.
   *
   * @throws IllegalArgumentException saying what was expected and what was found
   */
  public static double[] parseIntrinsics(String s) {
    String t = s == null ? "" : s.strip();
    String[] tok = t.isEmpty() ? new String[0] : SEPARATOR.split(t, -1); // -1: a trailing separator is an empty field, not ignored
    if (tok.length != 4) {
      throw new IllegalArgumentException("expected four numbers fx,fy,cx,cy (pixels), found " + tok.length
          + " in '" + s + "'");
    }
    double[] v = new double[4];
    for (int i = 0; i < 4; i++) {
      try {
        v[i] = Double.parseDouble(tok[i]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("expected four numbers fx,fy,cx,cy (pixels), found '" + tok[i] + "' in '"
            + s + "'");
      }
    }
    checkIntrinsics(v[0], v[1], v[2], v[3]);
    return v;
  }

  /**
   * Parses {@code "k1,k2,p1,p2,k3"} (OpenCV's order; commas or spaces) as given on a command line.
   *
   * @throws IllegalArgumentException saying what was expected and what was found
   */
  public static double[] parseDistortion(String s) {
    String t = s == null ? "" : s.strip();
    String[] tok = t.isEmpty() ? new String[0] : SEPARATOR.split(t, -1); // -1: a trailing separator is an empty field, not ignored
    String expected = "expected five numbers k1,k2,p1,p2,k3 (OpenCV's order; 0 for a coefficient your calibration"
        + " lacks, e.g. k3)";
    if (tok.length != 5) {
      throw new IllegalArgumentException(expected + ", found " + tok.length + " in '" + s + "'");
    }
    double[] v = new double[5];
    for (int i = 0; i < 5; i++) {
      try {
        v[i] = Double.parseDouble(tok[i]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(expected + ", found '" + tok[i] + "' in '" + s + "'");
      }
    }
    new Distortion(v[0], v[1], v[2], v[3], v[4]); // checks finiteness
    return v;
  }

  private static void checkIntrinsics(double fx, double fy, double cx, double cy) {
    if (!(fx > 0) || !(fy > 0) || !Double.isFinite(fx) || !Double.isFinite(fy)) {
      throw new IllegalArgumentException("expected positive finite focal lengths, found fx = " + fx + ", fy = " + fy);
    }
    if (!Double.isFinite(cx) || !Double.isFinite(cy)) {
      throw new IllegalArgumentException("expected a finite principal point, found cx = " + cx + ", cy = " + cy);
    }
  }

  // ---- lists and trajectory ---------------------------------------------------------------------

  /** A listed image: timestamp, file and where it was listed. */
  private record Stamped(double time, Path file, int line) {}

  /** A trajectory pose: timestamp, position and unit quaternion (x, y, z, w). */
  private record PoseSample(double time, double[] t, double[] q, int line) {}

  private static List<Stamped> readList(Path in, Path list, String what) throws InvalidSceneException {
    if (!Files.exists(list)) {
      throw new InvalidSceneException(list, "file does not exist; expected the " + what + " image list 'timestamp"
          + " filename' of a TUM RGB-D sequence");
    }
    String text = TextNumbers.readText(list);
    String[] lines = text.split("\r?\n|\r", -1);
    List<Stamped> out = new ArrayList<>();
    for (int ln = 1; ln <= lines.length; ln++) {
      String line = lines[ln - 1].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] tok = SEPARATOR.split(line);
      if (tok.length != 2) {
        throw new InvalidSceneException(list, "line " + ln + ": expected 'timestamp filename', found '"
            + shorten(line) + "'");
      }
      double time = timestamp(list, ln, tok[0]);
      Path file = in.resolve(tok[1]).normalize();
      if (!Files.isRegularFile(file)) {
        throw new InvalidSceneException(file, "file does not exist (listed on line " + ln + " of " + list.getFileName() + ")");
      }
      out.add(new Stamped(time, file, ln));
    }
    if (out.isEmpty()) {
      throw new InvalidSceneException(list, "empty dataset: expected lines 'timestamp filename', found none");
    }
    out.sort(Comparator.comparingDouble(Stamped::time));
    for (int i = 1; i < out.size(); i++) {
      if (out.get(i).time() == out.get(i - 1).time()) {
        int a = Math.min(out.get(i).line(), out.get(i - 1).line());
        int b = Math.max(out.get(i).line(), out.get(i - 1).line());
        throw new InvalidSceneException(list, "line " + b + ": timestamp " + fmtTime(out.get(i).time())
            + " is also on line " + a + "; expected one " + what + " image per timestamp");
      }
    }
    return out;
  }

  private static double timestamp(Path file, int line, String tok) throws InvalidSceneException {
    double t;
    try {
      t = Double.parseDouble(tok);
    } catch (NumberFormatException e) {
      t = Double.NaN;
    }
    if (!Double.isFinite(t) || !tok.matches("[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?")) {
      throw new InvalidSceneException(file, "line " + line + ": expected a timestamp in seconds, found '"
          + shorten(tok) + "'");
    }
    return t;
  }

  private static List<PoseSample> readTrajectory(Path file) throws InvalidSceneException {
    List<Integer> lines = new ArrayList<>();
    List<double[]> rows = TextNumbers.readRows(file, lines);
    if (rows.isEmpty()) {
      throw new InvalidSceneException(file, "empty trajectory: expected lines 'timestamp tx ty tz qx qy qz qw', found none");
    }
    List<PoseSample> out = new ArrayList<>();
    String[] names = {"timestamp", "tx", "ty", "tz", "qx", "qy", "qz", "qw"};
    for (int r = 0; r < rows.size(); r++) {
      double[] v = rows.get(r);
      int ln = lines.get(r);
      if (v.length != 8) {
        throw new InvalidSceneException(file, "line " + ln + ": expected 8 numbers 'timestamp tx ty tz qx qy qz qw',"
            + " found " + v.length);
      }
      for (int c = 0; c < 8; c++) {
        if (!Double.isFinite(v[c])) {
          throw new InvalidSceneException(file, "line " + ln + ": expected finite numbers, found " + names[c] + " = " + v[c]);
        }
      }
      double[] q = {v[4], v[5], v[6], v[7]};
      double norm = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
      if (!(Math.abs(norm - 1) <= QUATERNION_NORM_TOLERANCE)) {
        throw new InvalidSceneException(file, String.format(Locale.ROOT, "line %d: expected a unit quaternion qx qy qz"
            + " qw (norm 1 +- %s), found norm %.6g", ln, QUATERNION_NORM_TOLERANCE, norm));
      }
      for (int c = 0; c < 4; c++) {
        q[c] /= norm;
      }
      out.add(new PoseSample(v[0], new double[] {v[1], v[2], v[3]}, q, ln));
    }
    out.sort(Comparator.comparingDouble(PoseSample::time));
    for (int i = 1; i < out.size(); i++) {
      if (out.get(i).time() == out.get(i - 1).time()) {
        int a = Math.min(out.get(i).line(), out.get(i - 1).line());
        int b = Math.max(out.get(i).line(), out.get(i - 1).line());
        throw new InvalidSceneException(file, "line " + b + ": timestamp " + fmtTime(out.get(i).time())
            + " is also on line " + a + "; expected one pose per timestamp");
      }
    }
    return out;
  }

  // ---- association ------------------------------------------------------------------------------

  /**
   * {@code associate.py}: for each colour frame the index of its depth frame, or -1. Candidate
   * pairs closer than {@code maxDiff} are taken from the closest (ties: earlier colour, then
   * earlier depth frame), each frame at most once. Both lists are sorted by time.
   */
  private static int[] associate(List<Stamped> rgb, List<Stamped> depth, double maxDiff) {
    List<double[]> candidates = new ArrayList<>();
    int lo = 0;
    for (int i = 0; i < rgb.size(); i++) {
      double t = rgb.get(i).time();
      while (lo < depth.size() && depth.get(lo).time() <= t - maxDiff) {
        lo++;
      }
      for (int j = lo; j < depth.size() && depth.get(j).time() < t + maxDiff; j++) {
        double d = Math.abs(t - depth.get(j).time());
        if (d < maxDiff) {
          candidates.add(new double[] {d, i, j});
        }
      }
    }
    candidates.sort(Comparator.<double[]>comparingDouble(c -> c[0]).thenComparingDouble(c -> c[1])
        .thenComparingDouble(c -> c[2]));
    int[] depthOf = new int[rgb.size()];
    Arrays.fill(depthOf, -1);
    boolean[] used = new boolean[depth.size()];
    for (double[] c : candidates) {
      int i = (int) c[1];
      int j = (int) c[2];
      if (depthOf[i] < 0 && !used[j]) {
        depthOf[i] = j;
        used[j] = true;
      }
    }
    return depthOf;
  }

  /** The camera-to-world pose at time {@code t} (see the class comment), or null. */
  private static Pose poseAt(List<PoseSample> poses, double t, double maxDiff, boolean[] interpolated) {
    interpolated[0] = false;
    // First sample at or after t.
    int lo = 0;
    int hi = poses.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (poses.get(mid).time() < t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    PoseSample after = lo < poses.size() ? poses.get(lo) : null;
    PoseSample before = lo > 0 ? poses.get(lo - 1) : null;
    if (after != null && after.time() == t) {
      return toPose(after.t(), after.q());
    }
    boolean beforeOk = before != null && t - before.time() < maxDiff;
    boolean afterOk = after != null && after.time() - t < maxDiff;
    if (beforeOk && afterOk) {
      double s = (t - before.time()) / (after.time() - before.time());
      double[] pos = new double[3];
      for (int a = 0; a < 3; a++) {
        pos[a] = before.t()[a] + s * (after.t()[a] - before.t()[a]);
      }
      interpolated[0] = true;
      return toPose(pos, slerp(before.q(), after.q(), s));
    }
    if (beforeOk || afterOk) {
      PoseSample nearest = !afterOk || (beforeOk && t - before.time() <= after.time() - t) ? before : after;
      return toPose(nearest.t(), nearest.q());
    }
    return null;
  }

  /** Spherical linear interpolation between unit quaternions (x, y, z, w), the shorter way round. */
  static double[] slerp(double[] a, double[] b, double s) {
    double dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3];
    double sign = 1;
    if (dot < 0) {
      dot = -dot;
      sign = -1;
    }
    double wa;
    double wb;
    if (dot > 0.9995) {
      wa = 1 - s;
      wb = s;
    } else {
      double theta = Math.acos(dot);
      double sin = Math.sin(theta);
      wa = Math.sin((1 - s) * theta) / sin;
      wb = Math.sin(s * theta) / sin;
    }
    double[] q = new double[4];
    double n = 0;
    for (int c = 0; c < 4; c++) {
      q[c] = wa * a[c] + sign * wb * b[c];
      n += q[c] * q[c];
    }
    n = Math.sqrt(n);
    for (int c = 0; c < 4; c++) {
      q[c] /= n;
    }
    return q;
  }

  /**
   * The camera-to-world pose of position {@code t} and unit quaternion {@code q = (x, y, z, w)}:
   * the benchmark's {@code transform44}.
   */
  static Pose toPose(double[] t, double[] q) {
    double x = q[0];
    double y = q[1];
    double z = q[2];
    double w = q[3];
    double[] m = {
        1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w), t[0],
        2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w), t[1],
        2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y), t[2],
        0, 0, 0, 1};
    return Pose.fromCameraToWorld(m);
  }

  // ---- formatting -------------------------------------------------------------------------------

  private static String span(double a, double b) {
    return fmtTime(a) + ".." + fmtTime(b) + " s";
  }

  private static String fmtTime(double t) {
    return String.format(Locale.ROOT, "%.6f", t);
  }

  /** {@code 0.02} as "0.02", not "0.0200". */
  private static String plain(double d) {
    return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, "%.6g", d);
  }

  private static String shorten(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }

  private static String ordinal(int n) {
    int m100 = n % 100;
    String suffix = m100 >= 11 && m100 <= 13 ? "th" : switch (n % 10) {
      case 1 -> "st";
      case 2 -> "nd";
      case 3 -> "rd";
      default -> "th";
    };
    return n + suffix;
  }

  /** Options; every one has a default. */
  public static final class Builder {
    private Path trajectory;
    private double[] intrinsics;
    private Distortion distortion;
    private double depthScale = DEFAULT_DEPTH_SCALE;
    private int every = 1;
    private double maxDifference = DEFAULT_MAX_DIFFERENCE;

    private Builder() {}

    /**
     * The trajectory to read instead of {@code groundtruth.txt}, in the same format (e.g. a SLAM
     * system's estimate; its world frame becomes the scene's). A relative path is resolved against
     * the sequence folder.
     */
    public Builder optTrajectory(Path file) {
      this.trajectory = Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * The colour camera, in pixels, with pixel centres at integer coordinates (OpenCV's
     * convention, as the benchmark's calibration); the image size comes from the images.
     *
     * @throws IllegalArgumentException if a focal length is not positive and finite or the
     *     principal point is not finite
     */
    public Builder optIntrinsics(double fx, double fy, double cx, double cy) {
      checkIntrinsics(fx, fy, cx, cy);
      this.intrinsics = new double[] {fx, fy, cx, cy};
      return this;
    }

    /**
     * The colour camera's lens distortion, removed from colour and depth on import (see the class
     * comment): OpenCV's radial-tangential coefficients {@code k1, k2, p1, p2, k3} (in that order, as
     * OpenCV's {@code distCoeffs}, ROS's {@code plumb_bob} {@code D}, the benchmark's d0..d4), for
     * the normalised coordinates of {@link #optIntrinsics} (or {@link #KINECT_DEFAULT}). Default
     * none: images used as stored (the benchmark's are already undistorted by the Kinect driver;
     * to use its raw-camera calibration instead, give e.g. {@link #FREIBURG1} and
     * {@link #FREIBURG1_DISTORTION} together).
     *
     * @throws IllegalArgumentException if a coefficient is not finite
     */
    public Builder optDistortion(double k1, double k2, double p1, double p2, double k3) {
      this.distortion = new Distortion(k1, k2, p1, p2, k3);
      return this;
    }

    /** Depth PNG units per metre (default {@value TumImporter#DEFAULT_DEPTH_SCALE}; 1000 for millimetres). */
    public Builder optDepthScale(double unitsPerMetre) {
      if (!(unitsPerMetre > 0) || !Double.isFinite(unitsPerMetre)) {
        throw new IllegalArgumentException("depth scale must be a positive number of units per metre, found "
            + unitsPerMetre);
      }
      this.depthScale = unitsPerMetre;
      return this;
    }

    /** Keeps every {@code n}-th associated frame, starting with the first (default 1: all). */
    public Builder optEvery(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("every must be a positive number of frames, found " + n);
      }
      this.every = n;
      return this;
    }

    /**
     * Largest timestamp difference, seconds, for depth and pose association (default
     * {@value TumImporter#DEFAULT_MAX_DIFFERENCE}).
     */
    public Builder optMaxDifference(double seconds) {
      if (!(seconds > 0) || !Double.isFinite(seconds)) {
        throw new IllegalArgumentException("max difference must be a positive number of seconds, found " + seconds);
      }
      this.maxDifference = seconds;
      return this;
    }

    public TumImporter build() {
      return new TumImporter(this);
    }
  }
}
