package io.github.bakefeature.core.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.field.RenderedView;
import io.github.bakefeature.api.scene.CameraIntrinsics;
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
}
