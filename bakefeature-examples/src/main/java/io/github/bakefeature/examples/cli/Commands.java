package io.github.bakefeature.examples.cli;

import java.util.ArrayList;
import java.util.List;

/** The registry of subcommands, in the order {@code --help} lists them; one line per command. */
final class Commands {
  private Commands() {}

  static List<Object> all() {
    List<Object> c = new ArrayList<>();
    c.add(new SynthCommand());
    c.add(new ImportCommand());
    c.add(new InfoCommand());
    c.add(new FeaturesCommand());
    c.add(new TrainCommand());
    c.add(new RenderCommand());
    c.add(new SegmentCommand());
    c.add(new ExportCommand());
    c.add(new EvaluateCommand());
    c.add(new SimulateCommand());
    c.add(new MergeSimulationsCommand());
    c.add(new QuickstartCommand());
    c.add(new GuiCommand());
    return c;
  }
}
