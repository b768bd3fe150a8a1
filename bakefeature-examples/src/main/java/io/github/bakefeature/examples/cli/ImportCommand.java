package io.github.bakefeature.examples.cli;

import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.dataparsers.Importers;
import io.github.bakefeature.core.dataparsers.ScanNetImporter;
import io.github.bakefeature.core.dataparsers.ScanNetLabelTable;
import io.github.bakefeature.core.dataparsers.SceneImporter;
import io.github.bakefeature.core.dataparsers.TransformsJsonImporter;
import io.github.bakefeature.core.dataparsers.TumImporter;
import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.scene.SceneWriter;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bakefeature import --format replica|transforms|7scenes|tum|scannet --in DIR --out DIR}:
 * converts a dataset into a new scene folder (written atomically: on failure nothing is left at
 * {@code --out}) and prints one JSON line describing the result. {@code --every N} keeps every
 * N-th frame of any format; {@code --intrinsics}, {@code --distortion}, {@code --trajectory} and
 * {@code --depth-scale} are {@link TumImporter}'s options and refused for the other formats. For
 * scannet, frames whose pose is invalid are skipped and counted ({@code skipped_invalid_poses}).
 * For tum and transforms, the JSON line says which lens distortion was removed ({@code distortion}: k1, k2, p1,
 * p2, k3; all 0 for none).
 */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = "Convert a dataset (Semantic-NeRF Replica renders, nerfstudio/instant-ngp transforms.json, "
        + "Microsoft 7-Scenes, TUM RGB-D / SLAM trajectories, ScanNet SensReader exports) into a new scene folder.")
public final class ImportCommand implements Callable<Integer> {

  @Option(names = "--format", required = true, paramLabel = "FORMAT",
      description = "Source layout: replica, transforms, 7scenes, tum or scannet.")
  String format;

  @Option(names = "--in", required = true, paramLabel = "DIR",
      description = "Source dataset folder (for transforms: the folder of transforms.json, or the file).")
  Path in;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Scene folder to create; must not exist or be empty.")
  Path out;

  @Option(names = "--every", paramLabel = "N", defaultValue = "1",
      description = "Keep every N-th frame, starting with the first (tum: every N-th associated frame; scannet: "
          + "every N-th exported frame, then frames with invalid poses are dropped). Default 1.")
  int every;

  @Option(names = "--intrinsics", paramLabel = "FX,FY,CX,CY",
      description = "tum: the colour camera in pixels (pixel centres at integer coordinates). Default when the folder "
          + "name says freiburg1/2/3: 525,525,319.5,239.5 (the benchmark's camera for its stored images).")
  String intrinsics;

  @Option(names = "--distortion", paramLabel = "K1,K2,P1,P2,K3",
      description = "tum: the colour camera's lens distortion (OpenCV's radial-tangential coefficients, in OpenCV's "
          + "order), removed from colour and depth. Default none: images used as stored.")
  String distortion;

  @Option(names = "--trajectory", paramLabel = "FILE",
      description = "tum: trajectory 'timestamp tx ty tz qx qy qz qw' (camera-to-world) to use instead of "
          + "groundtruth.txt, e.g. a SLAM system's estimate.")
  Path trajectory;

  @Option(names = "--depth-scale", paramLabel = "S",
      description = "tum: depth PNG units per metre. Default 5000.")
  Double depthScale;

  @Option(names = "--label-table", paramLabel = "TSV",
      description = "scannet: ScanNet's scannetv2-labels.combined.tsv (from your ScanNet download), to name classes "
          + "by category and for --label-set nyu40.")
  Path labelTable;

  @Option(names = "--label-set", paramLabel = "SET",
      description = "scannet: classes the label-filt ids become: scannet (one per ScanNet id, default) or nyu40 "
          + "(their NYU40 classes; needs --label-table).")
  String labelSet;

  /** Which dataset file each frame of an imported scene came from: {@code frame<TAB>path under --in}. */
  static final String SOURCE_FRAMES = "source_frames.tsv";

  /**
   * Writes {@link #SOURCE_FRAMES} into the new scene folder, so that frames and the masks exported
   * for them can be matched to the raw capture (its file names, TUM's timestamps) after --every,
   * skipped frames and renumbering; null when no frame knows its source file.
   */
  static Path writeSourceFrames(Scene scene, Path in, Path out) throws java.io.IOException {
    StringBuilder sb = new StringBuilder("frame\tsource\n");
    boolean any = false;
    Path root = in.toAbsolutePath().normalize();
    for (io.github.bakefeature.api.scene.Frame f : scene.frames()) {
      java.util.Optional<Path> src = f instanceof io.github.bakefeature.core.scene.FileBackedFrame fb
          ? fb.sourceFile() : java.util.Optional.empty();
      any |= src.isPresent();
      Path p = src.map(x -> x.toAbsolutePath().normalize()).orElse(null);
      sb.append(f.name()).append('\t')
          .append(p == null ? "" : (p.startsWith(root) ? root.relativize(p) : p).toString().replace('\\', '/')).append('\n');
    }
    if (!any) {
      return null;
    }
    Path file = out.resolve(SOURCE_FRAMES);
    io.github.bakefeature.core.io.AtomicFiles.writeString(file, sb.toString());
    return file;
  }

  @Override
  public Integer call() throws Exception {
    PrintStream err = System.err;
    SceneImporter importer = configure(Importers.byName(format));
    if (Files.exists(out) && !(Files.isDirectory(out) && isEmpty(out))) {
      throw new IllegalArgumentException("--out " + out + ": expected a new or empty folder, found "
          + (Files.isDirectory(out) ? "a non-empty folder" : "a file"));
    }
    OutputPaths.folder("--out", out, null);
    err.println("bakefeature import: reading " + importer.format() + " dataset " + in);
    Scene scene;
    TumImporter.Association association = null;
    TumImporter.Distortion removed = null;
    List<Path> skipped = null;
    if (importer instanceof TumImporter tum) {
      TumImporter.Result r = tum.readWithReport(in);
      association = r.association();
      err.println("bakefeature import: " + association.summary());
      removed = r.distortion();
      printRemoved(err, removed);
      scene = r.scene();
    } else if (importer instanceof TransformsJsonImporter transforms) {
      TransformsJsonImporter.Result r = transforms.readWithReport(in, every);
      removed = r.distortion();
      printRemoved(err, removed);
      scene = r.scene();
    } else if (importer instanceof ScanNetImporter scanNet) {
      ScanNetImporter.Result r = scanNet.readScan(in);
      scene = r.scene();
      skipped = r.skippedPoses();
      if (!skipped.isEmpty()) {
        err.println("bakefeature import: skipped " + skipped.size() + " frame" + (skipped.size() == 1 ? "" : "s")
            + " whose pose is not finite (-inf/nan): " + String.join(", ", skipped.stream().limit(5)
            .map(p -> in.relativize(p).toString()).toList()) + (skipped.size() > 5 ? ", ..." : ""));
      }
    } else {
      // Thinned while reading: the frames left out are never decoded.
      scene = importer.read(in, every);
    }
    err.println("bakefeature import: writing " + scene.size() + " frames to " + out);
    int step = Math.max(1, scene.size() / 10);
    try {
      SceneWriter.write(scene, out, (done, total) -> {
        if (done % step == 0 || done == total) {
          err.println("bakefeature import: " + done + "/" + total + " frames written");
        }
      });
    } catch (FileAlreadyExistsException e) {
      throw new IllegalArgumentException("--out " + out + ": expected a new or empty folder"
          + (e.getReason() == null ? "" : " (" + e.getReason() + ")"), e);
    }
    Path sources = writeSourceFrames(scene, in, out);
    SceneFolder written = SceneFolder.open(out);
    // What `info` checks, said at once: a wrong assumed camera (e.g. Replica renders of another
    // field of view) or pose convention imports without an error but shows here.
    io.github.bakefeature.core.scene.PoseCheck poses = io.github.bakefeature.core.scene.PoseCheck.check(written);
    poses.warning().ifPresent(w -> err.println("bakefeature import: warning: " + w));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("command", "import");
    m.put("format", importer.format());
    m.put("in", in.toString());
    m.put("out", out.toString());
    m.put("frames", written.size());
    if (sources != null) {
      m.put("source_frames", sources.toString());
    }
    m.put("width", written.width());
    m.put("height", written.height());
    m.put("classes", written.classNames().size());
    m.put("has_ground_truth", written.hasGroundTruth());
    if (association != null) {
      m.put("skipped_without_depth", association.withoutDepth());
      m.put("skipped_without_pose", association.withoutPose());
    }
    if (removed != null) {
      m.put("distortion", List.of(removed.k1(), removed.k2(), removed.p1(), removed.p2(), removed.k3()));
    }
    if (skipped != null) {
      m.put("skipped_invalid_poses", skipped.size());
    }
    var b = written.bounds();
    m.put("bounds", List.of(b.minX(), b.minY(), b.minZ(), b.maxX(), b.maxY(), b.maxZ()));
    m.put("pose_check", poses.toMap());
    System.out.println(JsonLines.toLine(m));
    System.out.flush();
    return 0;
  }

  /** Says which lens distortion is removed from the images, if any. */
  private static void printRemoved(PrintStream err, TumImporter.Distortion d) {
    if (!d.isNone()) {
      err.println("bakefeature import: removing lens distortion k1,k2,p1,p2,k3 = " + d.k1() + "," + d.k2() + ","
          + d.p1() + "," + d.p2() + "," + d.k3());
    }
  }

  /** The scannet importer with --every, --label-table and --label-set applied. */
  private ScanNetImporter scanNetOptions() throws java.io.IOException {
    ScanNetImporter.Builder b = ScanNetImporter.builder().optEvery(every);
    if (labelTable != null) {
      b.optLabelTable(ScanNetLabelTable.read(labelTable));
    }
    if (labelSet != null) {
      try {
        b.optLabelSet(ScanNetImporter.LabelSet.valueOf(labelSet.strip().toUpperCase(java.util.Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--label-set: expected scannet or nyu40, found '" + labelSet + "'", e);
      }
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--label-set nyu40: " + e.getMessage(), e);
    }
  }

  /**
   * {@code importer} with this command's options applied (tum and scannet take theirs through
   * their builders); options of another format are refused.
   */
  private SceneImporter configure(SceneImporter importer) throws java.io.IOException {
    if (every < 1) {
      throw new IllegalArgumentException("--every: expected a positive number of frames, found " + every);
    }
    if (!(importer instanceof ScanNetImporter) && (labelTable != null || labelSet != null)) {
      throw new IllegalArgumentException((labelTable != null ? "--label-table" : "--label-set")
          + ": applies to --format scannet only, found --format " + importer.format());
    }
    if (importer instanceof ScanNetImporter) {
      refuseTumOptions(importer);
      return scanNetOptions();
    }
    if (!(importer instanceof TumImporter)) {
      refuseTumOptions(importer);
      return importer;
    }
    TumImporter.Builder b = TumImporter.builder().optEvery(every);
    if (intrinsics != null) {
      try {
        double[] k = TumImporter.parseIntrinsics(intrinsics);
        b.optIntrinsics(k[0], k[1], k[2], k[3]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--intrinsics: " + e.getMessage(), e);
      }
    }
    if (distortion != null) {
      try {
        double[] d = TumImporter.parseDistortion(distortion);
        b.optDistortion(d[0], d[1], d[2], d[3], d[4]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--distortion: " + e.getMessage(), e);
      }
    }
    if (trajectory != null) {
      b.optTrajectory(trajectory.toAbsolutePath()); // relative to the working directory, as typed
    }
    if (depthScale != null) {
      try {
        b.optDepthScale(depthScale);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--depth-scale: " + e.getMessage(), e);
      }
    }
    return b.build();
  }

  private void refuseTumOptions(SceneImporter importer) {
    String given = intrinsics != null ? "--intrinsics" : distortion != null ? "--distortion"
        : trajectory != null ? "--trajectory" : depthScale != null ? "--depth-scale" : null;
    if (given != null) {
      throw new IllegalArgumentException(given + ": applies to --format tum only, found --format " + importer.format());
    }
  }

  private static boolean isEmpty(Path dir) throws java.io.IOException {
    try (var s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }
}
