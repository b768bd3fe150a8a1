package io.github.bakefeature.examples.gui;

import io.github.bakefeature.api.session.LabelSession;
import io.github.bakefeature.core.features.ProgressListener;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An export the app offers in its Export menu (dense masks, a labelled point cloud, ...),
 * registered with {@link GuiServer.Builder#optExport}. The app runs it on its own worker thread,
 * one export at a time, into a folder it chooses (clients never name paths): a hidden staging
 * folder that replaces the previous export only once {@code run} returns, so a failed or cancelled
 * run (an exception, the app stopping) leaves the previous export as it was.
 */
@FunctionalInterface
public interface GuiExport {

  /**
   * Writes the export of {@code session} into {@code outputDir} (it exists), reporting progress,
   * and returns a one-line summary for the page (e.g. "48 masks").
   */
  String run(LabelSession session, Path outputDir, ProgressListener progress) throws IOException;
}
