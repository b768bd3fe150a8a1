package io.github.bakefeature.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.api.scene.InvalidSceneException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EditTest {
  private static final Path FILE = Path.of("scene", "session", "edits", "000000000004.edit");

  private static Edit edit() {
    return new Edit(4, 2, Edit.Kind.STROKE, Stroke.paint(1, 2.5f, 3, 4, 5, 6), new int[] {7, 8, 9},
        new short[] {-1, 0, 2}, new short[] {1, 1, 1}, 123, 456);
  }

  @Test
  void roundTrips() throws Exception {
    Edit e = edit();
    Edit back = Edit.fromBytes(FILE, e.toBytes());
    assertEquals(e.id(), back.id());
    assertEquals(e.frame(), back.frame());
    assertEquals(e.stroke(), back.stroke());
    assertTrue(Arrays.equals(e.pixels(), back.pixels()) && Arrays.equals(e.before(), back.before())
        && Arrays.equals(e.after(), back.after()));
    assertEquals(456, back.crcAfter());
  }

  @Test
  void everyTruncationIsATypedErrorNamingTheFileWithExpectedAndFoundSizes() throws Exception {
    byte[] full = edit().toBytes();
    for (int len = 0; len < full.length; len++) {
      byte[] cut = Arrays.copyOf(full, len);
      InvalidSceneException e = assertThrows(InvalidSceneException.class, () -> Edit.fromBytes(FILE, cut));
      assertEquals(FILE, e.file());
      assertTrue(e.problem().contains("truncated: expected ") && e.problem().contains("found " + len),
          len + " bytes: " + e.getMessage());
      assertFalse(e.getMessage().contains("null"), e.getMessage());
    }
  }

  @Test
  void damageAndTrailingBytesAreNamed() throws Exception {
    byte[] full = edit().toBytes();
    byte[] flipped = full.clone();
    flipped[full.length - 12] ^= 1;
    InvalidSceneException e = assertThrows(InvalidSceneException.class, () -> Edit.fromBytes(FILE, flipped));
    assertTrue(e.getMessage().startsWith(FILE + ": edit file is damaged: expected the checksum"), e.getMessage());
    byte[] longer = Arrays.copyOf(full, full.length + 3);
    e = assertThrows(InvalidSceneException.class, () -> Edit.fromBytes(FILE, longer));
    assertTrue(e.problem().contains("expected " + full.length + " bytes") && e.problem().contains("found " + longer.length),
        e.getMessage());
  }
}
