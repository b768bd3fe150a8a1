package io.github.bakefeature.core.features;

import io.github.bakefeature.api.feature.FeatureExtractor;
import java.io.IOException;
import java.nio.file.Path;

/** Creates extractors from the short specifications used on command lines and in configuration files. */
public final class FeatureExtractors {
  /** Accepted specifications, for messages. */
  public static final String FORMS = "'filterbank' or 'torchscript:PATH' (e.g. torchscript:dino_vits8.pt)";

  private FeatureExtractors() {}

  /**
   * {@code "filterbank"}: the default {@link FilterBankFeatureExtractor}; {@code "torchscript:PATH"}:
   * a {@link TorchScriptFeatureExtractor} on the model file PATH with the given short side (0 = the
   * extractor's default) and patch size (0 = default).
   *
   * @throws IllegalArgumentException for an unknown specification or a missing model file
   * @throws IOException if the model cannot be loaded
   */
  public static FeatureExtractor fromSpec(String spec, int shortSide, int patchSize) throws IOException {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("expected an extractor, " + FORMS + ", found nothing");
    }
    String s = spec.trim();
    if (s.equals("filterbank")) {
      return FilterBankFeatureExtractor.builder().build();
    }
    if (s.startsWith("torchscript:")) {
      String path = s.substring("torchscript:".length());
      if (path.isEmpty()) {
        throw new IllegalArgumentException("expected a model file after 'torchscript:', found nothing");
      }
      TorchScriptFeatureExtractor.Builder b = TorchScriptFeatureExtractor.builder(Path.of(path));
      if (shortSide > 0) {
        b.optShortSide(shortSide);
      }
      if (patchSize > 0) {
        b.optPatchSize(patchSize);
      }
      return b.build();
    }
    throw new IllegalArgumentException("unknown extractor '" + spec + "'; expected " + FORMS);
  }
}
