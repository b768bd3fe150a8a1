package io.github.bakefeature.examples.cli;

import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.export.ConnectedComponents;
import io.github.bakefeature.core.export.LabelledPointCloud;
import io.github.bakefeature.core.export.MaskExporter;
import io.github.bakefeature.core.export.PointCloudExporter;
import io.github.bakefeature.core.export.ViewSource;
import io.github.bakefeature.core.pipelines.SemanticFieldModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bakefeature export}: dense masks or a labelled point cloud from a trained model. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Export class masks or a labelled 3D point cloud of a trained scene.",
        "--masks: per-frame class masks and overlays; --pointcloud: binary PLY with x y z, red green blue, class and",
        "confidence per point, class names and colours as header comments."})
public final class ExportCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  TrainedSceneOptions input;

  @Option(names = "--frames", description = "Frames to export or fuse, e.g. 0,5,10-20 (default: all).")
  String frames;

  @Option(names = "--min-confidence", paramLabel = "C",
      description = "--masks: pixels with confidence at most C are unknown (default: only pixels whose ray hit"
          + " nothing); --pointcloud: pixels whose class confidence is below C are skipped (default: 0.5).")
  Float minConfidence;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  /** Exactly one kind of export. */
  static final class Target {
    @ArgGroup(exclusive = false)
    Masks masks;

    @ArgGroup(exclusive = false)
    Cloud cloud;
  }

  /** Mask options. */
  static final class Masks {
    @Option(names = "--masks", required = true, paramLabel = "DIR", description = "Write masks/, overlays/ and classes.json here.")
    Path dir;

    @Option(names = "--keep-components", defaultValue = "0",
        description = "Keep the N largest connected regions per class (default: off).")
    int keep;

    @Option(names = "--connectivity", defaultValue = "4", description = "4 or 8 (default: ${DEFAULT-VALUE}).")
    int connectivity;
  }

  /** Point cloud options. */
  static final class Cloud {
    @Option(names = "--pointcloud", required = true, paramLabel = "FILE", description = "PLY file to write.")
    Path file;

    @Option(names = "--voxel", paramLabel = "M", description = "Voxel edge in metres (default: scene diagonal / 256).")
    Double voxel;

    @Option(names = "--frame-stride", defaultValue = "1", description = "Fuse every N-th frame (default: ${DEFAULT-VALUE}).")
    int stride;

    @Option(names = "--render-scale", defaultValue = "1",
        description = "Render at this fraction of the frame resolution (default: ${DEFAULT-VALUE}).")
    double renderScale;
  }

  @Override
  public Integer call() throws Exception {
    Scene s = input.openScene();
    int[] f = FrameList.parse(frames, s.size());
    if (target.masks != null) {
      OutputPaths.folder("--masks", target.masks.dir, input.scene);
    } else {
      OutputPaths.file("--pointcloud", target.cloud.file, input.scene, "a PLY file", OutputPaths.ascii("ply\n"));
    }
    // Validate the export options before the (slow) checkpoint load.
    MaskExporter masks = null;
    PointCloudExporter cloud = null;
    if (target.masks != null) {
      masks = MaskExporter.builder().optKeepComponents(target.masks.keep)
          .optConnectivity(ConnectedComponents.Connectivity.of(target.masks.connectivity))
          .optMinConfidence(minConfidence == null ? 0f : minConfidence).build();
    } else {
      PointCloudExporter.Builder b = PointCloudExporter.builder().optFrames(f).optFrameStride(target.cloud.stride)
          .optRenderScale(target.cloud.renderScale).optMinConfidence(minConfidence == null ? 0.5f : minConfidence);
      if (target.cloud.voxel != null) {
        b.optVoxelSize(target.cloud.voxel);
      }
      cloud = b.build();
      // Every frame's render size (frame size x --render-scale) is within the render limits.
      cloud.cameras(s);
    }
    SemanticFieldModel model = masks != null ? input.loadLabelledModel(s, spec.commandLine().getErr())
        : input.loadModel(s, spec.commandLine().getErr());
    long t0 = System.nanoTime();
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("command", "export");
    // One bar step per rendered frame: a full-size render takes seconds on a CPU.
    Progress.StageBars bars = new Progress.StageBars(spec.commandLine().getErr());
    if (masks != null) {
      MaskExporter.Summary sum;
      try (bars) {
        sum = masks.export(ViewSource.withProgress(ViewSource.of(model, s), "export masks", f.length, bars), s,
            model.classCount(), f, target.masks.dir);
      }
      line.put("kind", "masks");
      line.put("frames", sum.frames());
      line.put("out", target.masks.dir.toAbsolutePath().toString());
      line.put("bit_depth", sum.bitDepth());
      line.put("pixels_cleaned", sum.pixelsCleaned());
      line.put("unknown_pixels", sum.unknownPixels());
    } else {
      LabelledPointCloud c;
      if (model.unlabelled()) {
        spec.commandLine().getErr().println("export: the model never saw a labelled pixel: points carry depth and"
            + " colour, class " + LabelledPointCloud.UNKNOWN_CLASS + " (unknown) and confidence 0");
      }
      try (bars) {
        ViewSource views = ViewSource.withProgress(ViewSource.of(model, s), "export point cloud",
            cloud.frames(s).length, bars);
        c = model.unlabelled() ? cloud.fuseGeometry(views, s) : cloud.fuse(views, s, model.classCount());
      }
      Path parent = target.cloud.file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      c.writePly(target.cloud.file);
      line.put("kind", "pointcloud");
      line.put("frames", cloud.frames(s).length);
      line.put("points", c.count());
      line.put("labelled", !model.unlabelled());
      line.put("voxel_m", cloud.voxelSize(s));
      line.put("out", target.cloud.file.toAbsolutePath().toString());
      spec.commandLine().getErr().println("export: " + c.count() + " points -> " + target.cloud.file);
    }
    line.put("seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
    spec.commandLine().getOut().println(JsonLines.toLine(line));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
