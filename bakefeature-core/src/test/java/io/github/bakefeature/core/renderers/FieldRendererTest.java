package io.github.bakefeature.core.renderers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.field.RenderedView;
import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.core.fields.FieldConfig;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.fields.SemanticField;
import io.github.bakefeature.core.raysamplers.OccupancyGrid;
import io.github.bakefeature.core.raysamplers.SceneBox;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** The renderer refuses views too large to allocate, before allocating anything. */
class FieldRendererTest {
  private static final int D = 64;

  private static FieldRenderer renderer() {
    FieldConfig c = FieldConfig.builder(MethodPreset.OURS).optFeatureDimension(D).optClassCount(3)
        .optHashLog2TableSize(10).build();
    return new FieldRenderer(SemanticField.create(c), new OccupancyGrid(16, 1f),
        new SceneBox(new Aabb(-1, -1, -1, 1, 1, 1)), RenderSettings.defaults());
  }

  @Test
  void refusesRenderCameraLargerThanLimit() {
    // 20000 x 20000 colour alone would be 4.8 GB: refused at once, not an OutOfMemoryError.
    CameraIntrinsics huge = CameraIntrinsics.fromHorizontalFov(20_000, 20_000, 60);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> renderer().render(huge, Pose.identity(), EnumSet.of(RenderOutput.COLOUR), 0));
    assertTrue(e.getMessage().startsWith("render size 20000x20000 = 400000000 pixels exceeds the limit of 67108864"
        + " pixels (8192x8192)"), e.getMessage());
  }

  @Test
  void refusesRenderCameraWiderThanSideLimit() {
    CameraIntrinsics wide = CameraIntrinsics.fromHorizontalFov(20_000, 2, 60);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> renderer().render(wide, Pose.identity(), EnumSet.of(RenderOutput.DEPTH), 0));
    assertTrue(e.getMessage().contains("16384 pixels per side"), e.getMessage());
  }

  @Test
  void refusesFeatureRenderWhoseArrayWouldOverflowInt() {
    // 8192 x 8192 is within the pixel limit, but 64 feature channels are 2^32 values: int
    // arithmetic would wrap to an empty array.
    CameraIntrinsics k = CameraIntrinsics.fromHorizontalFov(8192, 8192, 60);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> renderer().render(k, Pose.identity(), EnumSet.of(RenderOutput.FEATURES), 0));
    assertTrue(e.getMessage().contains("67108864 pixels x 64 channels = 4294967296 values exceeds the largest array"),
        e.getMessage());
  }

  @Test
  void refusesDepthOfAnotherSizeAfterTheSizeCheck() {
    CameraIntrinsics k = CameraIntrinsics.fromHorizontalFov(8, 6, 60);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> renderer().render(k,
        Pose.identity(), EnumSet.of(RenderOutput.DEPTH), 0, new io.github.bakefeature.api.scene.DepthImage(4, 3,
            new float[12])));
    assertTrue(e.getMessage().contains("depth is 4x3 but the camera is 8x6"), e.getMessage());
  }

  @Test
  void rendersViewsSmallerThanOneChunkWithEveryOutput() {
    CameraIntrinsics k = CameraIntrinsics.fromHorizontalFov(8, 6, 60);
    RenderedView v = renderer().render(k, Pose.identity(), EnumSet.allOf(RenderOutput.class), 7);
    assertEquals(8, v.width());
    assertEquals(6, v.height());
    assertEquals(48 * 3, v.colour().length);
    assertEquals(48, v.depth().length);
    assertEquals(48 * D, v.features().length);
    assertEquals(48, v.classes().length);
    assertEquals(48, v.confidence().length);
    assertEquals(7, v.step());
  }

  @Test
  void marchesAtMostMaxSamplesPerRay() {
    CameraIntrinsics k = CameraIntrinsics.fromHorizontalFov(8, 6, 60);
    Pose back = Pose.fromCameraToWorld(new double[] {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, -0.99, 0, 0, 0, 1});
    for (int cap : new int[] {40, 100, 256}) {
      RenderSettings d = RenderSettings.defaults();
      RenderSettings capped = new RenderSettings(d.chunkRays(), d.stepFraction(), cap, d.minWeight(),
          d.depthGuidedUniformSamples(), d.depthGuidedSurfaceSamples(), d.depthGuidedBand());
      FieldConfig c = FieldConfig.builder(MethodPreset.SNERF_FREQ).optClassCount(3).build();
      FieldRenderer r = new FieldRenderer(SemanticField.create(c), new OccupancyGrid(16, 1f),
          new SceneBox(new Aabb(-1, -1, -1, 1, 1, 1)), capped);
      r.render(k, back, EnumSet.of(RenderOutput.DEPTH), 0);
      long marched = r.statistics()[0];
      // An untrained field is nearly transparent: every ray would march the whole box (~590 steps).
      assertTrue(marched <= 48L * cap, cap + ": " + marched);
      assertTrue(marched > 48L * cap * 9 / 10, cap + ": " + marched);
    }
  }
}
