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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bakefeature export}: dense masks or a labelled point cloud from a trained model. */
@Command(name = "export", mixinStandardHelpOptions = true,
    customSynopsis = {"bakefeature export --scene=DIR --checkpoint=FILE [--frames=LIST]",
        "       [--min-confidence=C] [--render-scale=S]",
        "       (--masks=DIR [--keep-components=N] [--connectivity=4|8]",
        "        | --pointcloud=FILE [--voxel=M] [--frame-stride=N])"},
    description = {"Export class masks or a labelled 3D point cloud of a trained scene.",
        "--masks: per-frame class masks and overlays; --pointcloud: binary PLY with x y z, red green blue, class and "
            + "confidence per point, class names and colours as header comments."})
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

  // One kind of export per run. Plain options checked in call() rather than picocli argument
  // groups, whose messages for a misplaced option ("Missing required argument(s): --masks=DIR" for
  // --pointcloud with --keep-components) do not say what is wrong.
  @Option(names = "--masks", paramLabel = "DIR", description = "Write masks/, overlays/ and classes.json here.")
  Path masksDir;

  @Option(names = "--keep-components", paramLabel = "N",
      description = "--masks only: keep the N largest connected regions per class (default: off).")
  Integer keep;

  @Option(names = "--connectivity", paramLabel = "4|8",
      description = "--masks only: connectivity of those regions, 4 or 8 (default: 4).")
  Integer connectivity;

  @Option(names = "--pointcloud", paramLabel = "FILE", description = "PLY file to write.")
  Path plyFile;

  @Option(names = "--voxel", paramLabel = "M",
      description = "--pointcloud only: voxel edge in metres (default: scene diagonal / 256).")
  Double voxel;

  @Option(names = "--frame-stride", paramLabel = "N", description = "--pointcloud only: fuse every N-th frame (default: 1).")
  Integer stride;

  @Option(names = "--render-scale", paramLabel = "S",
      description = "Render at this fraction of the frame resolution (default: 1; the time falls with its square)."
          + " --masks: in (0, 1], masks still at the frame's size, upsampled along its colour image's edges;"
          + " --pointcloud: in (0, 4].")
  Double renderScale;

  /** Exactly one of --masks and --pointcloud, and only the options of that one. */
  private void checkTarget() {
    if (masksDir != null && plyFile != null) {
      throw new IllegalArgumentException("--masks and --pointcloud are mutually exclusive: export one kind per run");
    }
    if (masksDir == null && plyFile == null) {
      throw new IllegalArgumentException("expected --masks DIR (class masks and overlays) or --pointcloud FILE"
          + " (labelled PLY point cloud)");
    }
    String kind = masksDir != null ? "--masks" : "--pointcloud";
    Object[][] only = masksDir != null
        ? new Object[][] {{"--voxel", voxel}, {"--frame-stride", stride}}
        : new Object[][] {{"--keep-components", keep}, {"--connectivity", connectivity}};
    for (Object[] o : only) {
      if (o[1] != null) {
        throw new IllegalArgumentException(o[0] + " applies to " + (masksDir != null ? "--pointcloud" : "--masks")
            + " only, found it with " + kind);
      }
    }
  }

  @Override
  public Integer call() throws Exception {
    checkTarget();
    Scene s = input.openScene();
    int[] f = FrameList.parse(frames, s.size());
    if (masksDir != null) {
      OutputPaths.folder("--masks", masksDir, input.scene);
    } else {
      OutputPaths.file("--pointcloud", plyFile, input.scene, "a PLY file", OutputPaths.ascii("ply\n"));
    }
    // Validate the export options before the (slow) checkpoint load.
    MaskExporter masks = null;
    PointCloudExporter cloud = null;
    if (masksDir != null) {
      MaskExporter.Builder b = MaskExporter.builder();
      OptionValues.set("--keep-components", () -> b.optKeepComponents(keep == null ? 0 : keep));
      OptionValues.set("--connectivity", () -> b.optConnectivity(
          ConnectedComponents.Connectivity.of(connectivity == null ? 4 : connectivity)));
      OptionValues.set("--min-confidence", () -> b.optMinConfidence(minConfidence == null ? 0f : minConfidence));
      OptionValues.set("--render-scale", () -> b.optRenderScale(renderScale == null ? 1 : renderScale));
      masks = b.build();
    } else {
      PointCloudExporter.Builder b = PointCloudExporter.builder().optFrames(f);
      OptionValues.set("--frame-stride", () -> b.optFrameStride(stride == null ? 1 : stride));
      OptionValues.set("--render-scale", () -> b.optRenderScale(renderScale == null ? 1 : renderScale));
      OptionValues.set("--min-confidence", () -> b.optMinConfidence(minConfidence == null ? 0.5f : minConfidence));
      if (voxel != null) {
        OptionValues.set("--voxel", () -> b.optVoxelSize(voxel));
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
            model.classCount(), f, masksDir);
      }
      line.put("kind", "masks");
      line.put("frames", sum.frames());
      line.put("out", masksDir.toAbsolutePath().toString());
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
      Path parent = plyFile.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      c.writePly(plyFile);
      line.put("kind", "pointcloud");
      line.put("frames", cloud.frames(s).length);
      line.put("points", c.count());
      line.put("labelled", !model.unlabelled());
      line.put("voxel_m", cloud.voxelSize(s));
      line.put("out", plyFile.toAbsolutePath().toString());
      spec.commandLine().getErr().println("export: " + c.count() + " points -> " + plyFile);
    }
    line.put("seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
    spec.commandLine().getOut().println(JsonLines.toLine(line));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
