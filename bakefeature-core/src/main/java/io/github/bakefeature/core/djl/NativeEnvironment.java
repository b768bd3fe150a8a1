package io.github.bakefeature.core.djl;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The process environment libtorch runs best in on Linux, as the launcher ({@code ./bakefeature})
 * and Surefire export it: no DJL tracking, OpenMP threads that sleep instead of spinning against
 * the Java kernels, and a glibc allocator that keeps freed tensor memory instead of returning it to
 * the kernel after every training step (README, "Environment"). Environment variables must be set
 * before the JVM starts; this class only names them and checks a given environment, without
 * side effects, so launchers can use it before anything touches DJL.
 */
public final class NativeEnvironment {
  private static final Map<String, String> RECOMMENDED;

  static {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("OPT_OUT_TRACKING", "true");
    m.put("OMP_WAIT_POLICY", "PASSIVE");
    m.put("MALLOC_ARENA_MAX", "1");
    m.put("MALLOC_TRIM_THRESHOLD_", "17179869184");
    m.put("MALLOC_MMAP_THRESHOLD_", "33554432");
    RECOMMENDED = Collections.unmodifiableMap(m);
  }

  private NativeEnvironment() {}

  /** The variables and the values the launcher uses, in a stable order. */
  public static Map<String, String> recommended() {
    return RECOMMENDED;
  }

  /** The entries of {@link #recommended()} that {@code env} does not set (values set there win). */
  public static Map<String, String> missing(Map<String, String> env) {
    Map<String, String> m = new LinkedHashMap<>();
    RECOMMENDED.forEach((k, v) -> {
      if (!env.containsKey(k)) {
        m.put(k, v);
      }
    });
    return m;
  }

  /** Whether {@code osName} (the {@code os.name} property) is Linux, where these settings apply. */
  public static boolean isLinux(String osName) {
    return osName.toLowerCase(Locale.ROOT).contains("linux");
  }

  /**
   * Whether a Linux process runs with glibc's default trimming (no {@code MALLOC_ARENA_MAX}, no
   * {@code MALLOC_TRIM_THRESHOLD_} and no malloc tunable in {@code GLIBC_TUNABLES}), where training
   * pays for page faults every step.
   */
  static boolean needsAllocatorAdvice(String osName, Map<String, String> env) {
    return isLinux(osName) && env.get("MALLOC_ARENA_MAX") == null && env.get("MALLOC_TRIM_THRESHOLD_") == null
        && !env.getOrDefault("GLIBC_TUNABLES", "").contains("glibc.malloc.");
  }

  /** The allocator variables of {@link #recommended()} as {@code K=V K=V ...}, for messages. */
  static String allocatorAdvice() {
    StringBuilder sb = new StringBuilder();
    RECOMMENDED.forEach((k, v) -> {
      if (k.startsWith("MALLOC_")) {
        sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(v);
      }
    });
    return sb.toString();
  }
}
