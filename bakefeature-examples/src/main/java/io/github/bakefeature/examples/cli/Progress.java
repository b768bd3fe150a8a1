package io.github.bakefeature.examples.cli;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Progress bars on stderr (stdout is reserved for JSON lines). */
public final class Progress {
  private Progress() {}

  /** A bar for {@code max} units named {@code task}, refreshed at most 4 times a second. */
  public static ProgressBar bar(String task, long max) {
    PrintStream err = System.err;
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(max)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(250)
        .setConsumer(new ConsoleProgressBarConsumer(err, 120))
        .showSpeed()
        .build();
  }
}
