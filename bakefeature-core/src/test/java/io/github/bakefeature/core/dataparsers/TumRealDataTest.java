package io.github.bakefeature.core.dataparsers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.io.ImageFiles;
import io.github.bakefeature.core.io.TextNumbers;
import io.github.bakefeature.core.scene.MultiViewConsistency;
import io.github.bakefeature.core.scene.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TUM importer on real Kinect data: the 7-Scenes sample of the project's shared data (never
 * in the repository) rewritten in the TUM layout a SLAM system would leave (colour list, depth at
 * 5000 units per metre, a trajectory of scalar-last quaternions), imported, and compared with the
 * 7-Scenes importer on the same frames. Skips with the reason when the data is absent;
 * {@link TumImporterTest} covers the same code on synthetic data.
 */
class TumRealDataTest {
  static Optional<Path> data;

  @BeforeAll
  static void locate() {
    data = SharedData.find(SevenScenesRealDataTest.NAME);
  }

  @Test
  void realKinectSequenceInTumLayoutAgreesWithTheSevenScenesImport(@TempDir Path tmp) throws IOException {
    assumeTrue(data.isPresent(), SharedData.whyMissing(SevenScenesRealDataTest.NAME));
    List<Integer> frames = new ArrayList<>();
    for (int i = 0; i + 1 < 100; i += 6) {
      frames.add(10 * i);
      frames.add(10 * (i + 1));
    }
    Path tum = Files.createDirectories(tmp.resolve("my_slam_capture"));
    Files.createDirectories(tum.resolve("rgb"));
    Files.createDirectories(tum.resolve("depth"));
    StringBuilder rgb = new StringBuilder("# timestamp filename\n");
    StringBuilder depth = new StringBuilder("# timestamp filename\n");
    StringBuilder trajectory = new StringBuilder("# timestamp tx ty tz qx qy qz qw\n");
    for (int f : frames) {
      String t = String.format(Locale.ROOT, "%.6f", 1_000 + f / 30.0);
      String dt = String.format(Locale.ROOT, "%.6f", 1_000 + f / 30.0 + 0.004); // depth 4 ms later
      String name = String.format("frame-%06d", f);
      Files.createSymbolicLink(tum.resolve("rgb/" + t + ".jpg"), data.get().resolve(name + ".color.jpg"));
      rgb.append(t).append(" rgb/").append(t).append(".jpg\n");
      int[] size = new int[2];
      int[] mm = ImageFiles.readChannel(data.get().resolve(name + ".depth.png"), size);
      int[] units = new int[mm.length];
      for (int p = 0; p < mm.length; p++) {
        // 7-Scenes: millimetres, 0 and 65535 invalid; TUM: 5000 units per metre, 0 invalid.
        units[p] = mm[p] == 65535 || mm[p] * 5 > 65535 ? 0 : mm[p] * 5;
      }
      ForeignLayouts.write16(tum.resolve("depth/" + dt + ".png"), size[0], size[1], units);
      depth.append(dt).append(" depth/").append(dt).append(".png\n");
      double[] c2w = TextNumbers.read(data.get().resolve(name + ".pose.txt"));
      double[] q = ForeignLayouts.quaternion(c2w);
      trajectory.append(String.format(Locale.ROOT, "%s %.9f %.9f %.9f %.9f %.9f %.9f %.9f\n", t, c2w[3], c2w[7],
          c2w[11], q[0], q[1], q[2], q[3]));
    }
    Files.writeString(tum.resolve("rgb.txt"), rgb);
    Files.writeString(tum.resolve("depth.txt"), depth);
    Files.writeString(tum.resolve("groundtruth.txt"), trajectory);

    Scene s = TumImporter.builder().optIntrinsics(585, 585, 320, 240).build().read(tum);
    Scene reference = new SevenScenesImporter().read(
        SevenScenesRealDataTest.link(data.get(), tmp.resolve("seq"), frames, ".color.jpg"));
    assertEquals(reference.size(), s.size());
    int[][] pairs = new int[s.size() / 2][];
    for (int i = 0; i < pairs.length; i++) {
      pairs[i] = new int[] {2 * i, 2 * i + 1};
    }
    MultiViewConsistency.Stats ok = Consistency.pooled(s, pairs, 4, UnaryOperator.identity());
    MultiViewConsistency.Stats ref = Consistency.pooled(reference, pairs, 4, UnaryOperator.identity());
    Consistency.report("tum", "7-Scenes redkitchen rewritten as TUM (17 pairs, every 4th pixel)", ok);
    assertTrue(Math.abs(ok.median() - ref.median()) < 0.0005 && Math.abs(ok.p90() - ref.p90()) < 0.002,
        "TUM " + ok + " vs 7-Scenes " + ref);
    assertTrue(ok.median() < 0.02 && ok.p90() < 0.08, ok.toString());
    MultiViewConsistency.Stats wrong = Consistency.pooled(s, pairs, 4, ForeignLayouts::inverted);
    assertTrue(!(wrong.median() < 4 * ok.median() + 0.03), "a wrong convention must disagree far more: " + wrong);
  }
}
