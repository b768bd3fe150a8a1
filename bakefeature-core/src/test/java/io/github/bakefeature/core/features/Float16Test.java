package io.github.bakefeature.core.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Float16Test {

  private static int bits(float f) {
    return Float16.fromFloat(f) & 0xffff;
  }

  @Test
  void encodesKnownValues() {
    assertEquals(0x3C00, bits(1f));
    assertEquals(0xC000, bits(-2f));
    assertEquals(0x0000, bits(0f));
    assertEquals(0x8000, bits(-0f));
    assertEquals(0x7BFF, bits(65504f));
    assertEquals(0x7C00, bits(65520f), "halfway above the largest half rounds to infinity");
    assertEquals(0x7BFF, bits(65519f));
    assertEquals(0x7C00, bits(Float.POSITIVE_INFINITY));
    assertEquals(0xFC00, bits(Float.NEGATIVE_INFINITY));
    assertEquals(0x0001, bits(0x1p-24f), "smallest subnormal");
    assertEquals(0x0000, bits(0x1p-25f), "a tie between 0 and the smallest subnormal goes to even (0)");
    assertEquals(0x0001, bits(0x1.8p-25f));
    assertEquals(0x0400, bits(0x1p-14f), "smallest normal");
    assertEquals(0x03FF, bits(0x1.ff8p-15f - 0x1p-26f));
    assertEquals(0x3C00, bits(1f + 0x1p-11f), "tie goes to the even mantissa");
    assertEquals(0x3C02, bits(1f + 0x3p-11f), "tie goes to the even mantissa");
    assertEquals(0x3C01, bits(1f + 0x1.2p-11f));
    assertTrue(Float.isNaN(Float16.toFloat(Float16.fromFloat(Float.NaN))));
  }

  @Test
  void everyHalfRoundTripsExactly() {
    for (int h = 0; h < 1 << 16; h++) {
      float f = Float16.toFloat((short) h);
      if (Float.isNaN(f)) {
        assertEquals(0x7C00, h & 0x7C00, "only all-ones exponents decode to NaN");
        continue;
      }
      assertEquals(h, bits(f), "half 0x" + Integer.toHexString(h) + " = " + f);
    }
  }

  @Test
  void roundsFloatsToTheNearestHalf() {
    SplittableRandom rnd = new SplittableRandom(3);
    float[] in = new float[10000];
    for (int i = 0; i < in.length; i++) {
      in[i] = (float) ((rnd.nextDouble() * 2 - 1) * Math.pow(10, rnd.nextInt(-4, 5)));
    }
    short[] halfs = new short[in.length];
    float[] back = new float[in.length];
    Float16.fromFloat(in, 0, halfs, 0, in.length);
    Float16.toFloat(halfs, 0, back, 0, in.length);
    for (int i = 0; i < in.length; i++) {
      float a = Math.abs(in[i]);
      // half precision: 11 significant bits, so relative error <= 2^-11 for normals; absolute 2^-25 for subnormals
      double bound = a >= 0x1p-14f ? a * 0x1p-11 : 0x1p-25;
      assertTrue(Math.abs(back[i] - in[i]) <= bound, in[i] + " -> " + back[i]);
      // and no other half is closer
      float up = Float16.toFloat((short) (halfs[i] + 1));
      float down = Float16.toFloat((short) (halfs[i] - 1));
      assertTrue(Math.abs(back[i] - in[i]) <= Math.abs(up - in[i]) || Float.isNaN(up));
      assertTrue(Math.abs(back[i] - in[i]) <= Math.abs(down - in[i]) || Float.isNaN(down));
    }
  }
}
