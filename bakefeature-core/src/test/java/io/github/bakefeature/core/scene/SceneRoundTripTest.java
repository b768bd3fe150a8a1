package io.github.bakefeature.core.scene;

import static io.github.bakefeature.core.scene.SceneAssertions.assertScenesEqual;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.io.ImageFiles;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SceneRoundTripTest {
  @TempDir Path tmp;

  @Test
  void writtenSceneReadsBackEqual() throws IOException {
    InMemoryScene scene = AnalyticRoom.scene(4, 32, 24, 70);
    Path dir = tmp.resolve("scene");
    SceneWriter.write(scene, dir);
    SceneFolder back = SceneFolder.open(dir);
    // Poses to 1e-9 (17 significant digits on disk), depth to the millimetre (rounded: <= 0.5 mm).
    assertScenesEqual(scene, back, 1e-9, 0.0005 + 1e-6);
    assertEquals(scene.bounds(), back.bounds());
    assertFalse(back.boundsComputed());
    assertEquals(AnalyticRoom.CLASSES, back.classNames());
    assertEquals(List.of("00000", "00001", "00002", "00003"), back.frames().stream().map(Frame::name).toList());
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of(dir), s.toList(), "no staging folder may be left behind");
    }
  }

  @Test
  void sceneWithoutDepthOrLabelsRoundTripsAndKeepsItsBounds() throws IOException {
    CameraIntrinsics k = new CameraIntrinsics(8, 6, 7.5, 7.0, 3.25, 2.75);
    Pose p = AnalyticRoom.lookAt(new double[] {0.1, 0.2, 1}, new double[] {1, 1, 0.5});
    InMemoryScene scene = InMemoryScene.builder()
        .addFrame(k, p, AnalyticRoom.render(k, p).rgb(), null, null, null)
        .optBounds(new Aabb(-1, -2, -3, 1, 2, 3))
        .build();
    Path dir = tmp.resolve("s");
    SceneWriter.write(scene, dir);
    SceneFolder back = SceneFolder.open(dir);
    assertScenesEqual(scene, back, 1e-9, 0);
    assertEquals(new Aabb(-1, -2, -3, 1, 2, 3), back.bounds());
    assertFalse(Files.exists(dir.resolve(SceneLayout.METADATA)));
    assertFalse(Files.exists(dir.resolve(SceneLayout.DEPTH)));
  }

  @Test
  void labelsWithoutClassNamesGetGeneratedNames() throws IOException {
    InMemoryScene room = AnalyticRoom.scene(1, 8, 6, 60);
    Frame f = room.frame(0);
    InMemoryScene unnamed = InMemoryScene.builder()
        .addFrame(f.intrinsics(), f.pose(), f.rgb(), f.depth().orElseThrow(), f.groundTruth().orElseThrow(), null)
        .build();
    Path dir = tmp.resolve("s");
    SceneWriter.write(unnamed, dir);
    int max = f.groundTruth().orElseThrow().maxLabel();
    assertEquals(max + 1, SceneFolder.open(dir).classNames().size());
    assertEquals("class 0", SceneFolder.open(dir).classNames().get(0));
  }

  @Test
  void missingBboxIsComputedFromDepthAndCameras() throws IOException {
    Path dir = tmp.resolve("s");
    SceneWriter.write(AnalyticRoom.scene(3, 24, 18, 70), dir);
    Files.delete(dir.resolve(SceneLayout.BBOX));
    SceneFolder back = SceneFolder.open(dir);
    assertTrue(back.boundsComputed());
    Aabb b = back.bounds();
    // Everything seen lies in the room, so the box is within the room plus padding.
    double pad = 0.05 * 4.0 + 1e-6;
    assertTrue(b.minX() >= -AnalyticRoom.HALF - pad && b.maxX() <= AnalyticRoom.HALF + pad, b.toString());
    assertTrue(b.minZ() >= -0.05 * 2.5 - 1e-6 && b.maxZ() <= AnalyticRoom.CEILING + 0.05 * 2.5 + 1e-6, b.toString());
    double[] c = new double[3];
    double[] dir3 = new double[3];
    int outside = 0;
    int total = 0;
    for (Frame f : back.frames()) {
      f.pose().cameraCentre(c);
      assertTrue(b.contains(c[0], c[1], c[2]), "camera centre of " + f);
      DepthImage d = f.depth().orElseThrow();
      for (int y = 0; y < d.height(); y++) {
        for (int x = 0; x < d.width(); x++) {
          f.intrinsics().unproject(x, y, dir3);
          float z = d.get(x, y);
          f.pose().cameraToWorldPoint(dir3[0] * z, dir3[1] * z, z, c);
          total++;
          outside += b.contains(c[0], c[1], c[2]) ? 0 : 1;
        }
      }
    }
    assertEquals(0, outside, "of " + total + " observed points");
  }

  @Test
  void smallerDepthIsEnlargedByNearestNeighbour() throws IOException {
    InMemoryScene scene = AnalyticRoom.scene(2, 32, 24, 70);
    Path dir = tmp.resolve("s");
    SceneWriter.write(scene, dir);
    for (int i = 0; i < 2; i++) {
      DepthImage full = scene.frame(i).depth().orElseThrow();
      float[] half = new float[16 * 12];
      for (int y = 0; y < 12; y++) {
        for (int x = 0; x < 16; x++) {
          half[y * 16 + x] = full.get(2 * x, 2 * y);
        }
      }
      Path f = dir.resolve("depth").resolve(SceneLayout.frameName(i) + ".png");
      Files.delete(f);
      ImageFiles.writeDepthPng(new DepthImage(16, 12, half), f);
    }
    SceneFolder back = SceneFolder.open(dir);
    assertEquals(2, back.depthFactor());
    DepthImage d = back.frame(1).depth().orElseThrow();
    assertEquals(32, d.width());
    DepthImage full = scene.frame(1).depth().orElseThrow();
    for (int y = 0; y < 24; y++) {
      for (int x = 0; x < 32; x++) {
        assertEquals(full.get(x / 2 * 2, y / 2 * 2), d.get(x, y), 0.0005 + 1e-6);
      }
    }
  }

  @Test
  void copiesJpegColourImagesByteForByte() throws IOException {
    Path dir = tmp.resolve("a");
    SceneWriter.write(AnalyticRoom.scene(2, 16, 12, 70), dir);
    Path png = dir.resolve("rgb/00001.png");
    Path jpg = dir.resolve("rgb/00001.jpg");
    javax.imageio.ImageIO.write(javax.imageio.ImageIO.read(png.toFile()), "jpg", jpg.toFile());
    Files.delete(png);
    SceneFolder a = SceneFolder.open(dir);
    Path copy = tmp.resolve("b");
    SceneWriter.write(a, copy);
    assertArrayEquals(Files.readAllBytes(jpg), Files.readAllBytes(copy.resolve("rgb/00001.jpg")));
    assertTrue(Files.exists(copy.resolve("rgb/00000.png")));
    assertScenesEqual(a, SceneFolder.open(copy), 1e-9, 0);
  }

  @Test
  void refusesToWriteIntoANonEmptyFolder() throws IOException {
    Path dir = tmp.resolve("s");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("notes.txt"), "mine");
    assertThrows(FileAlreadyExistsException.class, () -> SceneWriter.write(AnalyticRoom.scene(1, 8, 6, 60), dir));
    assertEquals("mine", Files.readString(dir.resolve("notes.txt")));
  }

  @Test
  void failedWriteLeavesNothingBehind() throws IOException {
    InMemoryScene room = AnalyticRoom.scene(3, 8, 6, 60);
    Path broken = tmp.resolve("broken.png");
    Scene failing = new DelegatingScene(room) {
      @Override
      public Frame frame(int index) {
        Frame f = super.frame(index);
        return index < 2 ? f : new DelegatingFrame(f) {
          @Override
          public RgbImage rgb() throws IOException {
            throw new InvalidSceneException(broken, "corrupt or truncated image (test)");
          }
        };
      }
    };
    Path dir = tmp.resolve("out");
    InvalidSceneException e = assertThrows(InvalidSceneException.class, () -> SceneWriter.write(failing, dir));
    assertEquals(broken, e.file());
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of(), s.toList(), "neither the target nor a staging folder may remain");
    }
  }

  @Test
  void refusesFramesWithDifferentCameras() {
    InMemoryScene room = AnalyticRoom.scene(2, 8, 6, 60);
    Scene mixed = new DelegatingScene(room) {
      @Override
      public Frame frame(int index) {
        Frame f = super.frame(index);
        return index == 0 ? f : new DelegatingFrame(f) {
          @Override
          public CameraIntrinsics intrinsics() {
            CameraIntrinsics k = f.intrinsics();
            return new CameraIntrinsics(k.width(), k.height(), k.fx() * 1.01, k.fy(), k.cx(), k.cy());
          }
        };
      }
    };
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SceneWriter.write(mixed, tmp.resolve("x")));
    assertTrue(e.getMessage().contains("frame 1 has camera"), e.getMessage());
  }

  /** Forwards everything to another scene; tests override single methods. */
  static class DelegatingScene implements Scene {
    private final Scene d;

    DelegatingScene(Scene d) {
      this.d = d;
    }

    @Override
    public Optional<Path> directory() {
      return d.directory();
    }

    @Override
    public int size() {
      return d.size();
    }

    @Override
    public Frame frame(int index) {
      return d.frame(index);
    }

    @Override
    public List<Frame> frames() {
      return java.util.stream.IntStream.range(0, size()).mapToObj(this::frame).toList();
    }

    @Override
    public Aabb bounds() {
      return d.bounds();
    }

    @Override
    public List<String> classNames() {
      return d.classNames();
    }

    @Override
    public boolean hasGroundTruth() {
      return d.hasGroundTruth();
    }
  }

  /** Forwards everything to another frame. */
  static class DelegatingFrame implements Frame {
    private final Frame d;

    DelegatingFrame(Frame d) {
      this.d = d;
    }

    @Override
    public int index() {
      return d.index();
    }

    @Override
    public String name() {
      return d.name();
    }

    @Override
    public CameraIntrinsics intrinsics() {
      return d.intrinsics();
    }

    @Override
    public Pose pose() {
      return d.pose();
    }

    @Override
    public RgbImage rgb() throws IOException {
      return d.rgb();
    }

    @Override
    public boolean hasDepth() {
      return d.hasDepth();
    }

    @Override
    public Optional<DepthImage> depth() throws IOException {
      return d.depth();
    }

    @Override
    public Optional<LabelImage> groundTruth() throws IOException {
      return d.groundTruth();
    }

    @Override
    public Optional<LabelImage> scribbles() throws IOException {
      return d.scribbles();
    }
  }
}
