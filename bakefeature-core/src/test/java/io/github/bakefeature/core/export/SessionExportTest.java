package io.github.bakefeature.core.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bakefeature.api.annotation.SemanticClass;
import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.session.Segmentation;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.pipelines.TrainerConfig;
import io.github.bakefeature.core.scene.InMemoryScene;
import io.github.bakefeature.core.session.DefaultLabelSession;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exports read a live label session like a trained model, with the person's class colours. */
class SessionExportTest {
  @TempDir
  Path tmp;

  @Test
  void masksOfASessionEqualItsSegmentationAndUseTheSessionColours() throws Exception {
    InMemoryScene scene = SyntheticScenes.tabletop(3, 32, 24, 6);
    try (DefaultLabelSession s = DefaultLabelSession.builder(scene)
        .optMethod(MethodPreset.SNERF_HG_FREQ)
        .optFieldOptions(b -> b.optHashLog2TableSize(12).optHashMaxResolution(64))
        .optTrainerConfig(TrainerConfig.builder().optRaysPerBatch(64).build())
        .optPersistent(false)
        .optAutoStart(false)
        .build()) {
      s.recolourClass(1, 0xFF0000);
      s.applyStroke(1, io.github.bakefeature.api.annotation.Stroke.paint(2, 2f, 4, 4, 20, 12));
      s.applyStroke(1, io.github.bakefeature.api.annotation.Stroke.paint(1, 2f, 4, 20, 28, 20));
      s.resume();
      s.awaitStep(40);
      s.pause();
      int classes = s.model().classCount();
      // After training: the session segments around the frames' measured depth, and so must its
      // exports (a novel-view render of the same pose differs by a few percent of the pixels).
      List<SemanticClass> legend = ExportClasses.fromSession(s, classes);
      assertEquals(0xFF0000, legend.get(1).colour());
      MaskExporter.builder().optClasses(legend).build().export(ViewSource.of(s), scene, classes, new int[] {1}, tmp);
      LabelImage mask = MaskExporter.readMask(tmp.resolve("masks/00001.png"));
      Segmentation seg = s.segment(1);
      for (int i = 0; i < mask.labels().length; i++) {
        short expected = seg.confidence()[i] > 0 ? seg.classes().labels()[i] : LabelImage.UNLABELLED;
        assertEquals(expected, mask.labels()[i], "pixel " + i);
      }
      JsonNode json = new ObjectMapper().readTree(tmp.resolve("classes.json").toFile());
      assertEquals("#ff0000", json.get("classes").get(1).get("colour").asText());

      // The session's own model renders any camera, so the point cloud can render at half size.
      ViewSource v = ViewSource.of(s);
      assertEquals(16, v.render(0, scene.frame(0).intrinsics().resized(16, 12), EnumSet.of(RenderOutput.DEPTH)).width());
    }
  }

  @Test
  void defaultExportsAndEvaluationNameClassesAsTheSessionLeftThemNotAsTheSceneWasOpened() throws Exception {
    Path dir = tmp.resolve("scene");
    io.github.bakefeature.core.scene.SceneWriter.write(SyntheticScenes.tabletop(3, 32, 24, 6), dir);
    io.github.bakefeature.core.scene.SceneFolder scene = io.github.bakefeature.core.scene.SceneFolder.open(dir);
    try (DefaultLabelSession s = DefaultLabelSession.builder(scene)
        .optMethod(MethodPreset.SNERF_FREQ)
        .optTrainerConfig(TrainerConfig.builder().optRaysPerBatch(64).build())
        .optAutoStart(false)
        .build()) {
      SemanticClass robot = s.addClass("robot", 0x00FF00);
      s.renameClass(robot.id(), "gripper");
      s.renameClass(1, "desk");
      s.applyStroke(1, io.github.bakefeature.api.annotation.Stroke.paint(robot.id(), 2f, 4, 4, 20, 12));
      s.resume();
      s.awaitStep(s.step() + 5);
      s.pause();
      int classes = s.model().classCount();
      // The README's call: no optClasses, the scene object opened before the changes.
      MaskExporter.builder().build().export(ViewSource.of(s), scene, classes, new int[] {1}, tmp.resolve("out"));
      JsonNode legend = new ObjectMapper().readTree(tmp.resolve("out/classes.json").toFile()).get("classes");
      assertEquals("desk", legend.get(1).get("name").asText());
      assertEquals("gripper", legend.get(robot.id()).get("name").asText());
      assertEquals("#00ff00", legend.get(robot.id()).get("colour").asText());
      List<String> evaluated = io.github.bakefeature.core.eval.SegmentationEvaluation.of(ViewSource.of(s), classes, scene,
          io.github.bakefeature.core.eval.GroundTruth.semantic(scene), new int[] {0}).classNames();
      assertEquals("desk", evaluated.get(1));
      assertEquals("gripper", evaluated.get(robot.id()));
    }
  }

  @Test
  void foreignSessionsRenderOnlyAtTheFramesOwnResolution() {
    InMemoryScene scene = SyntheticScenes.tabletop(1, 16, 12, 6);
    io.github.bakefeature.api.session.LabelSession foreign = (io.github.bakefeature.api.session.LabelSession)
        java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {io.github.bakefeature.api.session.LabelSession.class}, (proxy, method, args) -> {
              if (method.getName().equals("scene")) {
                return scene;
              }
              throw new UnsupportedOperationException(method.getName());
            });
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ViewSource.of(foreign)
        .render(0, scene.frame(0).intrinsics().resized(8, 6), EnumSet.of(RenderOutput.DEPTH)));
    assertTrue(e.getMessage().contains("only at their own resolution 16x12"), e.getMessage());
  }
}
