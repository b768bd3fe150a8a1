package io.github.bakefeature.core.scene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.core.io.AtomicFiles;
import io.github.bakefeature.core.io.ImageFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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
  void readsAutolabelBboxWithTheVoxelSizeAsSeventhNumber() throws IOException {
    Path dir = tmp.resolve("s");
    SceneWriter.write(AnalyticRoom.scene(1, 16, 12, 70), dir);
    Files.writeString(dir.resolve("bbox.txt"), "-2.0 -2.0 0.0 2.0 2.0 2.5 0.01\n");
    SceneFolder s = SceneFolder.open(dir);
    assertEquals(new Aabb(-2, -2, 0, 2, 2, 2.5), s.bounds());
    assertEquals(SceneBounds.Source.BBOX_FILE, s.boundsSource());
    assertEquals(Optional.empty(), s.boundsWarning());
  }

  @Test
  void bboxAwayFromEveryCameraAndSurfaceOpensWithAWarningNamingIt() throws IOException {
    Path dir = tmp.resolve("s");
    SceneWriter.write(AnalyticRoom.scene(3, 16, 12, 70), dir);
    Files.writeString(dir.resolve("bbox.txt"), "-2000 -2000 0 -1996 -1996 2.5\n");
    SceneFolder s = SceneFolder.open(dir);
    String w = s.boundsWarning().orElseThrow();
    assertTrue(w.startsWith(dir.resolve("bbox.txt") + ": no camera centre lies inside the box"), w);
    assertTrue(w.contains("and only 0 of 576 sampled depth points (0.0 %) do"), w);
  }

  @Test
  void withoutDepthOrBboxTheBoundsHoldTheFrusta() throws IOException {
    Path dir = tmp.resolve("s");
    SceneWriter.write(AnalyticRoom.scene(2, 16, 12, 70), dir);
    Files.delete(dir.resolve("bbox.txt"));
    AtomicFiles.deleteRecursively(dir.resolve("depth"));
    // An empty depth/ folder is a scene without depth, not an error.
    Files.createDirectories(dir.resolve("depth"));
    SceneFolder s = SceneFolder.open(dir);
    assertEquals(SceneBounds.Source.FRUSTA, s.boundsSource());
    assertTrue(s.boundsComputed());
    assertFalse(s.frame(0).hasDepth());
    // The far walls, 3 m in front of the cameras, are inside (the cameras alone span 0.1 m).
    assertTrue(s.bounds().size(0) > 3 && s.bounds().size(1) > 3, s.bounds().toString());
    // A guess the caller learns of (info prints it as bounds_warning), not only the log.
    String w = s.boundsWarning().orElseThrow();
    assertTrue(w.startsWith("no frame has depth, so the scene bounds") && w.contains("write bbox.txt"), w);
  }

  @Test
  void thirtyTwoThousandSevenHundredSixtyEightClassesAreTheMostLabelsHold() throws IOException {
    Path dir = tmp.resolve("s");
    SceneWriter.write(AnalyticRoom.scene(1, 16, 12, 70), dir);
    Files.writeString(dir.resolve("metadata.json"), "{\"n_classes\": " + LabelImage.MAX_CLASSES + "}");
    BufferedImage b = new BufferedImage(16, 12, BufferedImage.TYPE_USHORT_GRAY);
    b.getRaster().setSample(3, 2, 0, LabelImage.MAX_CLASSES);
    ImageFiles.writePng(b, dir.resolve("semantic/00000.png"));
    SceneFolder s = SceneFolder.open(dir);
    assertEquals(32768, s.classCount());
    LabelImage l = s.frame(0).scribbles().orElseThrow();
    assertEquals(32767, l.get(3, 2));
    assertEquals(1, l.labelledCount());
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
