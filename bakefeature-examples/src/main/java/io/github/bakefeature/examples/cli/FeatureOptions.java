package io.github.bakefeature.examples.cli;

import io.github.bakefeature.core.features.FeatureAutoencoder;
import io.github.bakefeature.core.features.FeatureCache;
import io.github.bakefeature.core.features.TorchScriptFeatureExtractor;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The options that select a scene's feature cache, shared by {@code features} and the commands that
 * train {@code ours} ({@code train}, {@code simulate}, {@code gui}): the same options select the
 * same cache everywhere. Options left out take their defaults, except that the training commands
 * may then reuse the one cache {@code features} built with other values ({@link FeatureTargets}).
 */
final class FeatureOptions {
  static final int MAX_DIM = 4096;
  static final int MAX_AE_STEPS = 1_000_000;
  static final int MAX_SHORT_SIDE = 8192;
  static final int MAX_PATCH = 1024;

  @Option(names = "--extractor", defaultValue = "filterbank", paramLabel = "SPEC",
      description = "Feature extractor: filterbank (default, no weights) or torchscript:PATH (e.g. a DINO export of "
          + "tools/export_dino.py).")
  String extractor = "filterbank";

  @Option(names = "--dim", paramLabel = "D",
      description = "Encoded feature dimension D (default " + FeatureCache.DEFAULT_DIMENSION + ", the paper's; it "
          + "exceeds the filter bank's M = 50 channels, so the autoencoder expands rather than compresses them: "
          + "a D below M compresses).")
  Integer dim;

  @Option(names = "--ae-steps", paramLabel = "N",
      description = "Feature autoencoder optimiser steps (default " + FeatureAutoencoder.Trainer.DEFAULT_STEPS + ").")
  Integer aeSteps;

  @Option(names = "--short-side", paramLabel = "PX",
      description = "torchscript only: resize so the short side has PX pixels (default "
          + TorchScriptFeatureExtractor.DEFAULT_SHORT_SIDE + ").")
  Integer shortSide;

  @Option(names = "--patch", paramLabel = "PX",
      description = "torchscript only: the model's patch size (default " + TorchScriptFeatureExtractor.DEFAULT_PATCH_SIZE
          + ").")
  Integer patch;

  @Option(names = {"--cache-dir", "--features"}, paramLabel = "DIR",
      description = "Feature cache root (default: <scene>/cache/features).")
  Path cacheDir;

  /** The settings a cache is built with, defaults filled in; {@code shortSide} and {@code patch} are 0 for the filter bank. */
  record Settings(int dim, int aeSteps, int shortSide, int patch) {
    /** The command-line options that select these settings, e.g. {@code --dim 16 --ae-steps 50}. */
    String options() {
      String s = String.format(Locale.ROOT, "--dim %d --ae-steps %d", dim, aeSteps);
      return shortSide > 0 ? s + String.format(Locale.ROOT, " --short-side %d --patch %d", shortSide, patch) : s;
    }
  }

  /** Options for quickstart-like callers: {@code extractor} with {@code aeSteps} autoencoder steps, the rest default. */
  static FeatureOptions of(String extractor, Integer aeSteps) {
    FeatureOptions o = new FeatureOptions();
    o.extractor = extractor;
    o.aeSteps = aeSteps;
    return o;
  }

  /** Whether the extractor is a TorchScript model (the only kind --short-side and --patch apply to). */
  boolean torchScript() {
    return extractor != null && extractor.trim().startsWith("torchscript:");
  }

  /**
   * Checks the values, naming the option, before anything is loaded or built.
   *
   * @throws IllegalArgumentException for a value out of range, or --short-side or --patch with the filter bank
   */
  void validate() {
    range("--dim", dim, MAX_DIM, "dimensions");
    range("--ae-steps", aeSteps, MAX_AE_STEPS, "optimiser steps");
    range("--short-side", shortSide, MAX_SHORT_SIDE, "pixels");
    range("--patch", patch, MAX_PATCH, "pixels");
    if (!torchScript()) {
      // Refused rather than ignored: a setting that silently does nothing would also not select a cache.
      for (Object[] o : new Object[][] {{"--short-side", shortSide}, {"--patch", patch}}) {
        if (o[1] != null) {
          throw new IllegalArgumentException(o[0] + " applies to torchscript:PATH extractors only, found --extractor "
              + extractor);
        }
      }
    }
  }

  /**
   * {@link #validate()}, and the cache root must be a folder that can be created outside the
   * scene's own entries (images, labels, session).
   */
  void validate(Path scene) throws java.io.IOException {
    validate();
    if (cacheDir != null) {
      OutputPaths.folder("--cache-dir/--features", cacheDir, scene);
    }
  }

  private static void range(String option, Integer value, int max, String unit) {
    if (value != null && (value < 1 || value > max)) {
      throw new IllegalArgumentException(option + " must be in [1, " + max + "] " + unit + ", found " + value);
    }
  }

  /** The settings the options select, defaults filled in. */
  Settings settings() {
    boolean ts = torchScript();
    return new Settings(
        dim != null ? dim : FeatureCache.DEFAULT_DIMENSION,
        aeSteps != null ? aeSteps : FeatureAutoencoder.Trainer.DEFAULT_STEPS,
        !ts ? 0 : shortSide != null ? shortSide : TorchScriptFeatureExtractor.DEFAULT_SHORT_SIDE,
        !ts ? 0 : patch != null ? patch : TorchScriptFeatureExtractor.DEFAULT_PATCH_SIZE);
  }

  /** Whether {@code s} agrees with every option given on the command line (left-out options agree with anything). */
  boolean agrees(Settings s) {
    return (dim == null || dim == s.dim()) && (aeSteps == null || aeSteps == s.aeSteps())
        && (shortSide == null || shortSide == s.shortSide()) && (patch == null || patch == s.patch());
  }

  /** Whether every setting that applies to the extractor was given (nothing is left for an existing cache to fill in). */
  boolean allGiven() {
    return dim != null && aeSteps != null && (!torchScript() || (shortSide != null && patch != null));
  }
}
