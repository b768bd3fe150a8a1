package io.github.bakefeature.core.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureAutoencoderTest {
  static final int M = 40;

  /**
   * Pixels whose 40 channels are a smooth nonlinear function of 6 latent factors plus 1% noise:
   * structured the way filter responses are (many channels, few causes), so a D = 16 code suffices.
   */
  static float[] structured(int n, long seed) {
    SplittableRandom mix = new SplittableRandom(99); // the same mapping for every sample set
    double[][] a = new double[M][6];
    double[] bias = new double[M];
    double[] scale = new double[M];
    for (int c = 0; c < M; c++) {
      for (int k = 0; k < 6; k++) {
        a[c][k] = mix.nextGaussian();
      }
      bias[c] = mix.nextGaussian() * 0.5;
      scale[c] = Math.pow(10, mix.nextDouble() * 3 - 1); // channels from 0.1 to 100 in size
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] x = new float[n * M];
    double[] z = new double[6];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < 6; k++) {
        z[k] = rnd.nextGaussian() * 0.6;
      }
      for (int c = 0; c < M; c++) {
        double s = bias[c];
        for (int k = 0; k < 6; k++) {
          s += a[c][k] * z[k];
        }
        x[i * M + c] = (float) (scale[c] * (Math.tanh(s) + 0.01 * rnd.nextGaussian()));
      }
    }
    return x;
  }

  private static FeatureAutoencoder.Trainer quick() {
    return FeatureAutoencoder.trainer().optCodeDimension(16).optHiddenDimension(64).optSteps(300).optBatchSize(128).optLearningRate(1e-2);
  }

  @Test
  void fitReducesReconstructionErrorOnStructuredFeatures() {
    float[] x = structured(6000, 1);
    FeatureAutoencoder ae = quick().fit(x, 6000, M);
    FeatureAutoencoder.FitReport r = ae.fitReport();
    System.out.println("structured data: " + r);
    assertTrue(r.initialRelativeMse() > 0.5, "untrained error " + r.initialRelativeMse());
    assertTrue(r.relativeMse() < 0.08, "held-out relative MSE " + r.relativeMse() + ", expected < 0.08");
    assertTrue(r.relativeMse() < r.initialRelativeMse() / 10);
    assertEquals(600, r.heldOutSamples());
    assertEquals(5400, r.trainSamples());

    // encode/decode on fresh pixels reconstructs in the original units with the same quality.
    float[] fresh = structured(500, 2);
    float[] codes = ae.encode(fresh, 500);
    assertEquals(500 * 16, codes.length);
    float[] back = ae.decode(codes, 500);
    float[] mean = ae.mean();
    float[] std = ae.std();
    double err = 0;
    double var = 0;
    for (int i = 0; i < 500 * M; i++) {
      double e = (back[i] - fresh[i]) / std[i % M];
      double v = (fresh[i] - mean[i % M]) / std[i % M];
      err += e * e;
      var += v * v;
    }
    assertTrue(err / var < 0.1, "fresh-pixel relative MSE " + err / var);
  }

  @Test
  void codesAreNonNegativeAndSparse() {
    float[] x = structured(3000, 3);
    FeatureAutoencoder ae = quick().optSteps(60).fit(x, 3000, M);
    float[] codes = ae.encode(x, 3000);
    int zeros = 0;
    for (float c : codes) {
      assertTrue(c >= 0f, "ReLU code must be non-negative, found " + c);
      if (c == 0f) {
        zeros++;
      }
    }
    assertTrue(zeros > codes.length / 10, "L1 + ReLU should zero a good share of the code, found " + zeros + "/" + codes.length);
  }

  @Test
  void fitIsDeterministicForASeed() {
    float[] x = structured(1000, 4);
    FeatureAutoencoder.Trainer t = quick().optSteps(15);
    float[] a = t.fit(x, 1000, M).encode(x, 50);
    float[] b = t.fit(x, 1000, M).encode(x, 50);
    assertArrayEquals(a, b);
    float[] c = quick().optSteps(15).optSeed(7).fit(x, 1000, M).encode(x, 50);
    assertTrue(!java.util.Arrays.equals(a, c), "another seed gives another model");
  }

  @Test
  void standardisesChannelsAndSurvivesConstantOnes() {
    float[] x = structured(500, 5);
    for (int i = 0; i < 500; i++) {
      x[i * M + 3] = 7f; // a constant channel
    }
    FeatureAutoencoder ae = quick().optSteps(40).fit(x, 500, M);
    assertEquals(7f, ae.mean()[3], 1e-5);
    assertTrue(ae.std()[3] > 0f);
    float[] back = ae.decode(ae.encode(x, 10), 10);
    for (int i = 0; i < 10; i++) {
      assertTrue(Float.isFinite(back[i * M + 3]));
      assertEquals(7f, back[i * M + 3], 0.01f);
    }
  }

  @Test
  void savesAndLoadsExactly(@TempDir Path dir) throws IOException {
    float[] x = structured(500, 6);
    FeatureAutoencoder ae = quick().optSteps(20).fit(x, 500, M);
    Path f = dir.resolve("ae.bin");
    ae.save(f);
    FeatureAutoencoder back = FeatureAutoencoder.load(f);
    assertEquals(ae.fitReport(), back.fitReport());
    assertEquals(ae.trainerId(), back.trainerId());
    assertArrayEquals(ae.encode(x, 30), back.encode(x, 30));

    byte[] bytes = Files.readAllBytes(f);
    bytes[bytes.length / 2] ^= 0x10;
    Files.write(f, bytes);
    IOException e = assertThrows(IOException.class, () -> FeatureAutoencoder.load(f));
    assertTrue(e.getMessage().contains("ae.bin") && e.getMessage().contains("checksum"), e.getMessage());
    Files.write(f, java.util.Arrays.copyOf(bytes, 100));
    assertThrows(IOException.class, () -> FeatureAutoencoder.load(f));
    assertThrows(IOException.class, () -> FeatureAutoencoder.load(dir.resolve("missing.bin")));
  }

  @Test
  void aSingleHeldOutPixelGivesAFiniteError() {
    // 12 samples at the default 10% hold-out: one held-out pixel, whose own spread is 0.
    FeatureAutoencoder ae = quick().optSteps(20).fit(structured(12, 5), 12, M);
    assertTrue(Double.isFinite(ae.reconstructionError()) && ae.reconstructionError() >= 0, "" + ae.reconstructionError());
    assertTrue(Double.isFinite(ae.fitReport().initialRelativeMse()), "" + ae.fitReport().initialRelativeMse());
  }

  @Test
  void rejectsBadInput() {
    float[] x = structured(20, 7);
    assertThrows(IllegalArgumentException.class, () -> quick().fit(x, 5, M));
    assertThrows(IllegalArgumentException.class, () -> quick().fit(x, 21, M));
    x[17] = Float.NaN;
    IllegalArgumentException nan = assertThrows(IllegalArgumentException.class, () -> quick().fit(x, 20, M));
    assertTrue(nan.getMessage().contains("NaN"), nan.getMessage());
    assertThrows(IllegalArgumentException.class, () -> FeatureAutoencoder.trainer().optCodeDimension(0));
    assertThrows(IllegalArgumentException.class, () -> FeatureAutoencoder.trainer().optLearningRate(-1));
    assertThrows(IllegalArgumentException.class, () -> FeatureAutoencoder.trainer().optHoldOut(0));
  }
}
