package io.github.bakefeature.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.bakefeature.core.encodings.HashGridEncoding;
import io.github.bakefeature.core.encodings.TrainableEncoding;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CUDA hash grid on a real GPU against the Java grid: forward and Adam bit for bit, backward
 * to float rounding (atomics add in any order), checkpoints interchangeable, frozen copies on the
 * CPU. Skipped, with the reason, where no GPU is usable; the kernels' logic is then still checked
 * by {@link HashGridKernelsOnHostTest} and the PTX by {@link PtxModuleTest}.
 */
class CudaHashGridEncodingTest {
  private static final int COUNT = 5000;

  @BeforeEach
  void needsGpu() {
    String why = CudaContext.get().unavailableReason().orElse(null);
    assumeTrue(why == null, () -> "no usable CUDA GPU: " + why);
  }

  private static HashGridEncoding.Builder config(boolean sparse) {
    return HashGridEncoding.builder().optLevels(8).optLog2TableSize(14).optBaseResolution(8).optSeed(5)
        .optSparseUpdates(sparse);
  }

  private static float[] points(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] in = new float[3 * COUNT];
    for (int i = 0; i < in.length; i++) {
      in[i] = (float) (r.nextDouble() * 1.2 - 0.1);
    }
    return in;
  }

  @Test
  void trainsLikeTheJavaGridAndSavesTheSameCheckpoint() throws Exception {
    for (boolean sparse : new boolean[] {true, false}) {
      HashGridEncoding cpu = config(sparse).build();
      try (CudaHashGridEncoding gpu = new CudaHashGridEncoding(config(sparse).build())) {
        int width = cpu.outputDimension();
        float[] in = points(1);
        float[] gout = new float[COUNT * width];
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < gout.length; i++) {
          gout[i] = (float) r.nextGaussian();
        }
        for (int step = 0; step < 3; step++) {
          float[] a = new float[COUNT * (width + 3)];
          float[] b = new float[COUNT * (width + 3)];
          cpu.encode(in, COUNT, a, width + 3, 2);
          gpu.encode(in, COUNT, b, width + 3, 2);
          if (step == 0) {
            assertArrayEquals(a, b, "forward before training (sparse=" + sparse + ")");
          } else {
            assertClose(a, b, 1e-5f, "forward after " + step + " steps (sparse=" + sparse + ")");
          }
          cpu.backward(in, COUNT, gout, width, 0);
          gpu.backward(in, COUNT, gout, width, 0);
          cpu.step(1e-2f);
          gpu.step(1e-2f);
        }
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        gpu.writeState(new DataOutputStream(saved));
        HashGridEncoding restored = config(sparse).build();
        restored.readState(new DataInputStream(new ByteArrayInputStream(saved.toByteArray())));
        assertEquals(3, restored.steps());
        assertClose(cpu.parameters(), restored.parameters(), 1e-5f, "parameters saved from the GPU");

        TrainableEncoding frozen = gpu.frozenCopy();
        assertInstanceOf(HashGridEncoding.class, frozen);
        float[] a = new float[COUNT * width];
        float[] b = new float[COUNT * width];
        frozen.encode(in, COUNT, a, width, 0);
        gpu.encode(in, COUNT, b, width, 0);
        assertArrayEquals(a, b, "a frozen copy encodes on the CPU exactly as the GPU grid does");

        gpu.readState(new DataInputStream(new ByteArrayInputStream(saved.toByteArray())));
        gpu.encode(in, COUNT, a, width, 0);
        assertArrayEquals(b, a, "state read back reproduces the outputs");
      }
    }
  }

  @Test
  void refusesCallsAfterClose() {
    CudaHashGridEncoding gpu = new CudaHashGridEncoding(config(true).build());
    gpu.close();
    gpu.close();
    assertThrows(IllegalStateException.class, () -> gpu.encode(new float[3], 1, new float[16], 16, 0));
  }

  /**
   * Equal to {@code tolerance} (relative), except that Adam's first steps move a parameter by about
   * +-lr whatever the size of its gradient: a row whose gradient sums to almost zero may flip sign
   * under the GPU's other summation order. A few such entries (1 in 10,000) may differ by up to
   * 2 lr per step.
   */
  private static void assertClose(float[] expected, float[] actual, float tolerance, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    int flipped = 0;
    for (int i = 0; i < expected.length; i++) {
      float e = expected[i];
      float d = Math.abs(e - actual[i]);
      if (d > tolerance * Math.max(1f, Math.abs(e))) {
        if (d > 2 * 1e-2f * 3 + tolerance || ++flipped > Math.max(2, expected.length / 10_000)) {
          throw new AssertionError(what + ": index " + i + " expected " + e + " but was " + actual[i]
              + " (" + flipped + " entries off)");
        }
      }
    }
  }
}
