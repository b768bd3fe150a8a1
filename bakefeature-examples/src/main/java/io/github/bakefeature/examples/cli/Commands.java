package io.github.bakefeature.examples.cli;

import java.util.List;

/** The registry of subcommands; add one line per command. */
final class Commands {
  private Commands() {}

  static List<Object> all() {
    return List.of(
        // foundation
        // core engine
        // features
        new FeaturesCommand()
        // sessions, exports, simulation
        // browser app
    );
  }
}
