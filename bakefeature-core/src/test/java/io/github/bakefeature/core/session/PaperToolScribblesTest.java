package io.github.bakefeature.core.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.annotation.Stroke;
import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.core.io.ImageFiles;
import io.github.bakefeature.core.io.ImageHeader;
import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.scene.SceneInspector;
import io.github.bakefeature.core.scene.SceneSummary;
import io.github.bakefeature.core.scene.SceneWriter;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scribbles saved by the paper's tool at its canvas size (720 px wide, 720x540 for 320x240
 * images): read resized (nearest neighbour) by the scene, the store and whatever reads scribbles,
 * not rewritten by opening, and kept in {@code session/set-aside/} when the first change of the
 * frame rewrites them at the images' size.
 */
class PaperToolScribblesTest {
  private static final int W = 320;
  private static final int H = 240;

  @TempDir
  Path tmp;

  private Path dir;
  private Path png;
  private byte[] original;
  private LabelImage expected;

  @BeforeEach
  void scene() throws Exception {
    dir = tmp.resolve("scene");
    SceneWriter.write(SyntheticScenes.tabletop(3, W, H, 1), dir);
    // A 720x540 label image of 90 px squares (classes 0..2, unlabelled rows at the bottom), as the
    // paper's tool saves it.
    short[] canvas = new short[720 * 540];
    for (int y = 0; y < 540; y++) {
      for (int x = 0; x < 720; x++) {
        canvas[y * 720 + x] = (short) (y >= 450 ? -1 : (x / 90 + y / 90) % 3);
      }
    }
    png = dir.resolve("semantic").resolve("00001.png");
    ImageFiles.writeLabelPng(new LabelImage(720, 540, canvas), true, png);
    original = Files.readAllBytes(png);
    // Frame pixel (x, y) takes canvas pixel (floor((x + 0.5) * 720 / 320), floor((y + 0.5) * 540 / 240)).
    short[] frame = new short[W * H];
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        frame[y * W + x] = canvas[(int) ((y + 0.5) * 540 / H) * 720 + (int) ((x + 0.5) * 720 / W)];
      }
    }
    expected = new LabelImage(W, H, frame);
  }

  @Test
  void sceneTrainingAndInfoReadThemResizedAndOpeningDoesNotRewriteThem() throws Exception {
    SceneFolder scene = SceneFolder.open(dir);
    LabelImage read = scene.frame(1).scribbles().orElseThrow();
    assertEquals(W, read.width());
    assertEquals(H, read.height());
    assertArrayEquals(expected.labels(), read.labels(), "nearest neighbour at pixel centres");
    SceneSummary info = SceneInspector.inspect(SceneFolder.builder(dir).optFullValidation(true).open());
    assertEquals(expected.labelledCount(), info.scribblePixels(), "bakefeature info counts them at the frame size");
    try (DefaultLabelSession session = DefaultLabelSession.builder(scene)
        .optMethod(io.github.bakefeature.core.fields.MethodPreset.SNERF_FREQ)
        .optAutoStart(false)
        .build()) {
      assertArrayEquals(expected.labels(), session.scribbles(1).labels());
      assertEquals(expected.labelledCount(), session.progress().annotatedPixels());
      assertEquals(List.of(1), session.annotatedFrames());
      assertTrue(session.store().loadWarnings().isEmpty(), session.store().loadWarnings().toString());
    }
    assertArrayEquals(original, Files.readAllBytes(png), "opening, a session and closing leave the file as it was");
    assertFalse(Files.exists(dir.resolve("session").resolve(AnnotationStore.SET_ASIDE)));
  }

  @Test
  void firstChangeKeepsTheOriginalInSetAsideAndWritesTheFrameSize() throws Exception {
    try (AnnotationStore s = AnnotationStore.open(SceneFolder.open(dir))) {
      assertArrayEquals(expected.labels(), s.scribbles(1).labels());
      s.applyStroke(1, Stroke.erase(4, 10, 10));
      s.applyStroke(1, Stroke.paint(2, 4, 100, 100));
      ImageHeader h = ImageFiles.readHeader(png);
      assertEquals(W + "x" + H, h.width() + "x" + h.height(), "rewritten at the frame size");
      Path kept = onlySetAsideFolder();
      assertArrayEquals(original, Files.readAllBytes(kept.resolve("00001.png")), "the other tool's file, byte for byte");
      String reasons = Files.readString(kept.resolve("reasons.txt"));
      assertTrue(reasons.contains("00001.png") && reasons.contains("720x540") && reasons.contains(W + "x" + H), reasons);
    }
    try (AnnotationStore again = AnnotationStore.open(SceneFolder.open(dir))) {
      assertTrue(again.loadWarnings().isEmpty(), again.loadWarnings().toString());
      assertEquals(2, again.historySize());
      assertNotNull(again.undo());
      assertNotNull(again.undo());
      assertArrayEquals(expected.labels(), again.scribbles(1).labels(), "undo goes back to the resized original");
      assertEquals(1, setAsideFolders().size(), "kept once, not at every change");
    }
  }

  @Test
  void failedFirstChangePutsTheOriginalFileBack() throws Exception {
    try (AnnotationStore s = AnnotationStore.open(SceneFolder.open(dir))) {
      Path json = dir.resolve("session").resolve("session.json");
      s.writeHook = f -> {
        if (f.equals(json)) {
          throw new IOException("simulated: " + f + " cannot be written");
        }
      };
      assertThrows(IOException.class, () -> s.applyStroke(1, Stroke.erase(4, 10, 10)));
      assertArrayEquals(original, Files.readAllBytes(png), "the 720x540 file is back as it was");
      assertArrayEquals(expected.labels(), s.scribbles(1).labels());
      s.writeHook = f -> { };
      s.applyStroke(1, Stroke.erase(4, 10, 10));
      assertEquals(W, ImageFiles.readHeader(png).width());
    }
  }

  @Test
  void scribblesOfAnotherAspectRatioAreRefusedNamingTheFileAndSizes() throws Exception {
    SceneFolder scene = SceneFolder.open(dir);
    ImageFiles.writeLabelPng(LabelImage.unlabelled(720, 720), true, png);
    InvalidSceneException e = assertThrows(InvalidSceneException.class, () -> SceneFolder.open(dir));
    assertEquals(png, e.file());
    assertTrue(e.getMessage().contains("expected 320x240 like the colour images, or the same aspect ratio")
        && e.getMessage().contains("found 720x720"), e.getMessage());
    // A file replaced after the scene was opened: the store refuses it the same way.
    InvalidSceneException fromStore = assertThrows(InvalidSceneException.class, () -> AnnotationStore.open(scene));
    assertEquals(png, fromStore.file());
    assertTrue(fromStore.getMessage().contains("found 720x720"), fromStore.getMessage());
  }

  @Test
  void groundTruthMustBeAtTheImageSize() throws Exception {
    Path gt = dir.resolve("gt_semantic").resolve("00000.png");
    ImageFiles.writeLabelPng(LabelImage.unlabelled(720, 540), true, gt);
    InvalidSceneException e = assertThrows(InvalidSceneException.class, () -> SceneFolder.open(dir));
    assertEquals(gt, e.file());
    assertTrue(e.getMessage().contains("expected 320x240 like the colour images, found 720x540"), e.getMessage());
  }

  private List<Path> setAsideFolders() throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve("session").resolve(AnnotationStore.SET_ASIDE))) {
      return s.collect(Collectors.toList());
    }
  }

  private Path onlySetAsideFolder() throws IOException {
    List<Path> all = setAsideFolders();
    assertEquals(1, all.size(), all.toString());
    return all.get(0);
  }
}
