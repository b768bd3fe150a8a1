package io.github.bakefeature.examples.gui;

import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.api.feature.FeatureMap;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.core.djl.DjlRuntime;
import io.github.bakefeature.core.features.FeatureCache;
import io.github.bakefeature.core.features.FeaturePca;
import io.github.bakefeature.core.features.FilterBankFeatureExtractor;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.pipelines.TrainerConfig;
import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.scene.SceneWriter;
import io.github.bakefeature.core.session.DefaultLabelSession;
import io.github.bakefeature.core.synth.Preset;
import io.github.bakefeature.core.synth.SyntheticScene;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Makes the documentation screenshot (docs/images/gui.png): a synthetic tabletop, scribbles on two
 * frames as a person would draw them, some training, then the app in headless Chromium. Not a test;
 * run by hand:
 *
 * <pre>
 * mvn -q -pl bakefeature-examples dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp bakefeature-examples/target/test-classes:bakefeature-examples/target/classes:$(cat /tmp/cp.txt) \
 *   io.github.bakefeature.examples.gui.DocScreenshot docs/images/gui.png [steps]
 * </pre>
 */
public final class DocScreenshot {
  private DocScreenshot() {}

  public static void main(String[] args) throws Exception {
    DjlRuntime.ensureOffline();
    Path out = Path.of(args.length > 0 ? args[0] : "docs/images/gui.png").toAbsolutePath();
    long steps = args.length > 1 ? Long.parseLong(args[1]) : 1200;
    Path dir = Files.createTempDirectory("bakefeature-doc-").resolve("tabletop");
    SyntheticScene synth = SyntheticScenes.generate(Preset.TABLETOP, 12, 320, 240, 0);
    SceneWriter.write(synth.scene(), dir);
    SceneFolder scene = SceneFolder.open(dir);
    FeatureCache cache = FeatureCache.builder(scene, FilterBankFeatureExtractor.builder().build()).build();
    List<FeatureMap> maps = new ArrayList<>();
    for (int i = 0; i < scene.size(); i++) {
      maps.add(cache.encodedMap(i));
    }
    FeaturePca pca = FeaturePca.fit(maps, 20_000, 0);
    try (DefaultLabelSession session = DefaultLabelSession.builder(scene)
        .optMethod(MethodPreset.OURS)
        .optFeatures(cache)
        .optTrainerConfig(TrainerConfig.builder().optRaysPerBatch(512).build())
        .build()) {
      for (int frame : new int[] {0, 4, 8}) {
        scribble(session, synth.scene().frame(frame).groundTruth().orElseThrow(), frame);
      }
      long t0 = System.nanoTime();
      while (session.step() < steps && System.nanoTime() - t0 < 900e9) {
        Thread.sleep(1000);
        System.err.printf("step %d (%s)%n", session.step(), session.progress().losses());
      }
      try (GuiServer gui = GuiServer.builder(session).optFeaturePca(pca).optTitle("tabletop").start();
           Browser browser = Browser.start(1360, 820)) {
        var d = browser.driver;
        d.get(gui.url() + "#frame=0");
        WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(300));
        long target = session.step();
        wait.until(x -> {
          String s = d.findElement(By.id("layer-seg")).getDomAttribute("data-step");
          return s != null && Long.parseLong(s) >= target;
        });
        Thread.sleep(1500); // side views finish loading
        Path shot = browser.screenshot("docs-gui");
        Files.createDirectories(out.getParent());
        // 256 colours keep the README image small (the page is mostly flat colours).
        javax.imageio.ImageIO.write(quantize(javax.imageio.ImageIO.read(shot.toFile()), 256), "png", out.toFile());
        System.err.println("wrote " + out + " (" + Files.size(out) / 1024 + " KB) at step " + session.step());
      }
    }
  }

  /**
   * Scribbles like a person: for each class visible in the frame, a wiggly line through the inside
   * of its largest region, never leaving it.
   */
  private static void scribble(DefaultLabelSession session, LabelImage gt, int frame) {
    int w = gt.width();
    int h = gt.height();
    int margin = 5;
    int step = 2;
    for (int c = 0; c < session.classes().size(); c++) {
      // Grid points of class c at least `margin` away from any other class, grouped into regions.
      int gw = (w + step - 1) / step;
      int gh = (h + step - 1) / step;
      boolean[] in = new boolean[gw * gh];
      for (int gy = 0; gy < gh; gy++) {
        for (int gx = 0; gx < gw; gx++) {
          int x = gx * step;
          int y = gy * step;
          in[gy * gw + gx] = x >= margin && y >= margin && x < w - margin && y < h - margin
              && deepInside(gt, x, y, c, margin);
        }
      }
      List<int[]> region = largestRegion(in, gw, gh, step);
      if (region.size() < 8) {
        continue;
      }
      region.sort((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]));
      int n = Math.min(9, region.size() / 4);
      List<float[]> pts = new ArrayList<>();
      for (int k = 0; k < n; k++) {
        int lo = k * region.size() / n;
        int hi = Math.max(lo, (k + 1) * region.size() / n - 1);
        int[] p = region.get(k % 2 == 0 ? lo + (hi - lo) / 5 : lo + 4 * (hi - lo) / 5);
        if (pts.isEmpty() || segmentInside(gt, pts.get(pts.size() - 1), p, c)) {
          pts.add(new float[] {p[0], p[1]});
        }
      }
      float[] xy = new float[2 * pts.size()];
      for (int i = 0; i < pts.size(); i++) {
        xy[2 * i] = pts.get(i)[0];
        xy[2 * i + 1] = pts.get(i)[1];
      }
      session.applyStroke(frame, Stroke.paint(c, 2.5f, xy));
    }
  }

  /** Image points of the largest 4-connected region of {@code in} (a grid with spacing {@code step}). */
  private static List<int[]> largestRegion(boolean[] in, int gw, int gh, int step) {
    int[] label = new int[in.length];
    List<int[]> best = new ArrayList<>();
    int next = 0;
    for (int start = 0; start < in.length; start++) {
      if (!in[start] || label[start] != 0) {
        continue;
      }
      next++;
      List<int[]> region = new ArrayList<>();
      java.util.ArrayDeque<Integer> queue = new java.util.ArrayDeque<>();
      queue.add(start);
      label[start] = next;
      while (!queue.isEmpty()) {
        int i = queue.poll();
        int gx = i % gw;
        int gy = i / gw;
        region.add(new int[] {gx * step, gy * step});
        int[] nb = {gx > 0 ? i - 1 : -1, gx + 1 < gw ? i + 1 : -1, gy > 0 ? i - gw : -1, gy + 1 < gh ? i + gw : -1};
        for (int j : nb) {
          if (j >= 0 && in[j] && label[j] == 0) {
            label[j] = next;
            queue.add(j);
          }
        }
      }
      if (region.size() > best.size()) {
        best = region;
      }
    }
    return best;
  }

  /** Whether the brush along the segment from {@code a} to {@code b} stays on class {@code c}. */
  private static boolean segmentInside(LabelImage gt, float[] a, int[] b, int c) {
    int n = (int) Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]));
    for (int k = 0; k <= n; k++) {
      int x = Math.round(a[0] + (b[0] - a[0]) * k / (float) Math.max(1, n));
      int y = Math.round(a[1] + (b[1] - a[1]) * k / (float) Math.max(1, n));
      if (!deepInside(gt, x, y, c, 3)) {
        return false;
      }
    }
    return true;
  }

  /** Median-cut colour quantisation to an indexed image (no dithering). */
  static java.awt.image.BufferedImage quantize(java.awt.image.BufferedImage img, int colours) {
    int w = img.getWidth();
    int h = img.getHeight();
    int[] px = img.getRGB(0, 0, w, h, null, 0, w);
    List<int[]> boxes = new ArrayList<>();
    int[] all = new int[px.length];
    for (int i = 0; i < px.length; i++) {
      all[i] = px[i] & 0xffffff;
    }
    boxes.add(all);
    while (boxes.size() < colours) {
      int bi = -1;
      int bestRange = 0;
      int bestChannel = 0;
      for (int i = 0; i < boxes.size(); i++) {
        int[] box = boxes.get(i);
        if (box.length < 2) {
          continue;
        }
        for (int ch = 0; ch < 3; ch++) {
          int lo = 255;
          int hi = 0;
          for (int v : box) {
            int c = (v >> (16 - 8 * ch)) & 0xff;
            lo = Math.min(lo, c);
            hi = Math.max(hi, c);
          }
          // Weight by population so big flat areas get exact colours.
          int range = (hi - lo) * (int) Math.min(Integer.MAX_VALUE / 256, Math.sqrt(box.length));
          if (range > bestRange) {
            bestRange = range;
            bi = i;
            bestChannel = ch;
          }
        }
      }
      if (bi < 0) {
        break;
      }
      int[] box = boxes.remove(bi);
      int shift = 16 - 8 * bestChannel;
      Integer[] boxed = java.util.Arrays.stream(box).boxed().toArray(Integer[]::new);
      java.util.Arrays.sort(boxed, (x, y) -> Integer.compare((x >> shift) & 0xff, (y >> shift) & 0xff));
      int mid = boxed.length / 2;
      int[] a = new int[mid];
      int[] b = new int[boxed.length - mid];
      for (int i = 0; i < boxed.length; i++) {
        if (i < mid) {
          a[i] = boxed[i];
        } else {
          b[i - mid] = boxed[i];
        }
      }
      boxes.add(a);
      boxes.add(b);
    }
    int n = boxes.size();
    byte[] r = new byte[n];
    byte[] g = new byte[n];
    byte[] bl = new byte[n];
    int[] pal = new int[n];
    for (int i = 0; i < n; i++) {
      long sr = 0;
      long sg = 0;
      long sb = 0;
      for (int v : boxes.get(i)) {
        sr += (v >> 16) & 0xff;
        sg += (v >> 8) & 0xff;
        sb += v & 0xff;
      }
      int len = Math.max(1, boxes.get(i).length);
      r[i] = (byte) (sr / len);
      g[i] = (byte) (sg / len);
      bl[i] = (byte) (sb / len);
      pal[i] = (r[i] & 0xff) << 16 | (g[i] & 0xff) << 8 | (bl[i] & 0xff);
    }
    java.awt.image.IndexColorModel cm = new java.awt.image.IndexColorModel(8, n, r, g, bl);
    java.awt.image.BufferedImage out = new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_BYTE_INDEXED, cm);
    byte[] dst = ((java.awt.image.DataBufferByte) out.getRaster().getDataBuffer()).getData();
    java.util.Map<Integer, Integer> nearest = new java.util.HashMap<>();
    for (int i = 0; i < px.length; i++) {
      int v = px[i] & 0xffffff;
      dst[i] = (byte) (int) nearest.computeIfAbsent(v, key -> {
        int best = 0;
        long bd = Long.MAX_VALUE;
        for (int k = 0; k < pal.length; k++) {
          long dr = ((key >> 16) & 0xff) - ((pal[k] >> 16) & 0xff);
          long dg = ((key >> 8) & 0xff) - ((pal[k] >> 8) & 0xff);
          long db = (key & 0xff) - (pal[k] & 0xff);
          long d2 = 3 * dr * dr + 4 * dg * dg + 2 * db * db;
          if (d2 < bd) {
            bd = d2;
            best = k;
          }
        }
        return best;
      });
    }
    return out;
  }

  private static boolean deepInside(LabelImage gt, int x, int y, int c, int r) {
    for (int dy = -r; dy <= r; dy += r) {
      for (int dx = -r; dx <= r; dx += r) {
        if (gt.get(x + dx, y + dy) != c) {
          return false;
        }
      }
    }
    return true;
  }
}
