package io.github.bakefeature.examples.cli;

import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.core.djl.DjlRuntime;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code bakefeature} command-line tool. Metrics go to stdout as one JSON object per line;
 * human progress goes to stderr. Exit codes: 0 success, 1 failure, 2 invalid input (bad options or
 * an invalid scene).
 */
@Command(
    name = "bakefeature",
    mixinStandardHelpOptions = true,
    versionProvider = BakeFeatureCli.Version.class,
    description = "Interactive volumetric semantic segmentation of posed RGB-D sequences.",
    subcommands = {CommandLine.HelpCommand.class})
public final class BakeFeatureCli implements Runnable {
  /** Exit code for invalid input: bad options, an invalid scene or checkpoint. */
  public static final int EXIT_INVALID_INPUT = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the tool in-process and returns its exit code (used by tests). */
  public static int run(String... args) {
    DjlRuntime.ensureOffline();
    return newCommandLine().execute(args);
  }

  /** The picocli command line with every subcommand registered. */
  public static CommandLine newCommandLine() {
    CommandLine cl = new CommandLine(new BakeFeatureCli());
    // Subcommands, in the order `--help` lists them.
    for (Object sub : Commands.all()) {
      cl.addSubcommand(sub);
    }
    cl.setExecutionExceptionHandler(BakeFeatureCli::handleException);
    return cl;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  private static int handleException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
    PrintWriter err = cl.getErr();
    if (ex instanceof InvalidSceneException || ex instanceof IllegalArgumentException
        || ex instanceof io.github.bakefeature.core.pipelines.Checkpoint.CheckpointException
        || ex instanceof io.github.bakefeature.core.simulation.SimulationReport.MalformedReportException) {
      err.println("bakefeature " + cl.getCommandName() + ": " + ex.getMessage());
      err.flush();
      return EXIT_INVALID_INPUT;
    }
    err.println("bakefeature " + cl.getCommandName() + ": " + ex);
    ex.printStackTrace(err);
    err.flush();
    return 1;
  }

  /** Version from the jar manifest, or "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = BakeFeatureCli.class.getPackage().getImplementationVersion();
      return new String[] {"bakefeature " + (v == null ? "dev" : v)};
    }
  }
}
