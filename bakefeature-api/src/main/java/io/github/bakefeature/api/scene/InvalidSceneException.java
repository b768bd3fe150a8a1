package io.github.bakefeature.api.scene;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A scene (or one of its files) cannot be used. The message always names the offending file and
 * says what was expected and what was found, e.g. {@code "pose/00003.txt: rotation is not
 * orthonormal (max |R^T R - I| = 0.310, expected <= 0.002)"}.
 */
public class InvalidSceneException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The path as text: {@link Path} is not serialisable, and {@link #file()} must survive a round trip. */
  private final String file;
  private final String problem;

  /**
   * @param file the file or folder at fault (never null)
   * @param problem what is wrong, phrased as "expected ..., found ..." where possible
   */
  public InvalidSceneException(Path file, String problem) {
    this(file, problem, null);
  }

  public InvalidSceneException(Path file, String problem, Throwable cause) {
    super(Objects.requireNonNull(file, "file") + ": " + Objects.requireNonNull(problem, "problem"), cause);
    this.file = file.toString();
    this.problem = problem;
  }

  /** The file or folder at fault. */
  public Path file() {
    return Path.of(file);
  }

  /** What is wrong, without the file name. */
  public String problem() {
    return problem;
  }
}
