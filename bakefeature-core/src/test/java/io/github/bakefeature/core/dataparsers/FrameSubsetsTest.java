package io.github.bakefeature.core.dataparsers;

import static io.github.bakefeature.core.scene.SceneAssertions.assertPoseEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.scene.AnalyticRoom;
import io.github.bakefeature.core.scene.InMemoryScene;
import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.scene.SceneWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameSubsetsTest {
  @TempDir Path tmp;

  @Test
  void keepsEveryNthFrameRenumberedAndCopiesJpegsUnchanged() throws IOException {
    InMemoryScene room = AnalyticRoom.scene(5, new CameraIntrinsics(32, 24, 29.25, 29.25, 16, 12));
    Path in = tmp.resolve("seq-01");
    ForeignLayouts.writeSevenScenes(room, in, true);
    Scene s = FrameSubsets.everyNth(new SevenScenesImporter().read(in), 2);
    assertEquals(3, s.size());
    for (int i = 0; i < 3; i++) {
      assertEquals(i, s.frame(i).index());
      assertEquals(String.format("%05d", i), s.frame(i).name());
      assertPoseEquals(room.frame(2 * i).pose(), s.frame(i).pose(), 1e-9, "frame " + 2 * i);
    }
    SceneWriter.write(s, tmp.resolve("out"), (done, total) -> { });
    SceneFolder out = SceneFolder.open(tmp.resolve("out"));
    assertEquals(3, out.size());
    assertArrayEquals(Files.readAllBytes(in.resolve("frame-000004.color.jpg")),
        Files.readAllBytes(tmp.resolve("out/rgb/00002.jpg")));
  }

  @Test
  void everyFirstFrameIsTheSceneItselfAndZeroIsRefused() throws IOException {
    Scene s = AnalyticRoom.scene(2, new CameraIntrinsics(8, 6, 7, 7, 3.5, 2.5));
    assertSame(s, FrameSubsets.everyNth(s, 1));
    assertThrows(IllegalArgumentException.class, () -> FrameSubsets.everyNth(s, 0));
  }

  @Test
  void importersThinningWhileReadingNeverOpenTheFramesLeftOutAndMatchThinningAfterwards() throws IOException {
    InMemoryScene room = AnalyticRoom.scene(5, new CameraIntrinsics(32, 24, 29.25, 29.25, 16, 12));
    Path seven = tmp.resolve("seq-02");
    ForeignLayouts.writeSevenScenes(room, seven, false);
    Path ns = tmp.resolve("ns");
    ForeignLayouts.writeTransforms(room, ns, 1e-4, 1, 9);
    Scene sevenAll = new SevenScenesImporter().read(seven);
    Scene nsAll = new TransformsJsonImporter().read(ns);
    // Frames 1 and 3 are left out with every = 2: their depth maps are unreadable.
    for (int i : new int[] {1, 3}) {
      Files.write(seven.resolve(String.format("frame-%06d.depth.png", i)), new byte[] {1, 2, 3});
      Files.write(ns.resolve("depths/frame_" + (i + 1) + ".png"), new byte[] {1, 2, 3});
    }
    Scene sevenThin = new SevenScenesImporter().read(seven, 2);
    Scene nsThin = new TransformsJsonImporter().read(ns, 2);
    io.github.bakefeature.core.scene.SceneAssertions.assertScenesEqual(FrameSubsets.everyNth(sevenAll, 2), sevenThin, 0, 0);
    io.github.bakefeature.core.scene.SceneAssertions.assertScenesEqual(FrameSubsets.everyNth(nsAll, 2), nsThin, 0, 0);
    assertEquals(FrameSubsets.everyNth(sevenAll, 2).bounds(), sevenThin.bounds());
    assertEquals(FrameSubsets.everyNth(nsAll, 2).bounds(), nsThin.bounds());
    assertThrows(io.github.bakefeature.api.scene.InvalidSceneException.class, () -> new SevenScenesImporter().read(seven));
  }
}
