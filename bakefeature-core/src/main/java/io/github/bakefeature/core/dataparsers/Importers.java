package io.github.bakefeature.core.dataparsers;

import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.scene.SceneWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The importers by name: {@code replica}, {@code transforms}, {@code 7scenes}, {@code tum}, {@code scannet}. */
public final class Importers {
  private static final List<SceneImporter> ALL = List.of(
      new ReplicaImporter(), new TransformsJsonImporter(), new SevenScenesImporter(),
      new TumImporter(), ScanNetImporter.builder().build());

  private Importers() {}

  /** Every importer, in a stable order. */
  public static List<SceneImporter> all() {
    return ALL;
  }

  /** Names of every importer. */
  public static List<String> names() {
    return ALL.stream().map(SceneImporter::format).toList();
  }

  /**
   * The importer called {@code name} (case-insensitive).
   *
   * @throws IllegalArgumentException listing the known names if there is none
   */
  public static SceneImporter byName(String name) {
    String n = name == null ? "" : name.toLowerCase(Locale.ROOT).strip();
    for (SceneImporter i : ALL) {
      if (i.format().equals(n)) {
        return i;
      }
    }
    throw new IllegalArgumentException("unknown import format '" + name + "'; expected one of "
        + ALL.stream().map(SceneImporter::format).collect(Collectors.joining(", ")));
  }

  /**
   * Reads {@code in} with the importer {@code format}, writes it as a new scene folder {@code out}
   * (atomically: on any error nothing is left at {@code out}) and opens the result.
   */
  public static SceneFolder importScene(String format, Path in, Path out, SceneWriter.Progress progress)
      throws IOException {
    Scene scene = byName(format).read(in);
    SceneWriter.write(scene, out, progress);
    return SceneFolder.open(out);
  }
}
