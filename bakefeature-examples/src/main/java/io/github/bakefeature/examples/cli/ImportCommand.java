package io.github.bakefeature.examples.cli;

import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.dataparsers.Importers;
import io.github.bakefeature.core.dataparsers.ScanNetImporter;
import io.github.bakefeature.core.dataparsers.SceneImporter;
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
 * {@code bakefeature import --format replica|transforms|7scenes|scannet --in DIR --out DIR
 * [--every N]}: converts a dataset into a new scene folder (written atomically: on failure nothing
 * is left at {@code --out}) and prints one JSON line describing the result. For scannet, frames
 * whose pose is invalid are skipped and counted ({@code skipped_invalid_poses}).
 */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = "Convert a dataset (Semantic-NeRF Replica renders, nerfstudio/instant-ngp transforms.json, "
        + "Microsoft 7-Scenes, ScanNet SensReader exports) into a new scene folder.")
public final class ImportCommand implements Callable<Integer> {

  @Option(names = "--format", required = true, paramLabel = "FORMAT",
      description = "Source layout: replica, transforms, 7scenes or scannet.")
  String format;

  @Option(names = "--every", paramLabel = "N",
      description = "scannet only: keep every N-th frame, starting with the first (ScanNet records at 30 Hz; "
          + "default 1 = all).")
  Integer every;

  @Option(names = "--in", required = true, paramLabel = "DIR",
      description = "Source dataset folder (for transforms: the folder of transforms.json, or the file).")
  Path in;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Scene folder to create; must not exist or be empty.")
  Path out;

  @Override
  public Integer call() throws Exception {
    PrintStream err = System.err;
    SceneImporter importer = Importers.byName(format);
    if (every != null) {
      if (!(importer instanceof ScanNetImporter)) {
        throw new IllegalArgumentException("--every: only the scannet format subsamples frames, found --format "
            + importer.format());
      }
      if (every < 1) {
        throw new IllegalArgumentException("--every: expected a positive integer, found " + every);
      }
      importer = ScanNetImporter.builder().optEvery(every).build();
    }
    if (Files.exists(out) && !(Files.isDirectory(out) && isEmpty(out))) {
      throw new IllegalArgumentException("--out " + out + ": expected a new or empty folder, found "
          + (Files.isDirectory(out) ? "a non-empty folder" : "a file"));
    }
    OutputPaths.folder("--out", out, null);
    err.println("bakefeature import: reading " + importer.format() + " dataset " + in);
    Scene scene;
    List<Path> skipped = null;
    if (importer instanceof ScanNetImporter scanNet) {
      ScanNetImporter.Result r = scanNet.readScan(in);
      scene = r.scene();
      skipped = r.skippedPoses();
      if (!skipped.isEmpty()) {
        err.println("bakefeature import: skipped " + skipped.size() + " frame" + (skipped.size() == 1 ? "" : "s")
            + " whose pose is not finite (-inf/nan): " + String.join(", ", skipped.stream().limit(5)
            .map(p -> in.relativize(p).toString()).toList()) + (skipped.size() > 5 ? ", ..." : ""));
      }
    } else {
      scene = importer.read(in);
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
    SceneFolder written = SceneFolder.open(out);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("command", "import");
    m.put("format", importer.format());
    m.put("in", in.toString());
    m.put("out", out.toString());
    m.put("frames", written.size());
    m.put("width", written.width());
    m.put("height", written.height());
    m.put("classes", written.classNames().size());
    m.put("has_ground_truth", written.hasGroundTruth());
    if (skipped != null) {
      m.put("skipped_invalid_poses", skipped.size());
    }
    var b = written.bounds();
    m.put("bounds", List.of(b.minX(), b.minY(), b.minZ(), b.maxX(), b.maxY(), b.maxZ()));
    System.out.println(JsonLines.toLine(m));
    System.out.flush();
    return 0;
  }

  private static boolean isEmpty(Path dir) throws java.io.IOException {
    try (var s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }
}
