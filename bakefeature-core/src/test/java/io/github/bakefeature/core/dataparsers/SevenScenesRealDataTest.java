package io.github.bakefeature.core.dataparsers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.scene.MultiViewConsistency;
import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.scene.SceneInspector;
import io.github.bakefeature.core.scene.SceneSummary;
import io.github.bakefeature.core.scene.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 7-Scenes importer on real captured data (100 frames of "redkitchen", every 10th frame, in
 * the project's shared data, never in the repository). Skips with the reason when the data is
 * absent; {@link SevenScenesImporterTest} covers the same code on synthetic data.
 */
class SevenScenesRealDataTest {
  static final String NAME = "7scenes-redkitchen-100";
  static Optional<Path> data;

  @BeforeAll
  static void locate() {
    data = SharedData.find(NAME);
  }

  @Test
  void depthOfConsecutiveFramesAgreesWithinSensorNoise(@TempDir Path tmp) throws IOException {
    assumeTrue(data.isPresent(), SharedData.whyMissing(NAME));
    // 17 pairs of consecutive samples (10 original frames, 1/3 s apart) spread over the sequence,
    // linked into a temporary folder so only they are decoded.
    List<Integer> frames = new ArrayList<>();
    for (int i = 0; i + 1 < 100; i += 6) {
      frames.add(10 * i);
      frames.add(10 * (i + 1));
    }
    Scene s = new SevenScenesImporter().read(link(data.get(), tmp.resolve("seq"), frames, ".color.jpg"));
    assertEquals(34, s.size());
    CameraIntrinsics k = s.frame(0).intrinsics();
    assertEquals(new CameraIntrinsics(640, 480, 585, 585, 320, 240), k);
    List<int[]> pairs = new ArrayList<>();
    for (int i = 0; i < s.size(); i += 2) {
      pairs.add(new int[] {i, i + 1});
    }
    int[][] p = pairs.toArray(new int[0][]);
    MultiViewConsistency.Stats ok = Consistency.pooled(s, p, 4, UnaryOperator.identity());
    Consistency.report("7scenes", "redkitchen frames 10i, 10(i+1) (17 pairs, every 4th pixel)", ok);
    assertTrue(ok.overlap() > 0.5, ok.toString());
    // Kinect v1 depth noise at 1-3 m is about 1-3 cm, plus pose error and unregistered depth.
    assertTrue(ok.median() < 0.02 && ok.p90() < 0.08, ok.toString());
    MultiViewConsistency.Stats wrong = Consistency.pooled(s, p, 4, ForeignLayouts::inverted);
    Consistency.report("7scenes", "redkitchen with poses inverted (wrong convention)", wrong);
    assertTrue(!(wrong.median() < 4 * ok.median() + 0.03), "a wrong convention must disagree far more: " + wrong);
  }

  @Test
  void importsRealJpegAndDepthIntoAValidScene(@TempDir Path tmp) throws IOException {
    assumeTrue(data.isPresent(), SharedData.whyMissing(NAME));
    // Eight frames, linked (not copied) into a temporary sequence folder.
    Path seq = link(data.get(), tmp.resolve("seq"), List.of(0, 10, 20, 30, 40, 50, 60, 70), ".color.jpg");
    Path out = tmp.resolve("scene");
    SceneFolder scene = Importers.importScene("7scenes", seq, out, (done, total) -> { });
    SceneSummary summary = SceneInspector.inspect(scene);
    assertEquals(8, summary.frames());
    assertEquals(640, summary.width());
    assertTrue(summary.depthCoverage() > 0.5 && summary.depthCoverage() < 1, "coverage " + summary.depthCoverage());
    assertArrayEquals(Files.readAllBytes(data.get().resolve("frame-000030.color.jpg")),
        Files.readAllBytes(out.resolve("rgb/00003.jpg")));
    System.out.println("{\"metric\":\"7scenes_sample_depth_coverage\",\"value\":" + summary.depthCoverage() + "}");
  }

  /** Links the given original frame numbers (and the intrinsics) of {@code data} into {@code seq}. */
  static Path link(Path data, Path seq, List<Integer> frames, String colour) throws IOException {
    Files.createDirectories(seq);
    Files.createSymbolicLink(seq.resolve(SevenScenesImporter.INTRINSICS), data.resolve(SevenScenesImporter.INTRINSICS));
    for (int i : frames) {
      for (String suffix : new String[] {colour, ".depth.png", ".pose.txt"}) {
        String name = String.format("frame-%06d%s", i, suffix);
        Files.createSymbolicLink(seq.resolve(name), data.resolve(name));
      }
    }
    return seq;
  }
}
