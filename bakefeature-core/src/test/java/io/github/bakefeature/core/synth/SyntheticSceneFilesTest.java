package io.github.bakefeature.core.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.core.scene.SceneFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticSceneFilesTest {

  @Test
  void writtenSceneOpensValidatesAndMatchesTheGeneratedOne(@TempDir Path dir) throws IOException {
    SyntheticScene s = SyntheticScenes.generate(Preset.ROOM, 3, 64, 48, 4);
    s.write(dir);
    JsonNode meta = new ObjectMapper().readTree(dir.resolve("metadata.json").toFile());
    assertEquals(10, meta.get("n_classes").asInt());
    assertEquals("floor", meta.get("classes").get(0).asText());
    assertTrue(Files.isRegularFile(dir.resolve("bbox.txt")));

    SceneFolder folder = SceneFolder.open(dir);
    assertEquals(3, folder.size());
    assertEquals(s.scene().classNames(), folder.classNames());
    assertTrue(folder.hasGroundTruth());
    assertEquals(s.scene().bounds().minX(), folder.bounds().minX(), 1e-6);
    assertEquals(s.scene().bounds().maxY(), folder.bounds().maxY(), 1e-6);
    for (int i = 0; i < 3; i++) {
      Frame a = s.scene().frame(i);
      Frame b = folder.frame(i);
      assertArrayEquals(a.rgb().pixels(), b.rgb().pixels());
      assertArrayEquals(a.groundTruth().orElseThrow().labels(), b.groundTruth().orElseThrow().labels());
      assertEquals(a.intrinsics().fx(), b.intrinsics().fx(), 1e-9);
      assertEquals(a.intrinsics().cx(), b.intrinsics().cx(), 1e-9);
      double[] pa = a.pose().worldToCamera();
      double[] pb = b.pose().worldToCamera();
      for (int k = 0; k < 16; k++) {
        assertEquals(pa[k], pb[k], 1e-9);
      }
      float[] da = a.depth().orElseThrow().metres();
      float[] db = b.depth().orElseThrow().metres();
      for (int k = 0; k < da.length; k++) {
        assertEquals(da[k], db[k], 0.0005 + 1e-6, "depth is stored in millimetres");
      }
    }
  }
}
