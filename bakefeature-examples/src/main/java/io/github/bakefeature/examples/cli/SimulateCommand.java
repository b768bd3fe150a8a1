package io.github.bakefeature.examples.cli;

import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.data.FeatureSource;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.fields.SemanticHead;
import io.github.bakefeature.core.pipelines.TrainerConfig;
import io.github.bakefeature.core.simulation.SimulationReport;
import io.github.bakefeature.core.simulation.SimulationResult;
import io.github.bakefeature.core.simulation.UserSimulation;
import io.github.bakefeature.core.simulation.ViewRendering;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bakefeature simulate}: the paper's simulated human-in-the-loop experiment (section IV-C). */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = {"Simulate a person clicking wrong pixels (paper IV-C) and record mIoU per round.",
        "Needs dense ground truth. After a warm-up without labels, each round clicks N wrongly predicted pixels of a "
            + "random frame and trains S steps; held-out mIoU after every round.",
        "Writes simulation.csv, simulation.png and thresholds.jsonl into --out; prints one JSON line per method "
            + "(clicks and seconds to reach 80%% / 90%% mIoU, null if never reached)."})
public final class SimulateCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--scene", required = true, description = "Scene folder with gt_semantic/.")
  Path scene;

  @Option(names = "--methods", defaultValue = "ours,snerf-freq", split = ",",
      description = "Comma-separated: ours, snerf-freq, snerf-hg, snerf-hg-freq (default: ${DEFAULT-VALUE}).")
  List<String> methods;

  @Option(names = "--rounds", required = true, description = "Rounds of clicks.")
  int rounds;

  @Option(names = "--warmup", defaultValue = "2000",
      description = "Steps on colour, depth and features before the first click (default: ${DEFAULT-VALUE}; the paper "
          + "uses 15000, hours on a 2-core CPU).")
  int warmup;

  @Option(names = "--steps-per-round", defaultValue = "250", description = "Training steps per round (default: ${DEFAULT-VALUE}).")
  int stepsPerRound;

  @Option(names = "--clicks-per-round", defaultValue = "5", description = "Pixels clicked per round (default: ${DEFAULT-VALUE}).")
  int clicksPerRound;

  @Option(names = "--holdout-every", defaultValue = "5", description = "Evaluate on every N-th frame (default: ${DEFAULT-VALUE}).")
  int holdoutEvery;

  @Option(names = "--eval-scale", defaultValue = "1",
      description = "Render held-out frames at this fraction of their resolution (default: ${DEFAULT-VALUE}).")
  double evalScale;

  @Option(names = "--rays", defaultValue = "1024", description = "Rays per training step (default: ${DEFAULT-VALUE}).")
  int rays;

  @Option(names = "--hash-log2", description = "log2 of the hash table size per level (default: the field's, 19).")
  Integer hashLog2;

  @Option(names = "--hash-max-res", description = "Finest hash grid resolution (default: the field's, per-level scale 2).")
  Integer hashMaxRes;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of training, frame and click choice (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--semantic-head",
      description = "damped | probe | end-to-end for every listed method: how much of the semantic loss reaches the "
          + "field beyond the semantic head (default: each method's own, damped for ours, end-to-end for the snerf "
          + "baselines).")
  String semanticHead;

  @Option(names = "--views", defaultValue = "depth",
      description = "depth | novel: render clicked and held-out frames around their measured depth, as the app and "
          + "LabelSession.segment do, or as novel views ignoring it (default: ${DEFAULT-VALUE}).")
  String views;

  /** Which feature cache ours trains on: the options of the features command, which select the same cache. */
  @picocli.CommandLine.Mixin
  FeatureOptions features;

  @Option(names = "--out", required = true, description = "Output folder.")
  Path out;

  /** Settings shared with the quickstart. */
  record Settings(int rounds, int warmup, int stepsPerRound, int clicksPerRound, int holdoutEvery, double evalScale,
                  int rays, Integer hashLog2, Integer hashMaxRes, long seed, SemanticHead semanticHead,
                  ViewRendering views) {}

  @Override
  public Integer call() throws Exception {
    features.validate(scene);
    List<MethodPreset> presets = parseMethods(methods);
    Settings st = new Settings(rounds, warmup, stepsPerRound, clicksPerRound, holdoutEvery, evalScale, rays, hashLog2,
        hashMaxRes, seed, semanticHead == null ? null : SemanticHead.fromId(semanticHead), views(views));
    validate(st);
    io.github.bakefeature.core.scene.SceneFolder s = io.github.bakefeature.core.scene.SceneFolder.open(scene);
    OutputPaths.folder("--out", out, scene);
    if (!s.hasGroundTruth()) {
      throw new IllegalArgumentException("--scene " + scene + " has no gt_semantic/ ground truth; the simulation needs it");
    }
    String split = io.github.bakefeature.core.simulation.UserSimulation.heldOutProblem(s.size(), holdoutEvery);
    if (split != null) {
      throw new IllegalArgumentException("--holdout-every " + holdoutEvery + " on --scene " + scene + ": " + split);
    }
    // Only then every image (seconds for a long capture): a bad option fails at once.
    io.github.bakefeature.core.scene.SceneInspector.decodeAll(s);
    FeatureSource f = presets.stream().anyMatch(MethodPreset::usesFeatures) ? FeatureTargets.open(s, features, spec.commandLine().getErr()) : null;
    List<SimulationResult> results = run(s, presets, st, f, spec.commandLine().getErr(), null, out);
    SimulationReport.Files3 files = SimulationReport.files(out);
    JsonLines.printAll(spec.commandLine().getOut(), SimulationReport.thresholds(results));
    spec.commandLine().getErr().println("simulate: wrote " + files.csv() + ", " + files.plot() + ", " + files.thresholds());
    return 0;
  }

  private static ViewRendering views(String id) {
    try {
      return ViewRendering.fromId(id.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--views: " + e.getMessage());
    }
  }

  static List<MethodPreset> parseMethods(List<String> names) {
    LinkedHashSet<MethodPreset> p = new LinkedHashSet<>();
    for (String n : names) {
      if (!n.isBlank()) {
        p.add(MethodPreset.fromId(n.trim()));
      }
    }
    if (p.isEmpty()) {
      throw new IllegalArgumentException("--methods: expected at least one method, found none");
    }
    return new ArrayList<>(p);
  }

  static void validate(Settings st) {
    if (st.rounds() < 1 || st.warmup() < 0 || st.stepsPerRound() < 0 || st.clicksPerRound() < 1 || st.holdoutEvery() < 2
        || !(st.evalScale() > 0 && st.evalScale() <= 1) || st.rays() < 2) {
      throw new IllegalArgumentException("expected --rounds >= 1, --warmup >= 0, --steps-per-round >= 0, "
          + "--clicks-per-round >= 1, --holdout-every >= 2, 0 < --eval-scale <= 1 and --rays >= 2; found rounds "
          + st.rounds() + ", warmup " + st.warmup() + ", steps " + st.stepsPerRound() + ", clicks " + st.clicksPerRound()
          + ", holdout " + st.holdoutEvery() + ", eval scale " + st.evalScale() + ", rays " + st.rays());
    }
    if (st.hashLog2() != null && (st.hashLog2() < 10 || st.hashLog2() > 24)) {
      throw new IllegalArgumentException("--hash-log2 must be in [10, 24], found " + st.hashLog2());
    }
    if (st.hashMaxRes() != null && st.hashMaxRes() < 16) {
      throw new IllegalArgumentException("--hash-max-res must be >= 16 (the grid's base resolution), found "
          + st.hashMaxRes());
    }
  }

  /**
   * Simulates every method in turn with the same settings and seed, with progress on {@code err}.
   *
   * @param finished receives each method's finished simulation (final model, checkpoint) when not null
   * @param out the report ({@link SimulationReport#write}) is rewritten there after each method
   */
  static List<SimulationResult> run(Scene s, List<MethodPreset> presets, Settings st, FeatureSource features,
                                    PrintWriter err, Map<MethodPreset, UserSimulation> finished, Path out)
      throws IOException {
    List<SimulationResult> results = new ArrayList<>();
    for (MethodPreset m : presets) {
      Progress.StageBars bars = new Progress.StageBars(err);
      UserSimulation.Builder b = UserSimulation.builder(s)
          .optMethod(m)
          .optWarmupSteps(st.warmup())
          .optRounds(st.rounds())
          .optStepsPerRound(st.stepsPerRound())
          .optClicksPerRound(st.clicksPerRound())
          .optHeldOutEvery(st.holdoutEvery())
          .optEvaluationScale(st.evalScale())
          .optTrainerConfig(TrainerConfig.builder().optRaysPerBatch(st.rays()).optSeed(st.seed()).build())
          .optSeed(st.seed())
          .optViews(st.views())
          .optProgress(bars)
          .optListener(r -> {
            bars.close(); // ends the warm-up bar's line
            err.printf("simulate %s: round %d/%d, %d clicks on %d classes, %d steps, %.1f s, mIoU %.3f%n", r.method(),
                r.round(), st.rounds(), r.clicks(), r.classesClicked(), r.steps(), r.wallSeconds(), r.miou());
            err.flush();
          });
      Integer log2 = st.hashLog2();
      Integer maxRes = st.hashMaxRes();
      SemanticHead head = st.semanticHead();
      b.optFieldOptions(fb -> {
        if (head != null) {
          fb.optSemanticHead(head);
        }
        if (log2 != null) {
          fb.optHashLog2TableSize(log2);
        }
        if (maxRes != null) {
          fb.optHashMaxResolution(maxRes);
        }
        return fb;
      });
      if (m.usesFeatures()) {
        b.optFeatures(features);
      }
      UserSimulation sim = b.build();
      SimulationResult r;
      try {
        r = sim.run();
      } finally {
        bars.close();
      }
      results.add(r);
      // After each method, so an error in a later one (or Ctrl+C) keeps the finished curves.
      SimulationReport.write(results, out);
      err.printf("simulate %s: warm-up %.1f s, rounds %.1f s, evaluation %.1f s%n", m.id(), r.warmupSeconds(),
          r.last().wallSeconds(), r.evaluationSeconds());
      err.flush();
      if (finished != null) {
        finished.put(m, sim);
      }
    }
    return results;
  }

  /** A JSON-ready summary of the settings. */
  static Map<String, Object> describe(Settings st) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rounds", st.rounds());
    m.put("warmup", st.warmup());
    m.put("steps_per_round", st.stepsPerRound());
    m.put("clicks_per_round", st.clicksPerRound());
    m.put("holdout_every", st.holdoutEvery());
    m.put("eval_scale", st.evalScale());
    m.put("rays", st.rays());
    m.put("hash_log2", st.hashLog2());
    m.put("hash_max_res", st.hashMaxRes());
    m.put("seed", st.seed());
    m.put("semantic_head", st.semanticHead() == null ? "default" : st.semanticHead().id());
    m.put("views", st.views().id());
    return m;
  }
}
