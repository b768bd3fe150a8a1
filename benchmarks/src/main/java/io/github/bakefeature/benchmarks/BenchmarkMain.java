package io.github.bakefeature.benchmarks;

import io.github.bakefeature.core.djl.NativeEnvironment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The benchmark jar's entry point: JMH's own {@code Main}, run in a process whose environment
 * has the launcher's settings ({@link NativeEnvironment#recommended()}). JMH forks inherit the
 * environment of the process that starts them, and environment variables cannot be set from
 * inside a running JVM, so when any is missing this re-launches itself once with them set.
 */
public final class BenchmarkMain {
  private BenchmarkMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> missing = NativeEnvironment.missing(System.getenv());
    if (missing.isEmpty() || !NativeEnvironment.isLinux(System.getProperty("os.name", ""))) {
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
}
