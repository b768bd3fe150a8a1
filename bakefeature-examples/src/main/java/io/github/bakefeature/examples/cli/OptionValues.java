package io.github.bakefeature.examples.cli;

import io.github.bakefeature.core.pipelines.TrainerConfig;

/**
 * Option values handed to the library's builders: a value they refuse is reported under the
 * option's name ("--keep-components: components to keep must be >= 0, found -1"), as the README
 * promises for every bad option, instead of in the library's own words alone.
 */
final class OptionValues {
  private OptionValues() {}

  /** Runs {@code set}, which passes {@code option}'s value on; its refusal names the option. */
  static void set(String option, Runnable set) {
    try {
      set.run();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
    }
  }

  /** Trainer settings with a command's {@code --rays} (a refused value named as the option). */
  static TrainerConfig.Builder trainer(int rays) {
    TrainerConfig.Builder b = TrainerConfig.builder();
    set("--rays", () -> b.optRaysPerBatch(rays));
    return b;
  }
}
