package io.github.bakefeature.examples.cli;

import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.export.ConnectedComponents;
import io.github.bakefeature.core.export.MaskExporter;
import io.github.bakefeature.core.export.ViewSource;
import io.github.bakefeature.core.pipelines.SemanticFieldModel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bakefeature segment}: dense class masks and overlays of frames from a trained model. */
@Command(name = "segment", mixinStandardHelpOptions = true,
    description = {"Write class masks and overlays of frames segmented by a trained model.",
        "Writes masks/<frame>.png (pixel = class id, 255 = unknown; 16-bit with 65535 = unknown beyond 255 classes), "
            + "overlays/<frame>.png and classes.json into --out."})
public final class SegmentCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  TrainedSceneOptions input;

  @Option(names = "--frames", description = "Frames, e.g. 0,5,10-20 (default: all).")
  String frames;

  @Option(names = "--out", required = true, description = "Output folder.")
  Path out;

  @Option(names = "--keep-components", defaultValue = "0",
      description = "Keep the N largest connected regions per class; others take the surrounding class (default: off).")
  int keepComponents;

  @Option(names = "--connectivity", defaultValue = "4", description = "4 or 8 (default: ${DEFAULT-VALUE}).")
  int connectivity;

  @Option(names = "--min-confidence", defaultValue = "0",
      description = "Pixels with confidence at most this are unknown (default: only pixels whose ray hit nothing).")
  float minConfidence;

  @Option(names = "--render-scale", paramLabel = "S", defaultValue = "1",
      description = "Render at this fraction of the frame resolution, in (0, 1] (default: 1; the time falls with its"
          + " square); masks stay at the frame's size, upsampled along its colour image's edges.")
  double renderScale;

  @Override
  public Integer call() throws Exception {
    Scene s = input.openScene();
    int[] f = FrameList.parse(frames, s.size());
    OutputPaths.folder("--out", out, input.scene);
    MaskExporter.Builder b = MaskExporter.builder();
    OptionValues.set("--keep-components", () -> b.optKeepComponents(keepComponents));
    OptionValues.set("--connectivity", () -> b.optConnectivity(ConnectedComponents.Connectivity.of(connectivity)));
    OptionValues.set("--min-confidence", () -> b.optMinConfidence(minConfidence));
    OptionValues.set("--render-scale", () -> b.optRenderScale(renderScale));
    MaskExporter ex = b.build();
    SemanticFieldModel model = input.loadLabelledModel(s, spec.commandLine().getErr());
    long t0 = System.nanoTime();
    MaskExporter.Summary sum;
    try (Progress.StageBars bars = new Progress.StageBars(spec.commandLine().getErr())) {
      sum = ex.export(ViewSource.withProgress(ViewSource.of(model, s), "segment frames", f.length, bars), s,
          model.classCount(), f, out);
    }
    spec.commandLine().getErr().println("segment: " + f.length + " frames -> " + out.resolve(MaskExporter.MASKS)
        + " and " + out.resolve(MaskExporter.OVERLAYS));
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("command", "segment");
    line.put("frames", f.length);
    line.put("out", out.toAbsolutePath().toString());
    line.put("bit_depth", sum.bitDepth());
    line.put("pixels_cleaned", sum.pixelsCleaned());
    line.put("unknown_pixels", sum.unknownPixels());
    line.put("seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
    spec.commandLine().getOut().println(JsonLines.toLine(line));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
