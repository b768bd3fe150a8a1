package io.github.bakefeature.core.scene;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.LabelImage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LabelSizesTest {

  @Test
  void acceptsThePaperToolsCanvasSizeForCommonImageSizes() {
    assertTrue(LabelSizes.fits(720, 540, 320, 240));
    assertTrue(LabelSizes.fits(720, 540, 640, 480));
    assertTrue(LabelSizes.fits(720, 405, 1920, 1080));
    // 720 * 968 / 1296 = 537.8, saved as 538.
    assertTrue(LabelSizes.fits(720, 538, 1296, 968));
    assertTrue(LabelSizes.fits(320, 240, 320, 240));
  }

  @Test
  void toleratesOneLabelPixelOfRoundingButNotAnotherAspectRatio() {
    assertTrue(LabelSizes.fits(720, 541, 640, 480), "|720*480 - 541*640| = 640 <= max(W, H)");
    assertFalse(LabelSizes.fits(720, 542, 640, 480), "two pixels off: another aspect ratio");
    assertFalse(LabelSizes.fits(720, 720, 320, 240));
    assertFalse(LabelSizes.fits(0, 0, 320, 240));
  }

  @Test
  void mismatchNamesTheFileAndTheExpectedAndFoundSizes() {
    InvalidSceneException e = assertThrows(InvalidSceneException.class,
        () -> LabelSizes.check(Path.of("semantic/00003.png"), 720, 720, 320, 240));
    assertEquals(Path.of("semantic/00003.png"), e.file());
    assertTrue(e.getMessage().contains("expected 320x240 like the colour images, or the same aspect ratio")
        && e.getMessage().contains("720x540 as the paper's tool saves them") && e.getMessage().endsWith("found 720x720"),
        e.getMessage());
  }

  @Test
  void resamplesNearestNeighbourAtPixelCentres() {
    // 2x2 up to 4x4: each label pixel covers a 2x2 block.
    LabelImage small = new LabelImage(2, 2, new short[] {0, 1, 2, -1});
    assertArrayEquals(new short[] {0, 0, 1, 1, 0, 0, 1, 1, 2, 2, -1, -1, 2, 2, -1, -1},
        LabelSizes.toFrameSize(small, 4, 4).labels());
    // 4x1 down to 2x1: the centres 0.5 and 1.5 of the frame fall on label pixels 1 and 3.
    LabelImage wide = new LabelImage(4, 1, new short[] {0, 1, 2, 3});
    assertArrayEquals(new short[] {1, 3}, LabelSizes.toFrameSize(wide, 2, 1).labels());
    // 9 to 4 (720 to 320): frame pixel x takes floor((x + 0.5) * 9 / 4) = 1, 3, 5, 7.
    LabelImage nine = new LabelImage(9, 1, new short[] {0, 1, 2, 3, 4, 5, 6, 7, 8});
    assertArrayEquals(new short[] {1, 3, 5, 7}, LabelSizes.toFrameSize(nine, 4, 1).labels());
    LabelImage same = LabelImage.unlabelled(4, 3);
    assertSame(same, LabelSizes.toFrameSize(same, 4, 3));
  }
}
