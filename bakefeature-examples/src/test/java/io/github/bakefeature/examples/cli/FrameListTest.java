package io.github.bakefeature.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FrameListTest {
  @Test
  void parsesIndicesRangesAndAllInAscendingOrderWithoutDuplicates() {
    assertArrayEquals(new int[] {0, 1, 2}, FrameList.parse(null, 3));
    assertArrayEquals(new int[] {0, 1, 2}, FrameList.parse("all", 3));
    assertArrayEquals(new int[] {1, 3, 4, 5, 8}, FrameList.parse("8, 3-5,1,4", 10));
  }

  @Test
  void rejectsWordsReversedRangesAndFramesOutsideTheScene() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FrameList.parse("1,two", 5));
    assertEquals("--frames: expected indices or ranges like 0,3,10-14 (or all), found 'two'", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> FrameList.parse("4-2", 5));
    assertEquals("--frames: range '4-2' runs backwards; write it as 2-4", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> FrameList.parse("-1", 5));
    assertEquals("--frames: '-1' is outside the scene's frames 0-4", e.getMessage());
  }

  @Test
  void rejectsEmptyItemsInsteadOfSelectingNoFrame() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FrameList.parse(",,,", 5));
    assertEquals("--frames: expected indices or ranges like 0,3,10-14 (or all), found ''", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> FrameList.parse("1,,2", 5));
    e = assertThrows(IllegalArgumentException.class, () -> FrameList.parse(" ", 5));
    assertEquals("--frames: expected indices or ranges like 0,3,10-14 (or all), found nothing", e.getMessage());
  }
}
