package io.github.bakefeature.benchmarks.harness;

import io.github.bakefeature.benchmarks.PhaseReport;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.data.FeatureSource;
import io.github.bakefeature.core.djl.DjlRuntime;
import io.github.bakefeature.core.features.FeatureCache;
import io.github.bakefeature.core.features.FilterBankFeatureExtractor;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.fields.SemanticHead;
import io.github.bakefeature.core.pipelines.Evaluation;
import io.github.bakefeature.core.pipelines.FieldTrainer;
import io.github.bakefeature.core.pipelines.StepResult;
import io.github.bakefeature.core.pipelines.TrainerConfig;
import io.github.bakefeature.core.pipelines.Training;
import io.github.bakefeature.core.synth.Preset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * End-to-end quality harness: generates a synthetic scene, trains a method with dense ground-truth
 * labels on the training frames (every 5th frame held out) and prints held-out PSNR, depth error
 * and mIoU with the wall time, as JSON lines. Options are {@code key=value} arguments, e.g.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.github.bakefeature.benchmarks.harness.QualityHarness \
 *     preset=tabletop frames=40 width=160 height=120 method=snerf-hg-freq iters=3000 [head=damped|probe|end-to-end]
 * </pre>
 */
public final class QualityHarness {
  private QualityHarness() {}

  public static void main(String[] args) throws Exception {
    DjlRuntime.ensureOffline();
    HarnessArgs o = new HarnessArgs(args, "method", "iters", "evalEvery", "labels", "rays", "band", "uniform",
        "surface", "free", "occ", "lr", "gridLr", "decay", "decayFactor", "maxRes", "log2", "ckpt", "eval");
    Preset preset = o.preset();
    long seed = o.seed();
    MethodPreset method = MethodPreset.fromId(o.get("method", "snerf-hg-freq"));
    int iters = o.getInt("iters", 2000);
    int evalEvery = o.getInt("evalEvery", 0);
    String labels = o.get("labels", "gt");
    Scene scene = o.syntheticScene();
    int frames = scene.size();
    int[] train = Evaluation.training(frames, 5, 4);
    int[] test = Evaluation.heldOut(frames, 5, 4);
    TrainerConfig.Builder tc = TrainerConfig.builder().optSeed(seed);
    if (o.containsKey("rays")) {
      tc.optRaysPerBatch(Integer.parseInt(o.require("rays")));
    }
    if (o.containsKey("band")) {
      tc.optSurfaceBand(Float.parseFloat(o.require("band")));
    }
    if (o.containsKey("uniform")) {
      tc.optUniformSamples(Integer.parseInt(o.require("uniform")));
    }
    if (o.containsKey("surface")) {
      tc.optSurfaceSamples(Integer.parseInt(o.require("surface")));
    }
    if (o.containsKey("free")) {
      tc.optFreeSpaceWeight(Float.parseFloat(o.require("free")));
    }
    if (o.containsKey("occ")) {
      tc.optOccupancy(Integer.parseInt(o.require("occ")), 16);
    }
    if (o.containsKey("lr")) {
      tc.optLearningRate(Float.parseFloat(o.require("lr")));
    }
    if (o.containsKey("gridLr")) {
      tc.optGridLearningRate(Float.parseFloat(o.require("gridLr")));
    }
    if (o.containsKey("decay")) {
      tc.optDecay(Integer.parseInt(o.require("decay")), Float.parseFloat(o.get("decayFactor", "0.5")));
    }
    int maxRes = o.getInt("maxRes", 0);
    int log2 = o.getInt("log2", 19);
    SemanticHead head = o.semanticHead();
    Training.Builder b = Training.builder(scene).optMethod(method).optTrainingFrames(train)
        .optLabels("gt".equals(labels) ? Training.Labels.GROUND_TRUTH : Training.Labels.NONE)
        .optTrainerConfig(tc.build()).optSeed(seed)
        .optFieldOptions(f -> {
          f.optHashLog2TableSize(log2);
          if (maxRes > 0) {
            f.optHashMaxResolution(maxRes);
          }
          if (head != null) {
            f.optSemanticHead(head);
          }
          return f;
        });
    if (method.usesFeatures()) {
      Path cacheRoot = Files.createTempDirectory("bf-harness-cache");
      FeatureSource fs = FeatureCache.builder(scene, FilterBankFeatureExtractor.builder().build())
          .optCacheDir(cacheRoot).build();
      b.optFeatures(fs);
    }
    FieldTrainer t = b.build();
    long t0 = System.nanoTime();
    double trainSeconds = 0;
    for (int i = 1; i <= iters; i++) {
      StepResult r = t.step();
      if (i % 250 == 0 || i == iters) {
        System.err.printf(Locale.ROOT, "step %d loss %.4f rgb %.5f (%.1f dB) depth %.4f sem %.4f feat %.4f  %.1f ms/step%n", i,
            r.total(), r.rgb(), r.batchPsnr(), r.depth(), r.semantic(), r.feature(),
            (System.nanoTime() - t0) / 1e6 / i);
      }
      if (evalEvery > 0 && i % evalEvery == 0 && i < iters) {
        trainSeconds += (System.nanoTime() - t0) / 1e9;
        report(t, scene, test, i, trainSeconds, method, preset);
        t0 = System.nanoTime();
      }
    }
    trainSeconds += (System.nanoTime() - t0) / 1e9;
    long[] ph = t.phaseNanos();
    System.err.println("time per step (ms): " + PhaseReport.perStep(new long[ph.length], ph, iters));
    if (o.containsKey("ckpt")) {
      io.github.bakefeature.core.pipelines.Checkpoint.save(t, Path.of(o.require("ckpt")));
    }
    if (!"false".equals(o.get("eval", "true"))) {
      report(t, scene, test, iters, trainSeconds, method, preset);
    }
  }

  private static void report(FieldTrainer t, Scene scene, int[] test, int iters, double seconds, MethodPreset m,
                             Preset preset) throws Exception {
    long e0 = System.nanoTime();
    Evaluation e = Evaluation.of(t.snapshot(), scene, test);
    double evalSeconds = (System.nanoTime() - e0) / 1e9;
    long g0 = System.nanoTime();
    Evaluation guided = Evaluation.of(t.snapshot(), scene, test, true);
    double guidedSeconds = (System.nanoTime() - g0) / 1e9;
    System.out.printf(Locale.ROOT,
        "{\"preset\":\"%s\",\"method\":\"%s\",\"semantic_head\":\"%s\",\"iters\":%d,\"train_seconds\":%.1f,\"psnr\":%.3f,\"depth_mae_m\":%.5f,"
            + "\"depth_median_ae_m\":%.5f,\"depth_median_fraction_of_diagonal\":%.5f,\"miou\":%.4f,\"eval_seconds\":%.1f,"
            + "\"psnr_depth_guided\":%.3f,\"miou_depth_guided\":%.4f,\"eval_depth_guided_seconds\":%.1f}%n",
        preset.id(), m.id(), t.field().config().semanticHead(), iters, seconds, e.psnr(), e.depthMae(), e.depthMedianAbsError(),
        e.depthMedianAbsError() / scene.bounds().diagonal(), e.miou(), evalSeconds, guided.psnr(), guided.miou(),
        guidedSeconds);
  }
}
