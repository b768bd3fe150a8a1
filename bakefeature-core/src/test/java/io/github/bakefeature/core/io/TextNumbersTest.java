package io.github.bakefeature.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.InvalidSceneException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextNumbersTest {
  @TempDir Path tmp;

  @Test
  void readsRowsSkippingBlankAndCommentLines() throws IOException {
    Path f = tmp.resolve("m.txt");
    Files.writeString(f, "# header\n1 2.5e-3, -3\n\n  .5\t+4 \r\n-inf nan\n");
    List<Integer> lines = new ArrayList<>();
    List<double[]> rows = TextNumbers.readRows(f, lines);
    assertEquals(3, rows.size());
    assertArrayEquals(new double[] {1, 2.5e-3, -3}, rows.get(0));
    assertArrayEquals(new double[] {0.5, 4}, rows.get(1));
    assertEquals(Double.NEGATIVE_INFINITY, rows.get(2)[0]);
    assertTrue(Double.isNaN(rows.get(2)[1]));
    assertEquals(List.of(2, 4, 5), lines);
    assertEquals(7, TextNumbers.read(f).length);
  }

  @Test
  void rejectsJavaOnlyNumberSyntaxWithLineNumber() throws IOException {
    for (String bad : new String[] {"1d", "0x10", "1e", "1.2.3", "--1"}) {
      Path f = tmp.resolve("bad.txt");
      Files.writeString(f, "1 2\n3 " + bad + "\n");
      InvalidSceneException e = assertThrows(InvalidSceneException.class, () -> TextNumbers.read(f));
      assertTrue(e.getMessage().contains("line 2: expected a number, found '" + bad + "'"), e.getMessage());
    }
  }

  @Test
  void namesMissingAndBinaryFiles() throws IOException {
    InvalidSceneException missing = assertThrows(InvalidSceneException.class,
        () -> TextNumbers.read(tmp.resolve("none.txt")));
    assertTrue(missing.getMessage().endsWith("none.txt: file does not exist"), missing.getMessage());
    Path bin = tmp.resolve("bin.txt");
    Files.write(bin, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
    InvalidSceneException e = assertThrows(InvalidSceneException.class, () -> TextNumbers.read(bin));
    assertTrue(e.getMessage().contains("binary"), e.getMessage());
  }
}
