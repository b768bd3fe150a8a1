package io.github.bakefeature.core.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * Exceptions as the part of an error message a person can act on: without Java class names
 * ({@link #reason}), and Jackson's parse errors as the reason and where ("Unexpected end-of-input:
 * expected close marker for Object at line 3, column 1") without the parser's source descriptions
 * ("[Source: REDACTED ...]"), {@link #describe}.
 */
public final class ErrorText {
  private static final Pattern SOURCE = Pattern.compile("\\s*\\(start marker at \\[Source:[^\\]]*\\]\\)|\\s*\\[Source:[^\\]]*\\]");

  /**
   * Jackson's advice to its programmers, which names its Java API ("enable
   * `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow", "from
   * `StreamReadConstraints.getMaxNestingDepth()`", "Feature 'ALLOW_COMMENTS' not enabled").
   */
  private static final Pattern JACKSON_API = Pattern.compile(
      ":?\\s*enable `[^`]*` to allow|,\\s*from `[^`]*`|\\s*\\(not recognized as one since Feature '[^']*' not enabled for parser\\)");

  private static final Pattern CLASS_PREFIX = Pattern.compile("^([a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(Exception|Error): ");

  private ErrorText() {}

  /** The reason and, for a JSON parse error, the line and column (1-based). */
  public static String describe(IOException e) {
    if (!(e instanceof JsonProcessingException j)) {
      return reason(e).lines().findFirst().orElse("");
    }
    String reason = SOURCE.matcher(String.valueOf(j.getOriginalMessage())).replaceAll("");
    reason = JACKSON_API.matcher(reason).replaceAll("");
    reason = reason.lines().findFirst().orElse("").strip();
    JsonLocation at = j.getLocation();
    return at == null || at.getLineNr() < 0 ? reason : reason + " at line " + at.getLineNr() + ", column " + at.getColumnNr();
  }

  /** What went wrong, for a person: the message without Java class names (file system errors by their reason). */
  public static String reason(Throwable e) {
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return e instanceof java.io.EOFException ? "unexpected end of file" : e.getClass().getSimpleName();
    }
    return CLASS_PREFIX.matcher(m.strip()).replaceFirst("");
  }
}
