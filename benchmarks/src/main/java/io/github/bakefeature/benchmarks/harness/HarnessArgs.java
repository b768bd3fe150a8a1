package io.github.bakefeature.benchmarks.harness;

import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.fields.SemanticHead;
import io.github.bakefeature.core.synth.Preset;
import io.github.bakefeature.core.synth.SyntheticScenes;
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

  /** {@code preset=} (default tabletop). */
  Preset preset() {
    return Preset.fromName(get("preset", "tabletop"));
  }

  /** {@code seed=} (default 1): the scene's and the training's seed. */
  long seed() {
    return getLong("seed", 1);
  }

  /** The synthetic scene of {@code preset=}, {@code frames=} (40), {@code width=} (160), {@code height=} (120), {@code seed=}. */
  Scene syntheticScene() {
    return SyntheticScenes.generate(preset(), getInt("frames", 40), getInt("width", 160), getInt("height", 120), seed())
        .scene();
  }

  /** {@code head=damped|probe|end-to-end}, or null for each method's own default. */
  SemanticHead semanticHead() {
    String h = get("head", "");
    return h.isEmpty() ? null : SemanticHead.fromId(h);
  }
}
