package io.github.bakefeature.core.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.field.RenderedView;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.core.scene.InMemoryScene;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ViewSourceTest {
  @Test
  void withProgressReportsNoneDoneAtOnceThenOneMorePerRenderAndPassesTheViewsThrough() {
    CameraIntrinsics camera = new CameraIntrinsics(4, 3, 5, 5, 1.5, 1);
    RenderedView view = new RenderedView(4, 3, null, null, null, 0, new short[12], new float[12], 7);
    List<String> events = new ArrayList<>();
    ViewSource counted = ViewSource.withProgress((frame, k, outputs) -> {
      events.add("render " + frame);
      return view;
    }, "export masks", 3, (stage, done, total) -> events.add(stage + " " + done + "/" + total));
    assertEquals(List.of("export masks 0/3"), events, "the total is known before the first render");
    for (int frame : new int[] {4, 0, 2}) {
      assertSame(view, counted.render(frame, camera, EnumSet.of(RenderOutput.CLASSES)));
    }
    assertEquals(List.of("export masks 0/3", "render 4", "export masks 1/3", "render 0", "export masks 2/3",
        "render 2", "export masks 3/3"), events);
  }

  /** A renderer whose left half hits class 2 (confidence 0.7) and whose right half hits nothing. */
  private static ViewSource leftClassTwoRightEmpty(List<String> asked) {
    return (frame, camera, outputs) -> {
      asked.add(camera.width() + "x" + camera.height() + " " + outputs);
      int w = camera.width();
      short[] c = new short[w * camera.height()];
      float[] f = new float[c.length];
      for (int p = 0; p < c.length; p++) {
        if (p % w < w / 2) {
          c[p] = 2;
          f[p] = 0.7f;
        }
      }
      return new RenderedView(w, camera.height(), null, null, null, 0, c, f, 9);
    };
  }

  @Test
  void upsampledClassesRenderSmallerAndComeBackAtTheFrameSizeWithNoHitRaysAsClassZeroOfConfidenceZero() {
    InMemoryScene scene = MaskExporterTest.scene(); // 8x6 frames
    List<String> asked = new ArrayList<>();
    ViewSource half = ViewSource.upsampledClasses(leftClassTwoRightEmpty(asked), scene, 0.5, 0f);
    RenderedView v = half.render(1, scene.frame(1).intrinsics(), EnumSet.of(RenderOutput.CLASSES));
    assertEquals(List.of("4x3 [CLASSES]"), asked);
    assertEquals(8, v.width());
    assertEquals(6, v.height());
    assertEquals(9, v.step());
    for (int y = 0; y < 6; y++) {
      for (int x = 0; x < 8; x++) {
        int p = y * 8 + x;
        assertEquals(x < 4 ? 2 : 0, v.classes()[p], "class at " + x + "," + y);
        assertEquals(x < 4 ? 0.7f : 0f, v.confidence()[p], 1e-6f, "confidence at " + x + "," + y);
      }
    }
  }

  @Test
  void upsampledClassesAtScaleOneAreTheViewsThemselvesAndOtherRequestsAreRefused() {
    InMemoryScene scene = MaskExporterTest.scene();
    ViewSource views = leftClassTwoRightEmpty(new ArrayList<>());
    assertSame(views, ViewSource.upsampledClasses(views, scene, 1, 0f));
    IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
        () -> ViewSource.upsampledClasses(views, scene, 0, 0f));
    assertEquals("render scale must be in (0, 1], found 0.0", range.getMessage());
    ViewSource half = ViewSource.upsampledClasses(views, scene, 0.5, 0f);
    IllegalArgumentException colour = assertThrows(IllegalArgumentException.class,
        () -> half.render(0, scene.frame(0).intrinsics(), EnumSet.of(RenderOutput.CLASSES, RenderOutput.COLOUR)));
    assertTrue(colour.getMessage().contains("expected CLASSES at 8x6, found [COLOUR, CLASSES] at 8x6"),
        colour.getMessage());
    IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
        () -> half.render(0, scene.frame(0).intrinsics().scaled(0.5), EnumSet.of(RenderOutput.CLASSES)));
    assertTrue(size.getMessage().contains("found [CLASSES] at 4x3"), size.getMessage());
  }

  @Test
  void aScaleThatRoundsToTheFullSizeIsTheFullRenderNotAnUpsampledOne() {
    InMemoryScene scene = MaskExporterTest.scene(); // 8x6: 0.95 rounds back to 8x6
    List<String> asked = new ArrayList<>();
    ViewSource views = leftClassTwoRightEmpty(asked);
    RenderedView full = views.render(0, scene.frame(0).intrinsics(), EnumSet.of(RenderOutput.CLASSES));
    asked.clear();
    RenderedView v = ViewSource.upsampledClasses(views, scene, 0.95, 0f)
        .render(0, scene.frame(0).intrinsics(), EnumSet.of(RenderOutput.CLASSES));
    assertEquals(List.of("8x6 [CLASSES]"), asked);
    org.junit.jupiter.api.Assertions.assertArrayEquals(full.classes(), v.classes());
    org.junit.jupiter.api.Assertions.assertArrayEquals(full.confidence(), v.confidence());
  }
}
