package io.github.bakefeature.core.scene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.core.synth.Preset;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SceneWriterReplaceTest {
  @TempDir
  Path tmp;

  @Test
  void replacesTheSceneKeepsTheUsersOtherFilesAndLeavesNothingBehind() throws Exception {
    Path dir = tmp.resolve("scene");
    SceneWriter.write(SyntheticScenes.tabletop(3, 32, 24, 1), dir);
    Files.writeString(dir.resolve("notes.txt"), "mine");
    SceneWriter.replace(SyntheticScenes.generate(Preset.ROOM, 4, 40, 30, 2).scene(), dir);
    SceneFolder s = SceneFolder.open(dir);
    assertEquals(4, s.size());
    assertEquals(40, s.width());
    assertEquals("mine", Files.readString(dir.resolve("notes.txt")));
    try (var siblings = Files.list(tmp)) {
      assertEquals(List.of(dir), siblings.toList(), "no staging or set-aside folder left");
    }
  }

  @Test
  void aSwapMovesRgbInLastSoAHalfSwappedFolderDoesNotOpen() {
    List<Path> order = SceneWriter.swapOrder(List.of(Path.of("s/rgb"), Path.of("s/depth"), Path.of("s/metadata.json"),
        Path.of("s/pose"), Path.of("s/intrinsics.txt")));
    assertEquals(Path.of("s/rgb"), order.get(order.size() - 1));
    assertEquals(5, order.size());
    assertEquals(SceneLayout.RGB, SceneLayout.ENTRIES.get(0), "and it is the first entry moved aside");
    assertFalse(order.subList(0, 4).contains(Path.of("s/rgb")));
    assertTrue(order.contains(Path.of("s/pose")));
  }
}
