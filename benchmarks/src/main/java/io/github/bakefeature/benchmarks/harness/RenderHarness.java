package io.github.bakefeature.benchmarks.harness;

import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.djl.DjlRuntime;
import io.github.bakefeature.core.io.ImageFiles;
import io.github.bakefeature.core.pipelines.SemanticFieldModel;
import io.github.bakefeature.core.renderers.FieldRenderer;
import io.github.bakefeature.core.viz.ColourMaps;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;

/**
 * Renders frames of a synthetic scene with a checkpoint and reports ms per frame and the work
 * done (samples marched and shaded per ray). Arguments as {@link QualityHarness}, plus
 * {@code ckpt=FILE}, {@code renderWidth/renderHeight} and {@code out=DIR} to save images.
 */
public final class RenderHarness {
  private RenderHarness() {}

  public static void main(String[] args) throws Exception {
    DjlRuntime.ensureOffline();
    HarnessArgs o = new HarnessArgs(args, "ckpt", "renderWidth", "renderHeight", "out");
    Scene scene = o.syntheticScene();
    SemanticFieldModel model = SemanticFieldModel.load(Path.of(o.require("ckpt")));
    int rw = o.getInt("renderWidth", 320);
    int rh = o.getInt("renderHeight", 240);
    int[] frames = {4, 9, 14};
    for (int rep = 0; rep < 2; rep++) {
      for (int fi : frames) {
        Frame f = scene.frame(fi);
        CameraIntrinsics k = f.intrinsics().resized(rw, rh);
        FieldRenderer r = model.newRenderer();
        long t0 = System.nanoTime();
        var v = r.render(k, f.pose(), EnumSet.of(RenderOutput.COLOUR, RenderOutput.DEPTH, RenderOutput.CLASSES), 0);
        double ms = (System.nanoTime() - t0) / 1e6;
        long[] st = r.statistics();
        int px = rw * rh;
        System.out.printf(Locale.ROOT, "frame %d %dx%d: %.0f ms, marched %.1f/ray, shaded %.1f/ray, rounds %d, "
                + "march %.0f ms, encode %.0f ms, density %.0f ms, heads %.0f ms%n", fi, rw, rh, ms,
            st[0] / (double) px, st[1] / (double) px, st[2], st[3] / 1e6, st[4] / 1e6, st[5] / 1e6, st[6] / 1e6);
        if (o.containsKey("out") && rep == 0) {
          Path out = Path.of(o.require("out"));
          ImageFiles.writeRgbPng(ColourMaps.colour(v.colour(), rw, rh), out.resolve(fi + "_render.png"));
          ImageFiles.writeRgbPng(f.rgb(), out.resolve(fi + "_gt.png"));
          ImageFiles.writeRgbPng(ColourMaps.depth(v.depth(), rw, rh), out.resolve(fi + "_depth.png"));
        }
      }
    }
  }
}
