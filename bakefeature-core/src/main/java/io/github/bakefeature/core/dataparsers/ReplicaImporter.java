package io.github.bakefeature.core.dataparsers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.io.ImageFiles;
import io.github.bakefeature.core.io.ImageHeader;
import io.github.bakefeature.core.io.TextNumbers;
import io.github.bakefeature.core.scene.ImageCache;
import io.github.bakefeature.core.scene.SceneFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Imports the Replica sequences rendered by Semantic-NeRF (Zhi et al., ICCV 2021; repository
 * {@code Harry-Zhi/semantic_nerf}), the data the paper evaluates on:
 *
 * <pre>
 * traj_w_c.txt                             one 4x4 camera-to-world matrix per line (16 numbers, row-major),
 *                                          or per 4 lines (4 numbers each)
 * rgb/rgb_N.png                            colour, N = 0, 1, ..., ordered numerically (rgb_10 after rgb_9)
 * depth/depth_N.png                        uint16 z-depth in millimetres (optional folder)
 * semantic_class/semantic_class_N.png      uint8 Replica class ids, 0 = void (optional folder)
 * info_semantic.json                       optional: Replica's class list {"classes": [{"id", "name"}, ...]}
 * </pre>
 *
 * <p>Conventions, as found in that repository:
 *
 * <ul>
 *   <li><b>Poses</b>: line i of {@code traj_w_c.txt} is {@code T_wc}, the camera-to-world transform
 *       of frame i, in <b>OpenCV camera axes</b> (x right, y down, z forward).
 *       {@code SSR/datasets/replica/replica_datasets.py} loads it as
 *       {@code np.loadtxt(traj_file).reshape(-1, 4, 4)} and stores it as {@code T_wc};
 *       {@code SSR/configs/SSR_room0_config.yaml} sets {@code convention: "opencv"}, with which
 *       {@code SSR/models/rays.py} builds camera rays {@code ((u - cx)/fx, (v - cy)/fy, 1)} and
 *       rotates them by {@code T_wc[:3, :3]}; and the renderer
 *       ({@code SSR/data_generation/habitat_renderer.py}, {@code transformation.py}) converts each
 *       {@code T_wc} to Habitat's OpenGL camera with {@code T_hc = T_hw T_wc opengl_to_opencv}.
 *       We store {@code T_wc^-1}.</li>
 *   <li><b>Depth</b>: {@code (depth_sensor * 1000).astype(np.uint16)} in the renderer, read back
 *       with {@code / 1000.0} ("uint16 mm depth"); Habitat's depth sensor gives z-depth, and the
 *       rays above have z = 1, so it is z-depth as ours. Truncation (not rounding) to the
 *       millimetre means stored depth is up to 1 mm short.</li>
 *   <li><b>Intrinsics</b>: none on disk; the trainer ({@code SSR/training/trainer.py},
 *       {@code set_params_replica}) uses a horizontal field of view of 90 degrees,
 *       {@code fx = fy = W / 2 / tan(45 deg)} and {@code cx = (W - 1) / 2, cy = (H - 1) / 2} —
 *       pixel centres at integer coordinates, exactly our convention, so
 *       {@link CameraIntrinsics#fromHorizontalFov(int, int, double)} with 90 degrees reproduces
 *       it.</li>
 *   <li><b>Classes</b>: the PNGs hold sparse Replica class ids, 0 = void (the renderer maps
 *       negative ids to 0). As the repository does, the ids present in the imported frames are
 *       remapped in increasing order to contiguous class ids {@code 0..C-1}; void becomes
 *       unlabelled. Class names come from {@code info_semantic.json} if present
 *       ({@code classes[].id} / {@code classes[].name}), else {@code "class <id>"}. The labels
 *       become the scene's dense ground truth ({@code gt_semantic/}); no scribbles are invented.
 *       If every label is void there is no class, and the scene gets no ground truth.</li>
 * </ul>
 */
public final class ReplicaImporter implements SceneImporter {
  /** Horizontal field of view of Semantic-NeRF's Replica renders, degrees. */
  public static final double HFOV_DEGREES = 90;
  static final String TRAJECTORY = "traj_w_c.txt";
  static final String CLASS_INFO = "info_semantic.json";
  private static final Pattern RGB = Pattern.compile("rgb_(\\d+)\\.(?i:png|jpe?g)");
  private static final Pattern DEPTH = Pattern.compile("depth_(\\d+)\\.(?i:png)");
  private static final Pattern SEMANTIC = Pattern.compile("semantic_class_(\\d+)\\.(?i:png)");

  @Override
  public String format() {
    return "replica";
  }

  @Override
  public String description() {
    return "Semantic-NeRF Replica renders: traj_w_c.txt, rgb/rgb_N.png, depth/depth_N.png, semantic_class/semantic_class_N.png";
  }

  @Override
  public Scene read(Path in) throws IOException {
    return read(in, 1);
  }

  /**
   * Reads frames 0, n, 2n, ... of the sequence; the files of the frames left out are never
   * opened, and the classes are those present in the kept frames.
   */
  @Override
  public Scene read(Path in, int every) throws IOException {
    FrameSubsets.checkEvery(every);
    SourceFiles.requireDir(in, "a Semantic-NeRF Replica sequence folder");
    Path rgbDir = SourceFiles.requireDir(in.resolve("rgb"), "colour images rgb_0.png, rgb_1.png, ...");
    TreeMap<Long, Path> rgb = SourceFiles.numbered(rgbDir, RGB);
    if (rgb.isEmpty()) {
      throw new InvalidSceneException(rgbDir, "empty dataset: expected rgb_0.png, rgb_1.png, ..., found none");
    }
    // Frame N is line N of the trajectory, so the numbers must be exactly 0..n-1.
    long expect = 0;
    for (long n : rgb.keySet()) {
      if (n != expect) {
        throw new InvalidSceneException(rgbDir, "expected frames numbered 0.." + (rgb.size() - 1)
            + " (frame N is line N of " + TRAJECTORY + "), but rgb_" + expect + " is missing");
      }
      expect++;
    }
    Path depthDir = in.resolve("depth");
    TreeMap<Long, Path> depth = null;
    if (Files.isDirectory(depthDir)) {
      depth = SourceFiles.numbered(depthDir, DEPTH);
      SourceFiles.checkSameFrames(rgbDir, rgb, depthDir, depth, "depth_%d.png");
    }
    Path semDir = in.resolve("semantic_class");
    TreeMap<Long, Path> sem = null;
    if (Files.isDirectory(semDir)) {
      sem = SourceFiles.numbered(semDir, SEMANTIC);
      SourceFiles.checkSameFrames(rgbDir, rgb, semDir, sem, "semantic_class_%d.png");
    }

    Path trajFile = in.resolve(TRAJECTORY);
    List<Integer> lines = new ArrayList<>();
    List<double[]> rows = matrices(trajFile, lines);
    if (rows.size() != rgb.size()) {
      throw new InvalidSceneException(trajFile, "expected one camera-to-world matrix per frame: rgb/ has "
          + rgb.size() + " frames, found " + rows.size() + " poses");
    }

    // Only the kept frames' files are read from here on (headers, labels, later depth).
    List<Integer> kept = FrameSubsets.positions(rgb.size(), every);
    ImageHeader first = ImageFiles.readHeader(rgb.firstEntry().getValue());
    int w = first.width();
    int h = first.height();
    CameraIntrinsics k = CameraIntrinsics.fromHorizontalFov(w, h, HFOV_DEGREES);
    int depthFactor = 1;
    List<Pose> poses = new ArrayList<>();
    for (int i : kept) {
      long n = i;
      SourceFiles.checkSize(rgb.get(n), w, h, rgb.firstEntry().getValue().getFileName().toString());
      if (depth != null) {
        int f = SourceFiles.depthFactor(depth.get(n), w, h);
        if (i == 0) {
          depthFactor = f;
        } else if (f != depthFactor) {
          throw new InvalidSceneException(depth.get(n), "expected depth " + w / depthFactor + "x" + h / depthFactor
              + " like depth_0.png");
        }
      }
      if (sem != null) {
        SourceFiles.checkSize(sem.get(n), w, h, "the colour images");
      }
      poses.add(SceneFolder.poseFromNumbers(trajFile, rows.get(i), true, "line " + lines.get(i) + ": "));
    }

    // Classes: the ids present in the kept frames (as Semantic-NeRF lists those of the frames it
    // loads), remapped to 0..C-1 in increasing order.
    List<String> names = List.of();
    ImportedScene.LabelMapping mapping = v -> Integer.MIN_VALUE;
    if (sem != null) {
      boolean[] present = new boolean[1 << 16];
      for (int i : kept) {
        int[] raw = ImageFiles.readChannel(sem.get((long) i), new int[2]);
        for (int v : raw) {
          present[v] = true;
        }
      }
      int[] lut = new int[1 << 16];
      Arrays.fill(lut, Integer.MIN_VALUE);
      lut[0] = LabelImage.UNLABELLED;
      List<Integer> ids = new ArrayList<>();
      for (int v = 1; v < present.length; v++) {
        if (present[v]) {
          lut[v] = ids.size();
          ids.add(v);
        }
      }
      Map<Integer, String> known = readClassNames(in.resolve(CLASS_INFO));
      List<String> n = new ArrayList<>();
      for (int id : ids) {
        n.add(known.getOrDefault(id, "class " + id));
      }
      names = uniquify(n, ids);
      mapping = v -> v >= 0 && v < lut.length ? lut[v] : Integer.MIN_VALUE;
      if (ids.isEmpty()) {
        // Every label is void: no class to name, so no ground truth (a scene cannot have labels
        // without classes).
        sem = null;
      }
    }

    ImageCache cache = ImportedScene.newCache();
    List<ImportedScene.SourceFrame> frames = new ArrayList<>();
    for (int j = 0; j < kept.size(); j++) {
      long n = kept.get(j);
      frames.add(new ImportedScene.SourceFrame(j, ImportedScene.frameName(j), k, poses.get(j), rgb.get(n),
          depth == null ? null : depth.get(n), 0.001, depthFactor, sem == null ? null : sem.get(n), mapping, cache));
    }
    return ImportedScene.of(in, frames, names);
  }

  /**
   * The 4x4 matrices of {@code traj_w_c.txt}, 16 numbers each, with the line each starts on:
   * either one matrix per line (Semantic-NeRF's files) or one matrix row per line, four lines per
   * matrix (what {@code np.savetxt} of a stack of 4x4 matrices writes; Semantic-NeRF's
   * {@code reshape(-1, 4, 4)} reads both).
   */
  static List<double[]> matrices(Path file, List<Integer> lineNumbers) throws InvalidSceneException {
    List<Integer> lines = new ArrayList<>();
    List<double[]> rows = TextNumbers.readRows(file, lines);
    if (rows.isEmpty()) {
      return rows;
    }
    int perLine = rows.get(0).length;
    if (perLine != 16 && perLine != 4) {
      throw new InvalidSceneException(file, "line " + lines.get(0) + ": expected 16 numbers (a 4x4 matrix per line)"
          + " or 4 (a matrix row per line, 4 lines per matrix), found " + perLine);
    }
    for (int r = 1; r < rows.size(); r++) {
      if (rows.get(r).length != perLine) {
        throw new InvalidSceneException(file, "line " + lines.get(r) + ": expected " + perLine + " numbers like line "
            + lines.get(0) + " (" + (perLine == 16 ? "a 4x4 matrix per line" : "a matrix row per line")
            + "), found " + rows.get(r).length);
      }
    }
    if (perLine == 16) {
      lineNumbers.addAll(lines);
      return rows;
    }
    if (rows.size() % 4 != 0) {
      throw new InvalidSceneException(file, "expected 4 lines of 4 numbers per 4x4 matrix, found " + rows.size()
          + " lines, which is not a multiple of 4");
    }
    List<double[]> out = new ArrayList<>();
    for (int r = 0; r < rows.size(); r += 4) {
      double[] m = new double[16];
      for (int j = 0; j < 4; j++) {
        System.arraycopy(rows.get(r + j), 0, m, 4 * j, 4);
      }
      out.add(m);
      lineNumbers.add(lines.get(r));
    }
    return out;
  }

  /** Replica class id to name from {@code info_semantic.json}; empty if the file is absent. */
  static Map<Integer, String> readClassNames(Path file) throws InvalidSceneException {
    Map<Integer, String> out = new HashMap<>();
    if (!Files.exists(file)) {
      return out;
    }
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(TextNumbers.readText(file));
    } catch (InvalidSceneException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidSceneException(file, "not valid JSON (" + io.github.bakefeature.core.io.ErrorText.describe(e) + ")", e);
    }
    JsonNode classes = root == null ? null : root.get("classes");
    if (classes == null || !classes.isArray()) {
      throw new InvalidSceneException(file, "expected an object with a \"classes\" array of {\"id\", \"name\"}");
    }
    for (JsonNode c : classes) {
      JsonNode id = c.get("id");
      JsonNode name = c.get("name");
      if (id == null || !id.canConvertToInt() || !id.isIntegralNumber() || name == null || !name.isTextual()
          || name.asText().isBlank()) {
        throw new InvalidSceneException(file, "expected every class to have an integer \"id\" and a non-empty \"name\", found " + c);
      }
      out.put(id.asInt(), name.asText());
    }
    return out;
  }

  /** Scene class names must be unique; Replica reuses a few names, so repeated ones get their id. */
  private static List<String> uniquify(List<String> names, List<Integer> ids) {
    Map<String, Integer> count = new HashMap<>();
    for (String s : names) {
      count.merge(s, 1, Integer::sum);
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String s = names.get(i);
      out.add(count.get(s) > 1 ? s + " (" + ids.get(i) + ")" : s);
    }
    return out;
  }
}
