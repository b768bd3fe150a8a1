package io.github.bakefeature.core.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.bakefeature.api.feature.FeatureMap;
import io.github.bakefeature.api.scene.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchScriptFeatureExtractorTest {
  /** Python (torch 1.13, eager) vs Java (DJL, libtorch 2.7.1) on the same input: float32 rounding only. */
  static final double TOLERANCE = 1e-4;

  private static RgbImage fixtureInput(JsonNode meta) {
    return new RgbImage(meta.get("width").asInt(), meta.get("height").asInt(), Fixtures.bytes("tiny_vit8_input.rgb"));
  }

  @Test
  void tinyVitOutputEqualsWhatPythonComputed() throws IOException {
    JsonNode meta = Fixtures.json("tiny_vit8.json");
    RgbImage img = fixtureInput(meta);
    try (TorchScriptFeatureExtractor ex = TorchScriptFeatureExtractor.builder(Fixtures.path("tiny_vit8.pt"))
        .optShortSide(img.height()).optPatchSize(8).build()) {
      assertEquals(meta.get("dimension").asInt(), ex.dimension());
      FeatureMap m = ex.extract(img);
      int gw = meta.get("grid_width").asInt();
      int gh = meta.get("grid_height").asInt();
      assertEquals(gw, m.width());
      assertEquals(gh, m.height());
      JsonNode tokens = meta.get("tokens");
      assertEquals(gw * gh, tokens.size());
      double worst = maxDifference(m, tokens);
      System.out.println("tiny ViT fixture: max |java - python| = " + worst);
      assertTrue(worst < TOLERANCE, "max |java - python| = " + worst + ", expected < " + TOLERANCE);
      // Same input again: identical output.
      assertArrayEquals(m.data(), ex.extract(img).data());
    }
    // The comparison is sensitive: a slightly different normalisation is far outside the tolerance.
    try (TorchScriptFeatureExtractor ex = TorchScriptFeatureExtractor.builder(Fixtures.path("tiny_vit8.pt"))
        .optShortSide(img.height()).optNormalisation(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f})
        .build()) {
      assertTrue(maxDifference(ex.extract(img), meta.get("tokens")) > 100 * TOLERANCE);
    }
  }

  private static double maxDifference(FeatureMap m, JsonNode tokens) {
    double worst = 0;
    for (int i = 0; i < m.width() * m.height(); i++) {
      for (int c = 0; c < m.dimension(); c++) {
        double expected = tokens.get(i).get(c).asDouble();
        double got = m.get(i % m.width(), i / m.width(), c);
        worst = Math.max(worst, Math.abs(expected - got));
      }
    }
    return worst;
  }

  @Test
  void resizesPadsAndCropsTheGridToTheImage() throws IOException {
    JsonNode meta = Fixtures.json("tiny_vit8.json");
    try (TorchScriptFeatureExtractor ex = TorchScriptFeatureExtractor.builder(Fixtures.path("tiny_vit8.pt"))
        .optShortSide(20).build()) {
      // 60x45 -> 27x20 resized -> padded 32x24 -> 4x3 tokens, all overlapping the image.
      FeatureMap m = ex.extract(TestImages.structured(60, 45, 4));
      assertEquals(4, m.width());
      assertEquals(3, m.height());
      assertEquals(meta.get("dimension").asInt(), m.dimension());
      // 70x45 -> 31x20 -> padded 32x24: still 4x3.
      assertEquals(new ImagePreprocessing.Sizes(31, 20, 32, 24), ex.sizes(70, 45));
    }
    try (TorchScriptFeatureExtractor ex = TorchScriptFeatureExtractor.builder(Fixtures.path("tiny_vit8.pt"))
        .optShortSide(0).build()) {
      // 17x9 kept -> padded 24x16 -> 3x2 tokens; ceil(3 * 17 / 24) = 3 and ceil(2 * 9 / 16) = 2 cover the image.
      FeatureMap m = ex.extract(TestImages.structured(17, 9, 4));
      assertEquals(3, m.width());
      assertEquals(2, m.height());
    }
  }

  /**
   * The cell a pixel of a {@code size}-pixel axis resized to {@code resized} falls in, in exact
   * integer arithmetic: resized coordinate (x + 0.5) resized / size, cell floor(that / patch), i.e.
   * floor((2x + 1) resized / (2 size patch)), clamped to the last cell.
   */
  private static int expectedCell(int x, int size, int resized, int patch, int cells) {
    return (int) Math.min(cells - 1, (2L * x + 1) * resized / (2L * size * patch));
  }

  @Test
  void lookupPlacesPatchesByTheResizeFactorWhenTheResizedSideIsNotAMultipleOfThePatch() throws IOException {
    // A 1296x968 frame at short side 240: 321x240 resized, padded to 328x240, 41x30 tokens whose last
    // column covers 1 resized pixel of image and 7 of padding.
    int w = 1296;
    int h = 968;
    ImagePreprocessing.Sizes s = ImagePreprocessing.sizes(w, h, 240, 8);
    assertEquals(new ImagePreprocessing.Sizes(321, 240, 328, 240), s);
    int gw = 41;
    int gh = 30;
    float[] tokens = new float[gw * gh]; // M = 1: each token holds its own index
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = i;
    }
    FeatureMap m = TorchScriptFeatureExtractor.toFeatureMap(tokens, new long[] {1, gw * gh, 1}, s, w, h, 8,
        Path.of("model.pt"));
    assertEquals(gw, m.width());
    assertEquals(gh, m.height());
    assertEquals(8.0 * 1296 / 321, m.cellWidth(), 1e-9);
    assertEquals(8.0 * 968 / 240, m.cellHeight(), 1e-9);
    float[] v = new float[1];
    int worstStretchDrift = 0;
    for (int y = 0; y < h; y += 1) {
      int cy = expectedCell(y, h, 240, 8, gh);
      for (int x = 0; x < w; x += (y % 97 == 0 ? 1 : 53)) {
        int cx = expectedCell(x, w, 321, 8, gw);
        m.lookup(x, y, w, h, v, 0);
        assertEquals(cy * gw + cx, (int) v[0], "pixel (" + x + ", " + y + ")");
      }
    }
    for (int x = 0; x < w; x++) {
      assertEquals(expectedCell(x, w, 321, 8, gw), m.cellX(x, w), "column " + x);
      int stretched = Math.min(gw - 1, (int) ((x + 0.5) * gw / w));
      worstStretchDrift = Math.max(worstStretchDrift, Math.abs(stretched - m.cellX(x, w)));
    }
    // Token 40 holds resized column 320 only (the rest is padding): image columns 1292..1295.
    assertEquals(40, m.cellX(1292, w));
    assertEquals(39, m.cellX(1291, w));
    assertEquals(1, worstStretchDrift, "spreading 41 cells over the image would misplace pixels by a cell");
  }

  @Test
  void extractedGridCarriesItsCellSizeInImagePixels() throws IOException {
    try (TorchScriptFeatureExtractor ex = TorchScriptFeatureExtractor.builder(Fixtures.path("tiny_vit8.pt"))
        .optShortSide(20).build()) {
      // 61x45 -> 27x20 resized (factor 27/61 across, 20/45 down) -> padded 32x24 -> 4x3 tokens.
      FeatureMap m = ex.extract(TestImages.structured(61, 45, 4));
      assertEquals(4, m.width());
      assertEquals(3, m.height());
      assertEquals(8.0 * 61 / 27, m.cellWidth(), 1e-9);
      assertEquals(8.0 * 45 / 20, m.cellHeight(), 1e-9);
      for (int x = 0; x < 61; x++) {
        assertEquals(expectedCell(x, 61, 27, 8, 4), m.cellX(x, 61), "column " + x);
      }
      for (int y = 0; y < 45; y++) {
        assertEquals(expectedCell(y, 45, 20, 8, 3), m.cellY(y, 45), "row " + y);
      }
    }
  }

  @Test
  void idHashesTheModelFileAndParameters(@TempDir Path dir) throws IOException {
    Path copy = dir.resolve("copy.pt");
    Files.copy(Fixtures.path("tiny_vit8.pt"), copy);
    try (TorchScriptFeatureExtractor a = TorchScriptFeatureExtractor.builder(Fixtures.path("tiny_vit8.pt")).build();
         TorchScriptFeatureExtractor b = TorchScriptFeatureExtractor.builder(copy).build();
         TorchScriptFeatureExtractor c = TorchScriptFeatureExtractor.builder(copy).optShortSide(320).build()) {
      assertEquals(a.id(), b.id(), "same bytes, same id wherever the file is");
      assertNotEquals(a.id(), c.id());
      assertTrue(a.id().startsWith("torchscript-") && a.id().contains("short240") && a.id().contains("patch8"), a.id());
    }
  }

  @Test
  void acceptsTokensWithClsAndChannelFirstMaps() throws IOException {
    ImagePreprocessing.Sizes s = new ImagePreprocessing.Sizes(12, 8, 16, 8); // 2x1 patches of 8, 12 px valid
    Path f = Path.of("model.pt");
    // [1, 1 + 2, 2] with CLS first
    FeatureMap withCls = TorchScriptFeatureExtractor.toFeatureMap(new float[] {9, 9, 1, 2, 3, 4}, new long[] {1, 3, 2}, s, 12, 8, 8, f);
    assertArrayEquals(new float[] {1, 2, 3, 4}, withCls.data());
    // [1, M=2, H=1, W=2] channel-first -> interleaved
    FeatureMap nchw = TorchScriptFeatureExtractor.toFeatureMap(new float[] {1, 3, 2, 4}, new long[] {1, 2, 1, 2}, s, 12, 8, 8, f);
    assertArrayEquals(new float[] {1, 2, 3, 4}, nchw.data());
    // Cropping: 4 columns over 32 padded px with 12 valid -> ceil(1.5) = 2 columns kept.
    ImagePreprocessing.Sizes wide = new ImagePreprocessing.Sizes(12, 8, 32, 8);
    FeatureMap cropped = TorchScriptFeatureExtractor.toFeatureMap(new float[] {1, 2, 3, 4}, new long[] {1, 1, 1, 4}, wide, 12, 8, 8, f);
    assertEquals(2, cropped.width());
    assertArrayEquals(new float[] {1, 2}, cropped.data());
    IOException e = assertThrows(IOException.class,
        () -> TorchScriptFeatureExtractor.toFeatureMap(new float[10], new long[] {1, 5, 2}, s, 12, 8, 8, f));
    assertTrue(e.getMessage().contains("expected 2x1 = 2 patch tokens"), e.getMessage());
    assertThrows(IOException.class, () -> TorchScriptFeatureExtractor.toFeatureMap(new float[4], new long[] {4}, s, 12, 8, 8, f));
  }

  @Test
  void rejectsMissingAndNonTorchScriptFiles(@TempDir Path dir) throws IOException {
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> TorchScriptFeatureExtractor.builder(dir.resolve("nope.pt")).build());
    assertTrue(missing.getMessage().contains("nope.pt"));
    Path junk = dir.resolve("junk.pt");
    Files.writeString(junk, "not a model");
    IOException bad = assertThrows(IOException.class, () -> TorchScriptFeatureExtractor.builder(junk).build());
    assertTrue(bad.getMessage().contains("junk.pt"), bad.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TorchScriptFeatureExtractor.builder(junk).optPatchSize(0));
    assertThrows(IllegalArgumentException.class, () -> TorchScriptFeatureExtractor.builder(junk).optShortSide(-1));
  }
}
