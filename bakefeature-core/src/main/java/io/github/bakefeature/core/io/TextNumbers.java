package io.github.bakefeature.core.io;

import io.github.bakefeature.api.scene.InvalidSceneException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parses the small numeric text files of scene formats (poses, intrinsics, bounds, trajectories):
 * numbers separated by whitespace or commas, blank lines and lines starting with {@code #}
 * ignored. Parsing is strict — {@code 1d}, {@code 0x10} or {@code 1,5e} are errors, not numbers —
 * but {@code nan} and {@code inf} (as numpy writes them) are read, so the caller can reject them
 * with a message about the matrix rather than about the syntax. Every error names the file and
 * the line.
 */
public final class TextNumbers {
  private static final Pattern NUMBER = Pattern.compile(
      "[+-]?(?:(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?|(?i:nan|inf|infinity))");
  private static final Pattern SEPARATOR = Pattern.compile("[\\s,]+");

  private TextNumbers() {}

  /** Every number in the file, in reading order. */
  public static double[] read(Path file) throws InvalidSceneException {
    List<double[]> rows = readRows(file);
    int n = 0;
    for (double[] r : rows) {
      n += r.length;
    }
    double[] out = new double[n];
    int k = 0;
    for (double[] r : rows) {
      System.arraycopy(r, 0, out, k, r.length);
      k += r.length;
    }
    return out;
  }

  /** The numbers of each non-blank, non-comment line; {@code rows.get(i)} is the i-th such line. */
  public static List<double[]> readRows(Path file) throws InvalidSceneException {
    return readRows(file, null);
  }

  /**
   * Like {@link #readRows(Path)}; also fills {@code lineNumbers} (if not null) with the 1-based
   * line number of each returned row, for messages.
   */
  public static List<double[]> readRows(Path file, List<Integer> lineNumbers) throws InvalidSceneException {
    String text = readText(file);
    List<double[]> rows = new ArrayList<>();
    String[] lines = text.split("\r?\n|\r", -1);
    for (int ln = 0; ln < lines.length; ln++) {
      String line = lines[ln].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] tok = SEPARATOR.split(line);
      double[] v = new double[tok.length];
      for (int t = 0; t < tok.length; t++) {
        v[t] = parse(file, ln + 1, tok[t]);
      }
      rows.add(v);
      if (lineNumbers != null) {
        lineNumbers.add(ln + 1);
      }
    }
    return rows;
  }

  /** The file as UTF-8 text; missing, unreadable or binary files become {@link InvalidSceneException}. */
  public static String readText(Path file) throws InvalidSceneException {
    if (Files.isDirectory(file)) {
      throw new InvalidSceneException(file, "expected a text file, found a folder");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InvalidSceneException(file, "file does not exist");
    } catch (IOException e) {
      throw new InvalidSceneException(file, "unreadable (" + e.getMessage() + ")", e);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new InvalidSceneException(file, "expected a UTF-8 text file, found binary data");
    }
  }

  private static double parse(Path file, int line, String tok) throws InvalidSceneException {
    if (!NUMBER.matcher(tok).matches()) {
      String shown = tok.length() > 40 ? tok.substring(0, 40) + "..." : tok;
      throw new InvalidSceneException(file, "line " + line + ": expected a number, found '" + shown + "'");
    }
    String t = tok.toLowerCase(java.util.Locale.ROOT);
    if (t.endsWith("nan")) {
      return Double.NaN;
    }
    if (t.endsWith("inf") || t.endsWith("infinity")) {
      return t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    return Double.parseDouble(tok);
  }
}
