package io.github.bakefeature.core.scene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.Frame;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SceneInspectorTest {
  @TempDir Path tmp;

  @Test
  void summarisesEveryFrame() throws IOException {
    InMemoryScene room = AnalyticRoom.scene(3, 16, 12, 70);
    Path dir = tmp.resolve("s");
    SceneWriter.write(room, dir);
    Files.delete(dir.resolve("bbox.txt"));
    List<int[]> progress = new ArrayList<>();
    SceneSummary s = SceneInspector.inspect(SceneFolder.open(dir), (done, total) -> progress.add(new int[] {done, total}));
    assertEquals(3, s.frames());
    assertEquals(16, s.width());
    assertEquals(12, s.height());
    assertEquals(AnalyticRoom.CLASSES, s.classNames());
    assertTrue(s.boundsComputed());
    assertEquals("depth", s.boundsSource());
    assertEquals(null, s.boundsWarning());
    assertEquals(3, s.depthFrames());
    assertEquals(1.0, s.depthCoverage(), 1e-12, "the room is closed: every pixel has depth");
    assertEquals(3, s.groundTruthFrames());
    assertTrue(s.hasGroundTruth());
    assertEquals(2, s.annotatedFrames());
    long expected = 0;
    for (Frame f : room.frames()) {
      expected += f.scribbles().map(l -> (long) l.labelledCount()).orElse(0L);
    }
    assertEquals(expected, s.scribblePixels());
    assertEquals(3, progress.size());
    assertEquals(3, progress.get(2)[0]);
    assertEquals(List.of("frames", "width", "height", "classes", "class_names", "bounds", "bounds_computed",
        "bounds_source", "bounds_warning", "depth_frames", "depth_coverage", "has_ground_truth", "ground_truth_frames", "annotated_frames",
        "scribble_pixels", "pose_check"), List.copyOf(s.toMap().keySet()));
    assertEquals("ok", s.poseCheck().verdict(), "the analytic room's poses follow the format: " + s.poseCheck());
  }

  @Test
  void coverageIsTheMeanFractionOfValidDepthPixels() throws IOException {
    InMemoryScene room = AnalyticRoom.scene(2, 10, 10, 70);
    Frame f0 = room.frame(0);
    float[] m = f0.depth().orElseThrow().metres().clone();
    for (int i = 0; i < 25; i++) {
      m[i] = 0;
    }
    InMemoryScene holes = InMemoryScene.builder().optClassNames(room.classNames())
        .addFrame(f0.intrinsics(), f0.pose(), f0.rgb(), new io.github.bakefeature.api.scene.DepthImage(10, 10, m), null, null)
        .addFrame(room.frame(1).intrinsics(), room.frame(1).pose(), room.frame(1).rgb(), room.frame(1).depth().orElseThrow(), null, null)
        .build();
    SceneSummary s = SceneInspector.inspect(holes);
    assertEquals((0.75 + 1.0) / 2, s.depthCoverage(), 1e-12);
    assertEquals(0, s.annotatedFrames());
    assertEquals(false, s.hasGroundTruth());
  }
}
