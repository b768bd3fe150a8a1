package io.github.bakefeature.examples.cli;

import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.export.LabelledPointCloud;
import io.github.bakefeature.core.export.MaskExporter;
import io.github.bakefeature.core.export.PointCloudExporter;
import io.github.bakefeature.core.export.ViewSource;
import io.github.bakefeature.core.features.FeatureCache;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.io.AtomicFiles;
import io.github.bakefeature.core.pipelines.SemanticFieldModel;
import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.scene.SceneLayout;
import io.github.bakefeature.core.scene.SceneWriter;
import io.github.bakefeature.core.simulation.SimulationReport;
import io.github.bakefeature.core.simulation.SimulationResult;
import io.github.bakefeature.core.simulation.UserSimulation;
import io.github.bakefeature.core.simulation.ViewRendering;
import io.github.bakefeature.core.synth.Preset;
import io.github.bakefeature.core.synth.SyntheticScene;
import io.github.bakefeature.core.synth.SyntheticSceneGenerator;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bakefeature quickstart}: the README's main job, end to end on an embedded synthetic scene
 * without downloads — generate a small tabletop scene, extract and cache features, run a short
 * user simulation for {@code ours} and {@code snerf-freq}, and write the curves, metrics,
 * overlays of a few frames and a labelled point cloud into {@code --out}. The defaults are sized
 * to finish in about a minute on an idle 2-core CPU.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
    description = {"Run the whole pipeline on a small synthetic scene (no downloads, about a minute).",
        "Synthesises a tabletop scene, extracts features, simulates a person clicking for ours and snerf-freq, and "
            + "exports overlays and a labelled point cloud. Results go to --out (default: results/)."})
public final class QuickstartCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--out", defaultValue = "results", description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--frames", defaultValue = "20", description = "Frames of the synthetic scene (default: ${DEFAULT-VALUE}).")
  int frames;

  @Option(names = "--width", defaultValue = "64", description = "Image width (default: ${DEFAULT-VALUE}).")
  int width;

  @Option(names = "--height", defaultValue = "48", description = "Image height (default: ${DEFAULT-VALUE}).")
  int height;

  @Option(names = "--warmup", defaultValue = "500", description = "Warm-up steps per method (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--rounds", defaultValue = "15", description = "Rounds of clicks (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--steps-per-round", defaultValue = "50", description = "Steps per round (default: ${DEFAULT-VALUE}).")
  int stepsPerRound;

  @Option(names = "--clicks-per-round", defaultValue = "5", description = "Clicks per round (default: ${DEFAULT-VALUE}).")
  int clicksPerRound;

  @Option(names = "--rays", defaultValue = "256", description = "Rays per step (default: ${DEFAULT-VALUE}).")
  int rays;

  @Option(names = "--hash-log2", defaultValue = "14", description = "log2 hash table size per level (default: ${DEFAULT-VALUE}).")
  int hashLog2;

  @Option(names = "--hash-max-res", defaultValue = "256", description = "Finest hash grid resolution (default: ${DEFAULT-VALUE}).")
  int hashMaxRes;

  @Option(names = "--eval-scale", defaultValue = "0.5",
      description = "Held-out frames are rendered at this fraction of their size (default: ${DEFAULT-VALUE}).")
  double evalScale;

  @Option(names = "--ae-steps", defaultValue = "200", description = "Feature autoencoder steps (default: ${DEFAULT-VALUE}).")
  int aeSteps;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of scene, training and clicks (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    PrintWriter err = spec.commandLine().getErr();
    SimulateCommand.Settings st = new SimulateCommand.Settings(rounds, warmup, stepsPerRound, clicksPerRound, 5,
        evalScale, rays, hashLog2, hashMaxRes, seed, null, ViewRendering.MEASURED_DEPTH);
    SimulateCommand.validate(st);
    if (io.github.bakefeature.core.simulation.UserSimulation.heldOutProblem(frames, st.holdoutEvery()) != null) {
      throw new IllegalArgumentException("--frames must be >= " + st.holdoutEvery() + " (quickstart scores every "
          + st.holdoutEvery() + "th frame, held out from training), found " + frames);
    }
    FeatureOptions featureOptions = FeatureOptions.of("filterbank", aeSteps);
    featureOptions.validate();
    OutputPaths.folder("--out", out, null);
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new IllegalArgumentException("--out " + out + " is a file; expected a folder");
    }
    // Re-running quickstart regenerates results/scene; someone may have labelled it since (README).
    OutputPaths.refuseLabelledScene("--out", out.resolve("scene"), "quickstart regenerates that scene");
    Map<String, Double> seconds = new LinkedHashMap<>();

    // 1. A small synthetic scene with exact depth and dense ground truth.
    long t = System.nanoTime();
    Path sceneDir = out.resolve("scene");
    SyntheticScene synth = SyntheticSceneGenerator.builder().optPreset(Preset.TABLETOP).optFrames(frames)
        .optSize(width, height).optSeed(seed).build().generate();
    Files.createDirectories(out);
    SceneWriter.replace(synth.scene(), sceneDir);
    Scene scene = SceneFolder.open(sceneDir);
    err.printf("quickstart: tabletop scene, %d frames of %dx%d, %d classes -> %s%n", frames, width, height,
        scene.classNames().size(), sceneDir);
    seconds.put("scene", lap(t));
    err.printf("quickstart: scene %.1f s%n", seconds.get("scene"));

    // 2. Features (filter bank: no weights to download), encoded and cached with the scene.
    t = System.nanoTime();
    FeatureCache features = FeatureTargets.build(scene, featureOptions, err);
    seconds.put("features", lap(t));
    err.printf("quickstart: features %.1f s%n", seconds.get("features"));

    // 3. The simulated person, for the paper's method and its strongest classic baseline.
    t = System.nanoTime();
    Map<MethodPreset, UserSimulation> sims = new EnumMap<>(MethodPreset.class);
    List<SimulationResult> results = SimulateCommand.run(scene, List.of(MethodPreset.OURS, MethodPreset.SNERF_FREQ), st,
        features, err, sims, out);
    SimulationReport.Files3 report = SimulationReport.files(out);
    seconds.put("simulation", lap(t));

    // 4. Exports from the final model of ours: overlays of a few frames and the labelled point cloud.
    t = System.nanoTime();
    SemanticFieldModel ours = sims.get(MethodPreset.OURS).finalModel();
    ViewSource views = ViewSource.of(ours, scene);
    int[] shown = {0, frames / 2, frames - 1};
    shown = java.util.Arrays.stream(shown).distinct().toArray();
    MaskExporter.builder().optKeepComponents(0).build().export(views, scene, ours.classCount(), shown, out);
    seconds.put("masks", lap(t));
    err.printf("quickstart: masks %.1f s%n", seconds.get("masks"));
    t = System.nanoTime();
    // Every other frame at half resolution: the cloud is voxelised anyway, and rendering is the cost.
    PointCloudExporter pce = PointCloudExporter.builder().optFrameStride(2).optRenderScale(0.5).build();
    LabelledPointCloud cloud = pce.fuse(views, scene, ours.classCount());
    Path ply = out.resolve("pointcloud.ply");
    cloud.writePly(ply);
    seconds.put("pointcloud", lap(t));
    err.printf("quickstart: point cloud %.1f s%n", seconds.get("pointcloud"));
    Path model = out.resolve("ours.ckpt");
    sims.get(MethodPreset.OURS).saveCheckpoint(model);
    double total = lap(t0);
    seconds.put("total", total);

    // 5. Where everything is.
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("command", "quickstart");
    summary.put("out", out.toAbsolutePath().toString());
    summary.put("scene", sceneDir.toAbsolutePath().toString());
    summary.put("simulation_csv", report.csv().toAbsolutePath().toString());
    summary.put("simulation_plot", report.plot().toAbsolutePath().toString());
    summary.put("thresholds", report.thresholds().toAbsolutePath().toString());
    summary.put("overlays", out.resolve(MaskExporter.OVERLAYS).toAbsolutePath().toString());
    summary.put("masks", out.resolve(MaskExporter.MASKS).toAbsolutePath().toString());
    summary.put("pointcloud", ply.toAbsolutePath().toString());
    summary.put("pointcloud_points", cloud.count());
    summary.put("checkpoint", model.toAbsolutePath().toString());
    summary.put("settings", SimulateCommand.describe(st));
    summary.put("seconds", seconds);
    AtomicFiles.writeString(out.resolve("summary.json"), JsonLines.toLine(summary) + "\n");
    PrintWriter o = spec.commandLine().getOut();
    JsonLines.printAll(o, SimulationReport.thresholds(results));
    o.println(JsonLines.toLine(summary));
    o.flush();
    err.println();
    err.println("quickstart: done in " + Math.round(total) + " s. Results in " + out.toAbsolutePath() + ":");
    err.println("  " + out.relativize(report.plot()) + "       mIoU vs clicks and vs time, one curve per method");
    err.println("  " + out.relativize(report.csv()) + "       every round: method, clicks, steps, seconds, mIoU");
    err.println("  " + out.relativize(report.thresholds()) + "     clicks / seconds to 80% and 90% mIoU per method");
    err.println("  overlays/, masks/          segmentation of frames " + java.util.Arrays.toString(shown) + " by ours");
    err.println("  pointcloud.ply             labelled point cloud (" + cloud.count() + " points; class names in the header)");
    err.println("  ours.ckpt, scene/          the model and the scene, for `bakefeature render/evaluate/export`");
    for (SimulationResult r : results) {
      err.printf("  %-11s final mIoU %.3f after %d clicks%n", r.method(), r.last().miou(), r.last().clicks());
    }
    err.flush();
    return 0;
  }

  private static double lap(long since) {
    return Math.round((System.nanoTime() - since) / 1e7) / 100.0;
  }
}
