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

  @Test
  void aWrittenSceneThatWouldNotOpenIsNeverMovedIntoPlace(@TempDir Path tmp) throws Exception {
    // Duplicate class names: written as given, refused by SceneFolder.open.
    io.github.bakefeature.core.scene.InMemoryScene s = io.github.bakefeature.core.synth.SyntheticScenes.tabletop(2, 16, 12, 1);
    io.github.bakefeature.core.scene.InMemoryScene.Builder b = io.github.bakefeature.core.scene.InMemoryScene.builder()
        .optBounds(s.bounds()).optClassNames(List.of("a", "a", "b", "c", "d", "e"));
    for (var f : s.frames()) {
      b.addFrame(f.intrinsics(), f.pose(), f.rgb(), f.depth().orElseThrow(), f.groundTruth().orElseThrow(), null);
    }
    Path out = tmp.resolve("out");
    InvalidSceneException e = assertThrows(InvalidSceneException.class,
        () -> io.github.bakefeature.core.scene.SceneWriter.write(b.build(), out));
    assertEquals(out.toAbsolutePath().resolve("metadata.json"), e.file());
    assertTrue(e.problem().contains("does not open, so nothing was left there: class name \"a\" appears twice"),
        e.getMessage());
    assertFalse(Files.exists(out));
    try (var left = Files.list(tmp)) {
      assertEquals(List.of(), left.toList(), "no staging folder is left behind");
    }
  }

  @Test
  void labelsWithoutAnyClassAreLeftOutSoTheSceneOpens(@TempDir Path tmp) throws Exception {
    io.github.bakefeature.core.scene.InMemoryScene s = io.github.bakefeature.core.synth.SyntheticScenes.tabletop(2, 16, 12, 1);
    io.github.bakefeature.core.scene.InMemoryScene.Builder b = io.github.bakefeature.core.scene.InMemoryScene.builder()
        .optBounds(s.bounds());
    for (var f : s.frames()) {
      short[] none = new short[16 * 12];
      java.util.Arrays.fill(none, io.github.bakefeature.api.scene.LabelImage.UNLABELLED);
      b.addFrame(f.intrinsics(), f.pose(), f.rgb(), f.depth().orElseThrow(),
          new io.github.bakefeature.api.scene.LabelImage(16, 12, none), null);
    }
    Path out = tmp.resolve("out");
    io.github.bakefeature.core.scene.SceneWriter.write(b.build(), out);
    var written = io.github.bakefeature.core.scene.SceneFolder.open(out);
    assertEquals(2, written.size());
    assertFalse(written.hasGroundTruth());
    assertFalse(Files.exists(out.resolve("gt_semantic")));
    assertFalse(Files.exists(out.resolve("metadata.json")));
  }
}
