package io.github.bakefeature.core.scene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.RgbImage;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long scene streams through a small, fixed image budget: the cache never holds more than its
 * budget however many frames are visited, and nothing else keeps decoded pixels alive.
 */
class SceneFolderMemoryTest {
  static final int FRAMES = 400;
  static final int W = 32;
  static final int H = 24;
  /** Bytes one decoded frame takes: RGB (3 B/px) + float depth (4 B/px). */
  static final long FRAME_BYTES = (long) W * H * (3 + 4);
  @TempDir static Path tmp;
  static Path dir;

  @BeforeAll
  static void writeLongScene() throws IOException {
    dir = tmp.resolve("long");
    // Written directly (not with SceneWriter, which syncs every file) to keep 1,200 small files fast to create.
    Files.createDirectories(dir.resolve("rgb"));
    Files.createDirectories(dir.resolve("depth"));
    Files.createDirectories(dir.resolve("pose"));
    CameraIntrinsics k = CameraIntrinsics.fromHorizontalFov(W, H, 70);
    SceneWriter.writeIntrinsics(k, dir.resolve("intrinsics.txt"));
    for (int i = 0; i < FRAMES; i++) {
      String name = SceneLayout.frameName(i);
      byte[] px = new byte[W * H * 3];
      px[0] = (byte) i; // frame i is recognisable by its first pixel
      px[1] = (byte) (i >> 8);
      java.awt.image.BufferedImage rgb = new java.awt.image.BufferedImage(W, H, java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
      rgb.setRGB(0, 0, (px[0] & 0xff) << 16 | (px[1] & 0xff) << 8);
      javax.imageio.ImageIO.write(rgb, "png", dir.resolve("rgb/" + name + ".png").toFile());
      java.awt.image.BufferedImage depth = new java.awt.image.BufferedImage(W, H, java.awt.image.BufferedImage.TYPE_USHORT_GRAY);
      int[] mm = new int[W * H];
      java.util.Arrays.fill(mm, 1000 + i);
      depth.getRaster().setSamples(0, 0, W, H, 0, mm);
      javax.imageio.ImageIO.write(depth, "png", dir.resolve("depth/" + name + ".png").toFile());
      Files.writeString(dir.resolve("pose/" + name + ".txt"), "1 0 0 " + 0.01 * i + "\n0 1 0 0\n0 0 1 0\n0 0 0 1\n");
    }
    SceneWriter.writeBounds(new io.github.bakefeature.api.scene.Aabb(-5, -1, -1, 1, 1, 3), dir.resolve("bbox.txt"));
  }

  @Test
  void cacheStaysWithinItsBudgetWhileEveryFrameIsVisited() throws IOException {
    long budget = 10 * FRAME_BYTES;
    SceneFolder scene = SceneFolder.open(dir, budget);
    assertEquals(FRAMES, scene.size());
    ImageCache cache = scene.cache();
    for (Frame f : scene.frames()) {
      RgbImage rgb = f.rgb();
      DepthImage d = f.depth().orElseThrow();
      assertEquals(f.index(), (rgb.pixels()[0] & 0xff) | (rgb.pixels()[1] & 0xff) << 8, "content of " + f);
      assertEquals(1 + f.index() / 1000f, d.get(3, 4), 0.0006);
      assertTrue(cache.usedBytes() <= budget, "after " + f + ": " + cache.usedBytes() + " B > budget " + budget);
      assertTrue(cache.size() <= 20, "entries held after " + f + ": " + cache.size());
    }
    assertTrue(cache.peakBytes() <= budget);
    assertEquals(2L * FRAMES, cache.loads(), "each image decoded once");
    // The most recent frames are still cached: visiting them again decodes nothing.
    for (int i = FRAMES - 5; i < FRAMES; i++) {
      scene.frame(i).rgb();
      scene.frame(i).depth();
    }
    assertEquals(2L * FRAMES, cache.loads());
    // An early frame was evicted and is decoded again.
    scene.frame(0).rgb();
    assertEquals(2L * FRAMES + 1, cache.loads());
  }

  @Test
  void framesDoNotKeepDecodedPixelsAliveOutsideTheCache() throws IOException, InterruptedException {
    SceneFolder scene = SceneFolder.open(dir, 0);
    WeakReference<RgbImage> ref = new WeakReference<>(scene.frame(7).rgb());
    for (int i = 0; i < 20 && ref.get() != null; i++) {
      System.gc();
      Thread.sleep(10);
    }
    assertNull(ref.get(), "a decoded image outlived every reference to it");
    assertEquals(0, scene.cache().usedBytes());
  }

  @Test
  void defaultBudgetHoldsAFewHundredVgaFramesNotTwoThousand() {
    long vgaFrame = 640L * 480 * (3 + 4);
    long framesHeld = SceneFolder.DEFAULT_CACHE_BYTES / vgaFrame;
    assertTrue(framesHeld >= 100 && framesHeld < 200, "frames held: " + framesHeld);
    assertTrue(2000 * vgaFrame > 16 * SceneFolder.DEFAULT_CACHE_BYTES);
  }
}
