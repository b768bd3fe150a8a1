package io.github.bakefeature.core.dataparsers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.InvalidSceneException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportersTest {

  @Test
  void findsEveryImporterByName() {
    assertEquals(List.of("replica", "transforms", "7scenes", "tum", "scannet"), Importers.names());
    for (String n : Importers.names()) {
      assertEquals(n, Importers.byName(n.toUpperCase()).format());
      assertFalse(Importers.byName(n).description().isBlank());
    }
    assertTrue(Importers.byName("transforms") instanceof TransformsJsonImporter);
    assertEquals(1, ((ScanNetImporter) Importers.byName("scannet")).every(), "the default keeps every frame");
    assertTrue(Importers.byName("tum") instanceof TumImporter);
  }

  @Test
  void unknownNameListsTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Importers.byName("colmap"));
    assertEquals("unknown import format 'colmap'; expected one of replica, transforms, 7scenes, tum, scannet", e.getMessage());
  }

  @Test
  void failedImportLeavesNoOutput(@TempDir Path tmp) throws Exception {
    Path in = tmp.resolve("in");
    Files.createDirectories(in.resolve("rgb"));
    Path out = tmp.resolve("out");
    InvalidSceneException e = assertThrows(InvalidSceneException.class,
        () -> Importers.importScene("replica", in, out, (d, t) -> { }));
    assertTrue(e.getMessage().contains("empty dataset"), e.getMessage());
    assertFalse(Files.exists(out));
  }
}
