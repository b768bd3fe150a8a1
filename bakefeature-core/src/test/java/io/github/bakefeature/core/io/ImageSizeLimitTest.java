package io.github.bakefeature.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.InvalidSceneException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class ImageSizeLimitTest {
  @TempDir Path tmp;

  private static void assertTooLarge(Path file, Executable read) {
    InvalidSceneException e = assertThrows(InvalidSceneException.class, read);
    assertEquals(file, e.file(), e.getMessage());
    assertEquals("image too large: 20000x20000, at most " + ImageFiles.MAX_PIXELS + " pixels (8192x8192)",
        e.problem());
  }

  @Test
  void rgbPngWhoseHeaderClaimsGigapixelsIsRefusedBeforeAllocating() throws Exception {
    Path f = tmp.resolve("huge.png");
    Files.write(f, CraftedImages.pngClaiming(20000, 20000, 2, 8));
    assertTrue(Files.size(f) < 1000, "the file is tiny: " + Files.size(f));
    assertTooLarge(f, () -> ImageFiles.readRgb(f));
    assertTooLarge(f, () -> ImageFiles.readHeader(f));
  }

  @Test
  void jpegWhoseHeaderClaimsGigapixelsIsRefusedBeforeAllocating() throws Exception {
    Path f = tmp.resolve("huge.jpg");
    Files.write(f, CraftedImages.jpegClaiming(20000, 20000));
    assertTooLarge(f, () -> ImageFiles.readRgb(f));
    assertTooLarge(f, () -> ImageFiles.readHeader(f));
  }

  @Test
  void greyPngsHaveTheSameLimitOnTheFastPath() throws Exception {
    Path f = tmp.resolve("depth.png");
    Files.write(f, CraftedImages.pngClaiming(20000, 20000, 0, 16));
    assertTooLarge(f, () -> ImageFiles.readDepth(f, 0.001));
    assertTooLarge(f, () -> ImageFiles.readLabels(f, false, -1, 4));
  }

  @Test
  void imagesAtTheLimitAreOnlyTruncatedNotTooLarge() throws Exception {
    Path f = tmp.resolve("limit.png");
    Files.write(f, CraftedImages.pngClaiming(8192, 8192, 0, 8));
    InvalidSceneException e = assertThrows(InvalidSceneException.class, () -> ImageFiles.readLabels(f, false, -1, 4));
    assertTrue(e.problem().startsWith("corrupt or truncated image"), e.getMessage());
  }
}
