package io.github.bakefeature.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.field.RenderedView;
import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.export.ViewSource;
import io.github.bakefeature.core.io.AtomicFiles;
import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.scene.SceneLayout;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentationEvaluationTest {
  private static final int W = 16;
  private static final int H = 12;

  @TempDir
  Path tmp;

  private Path scene(boolean keepGt) throws IOException {
    Path dir = tmp.resolve(keepGt ? "gt" : "labelme");
    SyntheticScenes.generate(io.github.bakefeature.core.synth.Preset.TABLETOP, 3, W, H, 1).write(dir);
    if (!keepGt) {
      AtomicFiles.deleteRecursively(dir.resolve(SceneLayout.GT_SEMANTIC));
    }
    return dir;
  }

  /** Predicts the ground truth, except that class {@code from} is predicted as {@code to}. */
  private static ViewSource relabelling(Scene scene, int from, int to) {
    return (frame, camera, outputs) -> {
      try {
        short[] l = scene.frame(frame).groundTruth().orElseThrow().labels().clone();
        for (int i = 0; i < l.length; i++) {
          if (l[i] == from) {
            l[i] = (short) to;
          }
        }
        return new RenderedView(camera.width(), camera.height(), null, null, null, 0, l, new float[l.length], 0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  @Test
  void gtSemanticEvaluationMatchesTheConfusionByHand() throws Exception {
    SceneFolder s = SceneFolder.open(scene(true));
    GroundTruth gt = GroundTruth.detect(s);
    assertEquals("gt_semantic", gt.kind());
    assertArrayEquals(new int[] {0, 1, 2}, gt.frames());
    int table = s.classNames().indexOf("table");
    int bg = s.classNames().indexOf("background");
    SegmentationEvaluation perfect = SegmentationEvaluation.of(relabelling(s, -5, 0), 6, s, gt, null);
    assertEquals(1.0, perfect.miou(), 1e-12);
    assertEquals(1.0, perfect.pixelAccuracy(), 1e-12);

    SegmentationEvaluation e = SegmentationEvaluation.of(relabelling(s, table, bg), 6, s, gt, new int[] {0, 2});
    long tablePx = 0;
    long bgPx = 0;
    long total = 0;
    for (int f : new int[] {0, 2}) {
      for (short v : s.frame(f).groundTruth().orElseThrow().labels()) {
        tablePx += v == table ? 1 : 0;
        bgPx += v == bg ? 1 : 0;
        total += v >= 0 ? 1 : 0;
      }
    }
    assertTrue(tablePx > 0);
    assertEquals(total, e.pixels());
    assertEquals(0.0, e.perClassIou()[table], 1e-12);
    assertEquals((double) bgPx / (bgPx + tablePx), e.perClassIou()[bg], 1e-12);
    assertEquals((double) (total - tablePx) / total, e.pixelAccuracy(), 1e-12);
    assertEquals("table", e.classNames().get(table));
  }

  @Test
  void labelmeReferencesInGtMasksAreFoundAndEvaluated() throws Exception {
    Path dir = scene(false);
    Path masks = dir.resolve(LabelmeMasks.FOLDER);
    Files.createDirectories(masks);
    // Frame 1 by file name: a mug rectangle over the left half; frame 2 via imagePath.
    Files.writeString(masks.resolve("00001.json"), "{\"shapes\": [{\"label\": \"mug\", \"points\": [[0,0],[8,12]],"
        + " \"shape_type\": \"rectangle\"}], \"imagePath\": \"00001.png\", \"imageWidth\": 16, \"imageHeight\": 12}");
    Files.writeString(masks.resolve("annotation.json"), "{\"shapes\": [], \"imagePath\": \"../rgb/00002.png\","
        + " \"imageWidth\": 16, \"imageHeight\": 12}");
    SceneFolder s = SceneFolder.open(dir);
    GroundTruth gt = GroundTruth.detect(s);
    assertEquals("gt_masks", gt.kind());
    assertArrayEquals(new int[] {1, 2}, gt.frames());
    LabelImage t1 = gt.truth(1);
    int mug = s.classNames().indexOf("mug");
    assertEquals(mug, t1.get(7, 5));
    assertEquals(s.classNames().indexOf("background"), t1.get(8, 5), "the tabletop scene has a background class");
    // Predict mug everywhere: on frame 1 mug IoU = 96 / 192, background IoU = 0.
    short[] all = new short[W * H];
    java.util.Arrays.fill(all, (short) mug);
    ViewSource mugs = (frame, camera, outputs) -> new RenderedView(W, H, null, null, null, 0, all.clone(), new float[W * H], 0);
    SegmentationEvaluation e = SegmentationEvaluation.of(mugs, 6, s, gt, new int[] {1});
    assertEquals("gt_masks", e.source());
    assertEquals(0.5, e.perClassIou()[mug], 1e-12);
    assertEquals(0.25, e.miou(), 1e-12);
    assertEquals(0.5, e.pixelAccuracy(), 1e-12);
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> SegmentationEvaluation.of(mugs, 6, s, gt, new int[] {0}));
    assertTrue(missing.getMessage().contains("frame 0 has no gt_masks reference"), missing.getMessage());
  }

  @Test
  void aBadLabelmeFileFailsBeforeAnyFrameIsRendered() throws Exception {
    Path dir = scene(false);
    Path masks = Files.createDirectories(dir.resolve(LabelmeMasks.FOLDER));
    Files.writeString(masks.resolve("00000.json"), "{\"shapes\": [], \"imageWidth\": 16, \"imageHeight\": 12}");
    Files.writeString(masks.resolve("00002.json"), "{\"shapes\": [{\"label\": \"tabel\", \"points\": [[0,0],[8,12]],"
        + " \"shape_type\": \"rectangle\"}], \"imageWidth\": 16, \"imageHeight\": 12}");
    SceneFolder s = SceneFolder.open(dir);
    GroundTruth gt = GroundTruth.detect(s);
    java.util.List<Integer> rendered = new java.util.ArrayList<>();
    ViewSource counting = (frame, camera, outputs) -> {
      rendered.add(frame);
      return new RenderedView(W, H, null, null, null, 0, new short[W * H], new float[W * H], 0);
    };
    InvalidSceneException e = assertThrows(InvalidSceneException.class,
        () -> SegmentationEvaluation.of(counting, 6, s, gt, null));
    assertTrue(e.getMessage().contains("00002.json") && e.getMessage().contains("tabel"), e.getMessage());
    assertEquals(java.util.List.of(), rendered, "no frame rendered before the references were checked");
  }

  @Test
  void scenesWithoutReferencesAndStrayFilesAreReported() throws Exception {
    Path dir = scene(false);
    SceneFolder s = SceneFolder.open(dir);
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> GroundTruth.detect(s));
    assertTrue(none.getMessage().contains("gt_semantic/") && none.getMessage().contains("gt_masks/"), none.getMessage());
    Path masks = Files.createDirectories(dir.resolve(LabelmeMasks.FOLDER));
    Files.writeString(masks.resolve("kitchen.json"), "{\"shapes\": [], \"imagePath\": \"IMG_7.jpg\", \"imageWidth\": 16, \"imageHeight\": 12}");
    InvalidSceneException e = assertThrows(InvalidSceneException.class, () -> GroundTruth.detect(s));
    assertTrue(e.getMessage().contains("kitchen.json") && e.getMessage().contains("IMG_7"), e.getMessage());
  }
}
