package io.github.bakefeature.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.LabelImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelmeMasksTest {
  private static final List<String> CLASSES = List.of("table", "mug", "bowl");

  @TempDir
  Path tmp;

  private Path json(String name, String shapes, int w, int h) throws Exception {
    Path p = tmp.resolve(name);
    Files.writeString(p, "{\"version\": \"5.2.1\", \"flags\": {}, \"shapes\": [" + shapes + "], \"imagePath\": \"../rgb/"
        + name.replace(".json", ".jpg") + "\", \"imageData\": null, \"imageHeight\": " + h + ", \"imageWidth\": " + w + "}");
    return p;
  }

  private static String shape(String label, String type, String points) {
    return "{\"label\": \"" + label + "\", \"points\": " + points + ", \"group_id\": null, \"shape_type\": \"" + type
        + "\", \"flags\": {}}";
  }

  /** Rows of the label image as digits, '.' for ignored. */
  private static String render(LabelImage l) {
    StringBuilder sb = new StringBuilder();
    for (int y = 0; y < l.height(); y++) {
      for (int x = 0; x < l.width(); x++) {
        int v = l.get(x, y);
        sb.append(v < 0 ? '.' : (char) ('0' + v));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  @Test
  void polygonCoversExactlyThePixelCentresInsideWithHalfOpenEdges() throws Exception {
    // Square with corners on pixel centres (1,1)-(4,3): centres with 1 <= x < 4 and 1 <= y < 3.
    Path f = json("00000.json", shape("mug", "polygon", "[[1,1],[4,1],[4,3],[1,3]]"), 6, 5);
    LabelImage l = LabelmeMasks.read(f, CLASSES, 6, 5);
    assertEquals(""
        + "......\n"
        + ".111..\n"
        + ".111..\n"
        + "......\n"
        + "......\n", render(l));
  }

  @Test
  void triangleMatchesAnEvenOddPointInPolygonReference() throws Exception {
    Random r = new Random(3);
    for (int trial = 0; trial < 50; trial++) {
      int n = 3 + r.nextInt(6);
      double[] xy = new double[2 * n];
      for (int i = 0; i < 2 * n; i++) {
        xy[i] = -2 + r.nextDouble() * 16; // may leave the 12x10 image and self-intersect
      }
      short[] got = new short[12 * 10];
      java.util.Arrays.fill(got, (short) -1);
      LabelmeMasks.fillPolygon(xy, n, 12, 10, got, (short) 1);
      for (int v = 0; v < 10; v++) {
        for (int u = 0; u < 12; u++) {
          assertEquals(evenOdd(xy, n, u, v) ? 1 : -1, got[v * 12 + u], "trial " + trial + " pixel " + u + "," + v);
        }
      }
    }
  }

  /** Crossing test with a ray towards +x and edges half-open in y. */
  private static boolean evenOdd(double[] xy, int n, double px, double py) {
    boolean inside = false;
    for (int i = 0, j = n - 1; i < n; j = i++) {
      double xi = xy[2 * i];
      double yi = xy[2 * i + 1];
      double xj = xy[2 * j];
      double yj = xy[2 * j + 1];
      if ((yi <= py) != (yj <= py)) {
        double x = xi + (py - yi) * (xj - xi) / (yj - yi);
        if (px < x) {
          inside = !inside;
        }
      }
    }
    return inside;
  }

  @Test
  void selfIntersectingStarHasAHoleByTheEvenOddRule() throws Exception {
    // A pentagram centred on pixel (10, 10): its inner pentagon is covered twice, so it is outside.
    StringBuilder pts = new StringBuilder("[");
    for (int k = 0; k < 5; k++) {
      double a = Math.toRadians(-90 + k * 144);
      pts.append(k == 0 ? "" : ",").append("[").append(10 + 9 * Math.cos(a)).append(",").append(10 + 9 * Math.sin(a)).append("]");
    }
    pts.append("]");
    LabelImage l = LabelmeMasks.read(json("00001.json", shape("bowl", "polygon", pts.toString()), 21, 21), CLASSES, 21, 21);
    assertEquals(LabelImage.UNLABELLED, l.get(10, 10), "centre of a pentagram is outside (even-odd)");
    assertEquals(2, l.get(10, 3), "the top spike is inside");
  }

  @Test
  void laterShapesPaintOverEarlierOnesAndRectanglesAndCirclesWork() throws Exception {
    String shapes = shape("table", "rectangle", "[[0,0],[6,4]]") + ","
        + shape("mug", "circle", "[[3,2],[4,2]]");
    LabelImage l = LabelmeMasks.read(json("00002.json", shapes, 8, 5), CLASSES, 8, 5);
    assertEquals(""
        + "000000..\n"
        + "000100..\n"
        + "001110..\n"
        + "000100..\n"
        + "........\n", render(l));
  }

  @Test
  void linesAndPointsArePaintedAsLabelmesOwnConversionPaintsThem() throws Exception {
    // A horizontal line on row 10 from x 3 to 20: rows 5..14 (a band 10 px wide, half-open edges),
    // columns 3..19 (square ends). A linestrip with a corner; a point: a disc of radius 5.
    String shapes = shape("table", "line", "[[3,10],[20,10]]") + ","
        + shape("mug", "linestrip", "[[30,2],[30,20],[38,20]]") + ","
        + shape("bowl", "point", "[[12,30]]");
    LabelImage l = LabelmeMasks.read(json("00004.json", shapes, 44, 40), CLASSES, 44, 40);
    for (int y = 0; y < 40; y++) {
      for (int x = 0; x < 25; x++) {
        boolean band = x >= 3 && x < 20 && y >= 5 && y < 15;
        boolean disc = (x - 12) * (x - 12) + (y - 30) * (y - 30) <= 25;
        assertEquals(band ? 0 : disc ? 2 : LabelImage.UNLABELLED, l.get(x, y), "pixel " + x + "," + y);
      }
    }
    assertEquals(1, l.get(30, 2), "the strip's first point");
    assertEquals(1, l.get(26, 12), "4 px left of its vertical segment");
    assertEquals(LabelImage.UNLABELLED, l.get(24, 12), "6 px left of it");
    assertEquals(1, l.get(37, 24), "4 px below its horizontal segment");
    assertEquals(LabelImage.UNLABELLED, l.get(36, 10), "away from both segments");
    int[] counts = new int[3];
    for (int y = 0; y < 40; y++) {
      for (int x = 0; x < 44; x++) {
        if (l.get(x, y) >= 0) {
          counts[l.get(x, y)]++;
        }
      }
    }
    assertEquals(17 * 10, counts[0]);
    assertEquals(81, counts[2], "lattice points within radius 5");
    assertThrows(InvalidSceneException.class,
        () -> LabelmeMasks.read(json("00005.json", shape("mug", "line", "[[3,10]]"), 44, 40), CLASSES, 44, 40));
    assertThrows(InvalidSceneException.class,
        () -> LabelmeMasks.read(json("00006.json", shape("mug", "point", "[[3,10],[4,4]]"), 44, 40), CLASSES, 44, 40));
  }

  @Test
  void pixelsOutsideEveryShapeAreBackgroundWhenTheSceneHasThatClass() throws Exception {
    Path f = json("00003.json", shape("Mug ", "polygon", "[[1,1],[3,1],[3,3],[1,3]]") + ","
        + shape("_background_", "polygon", "[[0,0],[1,0],[1,1]]"), 4, 4);
    LabelImage l = LabelmeMasks.read(f, List.of("background", "mug"), 4, 4);
    assertEquals(""
        + "0000\n"
        + "0110\n"
        + "0110\n"
        + "0000\n", render(l));
  }

  @Test
  void unknownLabelsNameTheFileAndTheLabel() throws Exception {
    Path f = json("00004.json", shape("mug", "polygon", "[[0,0],[2,0],[2,2]]") + ","
        + shape("teapot", "polygon", "[[0,0],[2,0],[2,2]]"), 4, 4);
    InvalidSceneException e = assertThrows(InvalidSceneException.class, () -> LabelmeMasks.read(f, CLASSES, 4, 4));
    assertEquals(f, e.file());
    assertTrue(e.getMessage().contains("00004.json") && e.getMessage().contains("\"teapot\"")
        && e.getMessage().contains("shape 1") && e.getMessage().contains("[table, mug, bowl]"), e.getMessage());
  }

  @Test
  void malformedFilesAreRejectedWithWhatWasExpected() throws Exception {
    Path size = json("00005.json", shape("mug", "polygon", "[[0,0],[2,0],[2,2]]"), 5, 4);
    InvalidSceneException e = assertThrows(InvalidSceneException.class, () -> LabelmeMasks.read(size, CLASSES, 4, 4));
    assertTrue(e.getMessage().contains("expected an annotation of a 4x4 image") && e.getMessage().contains("imageWidth 5"),
        e.getMessage());
    Path line = json("00006.json", shape("mug", "polygon", "[[0,0],[2,0]]"), 4, 4);
    e = assertThrows(InvalidSceneException.class, () -> LabelmeMasks.read(line, CLASSES, 4, 4));
    assertTrue(e.getMessage().contains("at least 3 points, found 2"), e.getMessage());
    Path mask = json("00007.json", shape("mug", "mask", "[[0,0],[2,0]]"), 4, 4);
    e = assertThrows(InvalidSceneException.class, () -> LabelmeMasks.read(mask, CLASSES, 4, 4));
    assertTrue(e.getMessage().contains("found \"mask\""), e.getMessage());
    Path bad = json("00008.json", shape("mug", "polygon", "[[0,0],[2,\"x\"],[2,2]]"), 4, 4);
    e = assertThrows(InvalidSceneException.class, () -> LabelmeMasks.read(bad, CLASSES, 4, 4));
    assertTrue(e.getMessage().contains("[x, y] numbers"), e.getMessage());
    Path notJson = tmp.resolve("00009.json");
    Files.writeString(notJson, "{\"shapes\": [");
    e = assertThrows(InvalidSceneException.class, () -> LabelmeMasks.read(notJson, CLASSES, 4, 4));
    assertEquals(notJson, e.file());
    Path noShapes = tmp.resolve("00010.json");
    Files.writeString(noShapes, "{\"imageWidth\": 4, \"imageHeight\": 4}");
    e = assertThrows(InvalidSceneException.class, () -> LabelmeMasks.read(noShapes, CLASSES, 4, 4));
    assertTrue(e.getMessage().contains("\"shapes\" to be an array, found none"), e.getMessage());
  }

  @Test
  void emptyShapeListIgnoresEveryPixelWithoutBackgroundClass() throws Exception {
    LabelImage l = LabelmeMasks.read(json("00011.json", "", 3, 2), CLASSES, 3, 2);
    assertArrayEquals(new short[] {-1, -1, -1, -1, -1, -1}, l.labels());
  }
}
