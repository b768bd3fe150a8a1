package io.github.bakefeature.core.dataparsers;

import io.github.bakefeature.api.scene.InvalidSceneException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ScanNet's label table, {@code scannetv2-labels.combined.tsv} (in the ScanNet download, next to
 * the scans; not bundled): one row per ScanNet label id, the ids that {@code label-filt/} images
 * hold, with its category and its NYU40 class. Columns are found by their header names
 * ({@code id}, {@code raw_category}, {@code category}, {@code nyu40id}, {@code nyu40class}), so
 * the column order does not matter.
 */
public final class ScanNetLabelTable {
  /** The header names read, in the order their columns are needed. */
  static final List<String> COLUMNS = List.of("id", "raw_category", "category", "nyu40id", "nyu40class");

  private final Map<Integer, String> category = new HashMap<>();
  private final Map<Integer, Integer> nyu40 = new HashMap<>();
  private final Map<Integer, String> nyu40Class = new HashMap<>();

  private ScanNetLabelTable() {}

  /**
   * Reads a table.
   *
   * @throws InvalidSceneException naming the file and line if a column is missing or a row is malformed
   */
  public static ScanNetLabelTable read(Path tsv) throws IOException {
    if (!Files.isRegularFile(tsv)) {
      throw new InvalidSceneException(tsv, "expected ScanNet's label table (scannetv2-labels.combined.tsv), found "
          + (Files.exists(tsv) ? "a folder" : "nothing"));
    }
    List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
    if (lines.isEmpty()) {
      throw new InvalidSceneException(tsv, "expected a header line with the columns " + COLUMNS + ", found an empty file");
    }
    List<String> header = List.of(lines.get(0).split("\t", -1));
    int[] col = new int[COLUMNS.size()];
    for (int c = 0; c < col.length; c++) {
      col[c] = header.indexOf(COLUMNS.get(c));
      if (col[c] < 0) {
        throw new InvalidSceneException(tsv, "expected a tab-separated header with the columns " + COLUMNS
            + ", found no '" + COLUMNS.get(c) + "' in: " + lines.get(0));
      }
    }
    ScanNetLabelTable t = new ScanNetLabelTable();
    for (int n = 1; n < lines.size(); n++) {
      String line = lines.get(n);
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      String where = "line " + (n + 1) + ": ";
      if (f.length < header.size()) {
        throw new InvalidSceneException(tsv, where + "expected " + header.size() + " tab-separated fields, found "
            + f.length);
      }
      int id = integer(tsv, where, "id", f[col[0]]);
      int nyuId = integer(tsv, where, "nyu40id", f[col[3]]);
      if (id < 1 || id > 65535 || nyuId < 0 || nyuId > 40) {
        throw new InvalidSceneException(tsv, where + "expected an id in [1, 65535] and a nyu40id in [0, 40], found "
            + id + " and " + nyuId);
      }
      if (t.category.containsKey(id)) {
        throw new InvalidSceneException(tsv, where + "id " + id + " appears twice; expected one row per id");
      }
      String raw = f[col[1]].strip();
      String cat = f[col[2]].strip();
      t.category.put(id, !cat.isEmpty() ? cat : !raw.isEmpty() ? raw : "label_" + id);
      t.nyu40.put(id, nyuId);
      if (nyuId > 0) {
        String name = f[col[4]].strip();
        String known = t.nyu40Class.putIfAbsent(nyuId, name.isEmpty() ? "nyu40_" + nyuId : name);
        if (known != null && !name.isEmpty() && !known.equals(name)) {
          throw new InvalidSceneException(tsv, where + "nyu40id " + nyuId + " is called '" + name
              + "', but '" + known + "' on an earlier line; expected one name per NYU40 id");
        }
      }
    }
    return t;
  }

  private static int integer(Path tsv, String where, String column, String text) throws InvalidSceneException {
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new InvalidSceneException(tsv, where + "expected an integer " + column + ", found '" + text + "'");
    }
  }

  /** Whether the table has a row for ScanNet label id {@code id}. */
  public boolean contains(int id) {
    return category.containsKey(id);
  }

  /** The category of {@code id} (its {@code category} column, else {@code raw_category}), or null if unknown. */
  public String category(int id) {
    return category.get(id);
  }

  /** The NYU40 id of {@code id} (0 when it has none or is unknown). */
  public int nyu40Id(int id) {
    return nyu40.getOrDefault(id, 0);
  }

  /** The NYU40 class name of NYU40 id {@code nyuId} (1..40), or null if the table never names it. */
  public String nyu40Class(int nyuId) {
    return nyu40Class.get(nyuId);
  }
}
