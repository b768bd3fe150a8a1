package io.github.bakefeature.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark jar's entry point: JMH's own {@code Main}, run in a process whose environment
 * has the settings the launcher exports ({@code OPT_OUT_TRACKING}, {@code OMP_WAIT_POLICY} and the
 * glibc allocator variables of README, "Environment"). JMH forks inherit the environment of the
 * process that starts them, and environment variables cannot be set from inside a running JVM,
 * so when any is missing this re-launches itself once with them set.
 */
public final class BenchmarkMain {
  /** Variables the forks need, with the values the launcher uses; user-set values win. */
  static final Map<String, String> ENVIRONMENT = new LinkedHashMap<>();

  static {
    ENVIRONMENT.put("OPT_OUT_TRACKING", "true");
    ENVIRONMENT.put("OMP_WAIT_POLICY", "PASSIVE");
    ENVIRONMENT.put("MALLOC_ARENA_MAX", "1");
    ENVIRONMENT.put("MALLOC_TRIM_THRESHOLD_", "17179869184");
    ENVIRONMENT.put("MALLOC_MMAP_THRESHOLD_", "33554432");
  }

  private BenchmarkMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> missing = missing(System.getenv());
    if (missing.isEmpty() || !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      org.openjdk.jmh.Main.main(args);
      return;
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("org.openjdk.jmh.Main");
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
    pb.environment().putAll(missing);
    System.exit(pb.start().waitFor());
  }

  /** The entries of {@link #ENVIRONMENT} that {@code env} does not set. */
  static Map<String, String> missing(Map<String, String> env) {
    Map<String, String> m = new LinkedHashMap<>();
    ENVIRONMENT.forEach((k, v) -> {
      if (!env.containsKey(k)) {
        m.put(k, v);
      }
    });
    return m;
  }
}
