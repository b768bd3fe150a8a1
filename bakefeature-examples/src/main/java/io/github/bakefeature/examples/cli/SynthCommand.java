package io.github.bakefeature.examples.cli;

import io.github.bakefeature.core.scene.SceneWriter;
import io.github.bakefeature.core.synth.DepthNoise;
import io.github.bakefeature.core.synth.Preset;
import io.github.bakefeature.core.synth.OnDemandScene;
import io.github.bakefeature.core.synth.SyntheticSceneGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bakefeature synth}: renders a procedural scene with exact depth and dense ground truth
 * and writes it in the scene format, frame by frame (memory does not grow with {@code --frames}).
 * Progress goes to stderr; one JSON summary line to stdout ({@code render_seconds}: time spent
 * rendering, partly while frames were being written).
 */
@Command(name = "synth", mixinStandardHelpOptions = true,
    description = "Render a synthetic RGB-D scene with exact depth and dense ground-truth semantics.")
public final class SynthCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--preset", defaultValue = "tabletop", description = "tabletop or room (default: ${DEFAULT-VALUE}).")
  String preset;

  @Option(names = "--frames", defaultValue = "60", description = "Number of frames (default: ${DEFAULT-VALUE}).")
  int frames;

  @Option(names = "--width", defaultValue = "320", description = "Image width in pixels (default: ${DEFAULT-VALUE}).")
  int width;

  @Option(names = "--height", defaultValue = "240", description = "Image height in pixels (default: ${DEFAULT-VALUE}).")
  int height;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of layout, textures and path (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--fov", description = "Horizontal field of view in degrees (default: the preset's).")
  Double fov;

  @Option(names = "--depth-noise", defaultValue = "0",
      description = "Relative depth noise: Gaussian with sigma = SIGMA * depth, millimetre quantised (default: none).")
  double depthNoise;

  @Option(names = "--depth-holes", defaultValue = "0",
      description = "Fraction of each depth map lost to random holes; also drops grazing and far pixels (default: none).")
  double depthHoles;

  @Option(names = "--out", required = true, description = "Output scene folder (must be empty or new).")
  Path out;

  @Option(names = "--force", description = "Replace a scene already in --out (only scene-format files are removed).")
  boolean force;

  @Override
  public Integer call() throws IOException {
    long start = System.nanoTime();
    Preset p = Preset.fromName(preset);
    PrintWriter err = spec.commandLine().getErr();
    SyntheticSceneGenerator.Builder b = SyntheticSceneGenerator.builder().optPreset(p).optFrames(frames)
        .optSize(width, height).optSeed(seed).optDepthModel(DepthNoise.of(depthNoise, depthHoles))
        .optProgress((done, total) -> {
          // Roughly every 10 % (and the last frame), from whichever worker finished it.
          if (done == total || done % Math.max(1, total / 10) == 0) {
            synchronized (err) {
              err.printf("synth: rendered %d/%d frames%n", done, total);
              err.flush();
            }
          }
        });
    if (fov != null) {
      b.optFieldOfView(fov);
    }
    // Validate every option before touching the output folder.
    SyntheticSceneGenerator generator = b.build();
    prepareOutput();
    err.printf("synth: %s, %d frames of %dx%d, seed %d, %d classes%n", p.id(), frames, width, height, seed,
        p.classNames().size());
    err.flush();
    err.printf("synth: rendering and writing %s%n", out);
    err.flush();
    // Frame by frame: memory holds a few frames whatever --frames is.
    OnDemandScene scene = generator.onDemand();
    try {
      if (force) {
        SceneWriter.replace(scene, out);
      } else {
        SceneWriter.write(scene, out);
      }
    } catch (OutOfMemoryError e) {
      // Only a few frames are held, so this is the frame size against the heap, not --frames.
      long mb = 9L * width * height * scene.batchSize() * 2 / (1 << 20);
      throw new IllegalArgumentException("out of memory: " + width + "x" + height + " frames need about " + mb
          + " MB of heap (" + scene.batchSize() + (scene.batchSize() == 1 ? " frame" : " frames")
          + " at a time, twice, 9 bytes a pixel) plus their PNG encoding,"
          + " found a " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB heap; give Java more (e.g."
          + " BAKEFEATURE_JAVA_OPTS=-Xmx8g) or lower --width/--height", e);
    }
    double renderSeconds = scene.renderSeconds();
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("command", "synth");
    summary.put("preset", p.id());
    summary.put("frames", frames);
    summary.put("width", width);
    summary.put("height", height);
    summary.put("seed", seed);
    summary.put("n_classes", p.classNames().size());
    summary.put("classes", p.classNames());
    summary.put("out", out.toAbsolutePath().toString());
    summary.put("render_seconds", round3(renderSeconds));
    summary.put("seconds", round3((System.nanoTime() - start) / 1e9));
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.println(JsonLines.toLine(summary));
    stdout.flush();
    return 0;
  }

  /** Refuses to mix a new scene into an existing one; with --force, removes only scene files. */
  private void prepareOutput() throws IOException {
    OutputPaths.folder("--out", out, null);
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new IllegalArgumentException("--out " + out + " is a file; expected a new or empty folder");
    }
    if (!Files.isDirectory(out)) {
      return;
    }
    boolean empty;
    try (Stream<Path> s = Files.list(out)) {
      empty = s.findAny().isEmpty();
    }
    if (empty) {
      return;
    }
    if (!force) {
      throw new IllegalArgumentException("--out " + out + " is not empty; expected a new or empty folder "
          + "(pass --force to replace the scene in it)");
    }
    // --force replaces a generated scene, never a person's work on it.
    OutputPaths.refuseLabelledScene("--out", out, "--force does not replace a labelled scene");
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
