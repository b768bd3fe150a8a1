package io.github.bakefeature.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.bakefeature.core.encodings.HashGridEncoding;
import io.github.bakefeature.core.optim.Adam;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CUDA kernels' logic without a GPU: the per-thread bodies the kernels call
 * (src/main/cuda/hashgrid_kernels.cuh) are compiled for the CPU with g++ (src/test/cuda's harness
 * runs the "threads" in index order) and must reproduce the Java {@link HashGridEncoding} and
 * {@link Adam} bit for bit: forward, backward, and two sparse or dense Adam steps. The GPU
 * version of the same comparison is {@link CudaHashGridEncodingTest}.
 */
class HashGridKernelsOnHostTest {
  private static final Path SOURCES = Path.of("src", "main", "cuda");
  private static final Path HARNESS = Path.of("src", "test", "cuda", "hashgrid_host.cpp");
  private static Path binary;

  @BeforeAll
  static void compileHarness() throws Exception {
    assumeTrue(onPath("g++"), "g++ not found on PATH: cannot compile the CUDA kernel bodies for the CPU");
    Path dir = Files.createDirectories(Path.of("target", "hashgrid-host"));
    binary = dir.resolve("hashgrid_host");
    Process p = new ProcessBuilder("g++", "-O2", "-std=c++14", "-ffp-contract=off", "-Wall", "-Werror",
        "-I", SOURCES.toString(), "-o", binary.toString(), HARNESS.toString())
        .redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), "g++ failed:\n" + log);
  }

  @Test
  void sparseTwoFeatureGridWithDenseAndHashedLevelsMatchesJavaBitForBit() throws Exception {
    // Levels 4, 8 (dense), 16..128 (hashed into 2^12 rows); the factor table covers only t = 1,
    // so the second step's bias correction takes the kernel's double-precision path.
    HashGridEncoding grid = HashGridEncoding.builder().optLevels(6).optFeaturesPerLevel(2).optLog2TableSize(12)
        .optBaseResolution(4).optPerLevelScale(2.0).optSparseUpdates(true).build();
    compare(grid, 3000, 2, 11);
  }

  @Test
  void denseAdamGridMatchesJavaBitForBit() throws Exception {
    HashGridEncoding grid = HashGridEncoding.builder().optLevels(5).optFeaturesPerLevel(2).optLog2TableSize(11)
        .optBaseResolution(3).optPerLevelScale(1.7).optSparseUpdates(false).build();
    compare(grid, 1500, 64, 12);
  }

  @Test
  void fourFeatureGridTakesTheGenericPathAndMatchesJavaBitForBit() throws Exception {
    HashGridEncoding grid = HashGridEncoding.builder().optLevels(4).optFeaturesPerLevel(4).optLog2TableSize(10)
        .optBaseResolution(5).optMaxResolution(60).optSparseUpdates(true).build();
    compare(grid, 1200, 64, 13);
  }

  private static void compare(HashGridEncoding grid, int count, int factorCount, long seed) throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    float[] params = grid.parameters();
    for (int i = 0; i < params.length; i++) {
      params[i] = (float) (2 * random.nextDouble() - 1);
    }
    int levels = grid.levels();
    int features = grid.featuresPerLevel();
    int width = levels * features;
    int rows = grid.rowCount();
    float[] in = new float[3 * count];
    for (int i = 0; i < in.length; i++) {
      // Mostly inside the cube, some outside (clamped) and some exactly on its faces.
      double u = random.nextDouble();
      in[i] = u < 0.05 ? (float) (random.nextDouble() * 0.4 - 0.2) : u < 0.08 ? (random.nextBoolean() ? 0f : 1f)
          : u > 0.97 ? (float) (1 + random.nextDouble() * 0.2) : (float) random.nextDouble();
    }
    float[] gout = new float[count * width];
    for (int i = 0; i < gout.length; i++) {
      // A third of the (point, level) gradients are zero: those points must be skipped.
      gout[i] = (i / features) % 3 == 0 ? 0f : (float) random.nextGaussian();
    }
    float lr = 0.01f;
    Adam adam = grid.optimizer();

    ByteBuffer b = ByteBuffer.allocate(4 * (7 + 3 * levels + params.length + in.length + gout.length + 4 + factorCount))
        .order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(levels).putInt(features).putInt((1 << grid.log2TableSize()) - 1).putInt(count)
        .putInt(grid.sparseUpdates() ? 1 : 0).putInt(rows).putInt(factorCount);
    for (int l = 0; l < levels; l++) {
      b.putInt(grid.resolution(l));
    }
    for (int l = 0; l < levels; l++) {
      b.putInt(grid.rowOffset(l));
    }
    for (int l = 0; l < levels; l++) {
      b.putInt(grid.isDense(l) ? 1 : 0);
    }
    for (float f : params) {
      b.putFloat(f);
    }
    for (float f : in) {
      b.putFloat(f);
    }
    for (float f : gout) {
      b.putFloat(f);
    }
    b.putFloat(lr).putFloat(adam.beta1()).putFloat(adam.beta2()).putFloat(adam.epsilon());
    for (int t = 0; t < factorCount; t++) {
      b.putFloat(t == 0 ? 0f : adam.biasCorrection(t));
    }
    ByteBuffer out = run(b.array());

    float[] expectedOut = new float[count * width];
    grid.encode(in, count, expectedOut, width, 0);
    assertArrayEquals(expectedOut, floats(out, count * width), "forward");

    grid.backward(in, count, gout, width, 0);
    assertArrayEquals(grid.gradients().clone(), floats(out, rows * features), "gradient after one backward");
    int[] touched = ints(out, rows);
    grid.step(lr);
    grid.backward(in, count, gout, width, 0);
    grid.step(lr);
    assertArrayEquals(grid.parameters(), floats(out, params.length), "parameters after two steps");
    assertArrayEquals(adam.firstMoments(), floats(out, params.length), "first moments");
    assertArrayEquals(adam.secondMoments(), floats(out, params.length), "second moments");
    int[] steps = ints(out, rows);
    assertArrayEquals(adam.rowStepCounts(), steps, "per-row step counts");
    assertEquals(0, out.remaining(), "harness wrote more than expected");
    if (grid.sparseUpdates()) {
      int used = 0;
      for (int r = 0; r < rows; r++) {
        assertEquals(steps[r] > 0 ? 1 : 0, touched[r], "touched flag of row " + r);
        used += touched[r];
      }
      assertTrue(used > 0 && used < rows, "a test where some but not all rows are touched; touched " + used);
    }
  }

  private static void assertTrue(boolean condition, String message) {
    org.junit.jupiter.api.Assertions.assertTrue(condition, message);
  }

  private static ByteBuffer run(byte[] input) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(binary.toAbsolutePath().toString()).redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    // The harness reads all of its input before writing anything, so this cannot deadlock.
    try (OutputStream o = p.getOutputStream()) {
      o.write(input);
    }
    byte[] output = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "harness did not finish");
    assertEquals(0, p.exitValue(), "harness exit code");
    return ByteBuffer.wrap(output).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static float[] floats(ByteBuffer b, int n) {
    float[] f = new float[n];
    b.asFloatBuffer().get(f);
    b.position(b.position() + 4 * n);
    return f;
  }

  private static int[] ints(ByteBuffer b, int n) {
    int[] v = new int[n];
    b.asIntBuffer().get(v);
    b.position(b.position() + 4 * n);
    return v;
  }

  static boolean onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
