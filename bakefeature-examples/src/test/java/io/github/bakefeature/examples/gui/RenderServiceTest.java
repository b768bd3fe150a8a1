package io.github.bakefeature.examples.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.api.field.RenderedView;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderServiceTest {
  @TempDir
  Path tmp;

  private static RenderedView view(int frame, long step, short cls) {
    int w = 4;
    int h = 3;
    short[] classes = new short[w * h];
    java.util.Arrays.fill(classes, cls);
    float[] conf = new float[w * h];
    java.util.Arrays.fill(conf, 0.5f);
    return new RenderedView(w, h, new float[w * h * 3], new float[w * h], new float[w * h * 2], 2, classes, conf, step);
  }

  private static boolean threadsEmpty(List<String> threads) {
    synchronized (threads) {
      return threads.isEmpty();
    }
  }

  @Test
  void requestsForAFrameCoalesceIntoOneQueuedRenderOnTheWorkerThread() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.frames = 2)) {
      CountDownLatch release = new CountDownLatch(1);
      AtomicInteger renders = new AtomicInteger();
      List<String> threads = new ArrayList<>();
      List<Boolean> changed = new ArrayList<>();
      RenderService.ViewSource source = (frame, outputs) -> {
        synchronized (threads) {
          threads.add(Thread.currentThread().getName());
        }
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        int n = renders.incrementAndGet();
        return view(frame, n, (short) (n == 1 ? 0 : 1));
      };
      try (RenderService rs = new RenderService(f.session, source, true, null, 8, (l, c) -> changed.add(c))) {
        CompletableFuture<RenderService.Layers> running = rs.request(1);
        for (int i = 0; i < 500 && threadsEmpty(threads); i++) {
          Thread.sleep(10); // wait until the first render has started
        }
        assertFalse(rs.isQueued(1), "the running render left the queue");
        CompletableFuture<RenderService.Layers> queued = rs.request(1);
        for (int i = 0; i < 50; i++) {
          assertSame(queued, rs.request(1), "requests while one waits share it");
        }
        assertNotEquals(running, queued);
        release.countDown();
        RenderService.Layers first = running.get(10, TimeUnit.SECONDS);
        RenderService.Layers second = queued.get(10, TimeUnit.SECONDS);
        assertEquals(2, renders.get(), "52 requests, 2 renders");
        assertEquals(1, first.step);
        assertEquals(2, second.step);
        assertSame(second, rs.latest(1));
        assertEquals(List.of("bakefeature-gui-render", "bakefeature-gui-render"), threads);
        assertEquals(List.of(true, true), changed, "first render, then the class map changed");
        assertTrue(second.featuresPng != null && second.featuresPng.length > 0, "features through a PCA");
        assertFalse(second.labelled, "nothing is labelled yet");
        assertTrue(rs.request(0).get(10, TimeUnit.SECONDS).classes.length == 12);
        RenderService.Layers again = rs.request(0).get(10, TimeUnit.SECONDS);
        assertEquals(false, changed.get(changed.size() - 1), "same class map: not reported as changed");
        assertEquals(4, again.width);
      }
    }
  }

  @Test
  void theSegmentationStaysTransparentUntilTheModelHasTrainedOnAScribble() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.frames = 2); // training paused
         RenderService rs = new RenderService(f.session, (frame, outputs) -> view(frame, f.session.step(), (short) 1),
             false, null, 8, (l, c) -> {})) {
      int[] palette = {0xff0000, 0x00ff00, 0x0000ff, 0xffff00, 0xff00ff, 0x00ffff};
      f.session.applyStroke(0, Stroke.paint(1, 3f, 10, 10, 30, 10));
      RenderService.Layers beforeTraining = rs.request(0).get(10, TimeUnit.SECONDS);
      assertFalse(beforeTraining.labelled, "a scribble, but no training step has used it: the classes are arbitrary");
      assertEquals(0, maxAlpha(beforeTraining.segmentationPng(0, palette)), "no overlay of arbitrary classes");
      trainUntilLabelled(f);
      assertFalse(f.session.model().unlabelled(), "training has used the scribble");
      RenderService.Layers trained = rs.request(0).get(10, TimeUnit.SECONDS);
      assertTrue(trained.labelled);
      assertEquals(255, maxAlpha(trained.segmentationPng(0, palette)), "the overlay shows the class map");
    }
  }

  @Test
  void theOverlayOfAPreviewSmallerThanTheFrameComesAtTheFrameSize() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.frames = 2); // 48 x 36 frames, training paused
         RenderService rs = new RenderService(f.session, (frame, outputs) -> view(frame, f.session.step(), (short) 1),
             false, null, 8, (l, c) -> {})) {
      f.session.applyStroke(0, Stroke.paint(1, 3f, 10, 10, 30, 10));
      trainUntilLabelled(f);
      RenderService.Layers l = rs.request(0).get(10, TimeUnit.SECONDS);
      assertTrue(l.labelled);
      assertEquals(4, l.width, "the side views stay at preview size");
      assertEquals(48, l.overlay.width());
      assertEquals(36, l.overlay.height());
      java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(
          l.segmentationPng(0, new int[] {0xff0000, 0x00ff00})));
      assertEquals(48, png.getWidth());
      assertEquals(36, png.getHeight());
      assertEquals(0xff00ff00, png.getRGB(47, 35), "class 1 everywhere, opaque");
    }
  }

  @Test
  void raysThatHitNothingLeaveTheOverlayClearAtPreviewAndAtFrameSize() throws Exception {
    for (int w : new int[] {48, 4}) { // the frame's own size, and a preview brought up to it
      int h = w * 3 / 4;
      try (GuiFixture f = GuiFixture.start(tmp.resolve("w" + w), o -> o.frames = 2);
           RenderService rs = new RenderService(f.session, (frame, outputs) -> {
             // Class 0 everywhere, as the renderer reports empty space; the left quarter hit nothing.
             short[] classes = new short[w * h];
             float[] conf = new float[w * h];
             for (int i = 0; i < conf.length; i++) {
               conf[i] = i % w < w / 4 ? 0f : 0.9f;
             }
             return new RenderedView(w, h, new float[w * h * 3], new float[w * h], null, 0, classes, conf, f.session.step());
           }, false, null, 8, (l, c) -> {})) {
        f.session.applyStroke(0, Stroke.paint(1, 3f, 10, 10, 30, 10));
        trainUntilLabelled(f);
        RenderService.Layers l = rs.request(0).get(10, TimeUnit.SECONDS);
        java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(
            l.segmentationPng(0, new int[] {0xff0000, 0x00ff00})));
        assertEquals(48, png.getWidth(), "render " + w);
        assertEquals(0, png.getRGB(0, 20) >>> 24, "render " + w + ": empty space stays clear");
        assertEquals(0xffff0000, png.getRGB(47, 20), "render " + w + ": class 0 where the rays hit something");
      }
    }
  }

  /** Trains the fixture's (paused) session until its model has used a scribble, then pauses it again. */
  private static void trainUntilLabelled(GuiFixture f) throws InterruptedException {
    f.session.resume();
    for (long step = f.session.step() + 1; f.session.model().unlabelled() && step < 200; step++) {
      f.session.awaitStep(step);
    }
    f.session.pause();
  }

  private static int maxAlpha(byte[] png) throws java.io.IOException {
    java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
    int max = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        max = Math.max(max, img.getRGB(x, y) >>> 24);
      }
    }
    return max;
  }

  @Test
  void aFailedRenderFailsItsRequestAndIsRemembered() throws Exception {
    try (GuiFixture f = GuiFixture.start(tmp, o -> o.frames = 2);
         RenderService rs = new RenderService(f.session, (frame, outputs) -> {
           throw new IllegalStateException("session is closed");
         }, false, null, 8, (l, c) -> {})) {
      CompletableFuture<RenderService.Layers> r = rs.request(0);
      java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
          java.util.concurrent.ExecutionException.class, () -> r.get(10, TimeUnit.SECONDS));
      assertTrue(e.getCause().getMessage().contains("closed"));
      assertTrue(rs.lastFailureNanos() != 0);
      assertEquals(null, rs.latest(0));
    }
  }
}
