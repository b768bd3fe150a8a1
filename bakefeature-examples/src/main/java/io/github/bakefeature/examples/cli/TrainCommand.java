package io.github.bakefeature.examples.cli;

import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.fields.SemanticHead;
import io.github.bakefeature.core.pipelines.Checkpoint;
import io.github.bakefeature.core.pipelines.Evaluation;
import io.github.bakefeature.core.pipelines.FieldTrainer;
import io.github.bakefeature.core.pipelines.StepResult;
import io.github.bakefeature.core.pipelines.TrainerConfig;
import io.github.bakefeature.core.pipelines.Training;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bakefeature train}: fits a field to a scene and reports held-out quality. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Fit the feature-baked semantic field to a scene on the CPU.",
        "Holds out every N-th frame (--holdout-every) and prints one JSON line per metric on stdout."})
public final class TrainCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--scene", required = true, description = "Scene folder.")
  Path scene;

  @Option(names = "--method", defaultValue = "ours",
      description = "ours | snerf-freq | snerf-hg | snerf-hg-freq (default: ${DEFAULT-VALUE}).")
  String method;

  @Option(names = "--iters", defaultValue = "2000", description = "Training steps (default: ${DEFAULT-VALUE}).")
  int iters;

  /** Which feature cache ours trains on: the options of the features command, which select the same cache. */
  @picocli.CommandLine.Mixin
  FeatureOptions features;

  @Option(names = "--labels", defaultValue = "scribbles",
      description = "Semantic supervision: scribbles (semantic/) | gt (gt_semantic/ on training frames) | none "
          + "(default: ${DEFAULT-VALUE}).")
  String labels;

  @Option(names = "--out", required = true, description = "Checkpoint file to write.")
  Path out;

  @Option(names = "--holdout-every", defaultValue = "5",
      description = "Hold out every N-th frame for evaluation, 0 = none (default: ${DEFAULT-VALUE}); with "
          + "--labels scribbles, frames with scribbles are trained on instead.")
  int holdoutEvery;

  @Option(names = "--rays", defaultValue = "1024", description = "Rays per step (default: ${DEFAULT-VALUE}).")
  int rays;

  @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--semantic-head",
      description = "damped | probe | end-to-end: how much of the semantic loss reaches the field beyond the "
          + "semantic head (0.1 of its gradient, none, all; default: damped for ours, end-to-end for the snerf "
          + "baselines).")
  String semanticHead;

  /**
   * {@code heldOut} without the frames that have scribbles: a person's labels are trained on, never
   * set aside for evaluation without a word (with --labels scribbles only the training frames'
   * scribbles reach the field). Says on stderr which frames it kept for training.
   */
  private int[] withoutScribbledFrames(Scene s, int[] heldOut) throws java.io.IOException {
    java.util.List<Integer> kept = new java.util.ArrayList<>();
    java.util.List<Integer> moved = new java.util.ArrayList<>();
    long pixels = 0;
    for (int f : heldOut) {
      int n = s.frame(f).scribbles().map(io.github.bakefeature.api.scene.LabelImage::labelledCount).orElse(0);
      if (n > 0) {
        moved.add(f);
        pixels += n;
      } else {
        kept.add(f);
      }
    }
    if (!moved.isEmpty()) {
      spec.commandLine().getErr().println("train: frame" + (moved.size() == 1 ? " " : "s ") + moved
          + " would be held out (--holdout-every " + holdoutEvery + ") but " + (moved.size() == 1 ? "has" : "have")
          + " scribbles (" + pixels + " pixels): trained on instead; " + kept.size() + " frame"
          + (kept.size() == 1 ? " is" : "s are") + " held out");
    }
    return kept.stream().mapToInt(Integer::intValue).toArray();
  }

  @Override
  public Integer call() throws Exception {
    if (iters < 0) {
      throw new IllegalArgumentException("--iters must be >= 0, found " + iters);
    }
    features.validate(scene);
    TrainerConfig trainerConfig = OptionValues.trainer(rays).optSeed(seed).build();
    MethodPreset preset = MethodPreset.fromId(method);
    Training.Labels labelMode = switch (labels) {
      case "scribbles" -> Training.Labels.SCRIBBLES;
      case "gt" -> Training.Labels.GROUND_TRUTH;
      case "none" -> Training.Labels.NONE;
      default -> throw new IllegalArgumentException("--labels must be scribbles, gt or none, found '" + labels + "'");
    };
    if (holdoutEvery < 0 || holdoutEvery == 1) {
      throw new IllegalArgumentException("--holdout-every must be 0 (hold out nothing) or >= 2 (1 would leave no"
          + " frame to train on), found " + holdoutEvery);
    }
    Scene s = TrainedSceneOptions.openDecoded(scene);
    OutputPaths.file("--out", out, scene, "a checkpoint", io.github.bakefeature.core.pipelines.Checkpoint.magic());
    if (labelMode == Training.Labels.GROUND_TRUTH && !s.hasGroundTruth()) {
      throw new IllegalArgumentException("--labels gt: the scene " + scene + " has no gt_semantic/ ground truth");
    }
    int[] test = holdoutEvery > 1 ? Evaluation.heldOut(s.size(), holdoutEvery, holdoutEvery - 1) : new int[0];
    if (labelMode == Training.Labels.SCRIBBLES) {
      test = withoutScribbledFrames(s, test);
    }
    java.util.Set<Integer> heldOut = java.util.Arrays.stream(test).boxed().collect(java.util.stream.Collectors.toSet());
    int[] train = java.util.stream.IntStream.range(0, s.size()).filter(i -> !heldOut.contains(i)).toArray();
    Training.Builder tb = Training.builder(s)
        .optMethod(preset)
        .optTrainingFrames(train)
        .optLabels(labelMode)
        .optSeed(seed)
        .optTrainerConfig(trainerConfig);
    if (semanticHead != null) {
      SemanticHead head = SemanticHead.fromId(semanticHead);
      tb.optFieldOptions(b -> b.optSemanticHead(head));
    }
    if (preset.usesFeatures()) {
      tb.optFeatures(FeatureTargets.open(s, features, spec.commandLine().getErr()));
    }
    FieldTrainer trainer = tb.build();
    boolean labelled = trainer.data().labelledPixels() > 0;
    if (!labelled && labelMode != Training.Labels.NONE) {
      spec.commandLine().getErr().println("train: no training frame of " + scene + " has " + (labelMode == Training.Labels.SCRIBBLES
          ? "scribbles in semantic/ (draw some with `gui`, or pass --labels gt to fit the ground truth)" : "labels")
          + ": the semantic head stays untrained and no mIoU is reported");
    }
    long t0 = System.nanoTime();
    // Ctrl-C ends the JVM mid-loop: say what was lost rather than leave a half-drawn progress bar.
    java.util.concurrent.atomic.AtomicLong stepsDone = new java.util.concurrent.atomic.AtomicLong();
    java.io.PrintWriter err = spec.commandLine().getErr();
    Thread onInterrupt = new Thread(() -> {
      err.println();
      err.println(stepsDone.get() < iters
          ? "train: interrupted after " + stepsDone.get() + " of " + iters + " steps; nothing was written to " + out
          : "train: interrupted while writing the checkpoint; " + out + " was not replaced");
      err.flush();
    }, "train-interrupted");
    Runtime.getRuntime().addShutdownHook(onInterrupt);
    double seconds;
    try {
      try (ProgressBar pb = Progress.bar("train " + preset.id(), iters)) {
        for (int i = 0; i < iters; i++) {
          StepResult r = trainer.step();
          stepsDone.incrementAndGet();
          pb.step();
          if (i % 10 == 0 || i == iters - 1) {
            pb.setExtraMessage(String.format(" loss %.4f rgb %.4f depth %.4f sem %.3f feat %.3f",
                r.total(), r.rgb(), r.depth(), r.semantic(), r.feature()));
          }
        }
      }
      seconds = (System.nanoTime() - t0) / 1e9;
      long[] phases = trainer.phaseNanos();
      String[] names = FieldTrainer.phaseNames();
      StringBuilder sb = new StringBuilder("time per step:");
      for (int i = 0; i < phases.length; i++) {
        sb.append(String.format(" %s %.1f ms", names[i], phases[i] / 1e6 / Math.max(1, iters)));
      }
      err.println(sb);
      Checkpoint.save(trainer, out);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(onInterrupt);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C already started the hooks: its message is on its way.
      }
    }
    err.println("checkpoint written to " + out.toAbsolutePath());
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("method", preset.id());
    extra.put("iters", iters);
    extra.put("train_seconds", Math.round(seconds * 100) / 100.0);
    extra.put("held_out_frames", test.length);
    JsonLines.metric(spec.commandLine().getOut(), "steps_per_second", iters / Math.max(1e-9, seconds), extra);
    if (test.length > 0) {
      // Rendering held-out frames takes seconds each at full size (minutes for a real capture): show it.
      Evaluation e;
      try (Progress.StageBars bars = new Progress.StageBars(spec.commandLine().getErr())) {
        e = Evaluation.of(trainer.snapshot(), s, test, false,
            (stage, done, total) -> bars.progress("evaluate held-out frames", done, total));
      }
      JsonLines.metric(spec.commandLine().getOut(), "psnr", e.psnr(), extra);
      if (!Double.isNaN(e.depthMae())) {
        JsonLines.metric(spec.commandLine().getOut(), "depth_mae_m", e.depthMae(), extra);
        JsonLines.metric(spec.commandLine().getOut(), "depth_median_ae_m", e.depthMedianAbsError(), extra);
        JsonLines.metric(spec.commandLine().getOut(), "depth_median_ae_fraction_of_diagonal",
            e.depthMedianAbsError() / s.bounds().diagonal(), extra);
      }
      if (labelled && !Double.isNaN(e.miou())) {
        JsonLines.metric(spec.commandLine().getOut(), "miou", e.miou(), extra);
        JsonLines.metric(spec.commandLine().getOut(), "pixel_accuracy", e.pixelAccuracy(), extra);
        // How a label session segments these frames: sampling around their measured depth.
        Evaluation guided;
        try (Progress.StageBars bars = new Progress.StageBars(spec.commandLine().getErr())) {
          guided = Evaluation.of(trainer.snapshot(), s, test, true,
              (stage, done, total) -> bars.progress("evaluate around measured depth", done, total));
        }
        JsonLines.metric(spec.commandLine().getOut(), "miou_depth_guided", guided.miou(), extra);
      }
    }
    return 0;
  }
}
