package io.github.bakefeature.examples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes machine-readable results: one JSON object per line on stdout. */
public final class JsonLines {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonLines() {}

  /** One JSON object as a single line. */
  public static String toLine(Map<String, ?> fields) {
    try {
      return MAPPER.writeValueAsString(fields);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + fields, e);
    }
  }

  /** Prints each object as one line to {@code out}, then flushes. */
  public static void printAll(java.io.PrintWriter out, java.util.List<? extends Map<String, ?>> lines) {
    for (Map<String, ?> line : lines) {
      out.println(toLine(line));
    }
    out.flush();
  }

  /** Prints {@code {"metric": name, "value": value, ...extra}} to {@code out}. */
  public static void metric(java.io.PrintWriter out, String name, double value, Map<String, ?> extra) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("metric", name);
    m.put("value", value);
    m.putAll(extra);
    out.println(toLine(m));
    out.flush();
  }
}
