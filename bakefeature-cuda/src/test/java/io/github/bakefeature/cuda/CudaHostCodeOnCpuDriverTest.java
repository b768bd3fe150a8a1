package io.github.bakefeature.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JCuda host code, run for real without a GPU: a child JVM loads the CPU stand-in driver
 * (src/test/cuda/fake_libcuda.cpp, compiled here with g++) as libcuda.so.1 and runs
 * {@link CudaOnCpuDriverMain}: the GPU comparison tests of {@link CudaHashGridEncodingTest} and a
 * training run on the {@code cuda} device that must reproduce the CPU run bit for bit. The stand-in
 * checks every driver call (current context, allocation bounds, double frees, each kernel's
 * arguments) and reports violations as "[fakecuda] FAIL".
 */
class CudaHostCodeOnCpuDriverTest {

  @Test
  void hostCodeTrainsOnTheCudaDeviceExactlyLikeTheCpu() throws Exception {
    assumeTrue(HashGridKernelsOnHostTest.onPath("g++"), "g++ not found on PATH: cannot build the CPU stand-in driver");
    assumeTrue(System.getProperty("os.name").startsWith("Linux"), "the stand-in driver is a Linux shared library");
    // The host code loads the bundled PTX module; without nvcc at build time there is none
    // (HashGridKernelsOnHostTest still runs the kernels' code on the CPU).
    assumeTrue(CudaContext.bundledPtx() != null, "no PTX in the build (nvcc was not on the PATH): the host code has "
        + "no kernels to load");
    Path dir = Files.createDirectories(Path.of("target", "cpu-driver").toAbsolutePath());
    Path library = dir.resolve("libcuda.so.1");
    Process cc = new ProcessBuilder("g++", "-O2", "-std=c++14", "-ffp-contract=off", "-shared", "-fPIC",
        "-I", Path.of("src", "main", "cuda").toString(), "-o", library.toString(),
        Path.of("src", "test", "cuda", "fake_libcuda.cpp").toString())
        .redirectErrorStream(true).start();
    String log = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, cc.waitFor(), "g++ failed:\n" + log);

    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dai.djl.offline=true", "-Xmx1g", "-cp", System.getProperty("java.class.path"),
        CudaOnCpuDriverMain.class.getName()));
    ProcessBuilder pb = new ProcessBuilder(command);
    String path = System.getenv("LD_LIBRARY_PATH");
    pb.environment().put("LD_LIBRARY_PATH", dir + (path == null || path.isEmpty() ? "" : ":" + path));
    pb.environment().put("OPT_OUT_TRACKING", "true");
    Path err = dir.resolve("child-stderr.txt");
    pb.redirectError(err.toFile());
    Process child = pb.start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(child.waitFor(5, TimeUnit.MINUTES), "the child JVM did not finish");
    String stderr = Files.readString(err);
    assertEquals(0, child.exitValue(), "child JVM failed; stdout:\n" + out + "\nstderr:\n" + tail(stderr));
    assertTrue(out.contains("ok: losses"), out);
    System.out.println("child JVM on the stand-in driver: " + out.trim());
    assertFalse(stderr.contains("[fakecuda] FAIL"), "driver misuse:\n" + tail(stderr));
    assertTrue(stderr.contains("[fakecuda] exit:"), "the stand-in driver was not the one loaded:\n" + tail(stderr));
    // Every grid the child trained with is closed; a model loaded from a checkpoint holds no device memory.
    assertTrue(stderr.contains("[fakecuda] exit: 0 allocations live"), "device memory left:\n" + tail(stderr));

    // A driver that refuses our kernels (too old for the PTX): CUDA is unavailable with the reason,
    // and the primary context taken on the way is given back (the CPU fallback keeps no GPU memory).
    ProcessBuilder refused = new ProcessBuilder(command.subList(0, command.size() - 1));
    refused.command().add(CudaStartupMain.class.getName());
    refused.environment().putAll(pb.environment());
    refused.environment().put("FAKECUDA_REJECT_MODULE", "1");
    Path err2 = dir.resolve("child-startup-stderr.txt");
    refused.redirectError(err2.toFile());
    Process second = refused.start();
    String reason = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(second.waitFor(2, TimeUnit.MINUTES), "the second child JVM did not finish");
    String stderr2 = Files.readString(err2);
    assertEquals(0, second.exitValue(), tail(stderr2));
    assertTrue(reason.startsWith("CUDA initialisation failed") && reason.contains("CUDA_ERROR_INVALID_IMAGE"), reason);
    assertTrue(stderr2.contains("0 contexts retained"), "the context was not released:\n" + tail(stderr2));
    assertFalse(stderr2.contains("[fakecuda] FAIL"), tail(stderr2));
  }

  private static String tail(String s) {
    return s.length() <= 6000 ? s : "..." + s.substring(s.length() - 6000);
  }
}
