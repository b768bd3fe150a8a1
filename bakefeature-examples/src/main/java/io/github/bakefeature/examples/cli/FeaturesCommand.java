package io.github.bakefeature.examples.cli;

import io.github.bakefeature.api.feature.FeatureExtractor;
import io.github.bakefeature.api.feature.FeatureMap;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.core.features.FeatureAutoencoder;
import io.github.bakefeature.core.features.FeatureCache;
import io.github.bakefeature.core.features.FeatureExtractors;
import io.github.bakefeature.core.features.FeaturePca;
import io.github.bakefeature.core.io.ImageFiles;
import io.github.bakefeature.core.scene.SceneFolder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bakefeature features}: extracts, compresses and caches a scene's features (or reuses the
 * cache), optionally writes their PCA colours per frame, and prints one JSON line.
 */
@Command(
    name = "features",
    mixinStandardHelpOptions = true,
    description = {
        "Extracts 2D features of every frame, fits the autoencoder and caches the encoded features",
        "in <scene>/cache/features/ (reused while the images and settings are unchanged).",
        "Prints one JSON line: frames, M, D, reconstruction error, cache dir, seconds, reused."})
public final class FeaturesCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--scene", required = true, paramLabel = "DIR", description = "Scene folder (scene format).")
  Path scene;

  @Option(names = "--extractor", defaultValue = "filterbank", paramLabel = "SPEC",
      description = "filterbank (default, no weights) or torchscript:PATH (e.g. a DINO export of tools/export_dino.py).")
  String extractor;

  @Option(names = "--dim", defaultValue = "64", paramLabel = "D", description = "Encoded feature dimension (default 64).")
  int dim;

  @Option(names = "--pca-out", paramLabel = "DIR", description = "Write each frame's features as PCA colours (PNG) here.")
  Path pcaOut;

  @Option(names = {"--cache-dir", "--features"}, paramLabel = "DIR", description = "Cache root instead of <scene>/cache/features (train, simulate and gui take it as --features).")
  Path cacheDir;

  @Option(names = "--ae-steps", paramLabel = "N", description = "Autoencoder optimiser steps (default 1000).")
  Integer aeSteps;

  @Option(names = "--short-side", defaultValue = "0", paramLabel = "PX",
      description = "torchscript: resize so the short side has PX pixels (default 240).")
  int shortSide;

  @Option(names = "--patch", defaultValue = "0", paramLabel = "PX", description = "torchscript: model patch size (default 8).")
  int patch;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SceneFolder s = SceneFolder.open(scene);
    if (pcaOut != null) {
      OutputPaths.folder("--pca-out", pcaOut, scene);
    }
    if (cacheDir != null) {
      OutputPaths.folder("--cache-dir", cacheDir, scene);
    }
    FeatureAutoencoder.Trainer trainer = FeatureAutoencoder.trainer();
    if (aeSteps != null) {
      trainer.optSteps(aeSteps);
    }
    FeatureCache cache;
    try (FeatureExtractor ex = FeatureExtractors.fromSpec(extractor, shortSide, patch);
         Progress.StageBars bars = new Progress.StageBars(err)) {
      err.println("features: " + ex.id() + " (M=" + ex.dimension() + ") on " + s.size() + " frames of " + scene);
      err.flush();
      FeatureCache.Builder b = FeatureCache.builder(s, ex).optDimension(dim).optTrainer(trainer).optProgress(bars);
      if (cacheDir != null) {
        b.optCacheDir(cacheDir);
      }
      cache = b.build();
    }
    err.println("features: " + (cache.reused() ? "reused " : "built (" + cache.status() + ") ") + cache.directory());
    if (pcaOut != null) {
      List<FeatureMap> maps = new ArrayList<>(cache.size());
      for (int i = 0; i < cache.size(); i++) {
        maps.add(cache.encodedMap(i));
      }
      FeaturePca pca = FeaturePca.fit(maps, 50_000, 0);
      for (int i = 0; i < cache.size(); i++) {
        RgbImage img = pca.toRgb(maps.get(i), s.width(), s.height());
        ImageFiles.writeRgbPng(img, pcaOut.resolve(s.frame(i).name() + ".png"));
      }
      err.println("features: PCA colours of " + cache.size() + " frames in " + pcaOut);
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
}
