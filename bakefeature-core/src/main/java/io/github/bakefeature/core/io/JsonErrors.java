package io.github.bakefeature.core.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * Jackson's parse errors as one line a person can act on: the reason and where ("Unexpected end-of-input:
 * expected close marker for Object at line 3, column 1"), without the parser's source descriptions
 * ("[Source: REDACTED ...]") that would otherwise end up in error messages and warnings.
 */
public final class JsonErrors {
  private static final Pattern SOURCE = Pattern.compile("\\s*\\(start marker at \\[Source:[^\\]]*\\]\\)|\\s*\\[Source:[^\\]]*\\]");

  private JsonErrors() {}

  /** The reason and, for a parse error, the line and column (1-based). */
  public static String describe(IOException e) {
    if (!(e instanceof JsonProcessingException j)) {
      return e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
    }
    String reason = SOURCE.matcher(String.valueOf(j.getOriginalMessage())).replaceAll("");
    reason = reason.lines().findFirst().orElse("").strip();
    JsonLocation at = j.getLocation();
    return at == null || at.getLineNr() < 0 ? reason : reason + " at line " + at.getLineNr() + ", column " + at.getColumnNr();
  }
}
