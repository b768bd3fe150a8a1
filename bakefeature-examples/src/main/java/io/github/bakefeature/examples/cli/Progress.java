package io.github.bakefeature.examples.cli;

import io.github.bakefeature.core.features.ProgressListener;
import java.io.PrintStream;
import java.io.PrintWriter;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
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

  /** One progress bar per stage on stderr. */
  public static final class StageBars implements ProgressListener, AutoCloseable {
    private final PrintWriter err;
    private ProgressBar bar;
    private String stage;

    public StageBars(PrintWriter err) {
      this.err = err;
    }

    @Override
    public synchronized void progress(String st, long done, long total) {
      if (!st.equals(stage)) {
        close();
        stage = st;
        // Colours and block characters only on a terminal; plain ASCII in logs and pipes.
        ProgressBarStyle style = System.console() != null ? ProgressBarStyle.COLORFUL_UNICODE_BLOCK : ProgressBarStyle.ASCII;
        bar = new ProgressBarBuilder().setTaskName(st).setInitialMax(total).setUpdateIntervalMillis(250).setStyle(style)
            .setConsumer(new DelegatingProgressBarConsumer(line -> {
              err.print('\r');
              err.print(line);
              err.flush();
            }, 100))
            .build();
      }
      bar.stepTo(done);
    }

    @Override
    public synchronized void close() {
      if (bar != null) {
        bar.close();
        err.println();
        err.flush();
        bar = null;
      }
    }
  }
}
