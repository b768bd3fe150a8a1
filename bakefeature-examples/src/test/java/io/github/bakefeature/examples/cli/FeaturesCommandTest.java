package io.github.bakefeature.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.core.io.ImageFiles;
import io.github.bakefeature.core.scene.InMemoryScene;
import io.github.bakefeature.core.scene.SceneWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class FeaturesCommandTest {
  private static final int W = 40;
  private static final int H = 30;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cl = BakeFeatureCli.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }
  @Test
  void featureCacheRootHasOneNameEverywhere() {
    CommandLine cl = BakeFeatureCli.newCommandLine();
    for (String command : new String[] {"features", "train", "simulate", "gui"}) {
      CommandLine.Model.CommandSpec spec = cl.getSubcommands().get(command).getCommandSpec();
      CommandLine.Model.OptionSpec option = spec.findOption("--cache-dir");
      assertTrue(option != null && option == spec.findOption("--features"),
          command + " takes the cache root as --features and --cache-dir");
    }
  }



  private static Path scene(Path dir) throws IOException {
    InMemoryScene.Builder b = InMemoryScene.builder().optBounds(new Aabb(-1, -1, -1, 1, 1, 1));
    CameraIntrinsics k = CameraIntrinsics.fromHorizontalFov(W, H, 60);
    for (int f = 0; f < 3; f++) {
      byte[] px = new byte[W * H * 3];
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          int i = (y * W + x) * 3;
          boolean inside = Math.hypot(x - 12 - 5 * f, y - 15) < 8;
          px[i] = (byte) (inside ? 220 : 30 + 4 * x);
          px[i + 1] = (byte) (inside ? 40 : 6 * y);
          px[i + 2] = (byte) (x > 30 ? 200 : 60);
        }
      }
      b.addFrame(k, Pose.identity(), new RgbImage(W, H, px), null, null, null);
    }
    SceneWriter.write(b.build(), dir);
    return dir;
  }

  @Test
  void buildsThenReusesTheCacheAndWritesPcaImages(@TempDir Path tmp) throws IOException {
    Path dir = scene(tmp.resolve("scene"));
    Path pca = tmp.resolve("pca");
    Run first = run("features", "--scene", dir.toString(), "--dim", "8", "--ae-steps", "20", "--pca-out", pca.toString());
    assertEquals(0, first.exit(), first.err());
    String[] lines = first.out().strip().split("\n");
    assertEquals(1, lines.length, "one JSON line on stdout: " + first.out());
    JsonNode j = new ObjectMapper().readTree(lines[0]);
    assertEquals(3, j.get("frames").asInt());
    assertEquals(50, j.get("M").asInt());
    assertEquals(8, j.get("D").asInt());
    assertFalse(j.get("reused").asBoolean());
    double err = j.get("reconstruction_error").asDouble();
    assertTrue(err > 0 && err < 1, "reconstruction error " + err);
    assertTrue(j.get("cache_dir").asText().contains("cache"), j.toString());
    assertTrue(j.get("seconds").asDouble() > 0);
    assertTrue(first.err().contains("extract"), "progress on stderr: " + first.err());
    for (int f = 0; f < 3; f++) {
      Path png = pca.resolve(String.format("%05d.png", f));
      assertTrue(Files.exists(png), png.toString());
      RgbImage img = ImageFiles.readRgb(png);
      assertEquals(W, img.width());
      assertEquals(H, img.height());
    }

    Run second = run("features", "--scene", dir.toString(), "--dim", "8", "--ae-steps", "20");
    assertEquals(0, second.exit(), second.err());
    JsonNode j2 = new ObjectMapper().readTree(second.out().strip());
    assertTrue(j2.get("reused").asBoolean());
    assertEquals(err, j2.get("reconstruction_error").asDouble());
    assertEquals(j.get("cache_dir").asText(), j2.get("cache_dir").asText());

    // The extractor's own features (Fig. 1 of the paper) instead of the codes: other colours.
    Path rawPca = tmp.resolve("pca-raw");
    Run raw = run("features", "--scene", dir.toString(), "--dim", "8", "--ae-steps", "20", "--pca-out", rawPca.toString(),
        "--pca-of", "extractor");
    assertEquals(0, raw.exit(), raw.err());
    assertTrue(raw.err().contains("extractor's 50-dimensional features"), raw.err());
    for (int f = 0; f < 3; f++) {
      String name = String.format("%05d.png", f);
      RgbImage img = ImageFiles.readRgb(rawPca.resolve(name));
      assertEquals(W, img.width());
      assertFalse(java.util.Arrays.equals(Files.readAllBytes(pca.resolve(name)), Files.readAllBytes(rawPca.resolve(name))));
    }
    Run bad = run("features", "--scene", dir.toString(), "--pca-out", rawPca.toString(), "--pca-of", "pixels");
    assertEquals(2, bad.exit(), bad.err());
    assertTrue(bad.err().contains("--pca-of must be codes or extractor, found 'pixels'"), bad.err());
  }

  @Test
  void badInputExitsWithTwo(@TempDir Path tmp) throws IOException {
    Run missing = run("features", "--scene", tmp.resolve("nope").toString());
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("nope"), missing.err());
    Path dir = scene(tmp.resolve("scene"));
    Run unknown = run("features", "--scene", dir.toString(), "--extractor", "resnet");
    assertEquals(2, unknown.exit());
    assertTrue(unknown.err().contains("filterbank"), unknown.err());
    Run noModel = run("features", "--scene", dir.toString(), "--extractor", "torchscript:" + tmp.resolve("m.pt"));
    assertEquals(2, noModel.exit());
    assertTrue(noModel.err().contains("m.pt"), noModel.err());
  }

  @Test
  void aTruncatedImageFailsBeforeTheCacheFolderIsTouched(@TempDir Path tmp) throws IOException {
    Path dir = scene(tmp.resolve("scene"));
    Path img = dir.resolve("rgb").resolve("00002.png");
    byte[] bytes = Files.readAllBytes(img);
    Files.write(img, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    Run r = run("features", "--scene", dir.toString(), "--dim", "8", "--ae-steps", "20");
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("00002.png"), r.err());
    assertFalse(r.err().contains("features: filterbank"), "no extraction started: " + r.err());
    assertFalse(Files.exists(dir.resolve("cache")), "nothing written into the scene");
  }

  @Test
  void rebuildsCacheWhoseFramesFolderWasReplacedByAFile(@TempDir Path tmp) throws IOException {
    Path dir = scene(tmp.resolve("scene"));
    Run first = run("features", "--scene", dir.toString(), "--dim", "8", "--ae-steps", "20");
    assertEquals(0, first.exit(), first.err());
    Path cache = Path.of(new ObjectMapper().readTree(first.out().strip()).get("cache_dir").asText());
    io.github.bakefeature.core.io.AtomicFiles.deleteRecursively(cache.resolve("frames"));
    Files.writeString(cache.resolve("frames"), "oops");

    Run second = run("features", "--scene", dir.toString(), "--dim", "8", "--ae-steps", "20");
    assertEquals(0, second.exit(), second.err());
    assertFalse(new ObjectMapper().readTree(second.out().strip()).get("reused").asBoolean());
    assertTrue(second.err().contains("built (frames: expected a folder, found a regular file) " + cache), second.err());
    assertTrue(Files.isDirectory(cache.resolve("frames")));
    Run third = run("features", "--scene", dir.toString(), "--dim", "8", "--ae-steps", "20");
    assertTrue(new ObjectMapper().readTree(third.out().strip()).get("reused").asBoolean());
  }

  @Test
  void cacheFolderThatIsAFileExitsWithTwoNamingIt(@TempDir Path tmp) throws IOException {
    Path dir = scene(tmp.resolve("scene"));
    Run first = run("features", "--scene", dir.toString(), "--dim", "8", "--ae-steps", "20");
    assertEquals(0, first.exit(), first.err());
    Path cache = Path.of(new ObjectMapper().readTree(first.out().strip()).get("cache_dir").asText());
    io.github.bakefeature.core.io.AtomicFiles.deleteRecursively(cache);
    Files.writeString(cache, "mine");

    Run second = run("features", "--scene", dir.toString(), "--dim", "8", "--ae-steps", "20");
    assertEquals(2, second.exit(), second.err());
    assertTrue(second.err().contains("bakefeature features: " + cache
        + ": expected the feature cache folder, found a regular file"), second.err());
    assertFalse(second.err().contains("\tat "), "no stack trace: " + second.err());
    assertEquals("mine", Files.readString(cache));
  }
}
