package io.github.bakefeature.examples.cli;

import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.core.djl.DjlRuntime;
import io.github.bakefeature.core.encodings.DeviceUnavailableException;
import io.github.bakefeature.core.encodings.HashGrids;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code bakefeature} command-line tool. Metrics go to stdout as one JSON object per line;
 * human progress goes to stderr. Exit codes: 0 success, 1 failure (a bug: printed with its stack
 * trace), 2 invalid input (bad options, an invalid scene or checkpoint, a file that cannot be read
 * or written), with one line on stderr naming the option or file.
 */
@Command(
    name = "bakefeature",
    mixinStandardHelpOptions = true,
    versionProvider = BakeFeatureCli.Version.class,
    description = "Interactive volumetric semantic segmentation of posed RGB-D sequences.",
    subcommands = {CommandLine.HelpCommand.class})
public final class BakeFeatureCli implements java.util.concurrent.Callable<Integer> {
  /** Exit code for invalid input: bad options, an invalid scene or checkpoint. */
  public static final int EXIT_INVALID_INPUT = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    if (args.length == 0 || !args[0].equals("gui")) { // the app's own hook saves the session on Ctrl-C
      // Ctrl-C during a save: no half-written output and no hidden temporary file left behind
      // (a checkpoint's is hundreds of MB, a scene's staging folder as large as the scene).
      Runtime.getRuntime().addShutdownHook(new Thread(io.github.bakefeature.core.io.AtomicFiles::abandonAll,
          "bakefeature-abandon-writes"));
    }
    System.exit(run(args));
  }

  /** Runs the tool in-process and returns its exit code (used by tests). */
  public static int run(String... args) {
    DjlRuntime.ensureOffline();
    return newCommandLine().execute(args);
  }

  /** The picocli command line with every subcommand registered. */
  public static CommandLine newCommandLine() {
    return newCommandLine(System.getenv("BAKEFEATURE_DEBUG") != null);
  }

  /**
   * The command line; with {@code debug} (environment variable {@code BAKEFEATURE_DEBUG} set) the
   * one-line message of an invalid scene, path or option value is followed by its stack trace, for a
   * bug report.
   */
  static CommandLine newCommandLine(boolean debug) {
    CommandLine cl = new CommandLine(new BakeFeatureCli());
    // Subcommands, in the order `--help` lists them.
    for (Object sub : Commands.all()) {
      cl.addSubcommand(sub);
    }
    // Every command's help lists -V, --version (mixinStandardHelpOptions): each prints the tool's version.
    for (CommandLine sub : cl.getSubcommands().values()) {
      sub.getCommandSpec().versionProvider(new Version());
    }
    cl.setExecutionExceptionHandler((ex, c, parsed) -> handleException(ex, c, debug));
    // A mistyped or missing option: one line, as for a bad value (not picocli's full usage text).
    cl.setParameterExceptionHandler((ex, args) -> {
      CommandLine c = ex.getCommandLine();
      if (ex instanceof CommandLine.MissingParameterException && !c.getUnmatchedArguments().isEmpty()) {
        // "train --scnee X": the typo is the news, not the --scene it leaves missing.
        ex = new CommandLine.UnmatchedArgumentException(c, c.getUnmatchedArguments());
      }
      String name = c.getCommandSpec().qualifiedName();
      String hint = ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()
          ? "; did you mean " + String.join(" or ", u.getSuggestions()) + "?" : "";
      PrintWriter err = c.getErr();
      err.println(name + ": " + ex.getMessage().replace('\n', ' ').strip() + hint + " (" + name + " --help lists them)");
      if (debug) {
        ex.printStackTrace(err);
      }
      err.flush();
      return EXIT_INVALID_INPUT;
    });
    cl.setExecutionStrategy(parsed -> {
      CommandLine.ParseResult sub = parsed.subcommand();
      boolean help = sub == null || sub.isUsageHelpRequested() || sub.isVersionHelpRequested()
          || sub.commandSpec().userObject() instanceof CommandLine.HelpCommand;
      if (!help) {
        try {
          // A device chosen in the environment that cannot run fails now, not after minutes of work.
          HashGrids.checkSelectedDevice();
        } catch (DeviceUnavailableException e) {
          cl.getErr().println("bakefeature " + sub.commandSpec().name() + ": " + e.getMessage());
          if (debug) {
            e.printStackTrace(cl.getErr());
          }
          cl.getErr().flush();
          return EXIT_INVALID_INPUT;
        }
      }
      return new CommandLine.RunLast().execute(parsed);
    });
    return cl;
  }

  /** No command given: a usage error (exit code 2), with the list of commands. */
  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    err.println("bakefeature: expected a command, found none");
    spec.commandLine().usage(err);
    return 2;
  }

  private static int handleException(Exception ex, CommandLine cl, boolean debug) {
    PrintWriter err = cl.getErr();
    // An invalid scene, option or path: the message names it, a stack trace would only bury it
    // (BAKEFEATURE_DEBUG=1 prints one for a bug report).
    if (ex instanceof InvalidSceneException || ex instanceof IllegalArgumentException
        || ex instanceof io.github.bakefeature.core.pipelines.Checkpoint.CheckpointException
        || ex instanceof io.github.bakefeature.core.simulation.SimulationReport.MalformedReportException
        || ex instanceof io.github.bakefeature.core.session.SceneInUseException
        || ex instanceof DeviceUnavailableException) {
      err.println("bakefeature " + cl.getCommandName() + ": " + ex.getMessage());
      if (debug) {
        ex.printStackTrace(err);
      }
      err.flush();
      return EXIT_INVALID_INPUT;
    }
    if (ex instanceof IOException io) {
      // A path on the command line that cannot be read or written.
      err.println("bakefeature " + cl.getCommandName() + ": " + describe(io));
      if (debug) {
        ex.printStackTrace(err);
      }
      err.flush();
      return EXIT_INVALID_INPUT;
    }
    err.println("bakefeature " + cl.getCommandName() + ": " + ex);
    ex.printStackTrace(err);
    err.flush();
    return 1;
  }

  /** A file system error as "file: what is wrong"; other I/O errors by their message. */
  static String describe(IOException e) {
    if (!(e instanceof FileSystemException fs)) {
      return io.github.bakefeature.core.io.ErrorText.reason(e);
    }
    String reason = fs.getReason();
    if (reason == null) {
      if (fs instanceof FileAlreadyExistsException) {
        reason = "is in the way (a file where a folder or a new file was expected)";
      } else if (fs instanceof NoSuchFileException) {
        reason = "does not exist";
      } else if (fs instanceof AccessDeniedException) {
        reason = "permission denied";
      } else if (fs instanceof NotDirectoryException) {
        reason = "is not a folder";
      } else if (fs instanceof DirectoryNotEmptyException) {
        reason = "folder is not empty";
      } else {
        reason = "cannot be used";
      }
    }
    return fs.getFile() + (fs.getOtherFile() == null ? "" : " -> " + fs.getOtherFile()) + ": " + reason;
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
