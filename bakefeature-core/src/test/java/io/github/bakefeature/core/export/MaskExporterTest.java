package io.github.bakefeature.core.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bakefeature.api.annotation.SemanticClass;
import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.core.io.ImageFiles;
import io.github.bakefeature.core.io.ImageHeader;
import io.github.bakefeature.core.scene.InMemoryScene;
import io.github.bakefeature.core.viz.Palette;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaskExporterTest {
  private static final int W = 8;
  private static final int H = 6;

  @TempDir
  Path tmp;

  /** Two frames of one grey colour; classes background, cup, plate. */
  static InMemoryScene scene() {
    InMemoryScene.Builder b = InMemoryScene.builder().optBounds(new Aabb(-1, -1, -1, 1, 1, 1))
        .optClassNames(List.of("background", "cup", "plate"));
    CameraIntrinsics k = CameraIntrinsics.fromHorizontalFov(W, H, 60);
    for (int i = 0; i < 2; i++) {
      byte[] px = new byte[W * H * 3];
      java.util.Arrays.fill(px, (byte) 100);
      b.addFrame(k, Pose.identity(), new RgbImage(W, H, px), null, null, null);
    }
    return b.build();
  }

  /** Left half cup (1), right half plate (2), a plate speck in the cup, top-left pixel unknown. */
  static short[] classes() {
    short[] c = new short[W * H];
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        c[y * W + x] = (short) (x < W / 2 ? 1 : 2);
      }
    }
    c[2 * W + 1] = 2; // speck
    return c;
  }

  static float[] confidence() {
    float[] f = new float[W * H];
    java.util.Arrays.fill(f, 0.8f);
    f[0] = 0f; // ray hit nothing
    f[W - 1] = 0.3f;
    return f;
  }

  @Test
  void writesClassIdMasksWithUnknownAs255OverlaysAndALegend() throws Exception {
    InMemoryScene s = scene();
    MaskExporter.Summary sum = MaskExporter.builder().build()
        .export(ExportFixtures.constant(classes(), confidence()), s, 3, new int[] {0, 1}, tmp);
    assertEquals(2, sum.frames());
    assertEquals(8, sum.bitDepth());
    assertEquals(2, sum.unknownPixels(), "one unknown pixel per frame");
    Path mask = tmp.resolve("masks/00001.png");
    ImageHeader h = ImageFiles.readHeader(mask);
    assertEquals(8, h.bitsPerSample());
    assertEquals(1, h.bands());
    int[] raw = ImageFiles.readChannel(mask, new int[2]);
    short[] c = classes();
    for (int i = 0; i < raw.length; i++) {
      assertEquals(i == 0 ? 255 : c[i], raw[i], "pixel " + i);
    }
    LabelImage back = MaskExporter.readMask(mask);
    assertEquals(LabelImage.UNLABELLED, back.get(0, 0));
    assertEquals(2, back.get(1, 2));

    RgbImage overlay = ImageFiles.readRgb(tmp.resolve("overlays/00000.png"));
    assertEquals(100, overlay.get(0, 0, 0), "unknown pixels show the image");
    int cup = Palette.colour(1);
    assertEquals(Math.round(100 * 0.5f + ((cup >> 16) & 0xff) * 0.5f), overlay.get(1, 1, 0));
    assertEquals(Math.round(100 * 0.5f + (cup & 0xff) * 0.5f), overlay.get(1, 1, 2));

    JsonNode legend = new ObjectMapper().readTree(tmp.resolve("classes.json").toFile());
    assertEquals(255, legend.get("unknown").asInt());
    assertEquals(8, legend.get("bit_depth").asInt());
    assertEquals("plate", legend.get("classes").get(2).get("name").asText());
    assertEquals(String.format("#%06x", Palette.colour(2)), legend.get("classes").get(2).get("colour").asText());
    try (Stream<Path> files = Files.walk(tmp)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().contains(".tmp")), "no temporary files left");
    }
  }

  @Test
  void cleanUpRemovesSpecksAndLowConfidenceBecomesUnknown() throws Exception {
    MaskExporter.Summary sum = MaskExporter.builder().optKeepComponents(1).optMinConfidence(0.5f).optOverlays(false).build()
        .export(ExportFixtures.constant(classes(), confidence()), scene(), 3, new int[] {0}, tmp);
    assertEquals(1, sum.pixelsCleaned());
    LabelImage m = MaskExporter.readMask(tmp.resolve("masks/00000.png"));
    assertEquals(1, m.get(1, 2), "the plate speck inside the cup became cup");
    assertEquals(LabelImage.UNLABELLED, m.get(W - 1, 0), "confidence 0.3 <= 0.5 is unknown");
    assertEquals(2, m.get(W - 2, 0));
    assertTrue(Files.notExists(tmp.resolve("overlays")));
  }

  @Test
  void sessionColoursAndNamesReachTheLegendAndOverlays() throws Exception {
    List<SemanticClass> mine = List.of(new SemanticClass(0, "floor", 0x000000), new SemanticClass(1, "mug", 0xFF0000),
        new SemanticClass(2, "dish", 0x00FF00));
    MaskExporter.builder().optClasses(mine).optOverlayOpacity(1f).build()
        .export(ExportFixtures.constant(classes(), confidence()), scene(), 3, new int[] {0}, tmp);
    RgbImage overlay = ImageFiles.readRgb(tmp.resolve("overlays/00000.png"));
    assertEquals(255, overlay.get(1, 1, 0));
    assertEquals(0, overlay.get(1, 1, 1));
    assertEquals(255, overlay.get(W - 2, 3, 1));
    JsonNode legend = new ObjectMapper().readTree(tmp.resolve("classes.json").toFile());
    assertEquals("mug", legend.get("classes").get(1).get("name").asText());
    assertEquals("#ff0000", legend.get("classes").get(1).get("colour").asText());
  }

  @Test
  void sceneFolderExportsTakeTheColoursChosenInItsLabelSession() throws Exception {
    java.nio.file.Path dir = tmp.resolve("scene");
    io.github.bakefeature.core.scene.SceneWriter.write(scene(), dir);
    java.nio.file.Files.createDirectories(dir.resolve("session"));
    // plate was recoloured in the app; cup's entry names another class (a stale file): palette colour.
    java.nio.file.Files.writeString(dir.resolve("session/session.json"), "{\"classes\": [{\"name\": \"background\","
        + " \"colour\": \"#101010\"}, {\"name\": \"mug\", \"colour\": \"#ff0000\"}, {\"name\": \"plate\","
        + " \"colour\": \"#00ff80\"}]}");
    java.nio.file.Path out = tmp.resolve("out");
    MaskExporter.builder().build().export(ExportFixtures.constant(classes(), confidence()),
        io.github.bakefeature.core.scene.SceneFolder.open(dir), 3, new int[] {0}, out);
    JsonNode legend = new ObjectMapper().readTree(out.resolve("classes.json").toFile()).get("classes");
    assertEquals("#101010", legend.get(0).get("colour").asText());
    assertEquals("cup", legend.get(1).get("name").asText());
    assertEquals(String.format("#%06x", io.github.bakefeature.core.viz.Palette.colour(1)), legend.get(1).get("colour").asText());
    assertEquals("#00ff80", legend.get(2).get("colour").asText());

    java.nio.file.Files.writeString(dir.resolve("session/session.json"), "{not json");
    MaskExporter.builder().build().export(ExportFixtures.constant(classes(), confidence()),
        io.github.bakefeature.core.scene.SceneFolder.open(dir), 3, new int[] {0}, out);
    legend = new ObjectMapper().readTree(out.resolve("classes.json").toFile()).get("classes");
    assertEquals(String.format("#%06x", io.github.bakefeature.core.viz.Palette.colour(2)), legend.get(2).get("colour").asText());
  }

  @Test
  void modelsWithMoreThan255ClassesGetSixteenBitMasks() throws Exception {
    short[] c = classes();
    c[5] = 300;
    MaskExporter.builder().optOverlays(false).build()
        .export(ExportFixtures.constant(c, confidence()), scene(), 301, new int[] {0}, tmp);
    Path mask = tmp.resolve("masks/00000.png");
    assertEquals(16, ImageFiles.readHeader(mask).bitsPerSample());
    int[] raw = ImageFiles.readChannel(mask, new int[2]);
    assertEquals(0xFFFF, raw[0]);
    assertEquals(300, raw[5]);
    LabelImage back = MaskExporter.readMask(mask);
    assertEquals(300, back.get(5, 0));
    assertEquals(LabelImage.UNLABELLED, back.get(0, 0));
    short[] expected = c.clone();
    expected[0] = LabelImage.UNLABELLED;
    assertArrayEquals(expected, back.labels());
  }

  @Test
  void renderScaleRendersSmallerAndWritesMasksAtTheFrameSize() throws Exception {
    InMemoryScene s = scene();
    List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    ViewSource half = (frame, camera, outputs) -> {
      asked.add(camera.width() + "x" + camera.height());
      short[] c = new short[camera.width() * camera.height()];
      java.util.Arrays.fill(c, (short) 2);
      float[] f = new float[c.length];
      java.util.Arrays.fill(f, 0.8f);
      return new io.github.bakefeature.api.field.RenderedView(camera.width(), camera.height(), null, null, null, 0, c, f, 0);
    };
    MaskExporter.builder().optRenderScale(0.5).build().export(half, s, 3, new int[] {0, 1}, tmp);
    assertEquals(List.of("4x3", "4x3"), asked);
    LabelImage mask = MaskExporter.readMask(tmp.resolve("masks/00000.png"));
    assertEquals(W, mask.width());
    assertEquals(H, mask.height());
    for (short l : mask.labels()) {
      assertEquals(2, l);
    }
    JsonNode legend = new ObjectMapper().readTree(tmp.resolve(MaskExporter.LEGEND).toFile());
    assertEquals(0.5, legend.get("render_scale").asDouble());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MaskExporter.builder().optRenderScale(1.5));
    assertTrue(e.getMessage().contains("(0, 1], found 1.5"), e.getMessage());
  }

  /**
   * A renderer as {@code FieldRenderer}: rays in the left half hit the background (class 0,
   * confidence 0.9), rays in the right half hit nothing (class 0 with confidence 0).
   */
  private static ViewSource leftHitRightEmpty() {
    return (frame, camera, outputs) -> {
      int w = camera.width();
      short[] c = new short[w * camera.height()];
      float[] f = new float[c.length];
      for (int p = 0; p < c.length; p++) {
        f[p] = p % w < w / 2 ? 0.9f : 0f;
      }
      return new io.github.bakefeature.api.field.RenderedView(w, camera.height(), null, null, null, 0, c, f, 0);
    };
  }

  @Test
  void renderScaleKeepsRaysThatHitNothingUnknownBesideClassZero() throws Exception {
    InMemoryScene s = scene();
    Path full = tmp.resolve("full");
    Path half = tmp.resolve("half");
    MaskExporter.builder().build().export(leftHitRightEmpty(), s, 3, new int[] {0}, full);
    MaskExporter.builder().optRenderScale(0.5).build().export(leftHitRightEmpty(), s, 3, new int[] {0}, half);
    LabelImage expected = MaskExporter.readMask(full.resolve("masks/00000.png"));
    LabelImage got = MaskExporter.readMask(half.resolve("masks/00000.png"));
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        assertEquals(x < W / 2 ? 0 : LabelImage.UNLABELLED, expected.labels()[y * W + x], "full render " + x + "," + y);
        // A no-hit ray renders as class 0: it must vote unknown, not for the background beside it.
        assertEquals(expected.labels()[y * W + x], got.labels()[y * W + x], "half-size render " + x + "," + y);
      }
    }
  }

  @Test
  void anExportStoppedHalfWayAlreadyHasItsLegend() throws Exception {
    // Before: classes.json was written last, so masks of an export stopped half-way (Ctrl-C, a
    // failed render) could not be read (which value is which class, which is unknown).
    ViewSource constant = ExportFixtures.constant(classes(), confidence());
    ViewSource failsOnFrame1 = (frame, camera, outputs) -> {
      if (frame == 1) {
        throw new IllegalStateException("render failed");
      }
      return constant.render(frame, camera, outputs);
    };
    assertThrows(IllegalStateException.class,
        () -> MaskExporter.builder().build().export(failsOnFrame1, scene(), 3, new int[] {0, 1}, tmp));
    assertTrue(Files.isRegularFile(tmp.resolve("masks/00000.png")));
    assertEquals(255, new ObjectMapper().readTree(tmp.resolve(MaskExporter.LEGEND).toFile()).get("unknown").asInt());
  }

  @Test
  void rejectsFramesOutsideTheScene() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MaskExporter.builder().build()
        .export(ExportFixtures.constant(classes(), confidence()), scene(), 3, new int[] {2}, tmp));
    assertEquals("frame must be in [0, 2), found 2", e.getMessage());
  }

  @Test
  void aBadFrameLaterInTheListWritesNothing() throws Exception {
    Path out = tmp.resolve("partial");
    assertThrows(IllegalArgumentException.class, () -> MaskExporter.builder().build()
        .export(ExportFixtures.constant(classes(), confidence()), scene(), 3, new int[] {0, 99}, out));
    assertFalse(java.nio.file.Files.exists(out), "validated before the first file");
    assertThrows(IllegalArgumentException.class, () -> MaskExporter.builder().build()
        .export(ExportFixtures.constant(classes(), confidence()), scene(), 0, new int[] {0}, out));
  }
}
