package io.github.bakefeature.examples.cli;

import io.github.bakefeature.api.feature.FeatureMap;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.core.features.FeatureCache;
import io.github.bakefeature.api.feature.FeatureExtractor;
import io.github.bakefeature.core.features.FeatureExtractors;
import io.github.bakefeature.core.features.FeaturePca;
import io.github.bakefeature.core.io.ImageFiles;
import io.github.bakefeature.core.scene.SceneFolder;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bakefeature features}: extracts, compresses and caches a scene's features (or reuses the
 * cache), optionally writes their PCA colours per frame, and prints one JSON line. Its
 * {@link FeatureOptions} select the cache the same way in {@code train}, {@code simulate} and
 * {@code gui}.
 *
 * <p>D defaults to 64, the paper's value, although that exceeds the M of the filter bank (50) and
 * of small models: the autoencoder then expands rather than compresses, which costs memory but
 * keeps results comparable with the paper's and the published figures (measured at D = 64). A
 * note on stderr says so; {@code --dim} below M compresses.
 */
@Command(
    name = "features",
    mixinStandardHelpOptions = true,
    description = {
        "Extract 2D features of every frame, fit the autoencoder and cache the encoded features "
            + "in <scene>/cache/features/ (reused while the images and settings are unchanged).",
        "train, simulate and gui take the same options and use the cache they select; options left out there may be "
            + "filled in from the one cache built here (they say so).",
        "D defaults to 64, the paper's value for DINO's M = 384; it expands the filter bank's M = 50: --dim below M "
            + "compresses.",
        "Prints one JSON line: frames, M, D, reconstruction error, cache dir, seconds, reused."})
public final class FeaturesCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--scene", required = true, paramLabel = "DIR", description = "Scene folder (scene format).")
  Path scene;

  @Mixin FeatureOptions features;

  @Option(names = "--pca-out", paramLabel = "DIR", description = "Write each frame's features as PCA colours (PNG) here.")
  Path pcaOut;

  @Option(names = "--pca-of", paramLabel = "WHAT", defaultValue = "codes",
      description = "What --pca-out shows: codes (the cached D-dimensional targets the field learns) or extractor "
          + "(the extractor's own M-dimensional features, as the paper's Fig. 1). Default: ${DEFAULT-VALUE}.")
  String pcaOf;

  /** Frames the PCA is fitted on: enough for a stable basis, few enough to hold in memory. */
  static final int PCA_FIT_FRAMES = 16;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    features.validate(scene);
    if (!pcaOf.equals("codes") && !pcaOf.equals("extractor")) {
      throw new IllegalArgumentException("--pca-of must be codes or extractor, found '" + pcaOf + "'");
    }
    if (pcaOut != null) {
      OutputPaths.folder("--pca-out", pcaOut, scene);
    }
    // Every image decoded first, as the commands that train do: a truncated frame fails in seconds,
    // before the cache folder is touched or any extraction starts.
    SceneFolder s = TrainedSceneOptions.openDecoded(scene);
    FeatureCache cache = FeatureTargets.build(s, features, err);
    if (pcaOut != null) {
      writePca(s, cache, err);
    }
    err.flush();
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("metric", "features");
    line.put("frames", cache.size());
    line.put("M", cache.inputDimension());
    line.put("D", cache.dimension());
    line.put("grid_width", cache.gridWidth());
    line.put("grid_height", cache.gridHeight());
    line.put("reconstruction_error", cache.reconstructionError());
    line.put("explained_variance", 1 - cache.reconstructionError());
    line.put("cache_dir", cache.directory().toAbsolutePath().toString());
    line.put("seconds", (System.nanoTime() - t0) / 1e9);
    line.put("reused", cache.reused());
    out.println(JsonLines.toLine(line));
    out.flush();
    return 0;
  }

  /**
   * PCA colours of every frame: the projection is fitted on up to {@value #PCA_FIT_FRAMES} evenly
   * spaced frames (one basis, so a surface keeps its colour across frames), then frames are mapped
   * one at a time, so a long scene never holds all its feature maps.
   */
  private void writePca(SceneFolder s, FeatureCache cache, PrintWriter err) throws java.io.IOException {
    boolean raw = pcaOf.equals("extractor");
    FeatureOptions.Settings set = features.settings();
    try (FeatureExtractor ex = raw ? FeatureExtractors.fromSpec(features.extractor, set.shortSide(), set.patch()) : null) {
      java.util.function.IntFunction<FeatureMap> map = i -> {
        try {
          return raw ? ex.extract(s.frame(i).rgb()) : cache.encodedMap(i);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      };
      int n = s.size();
      int fit = Math.min(n, PCA_FIT_FRAMES);
      List<FeatureMap> sample = new ArrayList<>(fit);
      for (int k = 0; k < fit; k++) {
        sample.add(map.apply((int) ((long) k * n / fit)));
      }
      FeaturePca pca = FeaturePca.fit(sample, 50_000, 0);
      sample.clear();
      Files.createDirectories(pcaOut);
      for (int i = 0; i < n; i++) {
        RgbImage img = pca.toRgb(map.apply(i), s.width(), s.height());
        ImageFiles.writeRgbPng(img, pcaOut.resolve(s.frame(i).name() + ".png"));
      }
      err.println("features: PCA colours of the " + (raw ? "extractor's " + (ex.dimension()) + "-dimensional features"
          : cache.dimension() + "-dimensional codes") + " of " + n + " frames in " + pcaOut);
    }
  }
}
