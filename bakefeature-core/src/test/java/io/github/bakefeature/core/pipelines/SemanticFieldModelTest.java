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

  @Test
  void queriesOutsideTheBoxAreEmptySpaceWithNoClassPreferred() {
    // Before: a point 100 m outside the box returned the box face's density and classes (the
    // encoding clamps), and a NaN point returned NaN.
    FieldModel m = model();
    float[] pts = {0, 0, 0, 100, 0, 0, Float.NaN, 0, 0, 1, 1, 1};
    io.github.bakefeature.api.field.PointQuery q = m.query(pts, 4);
    assertTrue(q.density()[0] > 0f, "inside: the field's density");
    for (int i : new int[] {1, 2}) {
      assertEquals(0f, q.density()[i], "point " + i);
      for (int c = 0; c < 3; c++) {
        assertEquals(1f / 3, q.classProbabilities()[i * 3 + c], 1e-7, "point " + i + " class " + c);
      }
    }
    assertTrue(q.density()[3] > 0f, "a corner of the box is inside");
  }
}
