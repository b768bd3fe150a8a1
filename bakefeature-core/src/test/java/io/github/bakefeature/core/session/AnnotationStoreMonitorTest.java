package io.github.bakefeature.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.core.scene.InMemoryScene;
import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.scene.SceneWriter;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What needs the store's monitor and what does not: the training thread's progress report reads
 * the labelled-pixel count without it, and a stroke is rasterised before taking it, so a slow
 * stroke or save never holds up training or readers for longer than the commit.
 */
class AnnotationStoreMonitorTest {
  @TempDir
  Path tmp;

  @Test
  void labelledPixelsIsReadWithoutWaitingForAChangeInProgress() throws Exception {
    AnnotationStore s = AnnotationStore.inMemory(SyntheticScenes.tabletop(2, 40, 30, 1));
    s.applyStroke(0, Stroke.paint(1, 3, 5, 5, 20, 5));
    long expected = count(s);
    synchronized (s) { // as a change in progress holds it
      long n = assertTimeoutPreemptively(Duration.ofSeconds(10), s::labelledPixels,
          "labelledPixels waited for the store's monitor");
      assertEquals(expected, n);
    }
  }

  @Test
  void labelledPixelsFollowsEveryChangeFailedChangeAndReopen() throws Exception {
    Path dir = tmp.resolve("scene");
    SceneWriter.write(SyntheticScenes.tabletop(3, 40, 30, 1), dir);
    AnnotationStore s = AnnotationStore.open(SceneFolder.open(dir));
    try {
      assertEquals(0, s.labelledPixels());
      s.applyStroke(0, Stroke.paint(1, 3, 5, 5, 20, 5));
      assertEquals(count(s), s.labelledPixels());
      s.applyStroke(0, Stroke.paint(2, 2, 10, 5)); // repaints labelled pixels: no new ones
      assertEquals(count(s), s.labelledPixels());
      s.applyStroke(1, Stroke.paint(0, 4, 30, 20));
      assertEquals(count(s), s.labelledPixels());
      s.applyStroke(0, Stroke.erase(3, 5, 5));
      assertEquals(count(s), s.labelledPixels());
      s.clearFrame(1);
      assertEquals(count(s), s.labelledPixels());
      s.undo();
      assertEquals(count(s), s.labelledPixels());
      s.undo();
      s.redo();
      assertEquals(count(s), s.labelledPixels());
      long before = s.labelledPixels();
      s.writeHook = f -> {
        throw new IOException("simulated: " + f + " cannot be written");
      };
      assertThrows(IOException.class, () -> s.applyStroke(2, Stroke.paint(1, 5, 20, 15)));
      assertThrows(IOException.class, () -> s.clearFrame(0));
      assertEquals(before, s.labelledPixels(), "a change that was not saved is not counted");
      assertEquals(count(s), s.labelledPixels());
    } finally {
      s.close();
    }
    try (AnnotationStore again = AnnotationStore.open(SceneFolder.open(dir))) {
      assertEquals(count(again), again.labelledPixels(), "counted from the PNGs on open");
      assertTrue(again.labelledPixels() > 0);
      assertEquals(List.of(0, 1), again.annotatedFrames());
    }
  }

  @Test
  void strokeIsRasterisedBeforeTakingTheStoresMonitor() throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    assumeTrue(mx.isThreadCpuTimeSupported() && mx.isThreadCpuTimeEnabled(), "needs per-thread CPU time");
    int w = 400;
    int h = 300;
    AnnotationStore s = AnnotationStore.inMemory(blankScene(w, h));
    Stroke zigzag = zigzag(w, h, 200, 40);
    // The stroke's rasterisation alone, warmed up: the CPU time the applying thread must have spent
    // before it waits for the monitor, if it rasterises first.
    long rasterNanos = Long.MAX_VALUE;
    for (int k = 0; k < 4; k++) {
      long t0 = mx.getCurrentThreadCpuTime();
      zigzag.forEachPixel(w, h, p -> { });
      rasterNanos = Math.min(rasterNanos, mx.getCurrentThreadCpuTime() - t0);
    }
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread applier = new Thread(() -> {
      try {
        s.applyStroke(0, zigzag);
      } catch (Throwable e) {
        failed.set(e);
      }
    }, "applier");
    String monitor = AnnotationStore.class.getName() + "@" + Integer.toHexString(System.identityHashCode(s));
    long cpuWhenBlocked;
    synchronized (s) { // a change in progress on another thread
      applier.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      ThreadInfo info;
      do {
        Thread.sleep(1);
        info = mx.getThreadInfo(applier.getId());
        assertTrue(System.nanoTime() < deadline && applier.isAlive(), "the applier never waited for the store's monitor");
      } while (info == null || info.getThreadState() != Thread.State.BLOCKED || !monitor.equals(info.getLockName()));
      cpuWhenBlocked = mx.getThreadCpuTime(applier.getId());
    }
    applier.join(60_000);
    assertEquals(null, failed.get());
    assertTrue(cpuWhenBlocked >= rasterNanos / 4, "the applier waited for the monitor after "
        + cpuWhenBlocked / 1000 + " us of CPU; rasterising the stroke takes " + rasterNanos / 1000 + " us");
    assertEquals(count(s), s.labelledPixels());
    assertTrue(s.labelledPixels() > 0);
  }

  @Test
  void refusesAClassBeyondWhatSixteenBitLabelsHold() throws Exception {
    List<String> names = new java.util.ArrayList<>();
    for (int i = 0; i < LabelImage.MAX_CLASSES; i++) {
      names.add("c" + i);
    }
    InMemoryScene full = InMemoryScene.builder()
        .addFrame(new CameraIntrinsics(8, 6, 8, 8, 3.5, 2.5), Pose.identity(), new RgbImage(8, 6, new byte[8 * 6 * 3]),
            null, null, null)
        .optBounds(new Aabb(-1, -1, -1, 1, 1, 1))
        .optClassNames(names)
        .build();
    AnnotationStore s = AnnotationStore.inMemory(full);
    assertEquals(LabelImage.MAX_CLASSES, s.classes().size());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.addClass("one more", 0));
    assertEquals("a scene holds at most 32768 classes (the labels' 16 bits), found 32768 already", e.getMessage());
    s.applyStroke(0, Stroke.paint(LabelImage.MAX_CLASSES - 1, 1, 3, 3)); // the last class still paints
    assertEquals(LabelImage.MAX_CLASSES - 1, s.scribbles(0).get(3, 3));
    assertEquals(count(s), s.labelledPixels());
  }

  private static long count(AnnotationStore s) {
    long n = 0;
    for (int f = 0; f < s.scene().size(); f++) {
      n += s.scribbles(f).labelledCount();
    }
    return n;
  }

  private static InMemoryScene blankScene(int w, int h) {
    return InMemoryScene.builder()
        .addFrame(new CameraIntrinsics(w, h, w, w, (w - 1) / 2.0, (h - 1) / 2.0), Pose.identity(),
            new RgbImage(w, h, new byte[w * h * 3]), null, null, null)
        .optBounds(new Aabb(-1, -1, -1, 1, 1, 1))
        .optClassNames(List.of("a", "b"))
        .build();
  }

  /** A paint stroke zig-zagging over the whole frame. */
  private static Stroke zigzag(int w, int h, int points, float radius) {
    float[] xy = new float[2 * points];
    for (int i = 0; i < points; i++) {
      xy[2 * i] = (i % 2 == 0 ? 0.1f : 0.9f) * w;
      xy[2 * i + 1] = (float) i / (points - 1) * (h - 1);
    }
    return Stroke.paint(1, radius, xy);
  }
}
