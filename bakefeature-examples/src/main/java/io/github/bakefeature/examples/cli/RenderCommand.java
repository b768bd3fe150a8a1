package io.github.bakefeature.examples.cli;

import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.field.RenderedView;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.io.ImageFiles;
import io.github.bakefeature.core.pipelines.SemanticFieldModel;
import io.github.bakefeature.core.viz.ColourMaps;
import io.github.bakefeature.core.viz.Palette;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bakefeature render}: renders one frame of a scene with a trained model. */
@Command(name = "render", mixinStandardHelpOptions = true,
    description = {"Render colour, depth (colour-mapped), class map and confidence PNGs of one frame.",
        "Writes <frame>_colour.png, _depth.png, _classes.png and _confidence.png into --out (colour and depth only "
            + "for a model that never saw a labelled pixel); prints one JSON line."})
public final class RenderCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  TrainedSceneOptions input;

  @Option(names = "--frame", required = true, description = "Frame index.")
  int frame;

  @Option(names = "--out", required = true, description = "Output folder.")
  Path out;

  @Override
  public Integer call() throws Exception {
    Scene s = input.openScene();
    if (frame < 0 || frame >= s.size()) {
      throw new IllegalArgumentException("--frame must be in [0, " + s.size() + "), found " + frame);
    }
    OutputPaths.folder("--out", out, input.scene);
    SemanticFieldModel model = input.loadModel(s, spec.commandLine().getErr());
    Frame f = s.frame(frame);
    // A model that never saw a label has arbitrary classes: no class map or confidence for it.
    boolean classes = !model.unlabelled();
    if (!classes) {
      spec.commandLine().getErr().println("render: the model never saw a labelled pixel: colour and depth only");
    }
    long t0 = System.nanoTime();
    RenderedView v = model.render(f.intrinsics(), f.pose(), classes
        ? EnumSet.of(RenderOutput.COLOUR, RenderOutput.DEPTH, RenderOutput.CLASSES)
        : EnumSet.of(RenderOutput.COLOUR, RenderOutput.DEPTH));
    double ms = (System.nanoTime() - t0) / 1e6;
    Files.createDirectories(out);
    String stem = String.format("%05d", frame);
    int w = v.width();
    int h = v.height();
    ImageFiles.writeRgbPng(ColourMaps.colour(v.colour(), w, h), out.resolve(stem + "_colour.png"));
    ImageFiles.writeRgbPng(ColourMaps.depth(v.depth(), w, h), out.resolve(stem + "_depth.png"));
    if (classes) {
      ImageFiles.writeRgbPng(ColourMaps.classes(v.classMap(), Palette.colours(model.classCount())),
          out.resolve(stem + "_classes.png"));
      ImageFiles.writeRgbPng(ColourMaps.confidence(v.confidence(), w, h), out.resolve(stem + "_confidence.png"));
    } else {
      // An earlier render of this frame by a labelled model left these here: beside the new colour
      // and depth they would pass for this model's classes.
      boolean removed = false;
      for (String layer : new String[] {"_classes.png", "_confidence.png"}) {
        Path stale = out.resolve(stem + layer);
        if (Files.isRegularFile(stale, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.delete(stale);
          removed = true;
        }
      }
      if (removed) {
        spec.commandLine().getErr().println("render: removed the class map and confidence of an earlier render of"
            + " frame " + frame + " from " + out);
      }
    }
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("frame", frame);
    line.put("out", out.toAbsolutePath().toString());
    line.put("width", w);
    line.put("height", h);
    line.put("classes", classes);
    line.put("render_ms", Math.round(ms));
    spec.commandLine().getOut().println(JsonLines.toLine(line));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
