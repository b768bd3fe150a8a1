package io.github.bakefeature.core.scene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.Frame;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SceneFolderTest {
  @TempDir Path tmp;

  @Test
  void readsScanNetStyle4x4Intrinsics() throws IOException {
    Path dir = tmp.resolve("s");
    SceneWriter.write(AnalyticRoom.scene(1, 16, 12, 70), dir);
    CameraIntrinsics k = SceneFolder.open(dir).frame(0).intrinsics();
    Files.writeString(dir.resolve("intrinsics.txt"), String.format(java.util.Locale.ROOT,
        "%.17g 0 %.17g 0\n0 %.17g %.17g 0\n0 0 1 0\n0 0 0 1\n", k.fx(), k.cx(), k.fy(), k.cy()));
    assertEquals(k, SceneFolder.open(dir).frame(0).intrinsics());
  }

  @Test
  void ordersUnpaddedFrameNamesNumerically() throws IOException {
    Path dir = tmp.resolve("s");
    InMemoryScene room = AnalyticRoom.scene(11, 8, 6, 70);
    SceneWriter.write(room, dir);
    // Rename 00000..00010 to 0..10: string order would put 10 before 2.
    for (String sub : new String[] {"rgb", "depth", "pose", "gt_semantic", "semantic"}) {
      for (int i = 0; i < 11; i++) {
        String ext = sub.equals("pose") ? ".txt" : ".png";
        Path from = dir.resolve(sub).resolve(SceneLayout.frameName(i) + ext);
        if (Files.exists(from)) {
          Files.move(from, dir.resolve(sub).resolve(i + ext));
        }
      }
    }
    SceneFolder s = SceneFolder.open(dir);
    assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"),
        s.frames().stream().map(Frame::name).toList());
    for (int i = 0; i < 11; i++) {
      SceneAssertions.assertPoseEquals(room.frame(i).pose(), s.frame(i).pose(), 1e-9, "frame " + i);
    }
  }

  @Test
  void rejectsNegativeCacheBudgetAndOutOfRangeFrames() throws IOException {
    assertThrows(IllegalArgumentException.class, () -> SceneFolder.builder(tmp).optCacheBytes(-1));
    Path dir = tmp.resolve("s");
    SceneWriter.write(AnalyticRoom.scene(1, 8, 6, 70), dir);
    SceneFolder s = SceneFolder.open(dir);
    assertThrows(IndexOutOfBoundsException.class, () -> s.frame(1));
  }
}
