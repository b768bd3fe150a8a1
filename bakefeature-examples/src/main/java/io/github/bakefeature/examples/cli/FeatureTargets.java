package io.github.bakefeature.examples.cli;

import io.github.bakefeature.api.feature.FeatureExtractor;
import io.github.bakefeature.api.feature.FeatureMap;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.features.FeatureAutoencoder;
import io.github.bakefeature.core.features.FeatureCache;
import io.github.bakefeature.core.features.FeatureExtractors;
import io.github.bakefeature.core.features.TorchScriptFeatureExtractor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opens (building if needed) the feature cache that {@link FeatureOptions} select, for
 * {@code features} and the commands training {@code ours}, with progress and notes on stderr.
 */
final class FeatureTargets {
  private static final Pattern TORCHSCRIPT_SIZES = Pattern.compile("^torchscript-[0-9a-f]+-short(\\d+)-patch(\\d+)-");

  private FeatureTargets() {}

  /** A cache found under the root and the settings that select it. */
  private record Found(FeatureCache.Summary summary, FeatureOptions.Settings settings) {}

  /**
   * Exactly the cache the options select, built if it does not exist ({@code features},
   * {@code quickstart}).
   */
  static FeatureCache build(Scene scene, FeatureOptions options, PrintWriter err) throws IOException {
    return open(scene, options, err, false);
  }

  /**
   * The cache the options select, as {@link #build}; but when it does not exist yet and options
   * were left out, the one existing cache of this scene and extractor that agrees with the options
   * given (e.g. the one {@code features --dim 16} built) is used instead, saying so. When several
   * agree, they are listed with the options that select them and the selected cache is built.
   */
  static FeatureCache open(Scene scene, FeatureOptions options, PrintWriter err) throws IOException {
    return open(scene, options, err, true);
  }

  private static FeatureCache open(Scene scene, FeatureOptions options, PrintWriter err, boolean reuseOther)
      throws IOException {
    options.validate();
    FeatureOptions.Settings wanted = options.settings();
    FeatureExtractor ex = FeatureExtractors.fromSpec(options.extractor, wanted.shortSide(), wanted.patch());
    try {
      FeatureOptions.Settings use = wanted;
      if (reuseOther && !options.allGiven()) {
        Found other = chooseExisting(scene, options, ex, wanted, err);
        if (other != null) {
          use = other.settings();
          if (use.shortSide() != wanted.shortSide() || use.patch() != wanted.patch()) {
            ex.close();
            ex = null; // not closed twice if loading the other sizes fails
            ex = FeatureExtractors.fromSpec(options.extractor, use.shortSide(), use.patch());
          }
        }
      }
      err.println("features: " + ex.id() + " (M=" + ex.dimension() + ") on " + scene.size() + " frames, "
          + use.options());
      err.flush();
      FeatureCache cache;
      try (Progress.StageBars bars = new Progress.StageBars(err)) {
        cache = builder(scene, ex, use, options.cacheDir).optProgress(bars).build();
      }
      err.println("features: " + (cache.reused() ? "reused " : "built (" + cache.status() + ") ") + cache.directory());
      if (cache.dimension() >= cache.inputDimension()) {
        err.println("features: note: D = " + cache.dimension() + " is not below the extractor's M = "
            + cache.inputDimension() + ", so the autoencoder expands the features rather than compressing them (D = "
            + FeatureCache.DEFAULT_DIMENSION + " is the paper's, for DINO's M = 384; --dim below "
            + cache.inputDimension() + " compresses)");
      }
      err.flush();
      return cache;
    } finally {
      if (ex != null) {
        ex.close();
      }
    }
  }

  private static FeatureCache.Builder builder(Scene scene, FeatureExtractor ex, FeatureOptions.Settings s, Path root) {
    FeatureCache.Builder b = FeatureCache.builder(scene, ex).optDimension(s.dim())
        .optTrainer(FeatureAutoencoder.trainer().optSteps(s.aeSteps()));
    if (root != null) {
      b.optCacheDir(root);
    }
    return b;
  }

  /**
   * When the cache of {@code wanted} does not exist: the one existing cache that agrees with the
   * options given, or null (none, or several: then they are listed on {@code err}).
   */
  private static Found chooseExisting(Scene scene, FeatureOptions options, FeatureExtractor ex,
                                      FeatureOptions.Settings wanted, PrintWriter err) throws IOException {
    FeatureCache.Builder b = builder(scene, ex, wanted, options.cacheDir);
    Path wantedDir = b.directory();
    List<FeatureCache.Summary> existing = b.existing();
    List<Found> agreeing = new ArrayList<>();
    for (FeatureCache.Summary e : existing) {
      if (e.directory().equals(wantedDir)) {
        return null; // the selected cache exists: use it
      }
      FeatureOptions.Settings s = settingsOf(scene, e, ex, options.cacheDir);
      if (s != null && options.agrees(s)) {
        agreeing.add(new Found(e, s));
      }
    }
    if (agreeing.size() == 1) {
      Found f = agreeing.get(0);
      err.println("features: using the existing cache built with " + f.settings().options() + " ("
          + f.summary().directory() + ") rather than building one for " + wanted.options()
          + " (pass those options to build and use that one)");
      return f;
    }
    if (agreeing.size() > 1) {
      err.println("features: " + agreeing.size() + " caches of this scene from " + options.extractor
          + " exist, none for " + wanted.options() + ", which is built now; to use one of them instead, give its"
          + " options:");
      for (Found f : agreeing) {
        err.println("  " + f.settings().options() + "  (" + f.summary().directory() + ")");
      }
    }
    return null;
  }

  /**
   * The options that select the cache {@code e} with extractor {@code ex}'s model, or null if no
   * options do (another extractor, or settings only the Java API sets). Checked by recomputing the
   * folder the options select, so the settings read from ids are never trusted alone.
   */
  private static FeatureOptions.Settings settingsOf(Scene scene, FeatureCache.Summary e, FeatureExtractor ex,
                                                    Path root) throws IOException {
    FeatureOptions.Settings s;
    FeatureExtractor same;
    if (ex instanceof TorchScriptFeatureExtractor ts) {
      Matcher m = TORCHSCRIPT_SIZES.matcher(e.extractorId());
      if (!m.find()) {
        return null;
      }
      int shortSide;
      int patch;
      try {
        shortSide = Integer.parseInt(m.group(1));
        patch = Integer.parseInt(m.group(2));
      } catch (NumberFormatException overflow) {
        return null;
      }
      if (shortSide < 1 || patch < 1 || !e.extractorId().equals(ts.idFor(shortSide, patch))) {
        return null;
      }
      s = new FeatureOptions.Settings(e.dimension(), e.autoencoderSteps(), shortSide, patch);
      same = new IdOnly(e.extractorId(), ex.dimension()); // the model with those sizes, not loaded again
    } else {
      if (!e.extractorId().equals(ex.id())) {
        return null;
      }
      s = new FeatureOptions.Settings(e.dimension(), e.autoencoderSteps(), 0, 0);
      same = ex;
    }
    if (s.dim() < 1 || s.dim() > FeatureOptions.MAX_DIM || s.aeSteps() < 1 || s.aeSteps() > FeatureOptions.MAX_AE_STEPS) {
      return null;
    }
    return builder(scene, same, s, root).directory().equals(e.directory()) ? s : null;
  }

  /** An extractor's identity without the extractor, to compute which cache folder its settings select. */
  private record IdOnly(String id, int dimension) implements FeatureExtractor {
    @Override
    public FeatureMap extract(RgbImage image) {
      throw new UnsupportedOperationException("only locates caches");
    }
  }
}
