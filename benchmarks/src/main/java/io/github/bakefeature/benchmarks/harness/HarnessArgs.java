package io.github.bakefeature.benchmarks.harness;

import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.fields.SemanticHead;
import io.github.bakefeature.core.synth.Preset;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The harnesses' {@code key=value} arguments, with defaults; the synthetic scene keys and {@code head=} are
 * shared. Unknown keys are rejected, so a mistyped key cannot silently measure the default configuration.
 */
final class HarnessArgs {
  /** Keys every harness accepts. */
  static final Set<String> SHARED_KEYS = Set.of("preset", "seed", "frames", "width", "height", "head");

  private final Map<String, String> values = new HashMap<>();

  /**
   * @param ownKeys the harness's keys besides {@link #SHARED_KEYS}
   * @throws IllegalArgumentException for an argument that is not {@code key=value} or whose key is unknown
   */
  HarnessArgs(String[] args, String... ownKeys) {
    Set<String> known = new TreeSet<>(SHARED_KEYS);
    known.addAll(Set.of(ownKeys));
    for (String a : args) {
      int i = a.indexOf('=');
      if (i <= 0) {
        throw new IllegalArgumentException("expected key=value, found '" + a + "'");
      }
      String key = a.substring(0, i);
      if (!known.contains(key)) {
        throw new IllegalArgumentException("unknown argument '" + a + "': expected one of the keys " + known);
      }
      String previous = values.put(key, a.substring(i + 1));
      if (previous != null) {
        throw new IllegalArgumentException("expected argument " + key + "= once, found '" + key + "=" + previous
            + "' and '" + a + "'");
      }
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
