package io.github.bakefeature.benchmarks.harness;

import java.util.HashMap;
import java.util.Map;

/** The harnesses' {@code key=value} arguments, with defaults; the synthetic scene keys are shared. */
final class HarnessArgs {
  private final Map<String, String> values = new HashMap<>();

  HarnessArgs(String[] args) {
    for (String a : args) {
      int i = a.indexOf('=');
      if (i <= 0) {
        throw new IllegalArgumentException("expected key=value, found '" + a + "'");
      }
      values.put(a.substring(0, i), a.substring(i + 1));
    }
  }

  boolean containsKey(String key) {
    return values.containsKey(key);
  }

  String get(String key, String fallback) {
    return values.getOrDefault(key, fallback);
  }

  String require(String key) {
    String v = values.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing argument " + key + "=...");
    }
    return v;
  }

  int getInt(String key, int fallback) {
    return values.containsKey(key) ? Integer.parseInt(values.get(key)) : fallback;
  }

  long getLong(String key, long fallback) {
    return values.containsKey(key) ? Long.parseLong(values.get(key)) : fallback;
  }
}
