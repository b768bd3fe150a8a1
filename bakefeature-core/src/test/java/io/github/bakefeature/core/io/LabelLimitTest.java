package io.github.bakefeature.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.LabelImage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Label ids are stored as short: 32768 classes (PNG values up to 32768) and no more. */
class LabelLimitTest {
  @TempDir Path tmp;

  private Path png16(String name, int... values) throws IOException {
    BufferedImage b = new BufferedImage(values.length, 1, BufferedImage.TYPE_USHORT_GRAY);
    b.getRaster().setSamples(0, 0, values.length, 1, 0, values);
    Path f = tmp.resolve(name);
    ImageFiles.writePng(b, f);
    return f;
  }

  @Test
  void largestRepresentableClassReadsBack() throws IOException {
    Path f = png16("max.png", 0, 1, LabelImage.MAX_CLASSES);
    LabelImage l = ImageFiles.readLabels(f, false, -1, LabelImage.MAX_CLASSES);
    assertEquals(LabelImage.UNLABELLED, l.get(0, 0));
    assertEquals(0, l.get(1, 0));
    assertEquals(Short.MAX_VALUE, l.get(2, 0));
    assertEquals(2, l.labelledCount());
  }

  @Test
  void valueBeyondWhatLabelsHoldNamesTheLimitNotTheClaimedClassCount() throws IOException {
    Path f = png16("over.png", 1, 40000);
    InvalidSceneException e = assertThrows(InvalidSceneException.class,
        () -> ImageFiles.readLabels(f, false, -1, 50000));
    assertEquals("label value 40000 is out of range: labels hold at most 32768 classes, so values must be"
        + " at most 32768 (0 = unlabelled, k+1 = class k)", e.problem());
    Path g = png16("just-over.png", 1, LabelImage.MAX_CLASSES + 1);
    InvalidSceneException e0 = assertThrows(InvalidSceneException.class, () -> ImageFiles.readLabels(g, false, -1, 0));
    assertEquals("label value 32769 is out of range: labels hold at most 32768 classes, so values must be"
        + " at most 32768 (0 = unlabelled, k+1 = class k)", e0.problem());
  }

  @Test
  void zeroBasedLabelsStopAtTheLargestId() throws IOException {
    Path f = png16("zero.png", 0, 32767, 65535);
    LabelImage l = ImageFiles.readLabels(f, true, 65535, 0);
    assertEquals(32767, l.get(1, 0));
    assertEquals(LabelImage.UNLABELLED, l.get(2, 0));
    Path g = png16("zero-over.png", 32768);
    InvalidSceneException e = assertThrows(InvalidSceneException.class, () -> ImageFiles.readLabels(g, true, 65535, 0));
    assertEquals("label value 32768 is out of range: labels hold at most 32768 classes, so values must be at most 32767",
        e.problem());
  }
}
