package io.github.bakefeature.core.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.feature.FeatureExtractor;
import io.github.bakefeature.api.feature.FeatureMap;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.io.AtomicFiles;
import io.github.bakefeature.core.scene.InMemoryScene;
import io.github.bakefeature.core.scene.SceneFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureCacheTest {
  private static final int W = 48;
  private static final int H = 36;

  private static FilterBankFeatureExtractor bank() {
    return FilterBankFeatureExtractor.builder().optSigmas(0.7, 1.6, 3.5).optStride(2).build();
  }

  /** Autoencoder quality does not matter for the caching logic: a few small steps keep tests fast. */
  private static FeatureCache.Builder quick(Scene scene, TestScenes.Counting ex) {
    return FeatureCache.builder(scene, ex).optDimension(8).optMaxSamples(2000)
        .optTrainer(FeatureAutoencoder.trainer().optHiddenDimension(32).optSteps(15).optBatchSize(64));
  }

  @Test
  void buildsOnceThenReusesWithoutExtracting(@TempDir Path tmp) throws IOException {
    SceneFolder scene = TestScenes.folder(tmp.resolve("scene"), 3, W, H);
    TestScenes.Counting ex = new TestScenes.Counting(bank());
    List<String> stages = new ArrayList<>();
    FeatureCache first = quick(scene, ex).optProgress((stage, done, total) -> {
      if (done == total) {
        stages.add(stage);
      }
    }).build();
    assertEquals(3, ex.calls.get());
    assertFalse(first.reused());
    assertEquals("no cache yet", first.status());
    assertEquals(List.of("extract", "fit", "encode"), stages);
    assertEquals(8, first.dimension());
    assertEquals(30, first.inputDimension());
    assertEquals(24, first.gridWidth());
    assertEquals(18, first.gridHeight());
    assertTrue(first.directory().startsWith(tmp.resolve("scene").resolve("cache").resolve("features")), first.directory().toString());
    assertTrue(Files.exists(first.directory().resolve("manifest.json")));
    assertTrue(first.reconstructionError() < first.autoencoder().fitReport().initialRelativeMse(),
        "even a short fit reduces the error: " + first.autoencoder().fitReport());

    FeatureCache second = quick(SceneFolder.open(tmp.resolve("scene")), ex).build();
    assertEquals(3, ex.calls.get(), "a valid cache is loaded, not re-extracted");
    assertTrue(second.reused());
    assertEquals(first.directory(), second.directory());
    assertEquals(first.reconstructionError(), second.reconstructionError());
    for (int f = 0; f < 3; f++) {
      assertArrayEquals(first.encodedMap(f).data(), second.encodedMap(f).data());
    }
  }

  @Test
  void theScenesOwnCacheFolderNamedExplicitlyIsTheSameCache(@TempDir Path tmp) throws IOException {
    SceneFolder scene = TestScenes.folder(tmp.resolve("scene"), 2, W, H);
    TestScenes.Counting ex = new TestScenes.Counting(bank());
    FeatureCache implicit = quick(scene, ex).build();
    // `--features SCENE/cache/features` (even spelled with "..") names the default root: the same
    // key, so the cache is reused, not built a second time under another name.
    Path spelled = tmp.resolve("scene").resolve("rgb").resolve("..").resolve("cache").resolve("features");
    FeatureCache explicit = quick(SceneFolder.open(tmp.resolve("scene")), ex).optCacheDir(spelled).build();
    assertTrue(explicit.reused(), explicit.status());
    assertEquals(2, ex.calls.get(), "not extracted again");
    assertEquals(implicit.directory().getFileName(), explicit.directory().getFileName());

    // Earlier versions keyed that explicit folder like a shared root's, with the scene's location:
    // a cache so named (made here under a shared root and moved in) is still found and reused.
    Path shared = tmp.resolve("shared");
    FeatureCache keyedBefore = quick(SceneFolder.open(tmp.resolve("scene")), ex).optDimension(4).optCacheDir(shared).build();
    assertEquals(4, ex.calls.get());
    Path moved = Files.move(keyedBefore.directory(), tmp.resolve("scene/cache/features").resolve(keyedBefore.directory().getFileName()));
    FeatureCache.Builder again = quick(SceneFolder.open(tmp.resolve("scene")), ex).optDimension(4).optCacheDir(spelled);
    assertEquals(moved, again.directory().normalize());
    assertTrue(again.existing().stream().anyMatch(c -> c.directory().normalize().equals(moved)), "listed among the scene's caches");
    FeatureCache reused = again.build();
    assertTrue(reused.reused(), reused.status());
    assertEquals(4, ex.calls.get(), "not extracted again");
  }

  @Test
  void cacheLargerThanTheHeapLimitIsMemoryMappedWithTheSameCodes(@TempDir Path tmp) throws IOException {
    SceneFolder scene = TestScenes.folder(tmp.resolve("scene"), 3, W, H);
    TestScenes.Counting ex = new TestScenes.Counting(bank());
    // 3 frames x 24 x 18 cells x D=8 x 2 bytes = 20,736 bytes.
    FeatureCache onHeap = quick(scene, ex).optHeapLimit(20_736).build();
    assertFalse(onHeap.memoryMapped());
    FeatureCache mappedReuse = quick(SceneFolder.open(tmp.resolve("scene")), ex).optHeapLimit(20_735).build();
    assertTrue(mappedReuse.reused());
    assertTrue(mappedReuse.memoryMapped());
    float[] a = new float[8];
    float[] b = new float[8];
    for (int f = 0; f < 3; f++) {
      assertArrayEquals(onHeap.encodedMap(f).data(), mappedReuse.encodedMap(f).data());
      for (int py = 0; py < H; py += 7) {
        for (int px = 0; px < W; px += 5) {
          onHeap.lookup(f, px, py, a, 0);
          mappedReuse.lookup(f, px, py, b, 0);
          assertArrayEquals(a, b);
        }
      }
    }

    // A fresh build straight into mapped files, and a corrupt mapped file, behave as on the heap.
    Path frame = Files.list(onHeap.directory().resolve("frames")).sorted().findFirst().orElseThrow();
    byte[] bytes = Files.readAllBytes(frame);
    bytes[100] ^= 0x40;
    Files.write(frame, bytes);
    FeatureCache rebuilt = quick(SceneFolder.open(tmp.resolve("scene")), ex).optHeapLimit(0).build();
    assertFalse(rebuilt.reused());
    assertTrue(rebuilt.status().contains("checksum mismatch"), rebuilt.status());
    assertTrue(rebuilt.memoryMapped());
    for (int f = 0; f < 3; f++) {
      assertArrayEquals(onHeap.encodedMap(f).data(), rebuilt.encodedMap(f).data(), "deterministic rebuild of frame " + f);
    }
  }

  @Test
  void refusesNegativeHeapLimit() {
    assertThrows(IllegalArgumentException.class,
        () -> FeatureCache.builder(TestScenes.memory(1, W, H), bank()).optHeapLimit(-1));
  }

  @Test
  void lookupIsTheNearestCellOfTheEncodedMap(@TempDir Path tmp) throws IOException {
    InMemoryScene scene = TestScenes.memory(2, W, H);
    FeatureCache cache = quick(scene, new TestScenes.Counting(bank())).optCacheDir(tmp).build();
    float[] a = new float[cache.dimension() + 3];
    float[] b = new float[cache.dimension()];
    for (int f = 0; f < 2; f++) {
      FeatureMap map = cache.encodedMap(f);
      for (int py = 0; py < H; py += 5) {
        for (int px = 0; px < W; px += 3) {
          cache.lookup(f, px, py, a, 3);
          map.lookup(px, py, W, H, b, 0);
          assertArrayEquals(b, java.util.Arrays.copyOfRange(a, 3, a.length));
        }
      }
      for (float v : map.data()) {
        assertTrue(v >= 0f, "codes are ReLU outputs");
      }
    }
    assertThrows(IndexOutOfBoundsException.class, () -> cache.lookup(2, 0, 0, a, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> cache.lookup(0, W, 0, a, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> cache.encodedMap(-1));
  }

  @Test
  void codesDecodeBackToTheExtractedFeatures(@TempDir Path tmp) throws IOException {
    InMemoryScene scene = TestScenes.memory(2, W, H);
    FilterBankFeatureExtractor fb = bank();
    FeatureCache cache = quick(scene, new TestScenes.Counting(fb))
        .optTrainer(FeatureAutoencoder.trainer().optHiddenDimension(64).optSteps(120).optBatchSize(256).optLearningRate(1e-2))
        .optDimension(16).optMaxSamples(5000).optCacheDir(tmp).build();
    FeatureMap raw = fb.extract(scene.frame(1).rgb());
    FeatureMap codes = cache.encodedMap(1);
    int n = codes.width() * codes.height();
    float[] back = cache.autoencoder().decode(codes.data(), n);
    float[] mean = cache.autoencoder().mean();
    float[] std = cache.autoencoder().std();
    double err = 0;
    double var = 0;
    for (int i = 0; i < back.length; i++) {
      int c = i % raw.dimension();
      double e = (back[i] - raw.data()[i]) / std[c];
      double v = (raw.data()[i] - mean[c]) / std[c];
      err += e * e;
      var += v * v;
    }
    double rel = err / var;
    System.out.println("cache decode relative MSE " + rel + ", fit held-out " + cache.reconstructionError());
    assertTrue(rel < 0.3, "decoded cache features are far from the extracted ones: relative MSE " + rel);
    assertTrue(Math.abs(rel - cache.reconstructionError()) < 0.1, rel + " vs " + cache.reconstructionError());
  }

  @Test
  void rebuildsWhenAParameterChanges(@TempDir Path tmp) throws IOException {
    SceneFolder scene = TestScenes.folder(tmp.resolve("scene"), 2, W, H);
    TestScenes.Counting ex = new TestScenes.Counting(bank());
    FeatureCache a = quick(scene, ex).build();
    FeatureCache b = quick(scene, ex).optDimension(6).build();
    assertEquals(4, ex.calls.get());
    assertNotEquals(a.directory(), b.directory());
    assertEquals(6, b.dimension());
    TestScenes.Counting other = new TestScenes.Counting(
        FilterBankFeatureExtractor.builder().optSigmas(0.7, 1.6, 3.5).optStride(3).build());
    FeatureCache c = quick(scene, other).build();
    assertEquals(2, other.calls.get());
    assertNotEquals(a.directory(), c.directory());
    FeatureCache d = quick(scene, new TestScenes.Counting(bank()))
        .optTrainer(FeatureAutoencoder.trainer().optHiddenDimension(32).optSteps(16).optBatchSize(64)).build();
    assertFalse(d.reused());
    assertTrue(quick(scene, ex).build().reused(), "the first configuration is still cached");
  }

  /** Changes one pixel of {@code img} (a PNG), and so its content, size aside. */
  static void repaint(Path img) throws IOException {
    java.awt.image.BufferedImage im = javax.imageio.ImageIO.read(img.toFile());
    im.setRGB(0, 0, im.getRGB(0, 0) ^ 0x00ffffff);
    javax.imageio.ImageIO.write(im, "png", img.toFile());
  }

  @Test
  void refusesFeaturesThatFloat16CannotHoldInsteadOfCachingInfinity(@TempDir Path tmp) throws IOException {
    SceneFolder scene = TestScenes.folder(tmp.resolve("scene"), 2, W, H);
    FilterBankFeatureExtractor inner = bank();
    io.github.bakefeature.api.feature.FeatureExtractor loud = new io.github.bakefeature.api.feature.FeatureExtractor() {
      @Override
      public String id() {
        return "loud";
      }

      @Override
      public int dimension() {
        return inner.dimension();
      }

      @Override
      public io.github.bakefeature.api.feature.FeatureMap extract(io.github.bakefeature.api.scene.RgbImage image)
          throws IOException {
        io.github.bakefeature.api.feature.FeatureMap m = inner.extract(image);
        float[] data = m.data().clone();
        data[5] = 1e6f; // an activation beyond float16's 65504
        return new io.github.bakefeature.api.feature.FeatureMap(m.width(), m.height(), m.dimension(), data,
            m.cellWidth(), m.cellHeight());
      }
    };
    IOException e = assertThrows(IOException.class, () -> quick(scene, new TestScenes.Counting(loud)).build());
    assertTrue(e.getMessage().contains("loud returned 1000000.0 at value 5 for frame 00000")
        && e.getMessage().contains("expected finite values within +-65504"), e.getMessage());
    IOException nan = assertThrows(IOException.class,
        () -> FeatureCache.requireHalfRange(new float[] {0, Float.NaN}, "x returned", "here"));
    assertTrue(nan.getMessage().startsWith("x returned NaN at value 1 here"), nan.getMessage());
    FeatureCache.requireHalfRange(new float[] {-65504f, 65504f, 0}, "x", "y"); // the extremes fit
  }

  @Test
  void aCacheRootThatRefusesNewFoldersIsNamedWithTheReason(@TempDir Path tmp) throws IOException {
    FeatureCache.CacheFolderException e = FeatureCache.Builder.notWritable(tmp.resolve("cache/x"),
        new java.nio.file.FileSystemException(tmp.resolve("cache").toString(), null, "Operation not permitted"));
    assertEquals(tmp.resolve("cache/x") + ": cannot create the feature cache folder (Operation not permitted);"
        + " choose a writable cache root (optCacheDir, --cache-dir)", e.getMessage());
  }

  @Test
  void aReadOnlyCacheRootFailsNamingTheFolderAndTheReason(@TempDir Path tmp) throws IOException {
    // Not as root, who may write anywhere (the message itself is checked above, always).
    SceneFolder scene = TestScenes.folder(tmp.resolve("scene"), 1, W, H);
    Path root = Files.createDirectories(tmp.resolve("readonly"));
    java.util.Set<java.nio.file.attribute.PosixFilePermission> before = Files.getPosixFilePermissions(root);
    Files.setPosixFilePermissions(root, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      Assumptions.assumeFalse(Files.isWritable(root), "skipped: this user may write into a read-only folder (root)");
      FeatureCache.CacheFolderException real = assertThrows(FeatureCache.CacheFolderException.class,
          () -> quick(scene, new TestScenes.Counting(bank())).optCacheDir(root).build());
      assertTrue(real.getMessage().contains(": cannot create the feature cache folder (permission denied)"), real.getMessage());
    } finally {
      Files.setPosixFilePermissions(root, before);
    }
  }

  @Test
  void aCacheRebuiltWithTheSameWeightsHasTheSameIdentity(@TempDir Path tmp) throws IOException {
    // Before: the identity was a checksum of the autoencoder file, whose fit report holds the fit's
    // wall time, so a deleted and rebuilt cache with bit-identical codes counted as other targets
    // and a label session set its checkpoint aside.
    SceneFolder scene = TestScenes.folder(tmp.resolve("scene"), 2, W, H);
    TestScenes.Counting ex = new TestScenes.Counting(bank());
    FeatureCache a = quick(scene, ex).build();
    AtomicFiles.deleteRecursively(a.directory());
    FeatureCache b = quick(SceneFolder.open(tmp.resolve("scene")), ex).build();
    assertFalse(b.reused());
    assertArrayEquals(a.encodedMap(1).data(), b.encodedMap(1).data(), "the fit is deterministic");
    assertEquals(a.identity(), b.identity());
  }

  @Test
  void rebuildsInPlaceWhenAnImageChanges(@TempDir Path tmp) throws IOException {
    Path dir = tmp.resolve("scene");
    SceneFolder scene = TestScenes.folder(dir, 2, W, H);
    TestScenes.Counting ex = new TestScenes.Counting(bank());
    FeatureCache a = quick(scene, ex).build();
    Path img = dir.resolve("rgb").resolve("00001.png");
    repaint(img);
    FeatureCache b = quick(SceneFolder.open(dir), ex).build();
    assertEquals(4, ex.calls.get());
    assertFalse(b.reused());
    assertEquals("scene images changed", b.status());
    assertEquals(a.directory(), b.directory(), "same settings rebuild in the same folder");
    FeatureCache c = quick(SceneFolder.open(dir), ex).build();
    assertTrue(c.reused());
    // The codes' basis: a checkpoint trained on a's codes must not resume on b's.
    assertNotEquals(a.identity(), b.identity(), "a refitted autoencoder is other feature targets");
    assertEquals(b.identity(), c.identity(), "a reused cache is the same feature targets");
    assertTrue(c.identity().startsWith("autoencoder " + c.inputDimension() + "->" + c.dimension() + " weights-crc32 "),
        c.identity());
    // What checkpoints recorded before the identity left out the fit's report still names c's targets.
    java.util.zip.CRC32 file = new java.util.zip.CRC32();
    file.update(c.autoencoder().toBytes());
    assertTrue(c.isIdentity("autoencoder " + c.inputDimension() + "->" + c.dimension() + " crc32 "
        + String.format("%08x", file.getValue())));
    assertFalse(c.isIdentity(a.identity()));
    assertFalse(c.isIdentity(null));
  }

  @Test
  void aCopiedSceneWithNewModificationTimesReusesItsCache(@TempDir Path tmp) throws IOException {
    // cp -r, git and unpacking give every file a new modification time; the images are the same.
    Path dir = tmp.resolve("scene");
    SceneFolder scene = TestScenes.folder(dir, 2, W, H);
    TestScenes.Counting ex = new TestScenes.Counting(bank());
    FeatureCache a = quick(scene, ex).build();
    assertEquals(2, ex.calls.get());
    Path copy = tmp.resolve("copy");
    io.github.bakefeature.core.scene.MalformedSceneTestAccess.copyTree(dir, copy);
    for (String f : new String[] {"00000.png", "00001.png"}) {
      Path img = copy.resolve("rgb").resolve(f);
      Files.setLastModifiedTime(img, FileTime.fromMillis(Files.getLastModifiedTime(img).toMillis() + 5000));
    }
    FeatureCache b = quick(SceneFolder.open(copy), ex).build();
    assertTrue(b.reused(), b.status());
    assertEquals(2, ex.calls.get(), "nothing extracted again");
    assertEquals(1, quick(SceneFolder.open(copy), ex).existing().size(), "listed as reusable too");
    for (int i = 0; i < 2; i++) {
      assertArrayEquals(a.encodedMap(i).data(), b.encodedMap(i).data());
    }
    // The manifest now holds the copy's modification times: the next open needs no hashing.
    String manifest = Files.readString(b.directory().resolve("manifest.json"));
    assertTrue(quick(SceneFolder.open(copy), ex).build().reused());
    assertEquals(manifest, Files.readString(b.directory().resolve("manifest.json")));
  }

  @Test
  void anImageEditedWhileTheCacheIsBuiltIsNotTakenForTheOneExtracted(@TempDir Path tmp) throws IOException {
    Path dir = tmp.resolve("scene");
    SceneFolder scene = TestScenes.folder(dir, 2, W, H);
    Path img = dir.resolve("rgb").resolve("00000.png");
    java.util.concurrent.atomic.AtomicBoolean edited = new java.util.concurrent.atomic.AtomicBoolean();
    FeatureExtractor editing = new TestScenes.Counting(bank(), calls -> {
      if (edited.compareAndSet(false, true)) { // frame 0 was read: the user saves an edit of it now
        repaint(img);
        Files.setLastModifiedTime(img, FileTime.fromMillis(Files.getLastModifiedTime(img).toMillis() + 5000));
      }
    });
    FeatureCache.builder(scene, editing).optDimension(8).optMaxSamples(2000)
        .optTrainer(FeatureAutoencoder.trainer().optHiddenDimension(32).optSteps(15).optBatchSize(64)).build();
    assertTrue(edited.get());
    TestScenes.Counting ex = new TestScenes.Counting(bank());
    FeatureCache b = quick(SceneFolder.open(dir), ex).build();
    assertFalse(b.reused(), "features of the image before the edit: " + b.status());
    assertEquals(2, ex.calls.get());
  }

  @Test
  void detectsCorruptOrPartialCachesAndRebuilds(@TempDir Path tmp) throws IOException {
    SceneFolder scene = TestScenes.folder(tmp.resolve("scene"), 2, W, H);
    TestScenes.Counting ex = new TestScenes.Counting(bank());
    FeatureCache a = quick(scene, ex).build();
    Path frame = a.directory().resolve("frames").resolve("00000.f16");

    byte[] bytes = Files.readAllBytes(frame);
    bytes[10] ^= 0x01;
    Files.write(frame, bytes);
    FeatureCache b = quick(scene, ex).build();
    assertFalse(b.reused());
    assertTrue(b.status().contains("00000.f16") && b.status().contains("checksum"), b.status());
    assertArrayEquals(a.encodedMap(0).data(), b.encodedMap(0).data(), "the rebuild is deterministic");

    Files.write(frame, java.util.Arrays.copyOf(bytes, 100));
    FeatureCache c = quick(scene, ex).build();
    assertFalse(c.reused());
    assertTrue(c.status().contains("bytes"), c.status());

    Path ae = a.directory().resolve("autoencoder.bin");
    Files.write(ae, java.util.Arrays.copyOf(Files.readAllBytes(ae), 50));
    FeatureCache d = quick(scene, ex).build();
    assertFalse(d.reused());
    assertTrue(d.status().startsWith("autoencoder.bin"), d.status());

    Files.writeString(a.directory().resolve("manifest.json"), "{ not json");
    FeatureCache e = quick(scene, ex).build();
    assertFalse(e.reused());
    assertTrue(e.status().startsWith("manifest.json"), e.status());

    Files.delete(a.directory().resolve("manifest.json"));
    assertFalse(quick(scene, ex).build().reused());
    assertEquals(12, ex.calls.get());
    assertTrue(quick(scene, ex).build().reused());
    try (var files = Files.list(a.directory())) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary files left behind");
    }
  }

  @Test
  void sceneWithoutFolderNeedsACacheDirAndIsKeyedByItsPixels(@TempDir Path tmp) throws IOException {
    InMemoryScene scene = TestScenes.memory(2, W, H);
    TestScenes.Counting ex = new TestScenes.Counting(bank());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> quick(scene, ex).build());
    assertTrue(e.getMessage().contains("optCacheDir"), e.getMessage());
    FeatureCache a = quick(scene, ex).optCacheDir(tmp).build();
    assertTrue(a.directory().startsWith(tmp));
    assertTrue(quick(TestScenes.memory(2, W, H), ex).optCacheDir(tmp).build().reused(), "same pixels, same cache");
    InMemoryScene other = InMemoryScene.builder().optBounds(scene.bounds())
        .addFrame(scene.frame(0).intrinsics(), scene.frame(0).pose(), TestImages.structured(W, H, 7), null, null, null)
        .addFrame(scene.frame(1).intrinsics(), scene.frame(1).pose(), scene.frame(1).rgb(), null, null, null).build();
    assertFalse(quick(other, ex).optCacheDir(tmp).build().reused(), "other pixels, other cache");
  }

  @Test
  void cachesTorchScriptFeatures(@TempDir Path tmp) throws IOException {
    InMemoryScene scene = TestScenes.memory(2, W, H);
    try (TorchScriptFeatureExtractor vit = TorchScriptFeatureExtractor.builder(Fixtures.path("tiny_vit8.pt"))
        .optShortSide(0).build()) {
      TestScenes.Counting ex = new TestScenes.Counting(vit);
      FeatureCache cache = quick(scene, ex).optCacheDir(tmp).build();
      assertEquals(16, cache.inputDimension());
      assertEquals(6, cache.gridWidth()); // 48 px / patch 8
      assertEquals(5, cache.gridHeight()); // 36 px padded to 40: 5 patches, all overlapping the image
      assertEquals(8.0, cache.cellWidth());
      assertEquals(8.0, cache.cellHeight());
      assertTrue(cache.directory().getFileName().toString().startsWith("torchscript-d8-"), cache.directory().toString());
      assertTrue(quick(scene, ex).optCacheDir(tmp).build().reused());
      assertEquals(2, ex.calls.get());
    }
  }

  @Test
  void cacheLooksUpTorchScriptCellsWhereTheExtractorPlacedThem(@TempDir Path tmp) throws IOException {
    // 50x38 at short side 20: 26x20 resized, padded 32x24, 4x3 tokens of 8 resized = 15.38x15.2 image pixels.
    int w = 50;
    int h = 38;
    InMemoryScene scene = TestScenes.memory(2, w, h);
    try (TorchScriptFeatureExtractor vit = TorchScriptFeatureExtractor.builder(Fixtures.path("tiny_vit8.pt"))
        .optShortSide(20).build()) {
      TestScenes.Counting ex = new TestScenes.Counting(vit);
      FeatureCache built = quick(scene, ex).optCacheDir(tmp).build();
      FeatureCache reused = quick(scene, ex).optCacheDir(tmp).build();
      assertTrue(reused.reused());
      for (FeatureCache cache : List.of(built, reused)) {
        assertEquals(8.0 * 50 / 26, cache.cellWidth(), 1e-12);
        assertEquals(8.0 * 38 / 20, cache.cellHeight(), 1e-12);
        FeatureMap map = cache.encodedMap(1);
        assertEquals(cache.cellWidth(), map.cellWidth());
        float[] got = new float[cache.dimension()];
        for (int py = 0; py < h; py++) {
          for (int px = 0; px < w; px++) {
            // resized coordinate (p + 0.5) * 26 / 50 across, (p + 0.5) * 20 / 38 down, cell = floor(/ 8)
            int cx = (int) Math.min(3, (2L * px + 1) * 26 / (2L * w * 8));
            int cy = (int) Math.min(2, (2L * py + 1) * 20 / (2L * h * 8));
            cache.lookup(1, px, py, got, 0);
            for (int c = 0; c < got.length; c++) {
              assertEquals(map.get(cx, cy, c), got[c], "pixel (" + px + ", " + py + ")");
            }
          }
        }
      }
    }
  }

  /** The manifest as written before the cell size was recorded. */
  private static void dropCellSize(FeatureCache c) throws IOException {
    Path manifest = c.directory().resolve("manifest.json");
    Files.writeString(manifest, Files.readString(manifest).replaceAll("\\s*\"cell_(width|height)\" : [0-9.]+,", ""));
    assertFalse(Files.readString(manifest).contains("cell_width"));
  }

  @Test
  void manifestWithoutTheCellSizeGetsItFromOneFrameAndIsReused(@TempDir Path tmp) throws IOException {
    SceneFolder scene = TestScenes.folder(tmp.resolve("scene"), 3, W, H);
    TestScenes.Counting ex = new TestScenes.Counting(bank());
    FeatureCache a = quick(scene, ex).build();
    assertEquals(0.0, a.cellWidth(), "the filter bank's grid is stretched over the image");
    dropCellSize(a);
    FeatureCache b = quick(scene, ex).build();
    assertTrue(b.reused(), b.status());
    assertEquals(4, ex.calls.get(), "one frame extracted to find the cell size");
    assertEquals(0.0, b.cellWidth());
    assertTrue(Files.readString(a.directory().resolve("manifest.json")).contains("\"cell_width\""), "recorded");
    assertTrue(quick(scene, ex).build().reused());
    assertEquals(4, ex.calls.get());

    // A ViT cache from before: the same grid, now looked up by its cell size.
    InMemoryScene memory = TestScenes.memory(2, 50, 38);
    try (TorchScriptFeatureExtractor vit = TorchScriptFeatureExtractor.builder(Fixtures.path("tiny_vit8.pt"))
        .optShortSide(20).build()) {
      TestScenes.Counting tex = new TestScenes.Counting(vit);
      FeatureCache old = quick(memory, tex).optCacheDir(tmp.resolve("vit")).build();
      dropCellSize(old);
      FeatureCache upgraded = quick(memory, tex).optCacheDir(tmp.resolve("vit")).build();
      assertTrue(upgraded.reused(), upgraded.status());
      assertEquals(3, tex.calls.get());
      assertEquals(8.0 * 50 / 26, upgraded.cellWidth(), 1e-12);
      assertArrayEquals(old.encodedMap(1).data(), upgraded.encodedMap(1).data());
    }
  }

  @Test
  void existingListsTheCompleteCachesOfTheSceneFromTheirManifests(@TempDir Path tmp) throws IOException {
    Path dir = tmp.resolve("scene");
    SceneFolder scene = TestScenes.folder(dir, 2, W, H);
    TestScenes.Counting ex = new TestScenes.Counting(bank());
    assertEquals(List.of(), quick(scene, ex).existing(), "no cache root yet");
    FeatureCache d8 = quick(scene, ex).build();
    FeatureCache d6 = quick(scene, ex).optDimension(6).build();
    assertEquals(d8.directory(), quick(scene, ex).directory(), "directory() is where build() puts the cache");
    assertEquals(d6.directory(), quick(scene, ex).optDimension(6).directory());
    int calls = ex.calls.get();

    List<FeatureCache.Summary> found = quick(scene, ex).optDimension(3).existing();
    assertEquals(calls, ex.calls.get(), "listing extracts nothing");
    assertEquals(2, found.size(), found.toString());
    for (FeatureCache.Summary e : found) {
      FeatureCache c = e.directory().equals(d8.directory()) ? d8 : d6;
      assertEquals(c.directory(), e.directory());
      assertEquals(c.dimension(), e.dimension());
      assertEquals(30, e.inputDimension());
      assertEquals(15, e.autoencoderSteps());
      assertEquals(ex.id(), e.extractorId());
      assertEquals(c.reconstructionError(), e.reconstructionError());
    }

    // Incomplete caches are not listed; nor, once an image changes, any cache of the old images.
    Files.delete(d6.directory().resolve("manifest.json"));
    assertEquals(List.of(d8.directory()), quick(scene, ex).existing().stream().map(FeatureCache.Summary::directory).toList());
    Path img = dir.resolve("rgb").resolve("00001.png");
    repaint(img);
    assertEquals(List.of(), quick(SceneFolder.open(dir), ex).existing());
  }

  @Test
  void existingUnderASharedRootListsOnlyThisScenesCaches(@TempDir Path tmp) throws IOException {
    Path root = tmp.resolve("shared");
    SceneFolder a = TestScenes.folder(tmp.resolve("a"), 2, W, H);
    SceneFolder b = TestScenes.folder(tmp.resolve("b"), 2, W, H);
    TestScenes.Counting ex = new TestScenes.Counting(bank());
    FeatureCache ca = quick(a, ex).optCacheDir(root).build();
    FeatureCache cb = quick(b, ex).optCacheDir(root).optDimension(6).build();
    assertEquals(List.of(ca.directory()), quick(a, ex).optCacheDir(root).existing().stream()
        .map(FeatureCache.Summary::directory).toList());
    assertEquals(List.of(cb.directory()), quick(b, ex).optCacheDir(root).existing().stream()
        .map(FeatureCache.Summary::directory).toList());
    assertEquals(List.of(), quick(a, ex).existing(), "the scene's own root holds none");
  }

  @Test
  void rebuildsWhenFramesFolderIsReplacedByAFile(@TempDir Path tmp) throws IOException {
    SceneFolder scene = TestScenes.folder(tmp.resolve("scene"), 2, W, H);
    TestScenes.Counting ex = new TestScenes.Counting(bank());
    FeatureCache a = quick(scene, ex).build();
    Path frames = a.directory().resolve("frames");
    AtomicFiles.deleteRecursively(frames);
    Files.writeString(frames, "not a folder");

    FeatureCache b = quick(scene, ex).build();
    assertFalse(b.reused());
    assertEquals("frames: expected a folder, found a regular file", b.status());
    assertTrue(b.warnings().stream().anyMatch(w -> w.startsWith(frames + ": expected a folder, found a regular file")),
        b.warnings().toString());
    assertTrue(Files.isDirectory(frames));
    assertArrayEquals(a.encodedMap(1).data(), b.encodedMap(1).data());
    FeatureCache c = quick(scene, ex).build();
    assertTrue(c.reused());
    assertEquals(List.of(), c.warnings());

    // The same without a manifest (a crash mid-build, then the folder was replaced).
    Files.delete(a.directory().resolve("manifest.json"));
    AtomicFiles.deleteRecursively(frames);
    Files.writeString(frames, "");
    FeatureCache d = quick(scene, ex).build();
    assertEquals("no cache yet", d.status());
    assertTrue(d.warnings().toString().contains(frames + ": expected a folder, found a regular file"), d.warnings().toString());
    assertTrue(quick(scene, ex).build().reused());
  }

  @Test
  void rebuildsWhenCacheFilesAreReplacedByFolders(@TempDir Path tmp) throws IOException {
    SceneFolder scene = TestScenes.folder(tmp.resolve("scene"), 2, W, H);
    TestScenes.Counting ex = new TestScenes.Counting(bank());
    Path dir = quick(scene, ex).build().directory();
    for (String name : List.of("manifest.json", "autoencoder.bin", "frames/00001.f16", "raw-features.tmp", ".lock")) {
      Path p = dir.resolve(name);
      AtomicFiles.deleteRecursively(p);
      Files.createDirectories(p.resolve("inner"));
      Files.writeString(p.resolve("inner").resolve("x.txt"), "x");
    }
    FeatureCache b = quick(scene, ex).build();
    assertFalse(b.reused());
    assertEquals("manifest.json: expected a regular file, found a folder", b.status());
    String warnings = String.join("\n", b.warnings());
    for (String name : List.of("manifest.json", "autoencoder.bin", "raw-features.tmp", ".lock")) {
      assertTrue(warnings.contains(dir.resolve(name) + ": expected a regular file"), name + " in " + warnings);
      assertFalse(Files.isDirectory(dir.resolve(name), java.nio.file.LinkOption.NOFOLLOW_LINKS), name);
    }
    assertTrue(Files.isRegularFile(dir.resolve("manifest.json")));
    assertTrue(Files.isRegularFile(dir.resolve("autoencoder.bin")));
    assertTrue(Files.isRegularFile(dir.resolve("frames").resolve("00001.f16")));
    assertTrue(quick(scene, ex).build().reused());

    // A frame file that became a folder is found on load and named in the status.
    Path frame = dir.resolve("frames").resolve("00000.f16");
    Files.delete(frame);
    Files.createDirectory(frame);
    FeatureCache c = quick(scene, ex).build();
    assertEquals("frames/00000.f16: expected a regular file, found a folder", c.status());
    assertTrue(Files.isRegularFile(frame));
  }

  @Test
  void rebuildRemovesLinksInTheCacheButNeverWhatTheyPointTo(@TempDir Path tmp) throws IOException {
    SceneFolder scene = TestScenes.folder(tmp.resolve("scene"), 2, W, H);
    TestScenes.Counting ex = new TestScenes.Counting(bank());
    Path dir = quick(scene, ex).build().directory();
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("00000.f16"), "precious");
    Files.writeString(outside.resolve("notes.txt"), "precious");
    Path outsideFile = Files.writeString(tmp.resolve("precious.txt"), "precious");
    AtomicFiles.deleteRecursively(dir.resolve("frames"));
    Files.createSymbolicLink(dir.resolve("frames"), outside);
    Files.createSymbolicLink(dir.resolve("raw-features.tmp"), outsideFile);
    Files.delete(dir.resolve("autoencoder.bin"));
    Files.createSymbolicLink(dir.resolve("autoencoder.bin"), outsideFile);

    FeatureCache b = quick(scene, ex).build();
    assertFalse(b.reused());
    assertTrue(Files.isDirectory(dir.resolve("frames"), java.nio.file.LinkOption.NOFOLLOW_LINKS)
        && !Files.isSymbolicLink(dir.resolve("frames")));
    assertEquals("precious", Files.readString(outside.resolve("00000.f16")));
    assertEquals("precious", Files.readString(outside.resolve("notes.txt")));
    assertEquals("precious", Files.readString(outsideFile));
    String warnings = String.join("\n", b.warnings());
    assertTrue(warnings.contains(dir.resolve("frames") + ": expected a folder, found a link to a folder"), warnings);
    assertTrue(warnings.contains(dir.resolve("raw-features.tmp") + ": expected a regular file, found a link to a file"),
        warnings);
    assertTrue(quick(scene, ex).build().reused());
  }

  @Test
  void refusesCacheFolderThatIsARegularFileAndLeavesItAlone(@TempDir Path tmp) throws IOException {
    SceneFolder scene = TestScenes.folder(tmp.resolve("scene"), 2, W, H);
    TestScenes.Counting ex = new TestScenes.Counting(bank());
    Path dir = quick(scene, ex).build().directory();
    AtomicFiles.deleteRecursively(dir);
    Files.writeString(dir, "someone's file");
    FeatureCache.CacheFolderException e = assertThrows(FeatureCache.CacheFolderException.class,
        () -> quick(scene, ex).build());
    assertEquals(dir.toString(), e.getFile());
    assertTrue(e.getMessage().startsWith(dir + ": expected the feature cache folder, found a regular file"),
        e.getMessage());
    assertEquals("someone's file", Files.readString(dir));

    // A file where the cache root should be is named the same way.
    Path root = Files.writeString(tmp.resolve("root-file"), "x");
    e = assertThrows(FeatureCache.CacheFolderException.class, () -> quick(scene, ex).optCacheDir(root).build());
    assertEquals(root.toString(), e.getFile());
    assertTrue(e.getMessage().contains("expected a folder above the feature cache, found a regular file"),
        e.getMessage());
    assertEquals("x", Files.readString(root));
  }

  @Test
  void rebuildsWhenManifestIsNotTheCachesJson(@TempDir Path tmp) throws IOException {
    SceneFolder scene = TestScenes.folder(tmp.resolve("scene"), 2, W, H);
    TestScenes.Counting ex = new TestScenes.Counting(bank());
    FeatureCache a = quick(scene, ex).build();
    Path manifest = a.directory().resolve("manifest.json");
    String good = Files.readString(manifest);
    for (String garbage : List.of("", "[]", "null", "42", "\"text\"", "{}", "\u0000\u00ff\u0013garbage")) {
      Files.writeString(manifest, garbage);
      FeatureCache b = quick(scene, ex).build();
      assertFalse(b.reused(), garbage);
      assertTrue(b.status().startsWith("manifest.json: "), garbage + ": " + b.status());
      assertTrue(b.warnings().toString().contains(a.directory() + ": the feature cache is damaged (manifest.json: "),
          garbage + ": " + b.warnings());
      assertArrayEquals(a.encodedMap(0).data(), b.encodedMap(0).data(), garbage);
    }
    // A manifest naming a frame file outside the cache is not followed.
    Path outside = tmp.resolve("elsewhere.f16");
    Files.copy(a.directory().resolve("frames").resolve("00000.f16"), outside);
    Files.writeString(manifest, good.replace("\"frames/00000.f16\"", "\"../../../../elsewhere.f16\""));
    FeatureCache c = quick(scene, ex).build();
    assertFalse(c.reused());
    assertTrue(c.status().contains("frame 0 is stored in '../../../../elsewhere.f16', expected 'frames/00000.f16'"),
        c.status());
    assertTrue(Files.exists(outside));
    assertTrue(quick(scene, ex).build().reused());
  }

  @Test
  void outOfDateCachesRebuildWithoutWarnings(@TempDir Path tmp) throws IOException {
    Path dir = tmp.resolve("scene");
    SceneFolder scene = TestScenes.folder(dir, 2, W, H);
    TestScenes.Counting ex = new TestScenes.Counting(bank());
    quick(scene, ex).build();
    Path img = dir.resolve("rgb").resolve("00000.png");
    repaint(img);
    FeatureCache b = quick(SceneFolder.open(dir), ex).build();
    assertEquals("scene images changed", b.status());
    assertEquals(List.of(), b.warnings());
  }
}
