package io.github.bakefeature.examples.cli;

import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.eval.GroundTruth;
import io.github.bakefeature.core.eval.LabelmeMasks;
import io.github.bakefeature.core.eval.SegmentationEvaluation;
import io.github.bakefeature.core.export.ViewSource;
import io.github.bakefeature.core.pipelines.SemanticFieldModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bakefeature evaluate}: mIoU, pixel accuracy and per-class IoU against reference labels. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {"Measure mIoU, pixel accuracy and per-class IoU against reference labels.",
        "References: gt_semantic/ PNGs or labelme polygon files in gt_masks/ (<frame>.json). Prints JSON lines: miou, "
            + "pixel_accuracy, then one iou line per class (value null for a class in neither reference nor prediction)."})
public final class EvaluateCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  TrainedSceneOptions input;

  @Option(names = "--frames", description = "Frames to evaluate (default: every frame with a reference).")
  String frames;

  @Option(names = "--reference", defaultValue = "auto",
      description = "auto (gt_semantic/ if present, else gt_masks/) | gt_semantic | gt_masks (default: ${DEFAULT-VALUE}).")
  String reference;

  @Option(names = "--render-scale", paramLabel = "S", defaultValue = "1",
      description = "Render at this fraction of the frame resolution, in (0, 1], and upsample the class maps along the"
          + " colour image's edges as `segment` and `export --masks` do (default: 1; the time falls with its square)."
          + " Measures the class maps those commands write at the same scale (before their --min-confidence and"
          + " --keep-components).")
  double renderScale;

  @Override
  public Integer call() throws Exception {
    Scene s = input.openScene();
    GroundTruth gt = switch (reference) {
      case "auto" -> GroundTruth.detect(s);
      case "gt_semantic" -> GroundTruth.semantic(s);
      case "gt_masks" -> GroundTruth.labelme(s, input.scene.resolve(LabelmeMasks.FOLDER));
      default -> throw new IllegalArgumentException("--reference must be auto, gt_semantic or gt_masks, found '"
          + reference + "'");
    };
    if (gt.frames().length == 0) {
      throw new IllegalArgumentException("--reference " + gt.kind() + ": expected reference labels in "
          + input.scene.resolve(gt.kind()) + ", found none for any frame");
    }
    int[] f = frames == null ? null : FrameList.parse(frames, s.size());
    if (!(renderScale > 0 && renderScale <= 1)) {
      throw new IllegalArgumentException("--render-scale must be in (0, 1], found " + renderScale);
    }
    // A model that never saw a label has arbitrary classes: its mIoU would mean nothing (train reports none).
    SemanticFieldModel model = input.loadLabelledModel(s, spec.commandLine().getErr());
    long t0 = System.nanoTime();
    SegmentationEvaluation e;
    try (Progress.StageBars bars = new Progress.StageBars(spec.commandLine().getErr())) {
      int n = f != null ? f.length : gt.frames().length;
      ViewSource views = ViewSource.withProgress(ViewSource.of(model, s), "evaluate frames", n, bars);
      e = SegmentationEvaluation.of(ViewSource.upsampledClasses(views, s, renderScale, 0f), model.classCount(), s, gt,
          f);
    }
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Object> common = new LinkedHashMap<>();
    common.put("reference", e.source());
    common.put("frames", e.frames().length);
    common.put("pixels", e.pixels());
    common.put("method", model.method());
    common.put("render_scale", renderScale);
    line(out, "miou", e.miou(), common);
    line(out, "pixel_accuracy", e.pixelAccuracy(), common);
    for (int c = 0; c < e.perClassIou().length; c++) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("class_id", c);
      m.put("class", e.classNames().get(c));
      m.putAll(common);
      line(out, "iou", e.perClassIou()[c], m);
    }
    spec.commandLine().getErr().printf("evaluate: %d frames against %s in %.1f s%n", e.frames().length, e.source(),
        (System.nanoTime() - t0) / 1e9);
    return 0;
  }

  /** A metric line; NaN (undefined) becomes JSON null, which strict parsers accept. */
  private static void line(PrintWriter out, String name, double value, Map<String, Object> extra) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("metric", name);
    m.put("value", Double.isNaN(value) ? null : value);
    m.putAll(extra);
    out.println(JsonLines.toLine(m));
    out.flush();
  }
}
