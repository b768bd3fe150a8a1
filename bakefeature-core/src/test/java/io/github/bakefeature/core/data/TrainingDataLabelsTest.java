package io.github.bakefeature.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TrainingDataLabelsTest {
  // 66 x 50 at scale 4: 16 x 12 training pixels; the last block column and row also take the
  // scene's remainder (2 columns, 2 rows).
  private static final Scene SCENE = SyntheticScenes.tabletop(2, 66, 50, 3);

  private static TrainingData data() throws Exception {
    TrainingData d = TrainingData.load(SCENE, new int[] {0, 1}, 4, null);
    assertEquals(16, d.width());
    assertEquals(12, d.height());
    return d;
  }

  private static LabelImage blank() {
    return LabelImage.unlabelled(66, 50);
  }

  private static int label(TrainingData d, int frame, int x, int y) {
    return d.labelIndex().get(frame, y * d.width() + x);
  }

  @Test
  void aSinglePixelDotOffTheBlockCentreReachesTheTrainerAtScale4() throws Exception {
    TrainingData d = data();
    LabelImage img = blank();
    img.labels()[6 * 66 + 5] = 2; // block (1, 1) samples its centre at (6, 6); the dot is beside it
    d.setLabels(1, img);
    assertEquals(1, d.labelledPixels());
    assertEquals(2, label(d, 1, 1, 1));
    assertEquals(1, d.labelIndex().count(2));
  }

  @Test
  void aOnePixelLineBetweenBlockCentresLabelsEveryBlockItCrosses() throws Exception {
    TrainingData d = data();
    LabelImage img = blank();
    for (int x = 0; x < 60; x++) {
      img.labels()[9 * 66 + x] = 1; // row 9 of blocks 0..14: block row 2, whose centre row is 10
    }
    for (int y = 0; y < 50; y++) {
      img.labels()[y * 66 + 65] = 3; // the last scene column: the remainder of block column 15
    }
    d.setLabels(0, img);
    for (int x = 0; x < 15; x++) {
      assertEquals(1, label(d, 0, x, 2), "block (" + x + ", 2)");
    }
    for (int y = 0; y < 12; y++) {
      assertEquals(3, label(d, 0, 15, y), "block (15, " + y + ") holds the remainder column");
    }
    assertEquals(15 + 12, d.labelledPixels());
    assertEquals(15, d.labelIndex().count(1));
    assertEquals(12, d.labelIndex().count(3));
  }

  @Test
  void aBlockTakesItsMajorityLabelAndATieGoesToTheClassNearestItsCentre() throws Exception {
    TrainingData d = data();
    LabelImage img = blank();
    short[] l = img.labels();
    // Block (0, 0) covers x, y in [0, 4); its centre pixel is (2, 2).
    l[0] = 1;
    l[1] = 1;
    l[2] = 1;
    l[66 + 3] = 2;
    l[2 * 66 + 2] = 2; // the centre pixel, outvoted 3 to 2
    // Block (1, 0) covers x in [4, 8): two votes each; class 4 lies nearer the centre (6, 2).
    l[4] = 5;
    l[3 * 66 + 4] = 5;
    l[66 + 6] = 4;
    l[3 * 66 + 7] = 4;
    // Block (2, 0) covers x in [8, 12): a tie at equal distances goes to the lower class id.
    l[2 * 66 + 9] = 7;
    l[2 * 66 + 11] = 6;
    d.setLabels(0, img);
    assertEquals(1, label(d, 0, 0, 0));
    assertEquals(4, label(d, 0, 1, 0));
    assertEquals(6, label(d, 0, 2, 0));
    assertEquals(3, d.labelledPixels());

    // Erasing the majority hands the block to the rest; erasing everything unlabels it.
    l[0] = -1;
    l[1] = -1;
    d.updateLabels(0, img, new int[] {0, 1});
    assertEquals(2, label(d, 0, 0, 0));
    l[66 + 3] = -1;
    l[2 * 66 + 2] = -1;
    l[2] = -1;
    d.updateLabels(0, img, new int[] {2, 66 + 3, 2 * 66 + 2});
    assertEquals(-1, label(d, 0, 0, 0));
    assertEquals(2, d.labelledPixels());
    assertEquals(0, d.labelIndex().count(1));
    assertEquals(0, d.labelIndex().count(2));
  }

  @Test
  void incrementalUpdatesLeaveTheSameLabelsAndClassCountsAsAFullUpdate() throws Exception {
    TrainingData incremental = data();
    SplittableRandom r = new SplittableRandom(11);
    LabelImage[] img = {blank(), blank()};
    for (int edit = 0; edit < 300; edit++) {
      int n = 1 + r.nextInt(40);
      int[] changed = new int[n];
      int x = r.nextInt(66);
      int y = r.nextInt(50);
      int c = r.nextInt(5) - 1;
      for (int k = 0; k < n; k++) {
        // A short random walk: thin strokes, revisited pixels, some repeated in one edit.
        x = Math.max(0, Math.min(65, x + r.nextInt(3) - 1));
        y = Math.max(0, Math.min(49, y + r.nextInt(3) - 1));
        changed[k] = y * 66 + x;
        img[edit % 2].labels()[changed[k]] = (short) c;
      }
      incremental.updateLabels(edit % 2, img[edit % 2], changed);
    }
    TrainingData full = data();
    full.setLabels(0, img[0]);
    full.setLabels(1, img[1]);
    assertEquals(full.labelledPixels(), incremental.labelledPixels());
    for (int c = 0; c < 4; c++) {
      assertEquals(full.labelIndex().count(c), incremental.labelIndex().count(c), "class " + c);
    }
    for (int f = 0; f < 2; f++) {
      int[] a = new int[16 * 12];
      int[] b = new int[16 * 12];
      for (int p = 0; p < a.length; p++) {
        a[p] = full.labelIndex().get(f, p);
        b[p] = incremental.labelIndex().get(f, p);
      }
      assertEquals(Arrays.toString(a), Arrays.toString(b), "frame " + f);
    }
  }

  @Test
  void labelsOfAnotherSizeAreRefusedWithBothSizes() throws Exception {
    TrainingData d = data();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> d.setLabels(0, LabelImage.unlabelled(64, 48)));
    assertEquals("labels must be 66x50 (the scene's resolution), found 64x48", e.getMessage());
  }
}
