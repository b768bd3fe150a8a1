package io.github.bakefeature.benchmarks.harness;

import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.field.RenderedView;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.djl.DjlRuntime;
import io.github.bakefeature.core.eval.SegmentationMetrics;
import io.github.bakefeature.core.export.LabelUpsampler;
import io.github.bakefeature.core.pipelines.SemanticFieldModel;
import io.github.bakefeature.core.scene.SceneFolder;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;

/**
 * What {@code export --masks --render-scale S} costs and loses: renders frames of a scene with ground
 * truth ({@code scene=DIR}, e.g. from {@code synth}) with a checkpoint ({@code ckpt=FILE}) at full
 * resolution and at each scale of {@code scales=} (default {@code 0.5,0.25}), brings the smaller
 * class maps back to full size by joint bilateral upsampling (what the export does) and, as the
 * baseline, by nearest sample, and prints one JSON line per scale: mIoU against ground truth,
 * pixels agreeing with the full-resolution render, and ms per frame (a scene without ground truth,
 * e.g. a real capture, gets the agreement and the times only). {@code every=N} (default 2) takes
 * every N-th frame. The full-resolution line also gives the baseline of rendering around the
 * frames' measured depth, as exports do: the same frames rendered as novel views (marching).
 */
public final class MaskScaleHarness {
  private MaskScaleHarness() {}

  public static void main(String[] args) throws Exception {
    DjlRuntime.ensureOffline();
    HarnessArgs o = new HarnessArgs(args, "scene", "ckpt", "scales", "every");
    Scene scene = SceneFolder.open(Path.of(o.require("scene")));
    SemanticFieldModel model = SemanticFieldModel.load(Path.of(o.require("ckpt")));
    int every = o.getInt("every", 2);
    String[] scaleArgs = o.get("scales", "0.5,0.25").split(",");
    double[] scales = new double[scaleArgs.length];
    for (int i = 0; i < scales.length; i++) {
      scales[i] = Double.parseDouble(scaleArgs[i].trim());
    }
    int classes = Math.max(model.classCount(), scene.classNames().size()); // ground-truth ids may exceed the model's
    SegmentationMetrics full = new SegmentationMetrics(classes);
    // The baseline of rendering around the measured depth: a novel view of the same pose (marching).
    SegmentationMetrics novel = new SegmentationMetrics(classes);
    double novelMs = 0;
    long agreeNovel = 0;
    SegmentationMetrics[] jbu = new SegmentationMetrics[scales.length];
    SegmentationMetrics[] nearest = new SegmentationMetrics[scales.length];
    long[] agreeJbu = new long[scales.length];
    long[] agreeNearest = new long[scales.length];
    double[] renderMs = new double[scales.length];
    double[] upsampleMs = new double[scales.length];
    for (int s = 0; s < scales.length; s++) {
      jbu[s] = new SegmentationMetrics(classes);
      nearest[s] = new SegmentationMetrics(classes);
    }
    // One untimed pass of every configuration first: the first render of a JVM also pays for JIT
    // compilation and PyTorch's start-up, which would otherwise land on the full-size timing.
    {
      Frame f0 = scene.frame(0);
      model.renderFrame(f0, f0.intrinsics(), EnumSet.of(RenderOutput.CLASSES));
      model.render(f0.intrinsics(), f0.pose(), EnumSet.of(RenderOutput.CLASSES));
      for (double sc : scales) {
        CameraIntrinsics small = f0.intrinsics().scaled(sc);
        RenderedView v = model.renderFrame(f0, small, EnumSet.of(RenderOutput.CLASSES));
        LabelUpsampler.jointBilateral(LabelUpsampler.unknownAtOrBelow(v.classes(), v.confidence(), 0f), v.confidence(),
            small.width(), small.height(), f0.rgb());
      }
    }
    double fullMs = 0;
    long pixels = 0;
    int frames = 0;
    for (int fi = 0; fi < scene.size(); fi += every) {
      Frame f = scene.frame(fi);
      LabelImage truth = f.groundTruth().orElse(null);
      CameraIntrinsics k = f.intrinsics();
      long t0 = System.nanoTime();
      // As the exports render: around the frame's measured depth (resized with the camera).
      RenderedView ref = model.renderFrame(f, k, EnumSet.of(RenderOutput.CLASSES));
      fullMs += (System.nanoTime() - t0) / 1e6;
      short[] reference = LabelUpsampler.unknownAtOrBelow(ref.classes(), ref.confidence(), 0f);
      if (truth != null) {
        full.add(reference, truth.labels());
      }
      t0 = System.nanoTime();
      RenderedView marched = model.render(k, f.pose(), EnumSet.of(RenderOutput.CLASSES));
      novelMs += (System.nanoTime() - t0) / 1e6;
      short[] novelView = LabelUpsampler.unknownAtOrBelow(marched.classes(), marched.confidence(), 0f);
      if (truth != null) {
        novel.add(novelView, truth.labels());
      }
      agreeNovel += agree(novelView, reference);
      for (int s = 0; s < scales.length; s++) {
        CameraIntrinsics small = k.scaled(scales[s]);
        int rw = small.width();
        int rh = small.height();
        t0 = System.nanoTime();
        RenderedView v = model.renderFrame(f, small, EnumSet.of(RenderOutput.CLASSES));
        long t1 = System.nanoTime();
        // As MaskExporter: rays that hit nothing vote as unknown.
        short[] low = LabelUpsampler.unknownAtOrBelow(v.classes(), v.confidence(), 0f);
        LabelUpsampler.Result up = LabelUpsampler.jointBilateral(low, v.confidence(), rw, rh, f.rgb());
        long t2 = System.nanoTime();
        renderMs[s] += (t1 - t0) / 1e6;
        upsampleMs[s] += (t2 - t1) / 1e6;
        LabelUpsampler.Result near = LabelUpsampler.nearest(low, v.confidence(), rw, rh, k.width(), k.height());
        if (truth != null) {
          jbu[s].add(up.labels(), truth.labels());
          nearest[s].add(near.labels(), truth.labels());
        }
        agreeJbu[s] += agree(up.labels(), reference);
        agreeNearest[s] += agree(near.labels(), reference);
      }
      pixels += ref.classes().length;
      frames++;
    }
    System.out.printf(Locale.ROOT, "{\"scale\":1,\"frames\":%d,\"miou\":%s,\"render_ms_per_frame\":%.0f,"
            + "\"novel_view_miou\":%s,\"novel_view_ms_per_frame\":%.0f,\"novel_view_agree_with_full\":%.4f}%n",
        frames, num(full.meanIou()), fullMs / frames, num(novel.meanIou()), novelMs / frames, agreeNovel / (double) pixels);
    for (int s = 0; s < scales.length; s++) {
      System.out.printf(Locale.ROOT, "{\"scale\":%s,\"frames\":%d,\"miou_joint_bilateral\":%s,\"miou_nearest\":%s,"
              + "\"agree_with_full_joint_bilateral\":%.4f,\"agree_with_full_nearest\":%.4f,\"render_ms_per_frame\":%.0f,"
              + "\"upsample_ms_per_frame\":%.1f,\"speedup\":%.2f}%n",
          scales[s], frames, num(jbu[s].meanIou()), num(nearest[s].meanIou()), agreeJbu[s] / (double) pixels,
          agreeNearest[s] / (double) pixels, renderMs[s] / frames, upsampleMs[s] / frames,
          fullMs / (renderMs[s] + upsampleMs[s]));
    }
  }

  /** {@code v} to 4 decimals, or null (no ground truth). */
  private static String num(double v) {
    return Double.isNaN(v) ? "null" : String.format(Locale.ROOT, "%.4f", v);
  }

  private static long agree(short[] a, short[] b) {
    long n = 0;
    for (int i = 0; i < a.length; i++) {
      n += a[i] == b[i] ? 1 : 0;
    }
    return n;
  }
}
