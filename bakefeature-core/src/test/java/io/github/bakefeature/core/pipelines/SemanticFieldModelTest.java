package io.github.bakefeature.core.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.field.FieldModel;
import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.core.fields.FieldConfig;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.fields.SemanticField;
import io.github.bakefeature.core.raysamplers.OccupancyGrid;
import io.github.bakefeature.core.raysamplers.SceneBox;
import io.github.bakefeature.core.renderers.RenderSettings;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** The public render calls of a model enforce {@link FieldModel}'s render limits. */
class SemanticFieldModelTest {

  private static SemanticFieldModel model() {
    FieldConfig c = FieldConfig.builder(MethodPreset.OURS).optFeatureDimension(8).optClassCount(3)
        .optHashLog2TableSize(10).build();
    return new SemanticFieldModel(SemanticField.create(c), new OccupancyGrid(16, 1f),
        new SceneBox(new Aabb(-1, -1, -1, 1, 1, 1)), 0, -1, RenderSettings.defaults());
  }

  @Test
  void refusesRenderCameraLargerThanLimit() {
    CameraIntrinsics huge = CameraIntrinsics.fromHorizontalFov(20_000, 20_000, 60);
    FieldModel m = model();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> m.render(huge, Pose.identity(), EnumSet.allOf(RenderOutput.class)));
    assertTrue(e.getMessage().contains("20000x20000 = 400000000 pixels exceeds the limit of 67108864 pixels"),
        e.getMessage());
  }

  @Test
  void refusesRenderCameraLargerThanLimitWithMeasuredDepth() {
    CameraIntrinsics huge = CameraIntrinsics.fromHorizontalFov(16_385, 16, 60);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> model().render(huge, Pose.identity(), EnumSet.of(RenderOutput.CLASSES), null));
    assertTrue(e.getMessage().contains("16385x16 exceeds the limit of 16384 pixels per side"), e.getMessage());
  }

  @Test
  void rendersCamerasWithinTheLimit() {
    CameraIntrinsics k = CameraIntrinsics.fromHorizontalFov(16, 12, 60);
    assertEquals(16 * 12, model().render(k, Pose.identity(), EnumSet.of(RenderOutput.CLASSES)).classes().length);
  }
}
