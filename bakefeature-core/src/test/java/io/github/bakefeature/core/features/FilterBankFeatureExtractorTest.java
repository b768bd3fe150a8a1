package io.github.bakefeature.core.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.feature.FeatureMap;
import io.github.bakefeature.api.scene.RgbImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class FilterBankFeatureExtractorTest {
  private static final FilterBankFeatureExtractor FULL =
      FilterBankFeatureExtractor.builder().optStride(1).build();

  @Test
  void hasTenChannelsPerScaleNamedInOutputOrder() {
    FilterBankFeatureExtractor fb = FilterBankFeatureExtractor.builder().optSigmas(1, 2.5).optStride(1).build();
    assertEquals(20, fb.dimension());
    List<String> names = fb.channelNames();
    assertEquals(20, names.size());
    assertEquals("L@1", names.get(0));
    assertEquals("gradmag@2.5", names.get(FilterBankFeatureExtractor.channel(1, "gradmag")));
    assertEquals("hess2@2.5", names.get(19));
    FeatureMap m = fb.extract(TestImages.structured(21, 13, 1));
    assertEquals(21, m.width());
    assertEquals(13, m.height());
    assertEquals(20, m.dimension());
  }

  @Test
  void constantImageHasZeroDerivativesAndItsLabColour() {
    FeatureMap m = FULL.extract(TestImages.constant(37, 23, 255, 0, 0));
    float[] lab = new float[3];
    CieLab.fromSrgb(255, 0, 0, lab, 0);
    for (int y = 0; y < m.height(); y++) {
      for (int x = 0; x < m.width(); x++) {
        for (int s = 0; s < 5; s++) {
          assertEquals((lab[0] - 50) / 50, m.get(x, y, FilterBankFeatureExtractor.channel(s, "L")), 1e-4);
          assertEquals(lab[1] / 50, m.get(x, y, FilterBankFeatureExtractor.channel(s, "a")), 1e-4);
          assertEquals(lab[2] / 50, m.get(x, y, FilterBankFeatureExtractor.channel(s, "b")), 1e-4);
          for (String c : new String[] {"gradmag", "log", "dog", "st1", "st2", "hess1", "hess2"}) {
            assertEquals(0f, m.get(x, y, FilterBankFeatureExtractor.channel(s, c)), 2e-5,
                c + " at scale " + s + " of a constant image, cell " + x + "," + y);
          }
        }
      }
    }
  }

  @Test
  void stepEdgePeaksGradientMagnitudeAtTheEdge() {
    int w = 64;
    int edge = 32;
    FeatureMap m = FULL.extract(TestImages.verticalStep(w, 24, edge));
    for (int s = 0; s < 4; s++) { // sigma 0.7 .. 5 (10 is wider than half the image)
      int gm = FilterBankFeatureExtractor.channel(s, "gradmag");
      for (int y = 0; y < m.height(); y++) {
        int best = 0;
        for (int x = 1; x < w; x++) {
          if (m.get(x, y, gm) > m.get(best, y, gm)) {
            best = x;
          }
        }
        assertTrue(best == edge - 1 || best == edge, "scale " + s + ": gradient peak at " + best + ", expected the edge at 31|32");
      }
      // Scale-normalised: an ideal step of 100 L units peaks at 100 / (50 sqrt(2 pi)) = 0.80 at every
      // scale; the pixel centres sit half a pixel off the edge, which scales that by exp(-1/(8 sigma^2)).
      double sigma = FilterBankFeatureExtractor.DEFAULT_SIGMAS.get(s);
      float peak = Math.max(m.get(edge - 1, 12, gm), m.get(edge, 12, gm));
      assertEquals(100 / (50 * Math.sqrt(2 * Math.PI)) * Math.exp(-1 / (8 * sigma * sigma)), peak, 0.03,
          "peak gradient magnitude at scale " + s);
      // Far from the edge (and the mirrored borders) the image is flat.
      assertEquals(0f, m.get(4, 12, gm), 1e-3);
      // The Laplacian and DoG change sign across the edge: bright side negative LoG.
      int log = FilterBankFeatureExtractor.channel(s, "log");
      assertTrue(m.get(edge - 2, 12, log) > 0 && m.get(edge + 1, 12, log) < 0, "LoG sign change at scale " + s);
      int dog = FilterBankFeatureExtractor.channel(s, "dog");
      assertTrue(m.get(edge - 2, 12, dog) > 0 && m.get(edge + 1, 12, dog) < 0, "DoG sign change at scale " + s);
      // A straight edge has one dominant orientation: large first, ~zero second tensor eigenvalue.
      float st1 = m.get(edge, 12, FilterBankFeatureExtractor.channel(s, "st1"));
      float st2 = m.get(edge, 12, FilterBankFeatureExtractor.channel(s, "st2"));
      assertTrue(st1 > 0.2 && st2 < 1e-3, "structure tensor at the edge: " + st1 + ", " + st2);
    }
  }

  @Test
  void hessianEigenvaluesAreOrderedAndSumToTheLaplacianEverywhere() {
    FeatureMap m = FULL.extract(TestImages.structured(40, 31, 7));
    for (int s = 0; s < 5; s++) {
      int h1 = FilterBankFeatureExtractor.channel(s, "hess1");
      int h2 = FilterBankFeatureExtractor.channel(s, "hess2");
      int log = FilterBankFeatureExtractor.channel(s, "log");
      for (int y = 0; y < m.height(); y++) {
        for (int x = 0; x < m.width(); x++) {
          float a = m.get(x, y, h1);
          float b = m.get(x, y, h2);
          assertTrue(a >= b, "larger first at scale " + s + ", " + x + "," + y + ": " + a + " < " + b);
          // Both are sigma^2 lambda / 50 and the LoG is sigma^2 trace(H) / 50.
          assertEquals(m.get(x, y, log), a + b, 1e-4, "trace at scale " + s + ", " + x + "," + y);
        }
      }
    }
  }

  @Test
  void aBrightLineCurvesAcrossItOnlyAndADarkLineTheOtherWayInAnyAxisOrientation() {
    int w = 41;
    int h = 41;
    int s = 1; // sigma 1.6, wider than the 3-pixel line
    for (boolean vertical : new boolean[] {true, false}) {
      for (int value : new int[] {230, 20}) {
        byte[] px = new byte[w * h * 3];
        java.util.Arrays.fill(px, (byte) 120);
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            if (Math.abs((vertical ? x : y) - 20) <= 1) {
              java.util.Arrays.fill(px, (y * w + x) * 3, (y * w + x) * 3 + 3, (byte) value);
            }
          }
        }
        FeatureMap m = FULL.extract(new RgbImage(w, h, px));
        float h1 = m.get(20, 20, FilterBankFeatureExtractor.channel(s, "hess1"));
        float h2 = m.get(20, 20, FilterBankFeatureExtractor.channel(s, "hess2"));
        String what = (value > 120 ? "bright " : "dark ") + (vertical ? "vertical" : "horizontal") + " line: " + h1 + ", " + h2;
        if (value > 120) {
          assertTrue(h2 < -0.3 && Math.abs(h1) < 1e-3, what); // a ridge: curves down across, flat along
        } else {
          assertTrue(h1 > 0.3 && Math.abs(h2) < 1e-3, what); // a valley
        }
      }
    }
    // A bright blob curves down in every direction, about equally.
    byte[] px = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double r2 = (x - 20) * (x - 20) + (y - 20) * (y - 20);
        java.util.Arrays.fill(px, (y * w + x) * 3, (y * w + x) * 3 + 3, (byte) (60 + 150 * Math.exp(-r2 / 8)));
      }
    }
    FeatureMap blob = FULL.extract(new RgbImage(w, h, px));
    float b1 = blob.get(20, 20, FilterBankFeatureExtractor.channel(s, "hess1"));
    float b2 = blob.get(20, 20, FilterBankFeatureExtractor.channel(s, "hess2"));
    assertTrue(b1 < -0.1 && b2 < -0.1 && Math.abs(b1 - b2) < 0.02 * Math.abs(b2), "blob: " + b1 + ", " + b2);
  }

  @Test
  void featuresAreInvariantToMirroringAndTransposition() {
    RgbImage img = TestImages.structured(33, 26, 3);
    FeatureMap a = FULL.extract(img);
    FeatureMap mirrored = FULL.extract(TestImages.mirrorX(img));
    FeatureMap transposed = FULL.extract(TestImages.transpose(img));
    for (int y = 0; y < a.height(); y++) {
      for (int x = 0; x < a.width(); x++) {
        for (int c = 0; c < a.dimension(); c++) {
          float v = a.get(x, y, c);
          assertEquals(v, mirrored.get(a.width() - 1 - x, y, c), 1e-4, "mirror, channel " + c);
          assertEquals(v, transposed.get(y, x, c), 1e-4, "transpose, channel " + c);
        }
      }
    }
  }

  @Test
  void resultIsDeterministicAndIndependentOfThreadCount() {
    RgbImage img = TestImages.structured(50, 41, 5);
    float[] one = FilterBankFeatureExtractor.builder().optStride(1).optThreads(1).build().extract(img).data();
    float[] again = FilterBankFeatureExtractor.builder().optStride(1).optThreads(1).build().extract(img).data();
    float[] three = FilterBankFeatureExtractor.builder().optStride(1).optThreads(3).build().extract(img).data();
    float[] seven = FilterBankFeatureExtractor.builder().optStride(1).optThreads(7).build().extract(img).data();
    assertArrayEquals(one, again);
    assertArrayEquals(one, three);
    assertArrayEquals(one, seven);
    // Reusing the workspace (same instance, other image in between) changes nothing either.
    FULL.extract(TestImages.structured(17, 9, 1));
    assertArrayEquals(one, FULL.extract(img).data());
  }

  @Test
  void strideAveragesTheFullResolutionResponsesOverEachCell() {
    RgbImage img = TestImages.structured(45, 31, 9);
    FeatureMap full = FULL.extract(img);
    FeatureMap coarse = FilterBankFeatureExtractor.builder().optStride(3).build().extract(img);
    assertEquals(15, coarse.width());
    assertEquals(11, coarse.height());
    int m = full.dimension();
    double[] sum = new double[coarse.width() * coarse.height() * m];
    int[] count = new int[coarse.width() * coarse.height()];
    float[] cell = new float[m];
    for (int py = 0; py < 31; py++) {
      for (int px = 0; px < 45; px++) {
        // the cell a pixel looks up is the cell whose average includes it
        int cx = Math.min(14, (int) ((px + 0.5) * 15 / 45));
        int cy = Math.min(10, (int) ((py + 0.5) * 11 / 31));
        coarse.lookup(px, py, 45, 31, cell, 0);
        assertEquals(coarse.get(cx, cy, 7), cell[7]);
        int i = cy * 15 + cx;
        count[i]++;
        for (int c = 0; c < m; c++) {
          sum[i * m + c] += full.get(px, py, c);
        }
      }
    }
    for (int i = 0; i < count.length; i++) {
      assertTrue(count[i] >= 6 && count[i] <= 9, "cell " + i + " covers " + count[i] + " pixels");
      for (int c = 0; c < m; c++) {
        assertEquals(sum[i * m + c] / count[i], coarse.data()[i * m + c], 1e-4, "cell " + i + " channel " + c);
      }
    }
  }

  @Test
  void defaultGridIsAtMost160By120() {
    FilterBankFeatureExtractor fb = FilterBankFeatureExtractor.builder().build();
    assertArrayEquals(new int[] {160, 120}, fb.gridSize(640, 480));
    assertArrayEquals(new int[] {160, 120}, fb.gridSize(320, 240));
    assertEquals(2, fb.stride(320, 240));
    assertArrayEquals(new int[] {129, 96}, fb.gridSize(641, 480)); // stride 5: 4 would give 161 columns
    assertArrayEquals(new int[] {100, 50}, fb.gridSize(100, 50)); // small images keep full resolution
  }

  @Test
  void idEncodesEveryParameter() {
    String def = FilterBankFeatureExtractor.builder().build().id();
    assertEquals("filterbank-v1-lab-s0.7,1.6,3.5,5,10-grid160x120", def);
    assertNotEquals(def, FilterBankFeatureExtractor.builder().optSigmas(0.7, 1.6, 3.5, 5).build().id());
    assertNotEquals(def, FilterBankFeatureExtractor.builder().optStride(2).build().id());
    assertNotEquals(def, FilterBankFeatureExtractor.builder().optMaxGrid(80, 60).build().id());
    assertEquals(def, FilterBankFeatureExtractor.builder().optThreads(1).build().id(), "threads do not change the output");
  }

  @Test
  void tinyImagesWork() {
    FeatureMap m = FULL.extract(TestImages.constant(1, 1, 10, 20, 30));
    assertEquals(1, m.width());
    assertEquals(0f, m.get(0, 0, FilterBankFeatureExtractor.channel(4, "gradmag")), 1e-6);
    FeatureMap m2 = FULL.extract(TestImages.structured(2, 3, 1));
    for (float v : m2.data()) {
      assertTrue(Float.isFinite(v));
    }
  }

  @Test
  void rejectsBadParameters() {
    assertThrows(IllegalArgumentException.class, () -> FilterBankFeatureExtractor.builder().optSigmas());
    assertThrows(IllegalArgumentException.class, () -> FilterBankFeatureExtractor.builder().optSigmas(1, -2));
    assertThrows(IllegalArgumentException.class, () -> FilterBankFeatureExtractor.builder().optSigmas(1, 1));
    assertThrows(IllegalArgumentException.class, () -> FilterBankFeatureExtractor.builder().optSigmas(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> FilterBankFeatureExtractor.builder().optStride(0));
    assertThrows(IllegalArgumentException.class, () -> FilterBankFeatureExtractor.builder().optMaxGrid(0, 5));
    assertThrows(IllegalArgumentException.class, () -> FilterBankFeatureExtractor.builder().optThreads(0));
    assertThrows(IllegalArgumentException.class, () -> FilterBankFeatureExtractor.channel(0, "nope"));
  }
}
