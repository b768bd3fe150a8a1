package io.github.bakefeature.examples.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.session.Segmentation;
import io.github.bakefeature.core.export.MaskExporter;
import io.github.bakefeature.core.features.ProgressListener;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.io.AtomicFiles;
import io.github.bakefeature.core.pipelines.TrainerConfig;
import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.scene.SceneWriter;
import io.github.bakefeature.core.session.DefaultLabelSession;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app's exports write what the session segments. */
class SessionExportsTest {
  @TempDir
  Path tmp;

  @Test
  void masksOfAOneClassSessionHoldThatClassOrUnknownAsItsSegmentationDoes() throws Exception {
    // A capture imported without classes, then one class added in the app: the model keeps a
    // second logit ("not that class"), which must not reach the masks as a class 1.
    Path dir = tmp.resolve("scene");
    SceneWriter.write(SyntheticScenes.tabletop(3, 32, 24, 1), dir);
    Files.delete(dir.resolve("metadata.json"));
    AtomicFiles.deleteRecursively(dir.resolve("gt_semantic"));
    try (DefaultLabelSession s = DefaultLabelSession.builder(SceneFolder.open(dir))
        .optMethod(MethodPreset.SNERF_HG_FREQ)
        .optFieldOptions(b -> b.optHashLog2TableSize(12).optHashMaxResolution(64))
        .optTrainerConfig(TrainerConfig.builder().optRaysPerBatch(128).build())
        .optAutoStart(false)
        .build()) {
      s.addClass("table", 0x00FF00);
      s.applyStroke(0, Stroke.paint(0, 3f, 2, 20, 30, 20));
      s.resume();
      s.awaitStep(60);
      s.pause();
      Path out = Files.createDirectory(tmp.resolve("export"));
      SessionExports.masks().run(s, out, ProgressListener.NONE);
      JsonNode legend = new ObjectMapper().readTree(out.resolve(MaskExporter.LEGEND).toFile());
      assertEquals(1, legend.get("classes").size(), legend.toString());
      for (int f = 0; f < 3; f++) {
        LabelImage mask = MaskExporter.readMask(out.resolve(MaskExporter.MASKS).resolve(String.format("%05d.png", f)));
        Segmentation seg = s.segment(f);
        int table = 0;
        for (int i = 0; i < mask.labels().length; i++) {
          short expected = seg.confidence()[i] > 0 ? seg.classes().labels()[i] : LabelImage.UNLABELLED;
          assertEquals(expected, mask.labels()[i], "frame " + f + " pixel " + i);
          table += mask.labels()[i] == 0 ? 1 : 0;
        }
        assertTrue(f != 0 || table > 0, "the painted class is in the painted frame's mask");
      }
    }
  }
}
