package io.github.bakefeature.core.scene;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Test helper locating real data in the project's {@code shared/data/} folder, which lives beside
 * the repository (CI) or beside the folder of work trees (developers). The system property
 * {@code bakefeature.data} overrides the search. Tests that use it must skip with a visible
 * reason when it is absent and have a synthetic counterpart.
 */
public final class SharedData {
  private SharedData() {}

  /** The folder {@code shared/data/<name>} in the nearest ancestor of the working directory that has one. */
  public static Optional<Path> find(String name) {
    String override = System.getProperty("bakefeature.data");
    if (override != null && !override.isBlank()) {
      Path p = Path.of(override).resolve(name);
      return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared").resolve("data").resolve(name);
      if (Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Why {@link #find} found nothing, for the skip message. */
  public static String whyMissing(String name) {
    return "real data shared/data/" + name + " not found in any ancestor of " + Path.of("").toAbsolutePath()
        + " (set -Dbakefeature.data=DIR to point at it); the synthetic tests cover the same code";
  }
}
