package io.github.bakefeature.core.dataparsers;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.io.ImageFiles;
import io.github.bakefeature.core.io.ImageHeader;
import io.github.bakefeature.core.io.NaturalOrder;
import io.github.bakefeature.core.io.TextNumbers;
import io.github.bakefeature.core.scene.ImageCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Imports a nerfstudio / instant-ngp {@code transforms.json} dataset ({@code in} is the folder
 * holding {@code transforms.json}, or the JSON file itself; paths in it are relative to its
 * folder).
 *
 * <p>Conventions (nerfstudio's {@code nerfstudio/data/dataparsers/nerfstudio_dataparser.py} and
 * {@code nerfstudio/cameras/cameras.py}; instant-ngp's format is the same):
 *
 * <ul>
 *   <li><b>Poses</b>: {@code frames[].transform_matrix} is a 4x4 (or 3x4) <b>camera-to-world</b>
 *       matrix in <b>OpenGL camera axes</b> (x right, y up, z backward — the camera looks down
 *       -z). We flip the camera's y and z axes to OpenCV's and store the inverse
 *       ({@link Pose#fromOpenGlCameraToWorld}). The world frame is kept as in the file:
 *       nerfstudio's own loader re-orients, re-centres and re-scales the poses at load time
 *       ({@code auto_orient_and_center_poses}, {@code auto_scale_poses}), which we do not, and
 *       {@code applied_transform}, {@code applied_scale}, {@code aabb_scale}, {@code scale} and
 *       {@code offset} are ignored, so the poses must be metric for depth to line up.</li>
 *   <li><b>Camera</b>: {@code fl_x, fl_y, cx, cy, w, h} at the top level or per frame (a key at
 *       the top level wins over the frames' own, as in nerfstudio's parser, so NeRFCapture's files,
 *       which repeat frame 0's camera at the top level, load with it); without {@code fl_x}, {@code camera_angle_x} (radians) gives
 *       {@code fl_x = w / 2 / tan(camera_angle_x / 2)} (and {@code camera_angle_y} or
 *       {@code fl_x} gives {@code fl_y}); a missing {@code cx, cy} defaults to {@code w / 2, h / 2},
 *       a missing {@code w, h} to the image size. Every frame must end up with the same camera:
 *       the scene format has one.</li>
 *   <li><b>Pixel centres</b>: nerfstudio casts the ray of pixel (i, j) through image coordinates
 *       (i + 0.5, j + 0.5) ({@code Cameras.get_image_coords(pixel_offset=0.5)}), i.e. pixel
 *       centres at half-integers, while ours are at integers. The same ray therefore needs
 *       {@code cx_ours = cx - 0.5} and {@code cy_ours = cy - 0.5}; focal lengths are unchanged.
 *       (A centred nerfstudio principal point {@code w / 2} becomes our centred {@code (w - 1) / 2}.)</li>
 *   <li><b>Distortion</b>: {@code k1, k2, k3, p1, p2} (at the top level or per frame; as in
 *       nerfstudio, any of them at the top level makes all of them come from there; or nerfstudio's {@code distortion_params = [k1, k2, k3, k4, p1, p2]}) are OpenCV's
 *       radial-tangential model, as COLMAP's {@code OPENCV} camera that {@code ns-process-data}
 *       writes; they are removed from colour and depth by {@link Undistortion} (colour bilinear,
 *       depth from the nearest pixel), keeping the pinhole camera and the image size. Every frame
 *       must have the same distortion. A non-zero {@code k4, k5, k6} (FULL_OPENCV's rational
 *       terms, nerfstudio's r^8 term, OpenCV fisheye's k4) or a fisheye / equirectangular /
 *       omnidirectional {@code camera_model}, instant-ngp's {@code is_fisheye: true} (its
 *       {@code colmap2nerf.py} writes it instead of a model for COLMAP's fisheye cameras),
 *       {@code latlong}, {@code equirectangular} or {@code ftheta_p0..p4} lens is an error:
 *       undistort the images first.</li>
 *   <li><b>Non-finite numbers</b>: Python's {@code json.dump} writes {@code NaN} and
 *       {@code Infinity}; they are read, and refused naming the frame and field.</li>
 *   <li><b>Depth</b> (optional, all frames or none): {@code frames[].depth_file_path} (nerfstudio)
 *       or {@code depth_path} (instant-ngp), a 16-bit PNG of z-depth (nerfstudio compares it with
 *       rendered depth divided by the ray's z component). Metres per unit from the top-level
 *       {@code depth_unit_scale_factor} if present (nerfstudio's parser option of that name, default
 *       {@value #DEFAULT_DEPTH_UNIT}), else instant-ngp's {@code integer_depth_scale}, else
 *       {@value #DEFAULT_DEPTH_UNIT} (millimetres). The depth PNG may be smaller than the image by
 *       an integer factor.</li>
 *   <li><b>Order</b>: frames are sorted by {@code file_path} (nerfstudio sorts them by file name
 *       too), in natural order.</li>
 * </ul>
 */
public final class TransformsJsonImporter implements SceneImporter {
  /** Metres per depth-PNG unit when the file says nothing (nerfstudio's default). */
  public static final double DEFAULT_DEPTH_UNIT = 1e-3;
  static final String FILE = "transforms.json";
  /** The coefficients removed, in {@link Undistortion}'s order (OpenCV's). */
  private static final List<String> DISTORTION = List.of("k1", "k2", "p1", "p2", "k3");
  /** Coefficients that must be 0: FULL_OPENCV's rational k4..k6, nerfstudio's radial r^8 term k4. */
  private static final List<String> UNSUPPORTED_DISTORTION = List.of("k4", "k5", "k6");
  /** The fields that make the top level's distortion the one of every frame (nerfstudio's {@code distort_fixed}). */
  private static final List<String> DISTORTION_KEYS = List.of("k1", "k2", "k3", "p1", "p2", "distortion_params");
  /** instant-ngp's lens fields for cameras that are not pinhole ones. */
  private static final List<String> NON_PINHOLE_LENS = List.of("latlong", "equirectangular", "ftheta_p0", "ftheta_p1",
      "ftheta_p2", "ftheta_p3", "ftheta_p4");
  /** nerfstudio's {@code distortion_params} order. */
  private static final List<String> DISTORTION_PARAMS = List.of("k1", "k2", "k3", "k4", "p1", "p2");
  /** Camera models that are pinhole cameras with at most OpenCV's k1, k2, k3, p1, p2 distortion. */
  private static final Set<String> PINHOLE_MODELS = Set.of("PINHOLE", "SIMPLE_PINHOLE", "OPENCV", "SIMPLE_RADIAL",
      "RADIAL", "FULL_OPENCV");
  // Python's json.dump writes NaN and Infinity; read them so the message can name the frame.
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .build();

  @Override
  public String format() {
    return "transforms";
  }

  @Override
  public String description() {
    return "nerfstudio / instant-ngp transforms.json (camera-to-world, OpenGL axes)";
  }

  /** One frame entry before intrinsics are reconciled. */
  private record Entry(int jsonIndex, String filePath, Path image, JsonNode node) {}

  @Override
  public Scene read(Path in) throws IOException {
    return read(in, 1);
  }

  /**
   * Reads frames 0, n, 2n, ... in {@code file_path} order; the images and depth maps of the frames
   * left out are never opened.
   */
  @Override
  public Scene read(Path in, int every) throws IOException {
    return readWithReport(in, every).scene();
  }

  /**
   * A scene read from {@code transforms.json} and the lens distortion removed from its images
   * ({@link TumImporter.Distortion#NONE} when the file gives none).
   */
  public record Result(Scene scene, TumImporter.Distortion distortion) {}

  /** {@link #read(Path, int)}, also saying which lens distortion was removed from the images. */
  public Result readWithReport(Path in, int every) throws IOException {
    FrameSubsets.checkEvery(every);
    Path json = Files.isDirectory(in) ? in.resolve(FILE) : in;
    Path base = json.toAbsolutePath().getParent();
    JsonNode root;
    try {
      root = JSON.readTree(TextNumbers.readText(json));
    } catch (InvalidSceneException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidSceneException(json, "not valid JSON (" + io.github.bakefeature.core.io.ErrorText.describe(e) + ")", e);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidSceneException(json, "expected a JSON object with a \"frames\" array");
    }
    JsonNode framesNode = root.get("frames");
    if (framesNode == null || !framesNode.isArray()) {
      throw new InvalidSceneException(json, "expected a \"frames\" array, found " + describe(framesNode));
    }
    if (framesNode.isEmpty()) {
      throw new InvalidSceneException(json, "empty dataset: \"frames\" is an empty array");
    }
    JsonNode model = root.get("camera_model");
    if (model != null && (!model.isTextual() || !PINHOLE_MODELS.contains(model.asText().toUpperCase(Locale.ROOT)))) {
      throw new InvalidSceneException(json, "camera_model " + model + " is not supported: expected a pinhole camera"
          + " with at most OpenCV's k1, k2, k3, p1, p2 distortion, one of " + new java.util.TreeSet<>(PINHOLE_MODELS)
          + "; undistort the images to a pinhole camera first");
    }
    refuseNonPinholeLens(json, root, "");
    double depthUnit = depthUnit(json, root);

    List<Entry> entries = new ArrayList<>();
    for (int j = 0; j < framesNode.size(); j++) {
      JsonNode f = framesNode.get(j);
      String where = "frames[" + j + "]";
      if (!f.isObject()) {
        throw new InvalidSceneException(json, where + ": expected an object, found " + describe(f));
      }
      JsonNode fp = f.get("file_path");
      if (fp == null || !fp.isTextual() || fp.asText().isBlank()) {
        throw new InvalidSceneException(json, where + ": expected a \"file_path\" string, found " + describe(fp));
      }
      entries.add(new Entry(j, fp.asText(), resolveImage(json, base, fp.asText(), where), f));
    }
    entries.sort((a, b) -> NaturalOrder.INSTANCE.compare(a.filePath(), b.filePath()));
    List<Entry> all = entries;
    entries = FrameSubsets.positions(all.size(), every).stream().map(all::get).toList();

    ImageCache cache = ImportedScene.newCache();
    Undistortion undistortion = null;
    List<ImportedScene.SourceFrame> frames = new ArrayList<>();
    CameraIntrinsics k0 = null;
    String k0Where = null;
    double[] d0 = null;
    Boolean withDepth = null;
    int depthFactor = 1;
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      JsonNode f = e.node();
      String where = "frames[" + e.jsonIndex() + "] (" + e.filePath() + ")";
      refuseNonPinholeLens(json, f, where + ": ");
      double[] d = distortion(json, root, f, where);
      ImageHeader header = ImageFiles.readHeader(e.image());
      CameraIntrinsics k = intrinsics(json, root, f, header, e.image(), where);
      if (k0 == null) {
        k0 = k;
        k0Where = where;
        d0 = d;
      } else if (!sameCamera(k0, k)) {
        throw new InvalidSceneException(json, where + ": camera " + describe(k) + " differs from " + k0Where + " "
            + describe(k0) + "; the scene format has one camera for all frames");
      } else if (!Arrays.equals(d0, d)) {
        throw new InvalidSceneException(json, where + ": distortion " + describeDistortion(d) + " differs from "
            + k0Where + " " + describeDistortion(d0) + "; the scene format has one camera for all frames");
      }
      if (i == 0 && !isZero(d)) {
        undistortion = new Undistortion(k, d);
      }
      Pose pose = pose(json, f.get("transform_matrix"), where);
      JsonNode dp = f.has("depth_file_path") ? f.get("depth_file_path") : f.get("depth_path");
      boolean hasDepth = dp != null && !dp.isNull();
      if (withDepth == null) {
        withDepth = hasDepth;
      } else if (withDepth != hasDepth) {
        throw new InvalidSceneException(json, where + (hasDepth ? " has" : " has no") + " depth_file_path but "
            + k0Where + (withDepth ? " has" : " has not") + "; expected depth for every frame or for none");
      }
      Path depth = null;
      if (hasDepth) {
        if (!dp.isTextual() || dp.asText().isBlank()) {
          throw new InvalidSceneException(json, where + ": expected depth_file_path to be a string, found " + describe(dp));
        }
        depth = base.resolve(dp.asText()).normalize();
        if (!Files.isRegularFile(depth)) {
          throw new InvalidSceneException(depth, "file does not exist (" + where + " depth_file_path in " + json.getFileName() + ")");
        }
        int factor = SourceFiles.depthFactor(depth, k.width(), k.height());
        if (i == 0) {
          depthFactor = factor;
        } else if (factor != depthFactor) {
          throw new InvalidSceneException(depth, "expected depth " + k.width() / depthFactor + "x" + k.height() / depthFactor
              + " like the first frame's");
        }
      }
      frames.add(new ImportedScene.SourceFrame(i, ImportedScene.frameName(i), k0, pose, e.image(), depth, depthUnit,
          depthFactor, null, null, cache, undistortion));
    }
    TumImporter.Distortion removed = undistortion == null ? TumImporter.Distortion.NONE
        : new TumImporter.Distortion(d0[0], d0[1], d0[2], d0[3], d0[4]); // DISTORTION's order
    return new Result(ImportedScene.of(base, frames, List.of()), removed);
  }

  /** Refuses instant-ngp's fisheye flag and its non-pinhole lens fields on {@code node} (the top level or a frame). */
  private static void refuseNonPinholeLens(Path json, JsonNode node, String at) throws InvalidSceneException {
    JsonNode fisheye = node.get("is_fisheye");
    if (fisheye != null && fisheye.asBoolean(false)) {
      throw new InvalidSceneException(json, at + "is_fisheye is true: fisheye lenses (instant-ngp's OpenCV fisheye"
          + " model) are not supported; expected a pinhole camera with at most OpenCV's k1, k2, k3, p1, p2 distortion:"
          + " undistort the images to a pinhole camera first");
    }
    for (String key : NON_PINHOLE_LENS) {
      JsonNode v = node.get(key);
      // instant-ngp switches to these lenses when the key is present; a literal false says no.
      boolean set = v != null && !v.isNull() && !(v.isBoolean() && !v.asBoolean());
      if (set) {
        throw new InvalidSceneException(json, at + key + " = " + describe(v) + ": only pinhole cameras are supported,"
            + " not instant-ngp's " + (key.startsWith("ftheta") ? "f-theta" : key) + " lens; undistort the images to a"
            + " pinhole camera first");
      }
    }
  }

  private static Path resolveImage(Path json, Path base, String filePath, String where) throws InvalidSceneException {
    Path p = base.resolve(filePath).normalize();
    if (Files.isRegularFile(p)) {
      return p;
    }
    // The Blender synthetic datasets list "./train/r_0" without an extension.
    String name = p.getFileName().toString();
    if (!name.contains(".")) {
      for (String ext : new String[] {".png", ".jpg", ".jpeg", ".PNG", ".JPG"}) {
        Path q = p.resolveSibling(name + ext);
        if (Files.isRegularFile(q)) {
          return q;
        }
      }
    }
    throw new InvalidSceneException(p, "file does not exist (" + where + ".file_path in " + json.getFileName() + ")");
  }

  private static double depthUnit(Path json, JsonNode root) throws InvalidSceneException {
    for (String key : new String[] {"depth_unit_scale_factor", "integer_depth_scale"}) {
      JsonNode n = root.get(key);
      if (n != null) {
        if (!n.isNumber() || !(n.asDouble() > 0) || !Double.isFinite(n.asDouble())) {
          throw new InvalidSceneException(json, key + " must be a positive number (metres per depth unit), found " + n);
        }
        return n.asDouble();
      }
    }
    return DEFAULT_DEPTH_UNIT;
  }

  /**
   * The frame's lens distortion {@code k1, k2, p1, p2, k3} (OpenCV's order): each from the frame,
   * else from the top level, else 0; {@code distortion_params} ({@code [k1, k2, k3, k4, p1, p2]},
   * nerfstudio's) stands for the separate fields of its object. Non-zero {@code k4..k6} are
   * refused.
   */
  private static double[] distortion(Path json, JsonNode root, JsonNode frame, String where)
      throws InvalidSceneException {
    double[] out = new double[DISTORTION.size()];
    for (int c = 0; c < DISTORTION.size(); c++) {
      out[c] = coefficient(json, root, frame, DISTORTION.get(c), where, false);
    }
    for (String key : UNSUPPORTED_DISTORTION) {
      double v = coefficient(json, root, frame, key, where, true);
      if (v != 0) {
        throw new InvalidSceneException(json, where + ": distortion " + key + " = " + v + "; only OpenCV's k1, k2, k3,"
            + " p1, p2 are removed (expected k4, k5, k6 = 0: FULL_OPENCV's rational, nerfstudio's r^8 and OpenCV"
            + " fisheye's terms are not supported): undistort the images to a pinhole camera first");
      }
    }
    return out;
  }

  /**
   * One distortion coefficient: the top level's when it has any distortion field (then all come
   * from there, as nerfstudio's {@code distort_fixed}), else the frame's; 0 when absent. With
   * {@code anywhere} (the unsupported k4..k6, which must be 0) a non-zero value in either counts.
   * Values are checked to be finite wherever they are given, also where the other one is used.
   */
  private static double coefficient(Path json, JsonNode root, JsonNode frame, String key, String where,
                                    boolean anywhere) throws InvalidSceneException {
    boolean fixed = false;
    for (String k : DISTORTION_KEYS) {
      fixed |= root.hasNonNull(k);
    }
    Double top = coefficientAt(json, root, key, "");
    Double own = coefficientAt(json, frame, key, where + ": ");
    Double v = anywhere ? (own != null && own != 0 ? own : top) : fixed ? top : own;
    return v == null || v == 0 ? 0 : v; // -0.0 is no distortion too
  }

  /** A distortion coefficient given by {@code node} (a field or its place in {@code distortion_params}), or null. */
  private static Double coefficientAt(Path json, JsonNode node, String key, String at) throws InvalidSceneException {
    String name = key;
    JsonNode v = node.get(key);
    JsonNode params = node.get("distortion_params");
    if (params != null && !params.isNull()) {
      if (v != null && !v.isNull()) {
        throw new InvalidSceneException(json, at + "both distortion_params and " + key + " are given; expected one"
            + " of them");
      }
      if (!params.isArray() || params.size() != DISTORTION_PARAMS.size()) {
        throw new InvalidSceneException(json, at + "distortion_params: expected [k1, k2, k3, k4, p1, p2], found "
            + describe(params));
      }
      int index = DISTORTION_PARAMS.indexOf(key);
      if (index < 0) {
        return null; // k5, k6: not in nerfstudio's list
      }
      v = params.get(index);
      name = "distortion_params[" + index + "] (" + key + ")";
    }
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
      throw new InvalidSceneException(json, at + name + ": expected a finite number, found " + describe(v));
    }
    return v.asDouble();
  }

  private static boolean isZero(double[] d) {
    for (double v : d) {
      if (v != 0) {
        return false;
      }
    }
    return true;
  }

  private static String describeDistortion(double[] d) {
    StringBuilder sb = new StringBuilder("(");
    for (int c = 0; c < d.length; c++) {
      sb.append(c == 0 ? "" : ", ").append(DISTORTION.get(c)).append(" = ").append(fmt(d[c]));
    }
    return sb.append(')').toString();
  }

  /** Our intrinsics for one frame: top-level values, then the frame's, then defaults. */
  private static CameraIntrinsics intrinsics(Path json, JsonNode root, JsonNode f, ImageHeader header, Path image,
                                             String where) throws InvalidSceneException {
    Double wv = number(json, root, f, "w", where);
    Double hv = number(json, root, f, "h", where);
    int w = header.width();
    int h = header.height();
    if ((wv != null && wv != w) || (hv != null && hv != h)) {
      throw new InvalidSceneException(image, "image is " + header.size() + " but " + json.getFileName() + " says w = "
          + (wv == null ? "?" : fmt(wv)) + ", h = " + (hv == null ? "?" : fmt(hv)) + " for " + where);
    }
    Double flx = number(json, root, f, "fl_x", where);
    if (flx == null) {
      Double ax = number(json, root, f, "camera_angle_x", where);
      if (ax == null) {
        throw new InvalidSceneException(json, where + ": no focal length: expected fl_x or camera_angle_x");
      }
      if (!(ax > 0 && ax < Math.PI)) {
        throw new InvalidSceneException(json, where + ": camera_angle_x must be in (0, pi) radians, found " + fmt(ax));
      }
      flx = 0.5 * w / Math.tan(0.5 * ax);
    }
    Double fly = number(json, root, f, "fl_y", where);
    if (fly == null) {
      Double ay = number(json, root, f, "camera_angle_y", where);
      if (ay != null) {
        if (!(ay > 0 && ay < Math.PI)) {
          throw new InvalidSceneException(json, where + ": camera_angle_y must be in (0, pi) radians, found " + fmt(ay));
        }
        fly = 0.5 * h / Math.tan(0.5 * ay);
      } else {
        fly = flx;
      }
    }
    if (!(flx > 0) || !(fly > 0)) {
      throw new InvalidSceneException(json, where + ": focal lengths must be positive, found fl_x = " + fmt(flx)
          + ", fl_y = " + fmt(fly));
    }
    Double cx = number(json, root, f, "cx", where);
    Double cy = number(json, root, f, "cy", where);
    // nerfstudio's pixel centres are at +0.5, ours at integers: shift the principal point.
    double cxOurs = (cx == null ? w / 2.0 : cx) - 0.5;
    double cyOurs = (cy == null ? h / 2.0 : cy) - 0.5;
    if (cxOurs < -0.5 || cxOurs > w - 0.5 || cyOurs < -0.5 || cyOurs > h - 0.5) {
      throw new InvalidSceneException(json, where + ": principal point cx = " + fmt(cxOurs + 0.5) + ", cy = "
          + fmt(cyOurs + 0.5) + " lies outside the " + w + "x" + h + " image");
    }
    return new CameraIntrinsics(w, h, flx, fly, cxOurs, cyOurs);
  }

  /**
   * A numeric field from the top level (nerfstudio's {@code fx_fixed} etc.), else from the frame, else
   * null; checked to be finite wherever it is given.
   */
  private static Double number(Path json, JsonNode root, JsonNode frame, String key, String where)
      throws InvalidSceneException {
    Double top = numberAt(json, root, key, "");
    Double own = numberAt(json, frame, key, where + ".");
    return top != null ? top : own;
  }

  private static Double numberAt(Path json, JsonNode node, String key, String at) throws InvalidSceneException {
    JsonNode n = node.get(key);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isNumber() || !Double.isFinite(n.asDouble())) {
      throw new InvalidSceneException(json, at + key + ": expected a finite number, found " + describe(n));
    }
    return n.asDouble();
  }

  private static Pose pose(Path json, JsonNode m, String where) throws InvalidSceneException {
    if (m == null || !m.isArray() || (m.size() != 4 && m.size() != 3)) {
      throw new InvalidSceneException(json, where + ": expected transform_matrix to be 4 rows of 4 numbers, found "
          + describe(m));
    }
    double[] v = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    for (int r = 0; r < m.size(); r++) {
      JsonNode row = m.get(r);
      if (!row.isArray() || row.size() != 4) {
        throw new InvalidSceneException(json, where + ": transform_matrix row " + r + " must hold 4 numbers, found "
            + describe(row));
      }
      for (int c = 0; c < 4; c++) {
        JsonNode x = row.get(c);
        if (!x.isNumber()) {
          throw new InvalidSceneException(json, where + ": transform_matrix[" + r + "][" + c
              + "] must be a number, found " + describe(x));
        }
        if (!Double.isFinite(x.asDouble())) {
          throw new InvalidSceneException(json, where + ": non-finite transform_matrix[" + r + "][" + c + "] = "
              + x.asDouble() + "; expected a finite camera-to-world matrix");
        }
        v[r * 4 + c] = x.asDouble();
      }
    }
    try {
      return Pose.fromOpenGlCameraToWorld(v);
    } catch (IllegalArgumentException e) {
      throw new InvalidSceneException(json, where + ": transform_matrix is not a rigid pose: " + e.getMessage());
    }
  }

  private static boolean sameCamera(CameraIntrinsics a, CameraIntrinsics b) {
    return a.width() == b.width() && a.height() == b.height() && close(a.fx(), b.fx()) && close(a.fy(), b.fy())
        && close(a.cx(), b.cx()) && close(a.cy(), b.cy());
  }

  private static boolean close(double a, double b) {
    return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a));
  }

  private static String describe(CameraIntrinsics k) {
    return "(" + k.width() + "x" + k.height() + ", fl_x = " + fmt(k.fx()) + ", fl_y = " + fmt(k.fy())
        + ", cx = " + fmt(k.cx() + 0.5) + ", cy = " + fmt(k.cy() + 0.5) + ")";
  }

  private static String describe(JsonNode n) {
    if (n == null || n.isMissingNode()) {
      return "nothing";
    }
    if (n.isNumber() && !Double.isFinite(n.asDouble())) {
      return String.valueOf(n.asDouble()); // as in the file, where toString() would quote it
    }
    String s = n.toString();
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, "%.6g", d);
  }
}
