package io.github.bakefeature.core.synth;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.RgbImage;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The scenes are hard enough that colour alone does not separate the classes. */
class AppearanceTest {
  private static SyntheticScene tabletop;
  private static SyntheticScene room;

  @BeforeAll
  static void generate() {
    tabletop = SyntheticScenes.generate(Preset.TABLETOP, 12, 160, 120, 0);
    room = SyntheticScenes.generate(Preset.ROOM, 12, 160, 120, 1);
  }

  /** Mean colour per class over all frames: [class][r, g, b, count]. */
  private static double[][] classMeans(SyntheticScene s) throws IOException {
    int c = s.world().classNames().size();
    double[][] m = new double[c][4];
    for (Frame f : s.scene().frames()) {
      RgbImage rgb = f.rgb();
      short[] l = f.groundTruth().orElseThrow().labels();
      for (int i = 0; i < l.length; i++) {
        accumulate(m[l[i]], rgb, i);
      }
    }
    return finish(m);
  }

  /** Mean colour per instance over all frames: [instance][r, g, b, count]. */
  private static double[][] instanceMeans(SyntheticScene s) {
    double[][] m = new double[s.world().objects().size()][4];
    for (int f = 0; f < s.scene().size(); f++) {
      SynthView v = s.view(f);
      for (int i = 0; i < v.instances().length; i++) {
        accumulate(m[v.instances()[i]], v.rgb(), i);
      }
    }
    return finish(m);
  }

  private static void accumulate(double[] acc, RgbImage rgb, int i) {
    for (int k = 0; k < 3; k++) {
      acc[k] += rgb.pixels()[3 * i + k] & 0xff;
    }
    acc[3]++;
  }

  private static double[][] finish(double[][] m) {
    for (double[] row : m) {
      for (int k = 0; k < 3; k++) {
        row[k] /= Math.max(1, row[3]);
      }
    }
    return m;
  }

  private static double distance(double[] a, double[] b) {
    return Math.sqrt(sq(a[0] - b[0]) + sq(a[1] - b[1]) + sq(a[2] - b[2]));
  }

  private static int instance(SyntheticScene s, String name) {
    return s.world().objects().stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow().instanceId();
  }

  @Test
  void tableAndBookShareADominantColour() throws IOException {
    List<String> names = tabletop.world().classNames();
    double[][] m = classMeans(tabletop);
    double d = distance(m[names.indexOf("table")], m[names.indexOf("book")]);
    assertTrue(d < 30, "table and book mean colours should be close, distance " + d);
  }

  @Test
  void roomTableAndSideboardShareAHue() {
    // Shading differs (table top vs vertical fronts), so compare chromaticity r:g:b.
    double[][] m = instanceMeans(room);
    double[] t = m[instance(room, "table")];
    double[] s = m[instance(room, "cabinet (sideboard)")];
    assertTrue(s[3] > 100, "the sideboard should be seen, found " + s[3] + " pixels");
    double st = t[0] + t[1] + t[2];
    double ss = s[0] + s[1] + s[2];
    double d = Math.sqrt(sq(t[0] / st - s[0] / ss) + sq(t[1] / st - s[1] / ss) + sq(t[2] / st - s[2] / ss));
    assertTrue(d < 0.02, "table and sideboard chromaticities should be close, distance " + d);
  }

  @Test
  void colourAloneDoesNotSeparateTheClasses() throws IOException {
    for (SyntheticScene s : new SyntheticScene[] {tabletop, room}) {
      double[][] m = classMeans(s);
      int c = m.length;
      double[] inter = new double[c];
      double[] union = new double[c];
      for (Frame f : s.scene().frames()) {
        RgbImage rgb = f.rgb();
        short[] l = f.groundTruth().orElseThrow().labels();
        for (int i = 0; i < l.length; i++) {
          double[] px = {rgb.pixels()[3 * i] & 0xff, rgb.pixels()[3 * i + 1] & 0xff, rgb.pixels()[3 * i + 2] & 0xff};
          int best = -1;
          double bestD = Double.POSITIVE_INFINITY;
          for (int k = 0; k < c; k++) {
            double d = distance(px, m[k]);
            if (m[k][3] > 0 && d < bestD) {
              bestD = d;
              best = k;
            }
          }
          if (best == l[i]) {
            inter[best]++;
            union[best]++;
          } else {
            union[best]++;
            union[l[i]]++;
          }
        }
      }
      double miou = 0;
      int n = 0;
      for (int k = 0; k < c; k++) {
        if (union[k] > 0) {
          miou += inter[k] / union[k];
          n++;
        }
      }
      miou /= n;
      assertTrue(miou < 0.5, "a nearest-mean-colour classifier reaches mIoU " + miou + "; colour alone "
          + "should not solve " + s.generator().preset());
    }
  }

  @Test
  void mugsAreOneClassWithDifferentTextures() {
    double[][] m = instanceMeans(tabletop);
    double[] striped = m[instance(tabletop, "mug (striped)")];
    double[] plain = m[instance(tabletop, "mug (plain)")];
    assertTrue(striped[3] > 100 && plain[3] > 100, "both mugs should be seen");
    double d = distance(striped, plain);
    assertTrue(d > 40, "mug instances should look different, mean colour distance " + d);
  }

  @Test
  void chairsAreOneClassWithDifferentTextures() {
    double[][] m = instanceMeans(room);
    double best = 0;
    for (SceneObject a : room.world().objects()) {
      for (SceneObject b : room.world().objects()) {
        if (a.name().startsWith("chair") && b.name().startsWith("chair") && m[a.instanceId()][3] > 100
            && m[b.instanceId()][3] > 100) {
          best = Math.max(best, distance(m[a.instanceId()], m[b.instanceId()]));
        }
      }
    }
    assertTrue(best > 40, "at least two chairs should look different, largest mean colour distance " + best);
  }

  @Test
  void objectsCastShadowsOnTheTable() throws IOException {
    // Same surface (the table top), lit versus in the shadow of an object: shadowed pixels are darker.
    SceneObject table = tabletop.world().objects().stream().filter(o -> o.name().equals("table")).findFirst()
        .orElseThrow();
    int topSurface = table.primitives().get(0).index() * Primitive.PARTS + 3;
    double[] light = new double[3];
    tabletop.world().light(light);
    double lit = 0;
    double dark = 0;
    int nLit = 0;
    int nDark = 0;
    Hit scratch = new Hit();
    for (Frame f : tabletop.scene().frames()) {
      SynthView v = tabletop.view(f.index());
      RgbImage rgb = f.rgb();
      for (int y = 0; y < rgb.height(); y++) {
        for (int x = 0; x < rgb.width(); x++) {
          if (v.surface(x, y) != topSurface) {
            continue;
          }
          double[] p = GroundTruthTest.backProject(f, x, y, v.depth().get(x, y));
          p[1] += 1e-6;
          boolean shadowed = tabletop.world().occluded(p[0], p[1], p[2], light[0] - p[0], light[1] - p[1],
              light[2] - p[2], 0, 1, scratch);
          double lum = rgb.get(x, y, 0) + rgb.get(x, y, 1) + rgb.get(x, y, 2);
          if (shadowed) {
            dark += lum;
            nDark++;
          } else {
            lit += lum;
            nLit++;
          }
        }
      }
    }
    assertTrue(nDark > 50 && nLit > 1000, "expected shadows on the table top, found " + nDark + " shadowed pixels");
    assertTrue(dark / nDark < 0.8 * (lit / nLit), "shadowed table " + dark / nDark + " vs lit " + lit / nLit);
  }

  @Test
  void texturesAreCoarseEnoughForLowResolution() throws IOException {
    // Texture periods span several pixels at 160x120: a 3x3 box blur changes the images only a little.
    for (SyntheticScene s : new SyntheticScene[] {tabletop, room}) {
      double se = 0;
      long n = 0;
      for (Frame f : s.scene().frames()) {
        RgbImage rgb = f.rgb();
        for (int y = 1; y + 1 < rgb.height(); y++) {
          for (int x = 1; x + 1 < rgb.width(); x++) {
            for (int k = 0; k < 3; k++) {
              double mean = 0;
              for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++) {
                  mean += rgb.get(x + dx, y + dy, k);
                }
              }
              se += sq(rgb.get(x, y, k) - mean / 9);
              n++;
            }
          }
        }
      }
      double psnr = 10 * Math.log10(255.0 * 255.0 / (se / n));
      assertTrue(psnr > 22, s.generator().preset() + ": image vs its 3x3 blur only " + psnr + " dB");
    }
  }

  private static double sq(double v) {
    return v * v;
  }
}
