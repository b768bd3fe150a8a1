package io.github.bakefeature.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.core.scene.SceneWriter;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbedExampleTest {
  @TempDir
  Path tmp;

  @Test
  void labelsASceneAndExportsAMaskPerFrame() throws Exception {
    Path dir = tmp.resolve("scene");
    SceneWriter.write(SyntheticScenes.tabletop(3, 48, 36, 2), dir);
    double miou = EmbedExample.run(dir, 40);
    assertTrue(miou >= 0 && miou <= 1, "mIoU in [0, 1]: " + miou);
    try (var masks = Files.list(tmp.resolve("masks").resolve("masks"))) {
      assertEquals(3, masks.filter(p -> p.toString().endsWith(".png")).count(), "one mask per frame");
    }
    assertTrue(Files.isRegularFile(dir.resolve("semantic/00000.png")), "the strokes were saved as scribble PNGs");
  }
}
