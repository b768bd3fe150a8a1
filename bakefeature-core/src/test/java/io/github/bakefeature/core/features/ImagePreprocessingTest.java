package io.github.bakefeature.core.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.bakefeature.api.scene.RgbImage;
import org.junit.jupiter.api.Test;

class ImagePreprocessingTest {

  @Test
  void scalesShortSideKeepsAspectAndPadsToPatch() {
    assertEquals(new ImagePreprocessing.Sizes(640, 480, 640, 480), ImagePreprocessing.sizes(640, 480, 480, 8));
    assertEquals(new ImagePreprocessing.Sizes(360, 240, 360, 240), ImagePreprocessing.sizes(500, 333, 240, 8));
    assertEquals(new ImagePreprocessing.Sizes(240, 427, 240, 432), ImagePreprocessing.sizes(480, 854, 240, 8));
    assertEquals(new ImagePreprocessing.Sizes(13, 9, 16, 16), ImagePreprocessing.sizes(13, 9, 0, 8));
    assertEquals(new ImagePreprocessing.Sizes(13, 9, 13, 9), ImagePreprocessing.sizes(13, 9, 0, 1));
  }

  @Test
  void equalSizeResizeReturnsTheImage() {
    RgbImage img = TestImages.structured(11, 7, 2);
    float[] out = ImagePreprocessing.resize(img, 11, 7);
    for (int i = 0; i < out.length; i++) {
      assertEquals(img.pixels()[i] & 0xff, out[i], 0f);
    }
  }

  @Test
  void resizeMatchesPilBilinearWithAntialiasing() {
    JsonNode ref = Fixtures.json("resize_reference.json");
    int w = ref.get("width").asInt();
    int h = ref.get("height").asInt();
    byte[] px = new byte[w * h * 3];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) ref.get("rgb").get(i).asInt();
    }
    RgbImage img = new RgbImage(w, h, px);
    for (JsonNode c : ref.get("cases")) {
      int ow = c.get("width").asInt();
      int oh = c.get("height").asInt();
      float[] out = ImagePreprocessing.resize(img, ow, oh);
      assertEquals(ow * oh * 3, out.length);
      for (int i = 0; i < out.length; i++) {
        assertEquals(c.get("rgb").get(i).floatValue(), out[i], 1e-3, "resize to " + ow + "x" + oh + ", value " + i);
      }
    }
  }

  @Test
  void shrinkingByTwoAveragesPixelPairs() {
    byte[] px = new byte[4 * 2 * 3];
    int[] grey = {0, 100, 200, 50, 10, 30, 250, 250};
    for (int i = 0; i < 8; i++) {
      px[3 * i] = px[3 * i + 1] = px[3 * i + 2] = (byte) grey[i];
    }
    float[] out = ImagePreprocessing.resize(new RgbImage(4, 2, px), 2, 1);
    // Triangle of half-width 2 centred between each pixel pair: weights 1/8, 3/8, 3/8, 1/8 (cut at the border).
    assertEquals((3 * 0 + 3 * 100 + 1 * 200 + 3 * 10 + 3 * 30 + 1 * 250) / 14.0, out[0], 1e-3);
  }

  @Test
  void normalisesPerChannelAndPadsWithZeros() {
    float[] rgb = {255, 0, 127.5f, 0, 255, 127.5f};
    float[] mean = {0.5f, 0.25f, 0.5f};
    float[] std = {0.5f, 0.25f, 1f};
    float[] chw = ImagePreprocessing.normaliseAndPad(rgb, 2, 1, 3, 2, mean, std);
    assertEquals(3 * 3 * 2, chw.length);
    // channel R: pixels (0,0)=1, (1,0)=-1; the rest padding
    assertArrayEquals(new float[] {1, -1, 0, 0, 0, 0}, java.util.Arrays.copyOfRange(chw, 0, 6), 1e-6f);
    assertArrayEquals(new float[] {-1, 3, 0, 0, 0, 0}, java.util.Arrays.copyOfRange(chw, 6, 12), 1e-6f);
    assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0}, java.util.Arrays.copyOfRange(chw, 12, 18), 1e-6f);
    assertThrows(IllegalArgumentException.class, () -> ImagePreprocessing.normaliseAndPad(rgb, 2, 1, 1, 1, mean, std));
  }
}
