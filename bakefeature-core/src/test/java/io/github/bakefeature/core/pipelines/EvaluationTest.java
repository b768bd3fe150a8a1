package io.github.bakefeature.core.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.bakefeature.api.field.FieldModel;
import io.github.bakefeature.api.field.PointQuery;
import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.field.RenderedView;
import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EvaluationTest {
  /** Renders grey, 1 m deep and class 0 everywhere; counts its renders. */
  private static final class FlatModel implements FieldModel {
    final List<String> events;

    FlatModel(List<String> events) {
      this.events = events;
    }

    @Override
    public String method() {
      return "flat";
    }

    @Override
    public int featureDimension() {
      return 0;
    }

    @Override
    public int classCount() {
      return 6;
    }

    @Override
    public Aabb bounds() {
      throw new UnsupportedOperationException();
    }

    @Override
    public long step() {
      return 0;
    }

    @Override
    public RenderedView render(CameraIntrinsics camera, Pose pose, Set<RenderOutput> outputs) {
      events.add("render");
      int n = camera.width() * camera.height();
      float[] colour = new float[3 * n];
      Arrays.fill(colour, 0.5f);
      float[] depth = new float[n];
      Arrays.fill(depth, 1f);
      float[] confidence = new float[n];
      Arrays.fill(confidence, 1f);
      return new RenderedView(camera.width(), camera.height(), colour, depth, null, 0, new short[n], confidence, 0);
    }

    @Override
    public PointQuery query(float[] points, int count) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void save(Path file) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
  }

  @Test
  void progressCountsEveryEvaluatedFrameAndLeavesTheMeasuresAsTheyAre() throws Exception {
    Scene scene = SyntheticScenes.tabletop(4, 16, 12, 0);
    List<String> events = new ArrayList<>();
    int[] frames = {3, 1, 2};
    Evaluation counted = Evaluation.of(new FlatModel(events), scene, frames, false,
        (stage, done, total) -> events.add(stage + " " + done + "/" + total));
    assertEquals(List.of("evaluate 0/3", "render", "evaluate 1/3", "render", "evaluate 2/3", "render",
        "evaluate 3/3"), events);
    Evaluation plain = Evaluation.of(new FlatModel(new ArrayList<>()), scene, frames);
    assertEquals(plain.frames(), counted.frames());
    assertEquals(plain.psnr(), counted.psnr());
    assertEquals(plain.depthMae(), counted.depthMae());
    assertEquals(plain.miou(), counted.miou());
  }
}
