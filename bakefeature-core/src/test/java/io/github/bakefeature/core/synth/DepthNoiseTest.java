package io.github.bakefeature.core.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.Frame;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class DepthNoiseTest {

  private static SyntheticScene generate(DepthNoise model) {
    return SyntheticSceneGenerator.builder().optPreset(Preset.TABLETOP).optFrames(3).optSize(96, 72).optSeed(12)
        .optDepthModel(model).build().generate();
  }

  @Test
  void isOffByDefault() {
    SyntheticSceneGenerator g = SyntheticSceneGenerator.builder().build();
    assertFalse(g.depthNoise().enabled());
    assertEquals(DepthNoise.NONE, g.depthNoise());
  }

  @Test
  void noisyDepthIsMillimetreQuantisedUnbiasedAndProportionalToDepth() throws IOException {
    double sigma = 0.01;
    SyntheticScene s = generate(DepthNoise.of(sigma, 0));
    double sum = 0;
    double sumSq = 0;
    int n = 0;
    for (Frame f : s.scene().frames()) {
      float[] noisy = f.depth().orElseThrow().metres();
      float[] exact = s.view(f.index()).depth().metres();
      for (int i = 0; i < noisy.length; i++) {
        assertTrue(noisy[i] > 0, "noise alone makes no holes");
        double mm = noisy[i] * 1000.0;
        assertEquals(Math.rint(mm), mm, 1e-3, "depth should be whole millimetres, found " + noisy[i]);
        double rel = (noisy[i] - exact[i]) / exact[i];
        sum += rel;
        sumSq += rel * rel;
        n++;
      }
    }
    double mean = sum / n;
    double std = Math.sqrt(sumSq / n - mean * mean);
    assertEquals(0, mean, 0.001, "relative noise should be unbiased");
    assertEquals(sigma, std, 0.15 * sigma, "relative noise standard deviation");
  }

  @Test
  void holesCoverAboutTheRequestedFractionAndLeaveColourAndLabelsExact() throws IOException {
    SyntheticScene exact = generate(DepthNoise.NONE);
    SyntheticScene holes = generate(new DepthNoise(0, 0.1, 0, Double.POSITIVE_INFINITY));
    for (Frame f : holes.scene().frames()) {
      double invalid = 1 - f.depth().orElseThrow().coverage();
      assertTrue(invalid > 0.04 && invalid < 0.16, "frame " + f.index() + ": " + invalid + " of the pixels are holes");
      Frame e = exact.scene().frame(f.index());
      assertArrayEquals(e.rgb().pixels(), f.rgb().pixels());
      assertArrayEquals(e.groundTruth().orElseThrow().labels(), f.groundTruth().orElseThrow().labels());
    }
    // Different frames get different hole patterns.
    assertFalse(java.util.Arrays.equals(mask(holes.scene().frame(0)), mask(holes.scene().frame(1))));
  }

  private static boolean[] mask(Frame f) throws IOException {
    float[] d = f.depth().orElseThrow().metres();
    boolean[] m = new boolean[d.length];
    for (int i = 0; i < d.length; i++) {
      m[i] = d[i] > 0;
    }
    return m;
  }

  @Test
  void grazingAndFarPixelsAreInvalid() throws IOException {
    double maxRange = 2.0;
    SyntheticScene s = generate(new DepthNoise(0, 0, 0.3, maxRange));
    int far = 0;
    int grazing = 0;
    for (Frame f : s.scene().frames()) {
      float[] d = f.depth().orElseThrow().metres();
      SynthView v = s.view(f.index());
      float[] exact = v.depth().metres();
      double[] o = new double[3];
      f.pose().cameraCentre(o);
      Hit hit = new Hit();
      for (int y = 0; y < v.rgb().height(); y++) {
        for (int x = 0; x < v.rgb().width(); x++) {
          int i = y * v.rgb().width() + x;
          double[] dir = GroundTruthTest.rayDirection(f, x, y);
          s.world().intersect(o[0], o[1], o[2], dir[0], dir[1], dir[2], 1e-4, Double.POSITIVE_INFINITY, hit);
          double cos = Math.abs(hit.nx * dir[0] + hit.ny * dir[1] + hit.nz * dir[2])
              / Math.sqrt(dir[0] * dir[0] + dir[1] * dir[1] + dir[2] * dir[2]);
          boolean shouldBeInvalid = exact[i] > maxRange || cos < 0.3;
          if (exact[i] > maxRange) {
            far++;
          } else if (cos < 0.3) {
            grazing++;
          }
          assertEquals(shouldBeInvalid, d[i] == 0, "pixel (" + x + ", " + y + ") depth " + exact[i] + " cos " + cos);
          if (!shouldBeInvalid) {
            assertEquals(Math.rint(exact[i] * 1000) / 1000, d[i], 1e-6);
          }
        }
      }
    }
    assertTrue(far > 100 && grazing > 100, "expected both cut-offs to apply, far " + far + " grazing " + grazing);
  }

  @Test
  void rejectsOutOfRangeModels() {
    assertThrows(IllegalArgumentException.class, () -> new DepthNoise(-0.01, 0, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new DepthNoise(0, 0.95, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new DepthNoise(0, 0, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new DepthNoise(0, 0, 0, 0));
    // Through the factory the CLI uses: NaN and negative fractions are refused, not taken as "no holes".
    IllegalArgumentException nan = assertThrows(IllegalArgumentException.class, () -> DepthNoise.of(0, Double.NaN));
    assertEquals("depth hole fraction must be in [0, 0.9], found NaN", nan.getMessage());
    assertThrows(IllegalArgumentException.class, () -> DepthNoise.of(0, -0.1));
    assertFalse(DepthNoise.of(0, 0).enabled());
  }
}
