package io.github.bakefeature.core.fields;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class MlpTest {
  @Test
  void stateRoundTripsExactly() throws IOException {
    Mlp m = Mlp.create(7, 5, 16, 3);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    m.writeState(new DataOutputStream(bytes));
    Mlp back = Mlp.readState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    float[] a = new float[m.parameterCount()];
    float[] b = new float[back.parameterCount()];
    m.flatten(a, 0);
    back.flatten(b, 0);
    assertArrayEquals(a, b);
  }

  @Test
  void rejectsStoredWidthsWhoseParametersExceedTheCapBeforeAllocating() throws IOException {
    // Each width is plausible (<= 65536), their products are not: 40000 x 40000 = 1.6e9 floats.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(4);
    for (int w : new int[] {3, 40000, 40000, 2}) {
      out.writeInt(w);
    }
    IOException e = assertThrows(IOException.class,
        () -> Mlp.readState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
    assertTrue(e.getMessage().startsWith("corrupt MLP state: expected at most " + Mlp.MAX_STATE_PARAMETERS
        + " parameters, found widths [3, 40000, 40000, 2]"), e.getMessage());
  }
}
