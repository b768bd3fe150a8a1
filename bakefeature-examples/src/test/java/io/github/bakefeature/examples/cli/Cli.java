package io.github.bakefeature.examples.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the CLI in-process and captures what it prints. */
final class Cli {
  private Cli() {}

  /** Exit code, stdout and stderr of one invocation. */
  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    CommandLine cl = BakeFeatureCli.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }
}
