package io.github.bakefeature.examples.cli;

import io.github.bakefeature.api.feature.FeatureExtractor;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.features.FeatureAutoencoder;
import io.github.bakefeature.core.features.FeatureCache;
import io.github.bakefeature.core.features.FeatureExtractors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/** Opens (building if needed) the feature cache that commands training {@code ours} share. */
final class FeatureTargets {
  private FeatureTargets() {}

  /**
   * The encoded features of {@code scene} from the extractor {@code spec}; reuses a valid cache in
   * {@code cacheDir} (default {@code <scene>/cache/features}) or builds one, with progress on stderr.
   */
  static FeatureCache open(Scene scene, Path cacheDir, String spec) throws IOException {
    return open(scene, cacheDir, spec, null);
  }

  /** As {@link #open(Scene, Path, String)}, fitting the autoencoder for {@code aeSteps} steps when not null. */
  static FeatureCache open(Scene scene, Path cacheDir, String spec, Integer aeSteps) throws IOException {
    PrintWriter err = new PrintWriter(System.err, true);
    try (FeatureExtractor ex = FeatureExtractors.fromSpec(spec, 0, 0);
         Progress.StageBars bars = new Progress.StageBars(err)) {
      FeatureCache.Builder b = FeatureCache.builder(scene, ex).optProgress(bars);
      if (aeSteps != null) {
        b.optTrainer(FeatureAutoencoder.trainer().optSteps(aeSteps));
      }
      if (cacheDir != null) {
        b.optCacheDir(cacheDir);
      }
      FeatureCache cache = b.build();
      err.println("features: " + (cache.reused() ? "reused " : "built (" + cache.status() + ") ") + cache.directory());
      return cache;
    }
  }
}
