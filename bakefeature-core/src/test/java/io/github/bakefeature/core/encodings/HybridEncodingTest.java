package io.github.bakefeature.core.encodings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class HybridEncodingTest {

  @Test
  void concatenatesHashGridAndLowFrequencies() {
    HashGridEncoding grid = HashGridEncodingTest.smallGrid(2, true);
    HybridEncoding hybrid = HybridEncoding.hashGridAndFrequency(grid);
    assertEquals(16 + 12, hybrid.outputDimension());
    assertEquals(grid.parameterCount(), hybrid.parameterCount());
    int n = 700;
    float[] x = HashGridEncodingTest.randomPoints(n, 1);
    float[] y = hybrid.encode(x, n);
    float[] yg = grid.encode(x, n);
    float[] yf = FrequencyEncoding.of(2).encode(x, n);
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < 16; k++) {
        assertEquals(yg[i * 16 + k], y[i * 28 + k]);
      }
      for (int k = 0; k < 12; k++) {
        assertEquals(yf[i * 12 + k], y[i * 28 + 16 + k]);
      }
    }
  }

  @Test
  void forwardsTrainingToTheTrainablePartWithItsColumns() throws IOException {
    HashGridEncoding inHybrid = HashGridEncodingTest.smallGrid(2, true);
    HashGridEncoding alone = HashGridEncodingTest.smallGrid(2, true);
    HybridEncoding hybrid = new HybridEncoding(List.of(FrequencyEncoding.of(2), inHybrid));
    assertEquals(12, hybrid.columnOffset(1));
    int n = 600;
    float[] x = HashGridEncodingTest.randomPoints(n, 2);
    float[] g = HashGridEncodingTest.randomGrad(n * 30, 3); // stride 30, hybrid at column 2
    hybrid.backward(x, n, g, 30, 2);
    alone.backward(x, n, g, 30, 14);
    assertArrayEquals(alone.gradients(), inHybrid.gradients());
    hybrid.step(1e-2f);
    alone.step(1e-2f);
    assertArrayEquals(alone.parameters(), inHybrid.parameters());
    ByteArrayOutputStream a = new ByteArrayOutputStream();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    hybrid.writeState(new DataOutputStream(a));
    alone.writeState(new DataOutputStream(b));
    assertArrayEquals(b.toByteArray(), a.toByteArray());
    HashGridEncoding restored = HashGridEncodingTest.smallGrid(2, true);
    new HybridEncoding(List.of(FrequencyEncoding.of(2), restored))
        .readState(new DataInputStream(new ByteArrayInputStream(a.toByteArray())));
    assertArrayEquals(inHybrid.parameters(), restored.parameters());

    // The fused path forwards the same columns.
    hybrid.backwardAndStep(x, n, g, 30, 2, 1e-2f);
    alone.backwardAndStep(x, n, g, 30, 14, 1e-2f);
    assertArrayEquals(alone.parameters(), inHybrid.parameters());
  }

  @Test
  void rejectsPartsOfDifferentInputDimension() {
    FrequencyEncoding twoD = FrequencyEncoding.builder().optInputDimension(2).optFrequencies(2).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new HybridEncoding(List.of(FrequencyEncoding.of(2), twoD)));
    assertEquals(true, e.getMessage().contains("input dimension"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new HybridEncoding(List.of()));
  }

  /** A part holding a resource, as a GPU hash grid holds device memory. */
  private static final class Closeable implements io.github.bakefeature.api.field.Encoding, AutoCloseable {
    int closed;
    final boolean fails;

    Closeable(boolean fails) {
      this.fails = fails;
    }

    @Override
    public int inputDimension() {
      return 3;
    }

    @Override
    public int outputDimension() {
      return 1;
    }

    @Override
    public void encode(float[] input, int count, float[] output, int outputStride, int outputOffset) {
    }

    @Override
    public void close() {
      closed++;
      if (fails) {
        throw new IllegalStateException("driver error");
      }
    }
  }

  @Test
  void closeClosesEveryPartThatHoldsResourcesEvenAfterOneFails() {
    Closeable failing = new Closeable(true);
    Closeable other = new Closeable(false);
    HybridEncoding h = new HybridEncoding(List.of(failing, FrequencyEncoding.of(2), other));
    IllegalStateException e = assertThrows(IllegalStateException.class, h::close);
    assertEquals("driver error", e.getMessage());
    assertEquals(1, failing.closed);
    assertEquals(1, other.closed, "the second part is closed although the first failed");
  }
}
