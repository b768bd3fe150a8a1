package io.github.bakefeature.core.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.core.export.ConnectedComponents.Connectivity;
import java.util.ArrayDeque;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConnectedComponentsTest {

  /** Parses rows of digits; '.' is unknown. */
  static LabelImage image(String... rows) {
    int h = rows.length;
    int w = rows[0].length();
    short[] l = new short[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        char c = rows[y].charAt(x);
        l[y * w + x] = c == '.' ? LabelImage.UNLABELLED : (short) (c - '0');
      }
    }
    return new LabelImage(w, h, l);
  }

  @Test
  void diagonalNeighboursJoinOnlyWithEightConnectivity() {
    LabelImage img = image(
        "100",
        "010",
        "001");
    ConnectedComponents four = new ConnectedComponents(Connectivity.FOUR);
    ConnectedComponents eight = new ConnectedComponents(Connectivity.EIGHT);
    // Four: three 1-pixels apart, and the 0s split into two triangles.
    assertEquals(5, four.label(img.labels(), 3, 3));
    // Eight: one diagonal of 1s; the 0s touch across the diagonal too.
    assertEquals(2, eight.label(img.labels(), 3, 3));
    assertEquals(3, eight.size(eight.componentOf(0)));
    assertEquals(1, eight.classOf(eight.componentOf(0)));
  }

  @Test
  void regionIdsFollowRasterOrderAndUnknownPixelsHaveNone() {
    LabelImage img = image(
        "2.1",
        "221");
    ConnectedComponents cc = new ConnectedComponents(Connectivity.FOUR);
    assertEquals(2, cc.label(img.labels(), 3, 2));
    assertEquals(0, cc.componentOf(0));
    assertEquals(-1, cc.componentOf(1));
    assertEquals(1, cc.componentOf(2));
    assertEquals(3, cc.size(0));
    assertEquals(2, cc.size(1));
  }

  @Test
  void matchesBreadthFirstLabellingOnRandomImages() {
    Random r = new Random(7);
    for (int trial = 0; trial < 200; trial++) {
      int w = 1 + r.nextInt(17);
      int h = 1 + r.nextInt(13);
      short[] l = new short[w * h];
      for (int i = 0; i < l.length; i++) {
        l[i] = (short) (r.nextInt(4) - 1); // -1 = unknown, classes 0..2
      }
      for (Connectivity c : Connectivity.values()) {
        ConnectedComponents cc = new ConnectedComponents(c);
        int n = cc.label(l, w, h);
        int[] expected = bfs(l, w, h, c == Connectivity.EIGHT);
        int[] got = new int[l.length];
        for (int p = 0; p < l.length; p++) {
          got[p] = cc.componentOf(p);
        }
        assertArrayEquals(expected, got, "trial " + trial + " " + c);
        int max = -1;
        for (int e : expected) {
          max = Math.max(max, e);
        }
        assertEquals(max + 1, n);
      }
    }
  }

  /** Reference labelling: BFS from each unvisited pixel in raster order. */
  private static int[] bfs(short[] l, int w, int h, boolean eight) {
    int[] id = new int[l.length];
    java.util.Arrays.fill(id, -1);
    int next = 0;
    ArrayDeque<Integer> q = new ArrayDeque<>();
    for (int s = 0; s < l.length; s++) {
      if (l[s] < 0 || id[s] >= 0) {
        continue;
      }
      id[s] = next;
      q.add(s);
      while (!q.isEmpty()) {
        int p = q.poll();
        int x = p % w;
        int y = p / w;
        for (int dy = -1; dy <= 1; dy++) {
          for (int dx = -1; dx <= 1; dx++) {
            if ((dx == 0 && dy == 0) || (!eight && dx != 0 && dy != 0)) {
              continue;
            }
            int nx = x + dx;
            int ny = y + dy;
            if (nx < 0 || ny < 0 || nx >= w || ny >= h) {
              continue;
            }
            int o = ny * w + nx;
            if (l[o] == l[s] && id[o] < 0) {
              id[o] = next;
              q.add(o);
            }
          }
        }
      }
      next++;
    }
    return id;
  }

  @Test
  void smallRegionsTakeTheClassAroundThem() {
    LabelImage img = image(
        "000000",
        "020000",
        "000022",
        "000022");
    LabelImage out = ConnectedComponents.keepLargest(img, 1, Connectivity.FOUR);
    assertArrayEquals(image(
        "000000",
        "000000",
        "000022",
        "000022").labels(), out.labels());
    // The input is untouched.
    assertEquals(2, img.get(1, 1));
  }

  @Test
  void removedRegionTakesTheMajorityOfItsBorderAndTiesGoToTheLowerClass() {
    // The lone 3 at (3, 1) is removed (the left 3 region is larger); among kept regions it borders
    // two 1s and one 2 (its other neighbour, the small 1 region, is removed too).
    LabelImage img = image(
        "33311",
        "33131",
        "33121");
    LabelImage out = ConnectedComponents.keepLargest(img, 1, Connectivity.FOUR);
    assertEquals(1, out.get(3, 1));
    // Tie: the lone 9 borders one 5 and one 3, so it becomes 3 (the lower id).
    LabelImage tie = image("59399");
    assertArrayEquals(image("53399").labels(), ConnectedComponents.keepLargest(tie, 1, Connectivity.FOUR).labels());
  }

  @Test
  void keepsTheNLargestRegionsPerClassAndBreaksSizeTiesInRasterOrder() {
    LabelImage img = image(
        "1000100",
        "1000100",
        "0000000",
        "1100010");
    // Class 1 regions: (0,0)-(0,1) size 2, (4,0)-(4,1) size 2, (0,3)-(1,3) size 2, (5,3) size 1.
    LabelImage two = ConnectedComponents.keepLargest(img, 2, Connectivity.FOUR);
    assertEquals(1, two.get(0, 0));
    assertEquals(1, two.get(4, 0));
    assertEquals(0, two.get(0, 3), "third region of size 2 loses the raster-order tie");
    assertEquals(0, two.get(5, 3));
    LabelImage three = ConnectedComponents.keepLargest(img, 3, Connectivity.FOUR);
    assertEquals(1, three.get(0, 3));
    assertEquals(0, three.get(5, 3));
  }

  @Test
  void unknownPixelsStayAndRegionsSurroundedOnlyByUnknownKeepTheirClass() {
    LabelImage img = image(
        "22...",
        "22.1.",
        "....1",
        "1111.");
    // Class 1 has three regions with 4-connectivity: (3,1), (4,2), row 3. Keep 1.
    LabelImage out = ConnectedComponents.keepLargest(img, 1, Connectivity.FOUR);
    assertEquals(LabelImage.UNLABELLED, out.get(2, 0));
    assertEquals(1, out.get(3, 1), "nothing known around it: keeps its class");
    assertEquals(1, out.get(4, 2));
  }

  @Test
  void nestedRemovedRegionsAreFilledFromOutsideInLaterPasses() {
    // A small 3-ring around a 4-speck, inside a big 0 region; 3 and 4 have larger regions elsewhere.
    LabelImage img = image(
        "0000000333",
        "0333000333",
        "0343000333",
        "0333004444",
        "0000004444");
    LabelImage out = ConnectedComponents.keepLargest(img, 1, Connectivity.FOUR);
    // The ring borders only 0 and the 4 -> 0 in pass 1; the speck borders only the ring -> 0 in pass 2.
    for (int y = 1; y <= 3; y++) {
      for (int x = 1; x <= 3; x++) {
        assertEquals(0, out.get(x, y), "(" + x + "," + y + ")");
      }
    }
    assertEquals(3, out.get(8, 0));
    assertEquals(4, out.get(9, 4));
  }

  @Test
  void rejectsKeepingNoRegionsAndBadConnectivity() {
    assertThrows(IllegalArgumentException.class, () -> ConnectedComponents.keepLargest(image("0"), 0, Connectivity.FOUR));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Connectivity.of(6));
    assertEquals("connectivity must be 4 or 8, found 6", e.getMessage());
  }
}
