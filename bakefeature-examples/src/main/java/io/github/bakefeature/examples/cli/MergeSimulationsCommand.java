package io.github.bakefeature.examples.cli;

import io.github.bakefeature.core.simulation.SimulationReport;
import io.github.bakefeature.core.simulation.SimulationResult;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bakefeature merge-simulations}: one report (CSV, plot, thresholds) from the output folders of
 * several {@code simulate} runs, e.g. a baseline given more rounds than {@code ours}, or methods run
 * as separate jobs. Nothing is re-simulated; the inputs are only read.
 */
@Command(name = "merge-simulations", mixinStandardHelpOptions = true,
    description = {"Merge the output folders of several simulate runs into one report.",
        "Reads simulation.csv and thresholds.jsonl of every --in folder (in order; each method and semantic head "
            + "once) and writes the merged simulation.csv, simulation.png and thresholds.jsonl into --out; prints one "
            + "JSON line per method as simulate does."})
public final class MergeSimulationsCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--in", required = true, split = ",", description = "Output folders of simulate (repeat or comma-separate).")
  List<Path> inputs;

  @Option(names = "--out", required = true, description = "Output folder (may be one of the inputs).")
  Path out;

  @Override
  public Integer call() throws Exception {
    OutputPaths.folder("--out", out, null);
    List<SimulationResult> results = SimulationReport.merge(inputs);
    SimulationReport.Files3 files = SimulationReport.write(results, out);
    JsonLines.printAll(spec.commandLine().getOut(), SimulationReport.thresholds(results));
    spec.commandLine().getErr().println("merge-simulations: " + results.size() + " curves from " + inputs.size()
        + " folders; wrote " + files.csv() + ", " + files.plot() + ", " + files.thresholds());
    return 0;
  }
}
