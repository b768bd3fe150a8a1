package io.github.bakefeature.core.dataparsers;

import static io.github.bakefeature.core.scene.SceneAssertions.assertIntrinsicsEquals;
import static io.github.bakefeature.core.scene.SceneAssertions.assertPoseEquals;
import static io.github.bakefeature.core.scene.SceneAssertions.maxDepthError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.scene.InMemoryScene;
import io.github.bakefeature.core.scene.MalformedSceneTestAccess;
import io.github.bakefeature.core.scene.MultiViewConsistency;
import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.synth.Preset;
import io.github.bakefeature.core.synth.SyntheticSceneGenerator;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ScanNet importer on a synthetic tabletop written in SensReader's layout, with ScanNet's
 * awkward cameras: depth 64x48 with a centred principal point, colour 140x104 (2.19 x 2.17 times
 * larger, a non-integral ratio that differs per axis) with another focal length and an off-centre
 * principal point, rendered independently at the same poses.
 */
class ScanNetImporterTest {
  static final int FRAMES = 12;
  static final long SEED = 5;
  /** ScanNet-like raw label ids of the tabletop's six classes. */
  static final int[] RAW = {3, 40, 7, 1200, 12, 299};
  @TempDir static Path tmp;
  static InMemoryScene depthScene;
  static InMemoryScene colourScene;
  static Path dir;
  static int cases;

  @BeforeAll
  static void writeScan() throws IOException {
    depthScene = SyntheticScenes.tabletop(FRAMES, 64, 48, SEED);
    // Colour: a wider 150x112 view at the same poses, cropped off-centre to 140x104.
    InMemoryScene wide = SyntheticSceneGenerator.builder().optPreset(Preset.TABLETOP).optFrames(FRAMES)
        .optSize(150, 112).optFieldOfView(68).optSeed(SEED).build().generate().scene();
    colourScene = crop(wide, 4, 5, 140, 104);
    dir = tmp.resolve("scene0000_00");
    ForeignLayouts.writeScanNet(depthScene, colourScene, dir, colourScene, RAW);
  }

  @Test
  void importsAtTheDepthCameraWithExactPosesAndDepthInNumericOrder() throws IOException {
    Scene s = ScanNetImporter.builder().build().read(dir);
    assertEquals(FRAMES, s.size());
    CameraIntrinsics kd = depthScene.frame(0).intrinsics();
    for (int i = 0; i < FRAMES; i++) {
      // color/10.jpg comes after color/9.jpg (lexically it would follow color/1.jpg).
      assertIntrinsicsEquals(kd, s.frame(i).intrinsics(), 1e-6, "depth camera, frame " + i);
      assertPoseEquals(depthScene.frame(i).pose(), s.frame(i).pose(), 1e-5, "pose/" + i + ".txt (6 decimals)");
      double err = maxDepthError(depthScene.frame(i).depth().orElseThrow(), s.frame(i).depth().orElseThrow());
      assertTrue(err <= 0.0005 + 1e-6, "depth in rounded millimetres: " + err);
      assertEquals(64, s.frame(i).rgb().width());
    }
  }

  @Test
  void surfacesOfOverlappingViewsCoincide() throws IOException {
    Scene s = ScanNetImporter.builder().build().read(dir);
    int[][] pairs = {{0, 1}, {5, 6}, {10, 11}};
    MultiViewConsistency.Stats ok = Consistency.pooled(s, pairs, 1, UnaryOperator.identity());
    Consistency.report("scannet", "synthetic tabletop 64x48 depth, 3 pairs", ok);
    assertTrue(ok.overlap() > 0.3, ok.toString());
    MultiViewConsistency.Stats exact = Consistency.pooled(depthScene, pairs, 1, UnaryOperator.identity());
    Consistency.report("scannet", "exact fixture depth (floor of the measure)", exact);
    // Within millimetre depth rounding and six-decimal poses of that floor.
    assertTrue(ok.median() <= exact.median() + 0.001 && ok.p90() <= exact.p90() + 0.001, ok + " vs exact " + exact);
    // The test can fail: reading pose/N.txt as world-to-camera breaks the agreement.
    MultiViewConsistency.Stats wrong = Consistency.pooled(s, pairs, 1, ForeignLayouts::inverted);
    assertTrue(!(wrong.median() < 0.05), "wrong convention must disagree: " + wrong);
  }

  @Test
  void resampledColourMatchesTheColourRenderedAtTheDepthCamera() throws IOException {
    Scene s = ScanNetImporter.builder().build().read(dir);
    double sum = 0;
    double naive = 0;
    for (int i = 0; i < FRAMES; i++) {
      RgbImage expected = depthScene.frame(i).rgb();
      sum += mse(expected, s.frame(i).rgb());
      naive += mse(expected, stretch(colourScene.frame(i).rgb(), 64, 48));
    }
    double psnr = psnr(sum / FRAMES);
    double naivePsnr = psnr(naive / FRAMES);
    System.out.println(String.format(Locale.ROOT, "{\"metric\":\"scannet_resampled_colour_psnr\",\"db\":%.2f,"
        + "\"stretched_ignoring_intrinsics_db\":%.2f}", psnr, naivePsnr));
    // Bilinear resampling of an independent render (JPEG q 0.95) against a direct render: 34.7 dB
    // when written; shifting the colour by one colour pixel (half a depth pixel) drops it to 27.8 dB.
    assertTrue(psnr > 30, "PSNR " + psnr);
    // The test can fail: stretching the colour image to the depth size, ignoring K, misaligns it.
    assertTrue(psnr > naivePsnr + 4, psnr + " dB vs stretched " + naivePsnr + " dB");
  }

  @Test
  void mapsRawLabelIdsToCompactClassesAndResamplesThemNearest() throws IOException {
    Path d = tmp.resolve("void-top");
    MalformedSceneTestAccess.copyTree(dir, d);
    // Unannotated (0) in the top 20 colour rows of every frame, as ScanNet leaves unlabelled areas.
    for (int i = 0; i < FRAMES; i++) {
      Path p = d.resolve("label-filt/" + i + ".png");
      int[] size = new int[2];
      int[] raw = io.github.bakefeature.core.io.ImageFiles.readChannel(p, size);
      java.util.Arrays.fill(raw, 0, 20 * size[0], 0);
      ForeignLayouts.write16(p, size[0], size[1], raw);
    }
    Scene s = ScanNetImporter.builder().build().read(d);
    TreeSet<Integer> present = new TreeSet<>();
    for (Frame f : colourScene.frames()) {
      short[] l = f.groundTruth().orElseThrow().labels();
      for (int p = 20 * 140; p < l.length; p++) {
        assertTrue(l[p] >= 0, "every ray of the tabletop hits a surface");
        present.add(RAW[l[p]]);
      }
    }
    assertEquals(present.stream().map(id -> "label_" + id).toList(), s.classNames(), "increasing raw id");
    assertTrue(s.hasGroundTruth());
    List<Integer> order = List.copyOf(present);
    long agree = 0;
    long compared = 0;
    for (int i = 0; i < FRAMES; i++) {
      LabelImage a = s.frame(i).groundTruth().orElseThrow();
      LabelImage e = depthScene.frame(i).groundTruth().orElseThrow();
      assertEquals(64, a.width());
      for (int x = 0; x < 64; x++) {
        assertEquals(LabelImage.UNLABELLED, a.get(x, 0), "raw 0 becomes unlabelled");
        assertTrue(a.get(x, 47) >= 0, "annotated bottom row");
      }
      for (int p = 0; p < a.labels().length; p++) {
        if (a.labels()[p] >= 0) {
          compared++;
          agree += a.labels()[p] == order.indexOf(RAW[e.labels()[p]]) ? 1 : 0;
        }
      }
    }
    // Nearest-neighbour labels of the colour camera disagree with the depth camera's only at edges.
    double share = (double) agree / compared;
    System.out.println("{\"metric\":\"scannet_label_agreement\",\"value\":" + share + "}");
    assertTrue(share > 0.97, "agreement " + share); // 0.978; 0.965 with colour shifted by one pixel
  }

  @Test
  void labelsAtTheDepthResolutionAreTakenAsTheyAre() throws IOException {
    Path d = tmp.resolve("labels-at-depth");
    ForeignLayouts.writeScanNet(depthScene, colourScene, d, depthScene, RAW);
    Scene s = ScanNetImporter.builder().build().read(d);
    List<Integer> sorted = java.util.Arrays.stream(RAW).sorted().boxed().toList();
    for (int i = 0; i < FRAMES; i++) {
      short[] e = depthScene.frame(i).groundTruth().orElseThrow().labels();
      short[] a = s.frame(i).groundTruth().orElseThrow().labels();
      for (int p = 0; p < e.length; p++) {
        assertEquals(s.classNames().indexOf("label_" + RAW[e[p]]), a[p], "pixel " + p);
      }
    }
    assertTrue(sorted.stream().map(id -> "label_" + id).toList().containsAll(s.classNames()));
  }

  @Test
  void skipsFramesWithInfiniteOrNanPosesAndReportsThem() throws IOException {
    Path d = broken();
    String inf = "-inf -inf -inf -inf\n".repeat(4);
    Files.writeString(d.resolve("pose/3.txt"), inf);
    Files.writeString(d.resolve("pose/10.txt"), "nan nan nan nan\n".repeat(4));
    ScanNetImporter.Result r = ScanNetImporter.builder().build().readScan(d);
    assertEquals(List.of(d.resolve("pose/3.txt"), d.resolve("pose/10.txt")), r.skippedPoses());
    Scene s = r.scene();
    assertEquals(FRAMES - 2, s.size());
    int[] original = {0, 1, 2, 4, 5, 6, 7, 8, 9, 11};
    for (int i = 0; i < original.length; i++) {
      assertPoseEquals(depthScene.frame(original[i]).pose(), s.frame(i).pose(), 1e-5, "frame " + i);
      assertEquals(i, s.frame(i).index());
    }
  }

  @Test
  void keepsEveryNthFrameAndSkipsInvalidPosesAmongThem() throws IOException {
    Path d = broken();
    Files.writeString(d.resolve("pose/5.txt"), "-inf -inf -inf -inf\n".repeat(4));
    Files.writeString(d.resolve("pose/6.txt"), "-inf -inf -inf -inf\n".repeat(4)); // not kept: not counted
    ScanNetImporter.Result r = ScanNetImporter.builder().optEvery(5).build().readScan(d);
    assertEquals(List.of(d.resolve("pose/5.txt")), r.skippedPoses());
    assertEquals(2, r.scene().size(), "frames 0 and 10 of 0, 5, 10");
    assertPoseEquals(depthScene.frame(10).pose(), r.scene().frame(1).pose(), 1e-5, "color/10.jpg");
    assertThrows(IllegalArgumentException.class, () -> ScanNetImporter.builder().optEvery(0));
  }

  @Test
  void leavesLabelsOutWhenAsked() throws IOException {
    Scene s = ScanNetImporter.builder().optLabels(false).build().read(dir);
    assertTrue(s.classNames().isEmpty());
    assertFalse(s.hasGroundTruth());
    assertTrue(s.frame(3).groundTruth().isEmpty());
  }

  @Test
  void importedSceneWritesAndReopensWithItsClasses() throws IOException {
    Path out = tmp.resolve("imported");
    SceneFolder written = Importers.importScene("scannet", dir, out, (done, total) -> { });
    assertEquals(FRAMES, written.size());
    assertEquals(64, written.width());
    assertTrue(written.classNames().get(0).startsWith("label_"), written.classNames().toString());
    assertTrue(Files.exists(out.resolve("gt_semantic/00011.png")));
    assertTrue(Files.exists(out.resolve("rgb/00011.png")), "resampled colour is written as PNG");
  }

  @Test
  void allUnannotatedLabelsGiveASceneWithoutGroundTruthThatWritesAndReopens() throws IOException {
    Path d = broken();
    for (int i = 0; i < FRAMES; i++) {
      Path p = d.resolve("label-filt/" + i + ".png");
      int[] size = new int[2];
      io.github.bakefeature.core.io.ImageFiles.readChannel(p, size);
      ForeignLayouts.write16(p, size[0], size[1], new int[size[0] * size[1]]);
    }
    Scene s = ScanNetImporter.builder().build().read(d);
    assertTrue(s.classNames().isEmpty(), s.classNames().toString());
    assertFalse(s.hasGroundTruth());
    assertTrue(s.frame(3).groundTruth().isEmpty());
    Path out = tmp.resolve("all-unannotated-out");
    SceneFolder written = Importers.importScene("scannet", d, out, (done, total) -> { });
    assertEquals(FRAMES, written.size());
    assertFalse(written.hasGroundTruth());
    assertFalse(Files.exists(out.resolve("gt_semantic")));
  }

  @Test
  void copiesColourUnchangedWhenBothCamerasAreTheSame() throws IOException {
    Path d = tmp.resolve("same-camera");
    ForeignLayouts.writeScanNet(depthScene, depthScene, d, null, null);
    Path out = tmp.resolve("same-camera-out");
    Importers.importScene("scannet", d, out, (done, total) -> { });
    assertArrayEquals(Files.readAllBytes(d.resolve("color/7.jpg")), Files.readAllBytes(out.resolve("rgb/00007.jpg")));
  }

  @Test
  void readsThreeByThreeIntrinsics() throws IOException {
    Path d = broken();
    CameraIntrinsics k = depthScene.frame(0).intrinsics();
    Files.writeString(d.resolve("intrinsic/intrinsic_depth.txt"),
        String.format(Locale.ROOT, "%f 0 %f\n0 %f %f\n0 0 1\n", k.fx(), k.cx(), k.fy(), k.cy()));
    assertIntrinsicsEquals(k, ScanNetImporter.builder().build().read(d).frame(0).intrinsics(), 1e-6, "3x3");
  }

  // ---- malformed inputs ------------------------------------------------------------------------

  Path broken() throws IOException {
    Path d = tmp.resolve("broken" + (cases++));
    MalformedSceneTestAccess.copyTree(dir, d);
    return d;
  }

  /** A ScanNet label table for {@link #RAW} (the real file's first columns): 7 and 40 share NYU40 class 5. */
  static Path labelTable() throws IOException {
    Path tsv = tmp.resolve("scannetv2-labels.combined.tsv");
    Files.writeString(tsv, String.join("\n",
        "id\traw_category\tcategory\tcount\tnyu40id\teigen13id\tnyuClass\tnyu40class\teigen13class",
        "3\tcabinet\tcabinet\t1000\t3\t6\tcabinet\tcabinet\tFurniture",
        "7\tchair\tchair\t4000\t5\t4\tchair\tchair\tChair",
        "12\tkitchen counter\tcounter\t200\t12\t6\tcounter\tcounter\tFurniture",
        "40\toffice chair\tchair\t900\t5\t4\tchair\tchair\tChair",
        "299\tobject\tobject\t50\t0\t0\t\t\t",
        ""));
    return tsv;
  }

  /** The raw ids visible in the colour scene's ground truth, in increasing order. */
  static List<Integer> visibleRawIds() throws IOException {
    TreeSet<Integer> present = new TreeSet<>();
    for (Frame f : colourScene.frames()) {
      for (short l : f.groundTruth().orElseThrow().labels()) {
        if (l >= 0) {
          present.add(RAW[l]);
        }
      }
    }
    return List.copyOf(present);
  }

  @Test
  void namesClassesByTheLabelTablesCategoriesKeepingNamesUnique() throws IOException {
    Scene s = ScanNetImporter.builder().optLabelTable(ScanNetLabelTable.read(labelTable())).build().read(dir);
    java.util.Map<Integer, String> expected = java.util.Map.of(3, "cabinet", 7, "chair", 12, "counter",
        40, "chair (40)", 299, "object", 1200, "label_1200");
    List<Integer> ids = visibleRawIds();
    assertTrue(ids.contains(7) && ids.contains(40), "the fixture shows both chair ids: " + ids);
    assertEquals(ids.stream().map(expected::get).toList(), s.classNames(),
        "categories in id order; a repeated category is told apart by its id; ids not in the table keep label_<id>");
  }

  @Test
  void nyu40LabelSetMergesIdsIntoTheirNyu40ClassesAndDropsTheRest() throws IOException {
    Scene raw = ScanNetImporter.builder().build().read(dir);
    Scene nyu = ScanNetImporter.builder().optLabelTable(ScanNetLabelTable.read(labelTable()))
        .optLabelSet(ScanNetImporter.LabelSet.NYU40).build().read(dir);
    List<Integer> ids = visibleRawIds();
    List<String> expectedNames = new java.util.ArrayList<>();
    for (String[] c : new String[][] {{"3", "cabinet"}, {"5", "chair"}, {"12", "counter"}}) {
      boolean shown = ids.stream().anyMatch(id -> (id == 3 && c[0].equals("3")) || ((id == 7 || id == 40)
          && c[0].equals("5")) || (id == 12 && c[0].equals("12")));
      if (shown) {
        expectedNames.add(c[1]);
      }
    }
    assertEquals(expectedNames, nyu.classNames(), "NYU40 classes present, in NYU40 id order");
    for (int i = 0; i < FRAMES; i += 3) {
      short[] r = raw.frame(i).groundTruth().orElseThrow().labels();
      short[] n = nyu.frame(i).groundTruth().orElseThrow().labels();
      for (int p = 0; p < r.length; p++) {
        if (r[p] < 0) {
          assertEquals(LabelImage.UNLABELLED, n[p]);
          continue;
        }
        int id = ids.get(r[p]);
        String want = switch (id) {
          case 3 -> "cabinet";
          case 7, 40 -> "chair";
          case 12 -> "counter";
          default -> null; // 299 has no NYU40 class, 1200 is not in the table
        };
        assertEquals(want == null ? LabelImage.UNLABELLED : (short) nyu.classNames().indexOf(want), n[p],
            "frame " + i + " pixel " + p + " (ScanNet id " + id + ")");
      }
    }
  }

  @Test
  void nyu40ClassesWithoutALabelTableAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ScanNetImporter.builder().optLabelSet(ScanNetImporter.LabelSet.NYU40).build());
    assertTrue(e.getMessage().contains("label table"), e.getMessage());
  }

  @Test
  void rejectsLabelTablesWithoutTheirColumnsOrWithBadRows() throws IOException {
    Path noNyu = Files.writeString(tmp.resolve("no-nyu.tsv"), "id\traw_category\tcategory\n3\tcabinet\tcabinet\n");
    InvalidSceneException e = assertThrows(InvalidSceneException.class, () -> ScanNetLabelTable.read(noNyu));
    assertEquals(noNyu, e.file());
    assertTrue(e.problem().contains("found no 'nyu40id'"), e.getMessage());
    Path badId = Files.writeString(tmp.resolve("bad-id.tsv"),
        "id\traw_category\tcategory\tnyu40id\tnyu40class\nthree\tcabinet\tcabinet\t3\tcabinet\n");
    e = assertThrows(InvalidSceneException.class, () -> ScanNetLabelTable.read(badId));
    assertTrue(e.problem().contains("line 2: expected an integer id, found 'three'"), e.getMessage());
    Path twice = Files.writeString(tmp.resolve("twice.tsv"),
        "id\traw_category\tcategory\tnyu40id\tnyu40class\n3\ta\ta\t3\tcabinet\n3\tb\tb\t3\tcabinet\n");
    e = assertThrows(InvalidSceneException.class, () -> ScanNetLabelTable.read(twice));
    assertTrue(e.problem().contains("line 3: id 3 appears twice"), e.getMessage());
    e = assertThrows(InvalidSceneException.class, () -> ScanNetLabelTable.read(tmp.resolve("absent.tsv")));
    assertTrue(e.problem().contains("found nothing"), e.getMessage());
  }

  static void assertFails(Path in, Path file, String problem) {
    InvalidSceneException e = assertThrows(InvalidSceneException.class,
        () -> ScanNetImporter.builder().build().read(in));
    assertEquals(file, e.file(), e.getMessage());
    assertTrue(e.problem().contains(problem), "expected \"" + problem + "\" in: " + e.getMessage());
  }

  @Test
  void rejectsMissingIntrinsicFile() throws IOException {
    Path d = broken();
    Files.delete(d.resolve("intrinsic/intrinsic_depth.txt"));
    assertFails(d, d.resolve("intrinsic/intrinsic_depth.txt"), "file does not exist");
  }

  @Test
  void rejectsIntrinsicMatrixThatIsNeither3x3Nor4x4() throws IOException {
    Path d = broken();
    Files.writeString(d.resolve("intrinsic/intrinsic_color.txt"), "500 0 70 0\n0 500 50 0\n0 0 1 0\n");
    assertFails(d, d.resolve("intrinsic/intrinsic_color.txt"),
        "expected a 3x3 or 4x4 camera matrix (9 or 16 numbers), found 12 numbers");
  }

  @Test
  void rejectsColourIntrinsicsOfAnotherResolution() throws IOException {
    Path d = broken();
    // As after exporting colour resized to the depth size without scaling intrinsic_color.txt.
    Files.writeString(d.resolve("intrinsic/intrinsic_color.txt"), "1169.6 0 646.3 0\n0 1167.1 489.9 0\n0 0 1 0\n0 0 0 1\n");
    assertFails(d, d.resolve("intrinsic/intrinsic_color.txt"),
        "principal point (646.300, 489.900) lies outside the 140x104 colour images (color/0.jpg)");
  }

  @Test
  void rejectsNonRigidPose() throws IOException {
    Path d = broken();
    Files.writeString(d.resolve("pose/2.txt"), "2 0 0 0\n0 2 0 0\n0 0 2 0\n0 0 0 1\n");
    assertFails(d, d.resolve("pose/2.txt"), "not a rigid pose: rotation is not orthonormal");
  }

  @Test
  void rejectsPoseWithFifteenNumbers() throws IOException {
    Path d = broken();
    Files.writeString(d.resolve("pose/4.txt"), "1 0 0 0\n0 1 0 0\n0 0 1 0\n0 0 0\n");
    assertFails(d, d.resolve("pose/4.txt"), "expected a 4x4 matrix (16 numbers), found 15 numbers");
  }

  @Test
  void rejectsColourFrameWithoutDepth() throws IOException {
    Path d = broken();
    Files.delete(d.resolve("depth/3.png"));
    assertFails(d, d.resolve("depth"), "missing 3.png for 3.jpg");
  }

  @Test
  void rejectsPoseWithoutColourFrame() throws IOException {
    Path d = broken();
    Files.copy(d.resolve("pose/0.txt"), d.resolve("pose/12.txt"));
    assertFails(d, d.resolve("pose/12.txt"), "frame count mismatch: no matching file in color/ for frame 12");
  }

  @Test
  void rejectsLabelPngOfAnotherSize() throws IOException {
    Path d = broken();
    ForeignLayouts.write16(d.resolve("label-filt/1.png"), 10, 10, new int[100]);
    assertFails(d, d.resolve("label-filt/1.png"),
        "expected 140x104 like the colour images or 64x48 like the depth images, found 10x10");
  }

  @Test
  void rejectsLabelWithoutColourFrame() throws IOException {
    Path d = broken();
    Files.copy(d.resolve("label-filt/0.png"), d.resolve("label-filt/99.png"));
    assertFails(d, d.resolve("label-filt/99.png"), "no colour image color/99.jpg for this label file");
  }

  @Test
  void rejectsColourImageOfAnotherSize() throws IOException {
    Path d = broken();
    ForeignLayouts.writeJpeg(new java.awt.image.BufferedImage(64, 48, java.awt.image.BufferedImage.TYPE_INT_RGB),
        d.resolve("color/5.jpg"), 0.9f);
    assertFails(d, d.resolve("color/5.jpg"), "expected 140x104 like color/0.jpg, found 64x48");
  }

  @Test
  void rejectsEightBitDepth() throws IOException {
    Path d = broken();
    java.awt.image.BufferedImage g = new java.awt.image.BufferedImage(64, 48, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
    javax.imageio.ImageIO.write(g, "png", d.resolve("depth/6.png").toFile());
    assertFails(d, d.resolve("depth/6.png"), "expected a 16-bit single-channel depth PNG in millimetres, found 8-bit grey png");
  }

  @Test
  void rejectsScanWhoseEveryPoseIsInvalid() throws IOException {
    Path d = broken();
    for (int i = 0; i < FRAMES; i++) {
      Files.writeString(d.resolve("pose/" + i + ".txt"), "-inf -inf -inf -inf\n".repeat(4));
    }
    assertFails(d, d.resolve("pose"), "every one of the 12 frames has an invalid pose");
  }

  @Test
  void rejectsEmptyColourFolder() throws IOException {
    Path d = tmp.resolve("empty-scan");
    for (String sub : new String[] {"color", "depth", "pose", "intrinsic"}) {
      Files.createDirectories(d.resolve(sub));
    }
    assertFails(d, d.resolve("color"), "empty dataset: expected color/0.jpg, color/1.jpg, ..., found none");
  }

  @Test
  void rejectsEmptyFolderAndRawSensScanWithAHint() throws IOException {
    Path empty = tmp.resolve("nothing");
    Files.createDirectories(empty);
    assertFails(empty, empty.resolve("color"), "missing folder (expected colour images color/0.jpg");
    Path raw = tmp.resolve("scene0001_00");
    Files.createDirectories(raw);
    Files.writeString(raw.resolve("scene0001_00.sens"), "not really");
    assertFails(raw, raw.resolve("color"), "scene0001_00.sens is a raw ScanNet scan: expected its export");
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** The scene seen through a {@code w x h} window at ({@code x0}, {@code y0}) of each image. */
  static InMemoryScene crop(InMemoryScene s, int x0, int y0, int w, int h) throws IOException {
    InMemoryScene.Builder b = InMemoryScene.builder().optClassNames(s.classNames()).optBounds(s.bounds());
    for (Frame f : s.frames()) {
      CameraIntrinsics k = f.intrinsics();
      RgbImage rgb = f.rgb();
      DepthImage d = f.depth().orElseThrow();
      LabelImage l = f.groundTruth().orElseThrow();
      byte[] px = new byte[w * h * 3];
      float[] m = new float[w * h];
      short[] c = new short[w * h];
      for (int y = 0; y < h; y++) {
        System.arraycopy(rgb.pixels(), ((y + y0) * k.width() + x0) * 3, px, y * w * 3, w * 3);
        System.arraycopy(d.metres(), (y + y0) * k.width() + x0, m, y * w, w);
        System.arraycopy(l.labels(), (y + y0) * k.width() + x0, c, y * w, w);
      }
      b.addFrame(new CameraIntrinsics(w, h, k.fx(), k.fy(), k.cx() - x0, k.cy() - y0), f.pose(),
          new RgbImage(w, h, px), new DepthImage(w, h, m), new LabelImage(w, h, c), null);
    }
    return b.build();
  }

  /** Resizes an image to {@code w x h} bilinearly, aligning pixel centres, ignoring any camera. */
  static RgbImage stretch(RgbImage c, int w, int h) {
    CameraIntrinsics from = new CameraIntrinsics(c.width(), c.height(), 1, 1, 0, 0);
    CameraIntrinsics to = from.resized(w, h);
    // Same image plane, so the importer's own resampling with these cameras is a plain resize.
    return new ScanNetImporter.Resampling(from, to).bilinear(c);
  }

  static double mse(RgbImage a, RgbImage b) {
    assertEquals(a.width(), b.width());
    double s = 0;
    for (int i = 0; i < a.pixels().length; i++) {
      double d = (a.pixels()[i] & 0xFF) - (b.pixels()[i] & 0xFF);
      s += d * d;
    }
    return s / a.pixels().length;
  }

  static double psnr(double mse) {
    return 10 * Math.log10(255.0 * 255.0 / mse);
  }
}
