package io.github.bakefeature.examples.cli;

import java.util.List;

/** The registry of subcommands; add one line per command. */
final class Commands {
  private Commands() {}

  static List<Object> all() {
    return List.of(
        // foundation
        new SynthCommand()
        // core engine
        // features
        // sessions, exports, simulation
        // browser app
    );
  }
}
