package io.github.bakefeature.core.scene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.InvalidSceneException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of malformed scenes, each made from one valid small scene by one defect. Every one must
 * fail with an {@link InvalidSceneException} — not a NullPointerException, an index error or a
 * scene object — whose message names the faulty file and says what is wrong. Defects visible in
 * headers and text files fail {@link SceneFolder#open}; defects in pixel data (truncation, label
 * values of dense ground truth) fail full validation and the first access to the image.
 */
class MalformedSceneTest {
  @TempDir static Path tmp;
  static Path valid;
  static int counter;

  /** When the defect is detected. */
  enum Phase { OPEN, DECODE }

  /** One malformed scene: how to break the valid one, and what the error must say. */
  record Defect(String name, Mutation mutation, String file, String problem, Phase phase) {
    @Override
    public String toString() {
      return name;
    }
  }

  @FunctionalInterface
  interface Mutation {
    void apply(Path dir) throws IOException;
  }

  @BeforeAll
  static void writeValidScene() throws IOException {
    valid = tmp.resolve("valid");
    SceneWriter.write(AnalyticRoom.scene(3, 16, 12, 70), valid);
  }

  @Test
  void theUnbrokenSceneIsValid() throws IOException {
    SceneFolder s = SceneFolder.builder(valid).optFullValidation(true).open();
    assertEquals(3, s.size());
    assertEquals(2, SceneInspector.inspect(s).annotatedFrames());
  }

  static Stream<Defect> defects() {
    return Stream.of(
        new Defect("scene folder missing", d -> AtomicFilesHelper.delete(d),
            "", "scene folder does not exist", Phase.OPEN),
        new Defect("scene folder is a file", d -> {
          AtomicFilesHelper.delete(d);
          Files.writeString(d, "x");
        }, "", "expected a scene folder, found a file", Phase.OPEN),
        new Defect("missing rgb folder", d -> AtomicFilesHelper.delete(d.resolve("rgb")),
            "rgb", "missing folder", Phase.OPEN),
        new Defect("missing pose folder", d -> AtomicFilesHelper.delete(d.resolve("pose")),
            "pose", "missing folder", Phase.OPEN),
        new Defect("semantic is a file", d -> {
          AtomicFilesHelper.delete(d.resolve("semantic"));
          Files.writeString(d.resolve("semantic"), "x");
        }, "semantic", "expected a folder of label PNGs, found a file", Phase.OPEN),
        new Defect("depth is a file", d -> {
          AtomicFilesHelper.delete(d.resolve("depth"));
          Files.writeString(d.resolve("depth"), "x");
        }, "depth", "expected a folder of 16-bit depth PNGs, found a file", Phase.OPEN),
        new Defect("empty scene", d -> {
          for (int i = 0; i < 3; i++) {
            Files.delete(d.resolve("rgb/0000" + i + ".png"));
          }
        }, "rgb", "empty scene: expected at least one", Phase.OPEN),
        new Defect("pose missing for a frame", d -> Files.delete(d.resolve("pose/00001.txt")),
            "pose", "frame count mismatch: expected 3 files matching rgb/, found 2; missing 00001.txt", Phase.OPEN),
        new Defect("extra depth file", d -> Files.copy(d.resolve("depth/00000.png"), d.resolve("depth/00007.png")),
            "depth", "found 4; without a colour image: 00007.png", Phase.OPEN),
        new Defect("two images for one frame", d -> Files.write(d.resolve("rgb/00001.jpg"),
            encode(new BufferedImage(16, 12, BufferedImage.TYPE_3BYTE_BGR), "jpg")),
            "rgb/00001.png", "two images for frame '00001'", Phase.OPEN),
        new Defect("missing intrinsics", d -> Files.delete(d.resolve("intrinsics.txt")),
            "intrinsics.txt", "file does not exist", Phase.OPEN),
        new Defect("non-positive focal length", d -> Files.writeString(d.resolve("intrinsics.txt"),
            "0 0 8\n0 -5 6\n0 0 1\n"), "intrinsics.txt", "focal lengths must be positive, found fx=0.0 fy=-5.0", Phase.OPEN),
        new Defect("intrinsics with 6 numbers", d -> Files.writeString(d.resolve("intrinsics.txt"),
            "20 0 8\n0 20 6\n"), "intrinsics.txt", "expected a 3x3 or 4x4 camera matrix (9 or 16 numbers), found 6", Phase.OPEN),
        new Defect("intrinsics for another resolution", d -> Files.writeString(d.resolve("intrinsics.txt"),
            "500 0 319.5\n0 500 239.5\n0 0 1\n"), "intrinsics.txt", "lies outside the 16x12 colour images", Phase.OPEN),
        new Defect("intrinsics with skew", d -> Files.writeString(d.resolve("intrinsics.txt"),
            "20 3 8\n0 20 6\n0 0 1\n"), "intrinsics.txt", "skew is not supported", Phase.OPEN),
        new Defect("intrinsics with non-numeric entry", d -> Files.writeString(d.resolve("intrinsics.txt"),
            "20 0 8\n0 20 six\n0 0 1\n"), "intrinsics.txt", "line 2: expected a number, found 'six'", Phase.OPEN),
        new Defect("non-finite pose", d -> replaceFirstNumber(d.resolve("pose/00001.txt"), "nan"),
            "pose/00001.txt", "matrix has a non-finite entry (NaN)", Phase.OPEN),
        new Defect("infinite pose", d -> replaceFirstNumber(d.resolve("pose/00002.txt"), "-inf"),
            "pose/00002.txt", "non-finite entry (-Infinity)", Phase.OPEN),
        new Defect("scaled rotation", d -> Files.writeString(d.resolve("pose/00001.txt"),
            "1.5 0 0 0\n0 1.5 0 0\n0 0 1.5 0\n0 0 0 1\n"), "pose/00001.txt", "rotation is not orthonormal", Phase.OPEN),
        new Defect("mirrored rotation", d -> Files.writeString(d.resolve("pose/00001.txt"),
            "-1 0 0 0\n0 1 0 0\n0 0 1 0\n0 0 0 1\n"), "pose/00001.txt", "rotation is a reflection", Phase.OPEN),
        new Defect("pose with 15 numbers", d -> Files.writeString(d.resolve("pose/00000.txt"),
            "1 0 0 0\n0 1 0 0\n0 0 1 0\n0 0 0\n"), "pose/00000.txt", "expected a 4x4 matrix (16 numbers), found 15 numbers", Phase.OPEN),
        new Defect("pose with bad last row", d -> Files.writeString(d.resolve("pose/00000.txt"),
            "1 0 0 0\n0 1 0 0\n0 0 1 0\n0 0 1 1\n"), "pose/00000.txt", "expected last row 0 0 0 1", Phase.OPEN),
        new Defect("colour image that is text", d -> Files.writeString(d.resolve("rgb/00001.png"), "not a png"),
            "rgb/00001.png", "not a readable image (expected PNG or JPEG)", Phase.OPEN),
        new Defect("colour images of different sizes", d -> writePng(d.resolve("rgb/00002.png"),
            new BufferedImage(8, 6, BufferedImage.TYPE_3BYTE_BGR)), "rgb/00002.png",
            "expected 16x12 like the first frame 00000.png, found 8x6", Phase.OPEN),
        new Defect("truncated colour PNG", d -> truncate(d.resolve("rgb/00001.png"), 0.6),
            "rgb/00001.png", "corrupt or truncated image", Phase.DECODE),
        new Defect("truncated colour JPEG", d -> {
          Files.delete(d.resolve("rgb/00001.png"));
          byte[] jpg = encode(ImageIO.read(valid.resolve("rgb/00001.png").toFile()), "jpg");
          Files.write(d.resolve("rgb/00001.jpg"), Arrays.copyOf(jpg, midScan(jpg)));
        }, "rgb/00001.jpg", "corrupt or truncated image", Phase.DECODE),
        new Defect("truncated depth PNG", d -> truncate(d.resolve("depth/00002.png"), 0.5),
            "depth/00002.png", "corrupt or truncated image", Phase.DECODE),
        new Defect("empty depth file", d -> Files.write(d.resolve("depth/00001.png"), new byte[0]),
            "depth/00001.png", "not a readable image", Phase.OPEN),
        new Defect("depth smaller by a non-integral factor", d -> writePng(d.resolve("depth/00001.png"), grey16(5, 4)),
            "depth/00001.png", "depth is 5x4 but colour is 16x12; expected the same size or smaller by one integer factor", Phase.OPEN),
        new Defect("depth with different factors per axis", d -> writePng(d.resolve("depth/00000.png"), grey16(8, 12)),
            "depth/00000.png", "depth is 8x12 but colour is 16x12", Phase.OPEN),
        new Defect("depth resolution differing between frames", d -> writePng(d.resolve("depth/00002.png"), grey16(8, 6)),
            "depth/00002.png", "expected depth 16x12 like the first frame, found 8x6", Phase.OPEN),
        new Defect("8-bit depth", d -> writePng(d.resolve("depth/00001.png"),
            new BufferedImage(16, 12, BufferedImage.TYPE_BYTE_GRAY)), "depth/00001.png",
            "expected a 16-bit single-channel depth PNG in millimetres, found 8-bit grey png", Phase.OPEN),
        new Defect("depth as JPEG", d -> Files.write(d.resolve("depth/00001.jpg"),
            encode(new BufferedImage(16, 12, BufferedImage.TYPE_BYTE_GRAY), "jpg")),
            "depth/00001.jpg", "expected a PNG, found a JPEG file", Phase.OPEN),
        new Defect("scribble value above the class count", d -> writePng(d.resolve("semantic/00000.png"), grey8(16, 12, 9)),
            "semantic/00000.png", "label value 9 is out of range: the scene has 4 classes, so values must be at most 4", Phase.OPEN),
        new Defect("scribbles in colour", d -> writePng(d.resolve("semantic/00000.png"),
            new BufferedImage(16, 12, BufferedImage.TYPE_3BYTE_BGR)), "semantic/00000.png",
            "expected a single-channel 8- or 16-bit label PNG", Phase.OPEN),
        new Defect("scribbles of another aspect ratio", d -> writePng(d.resolve("semantic/00001.png"), grey8(8, 8, 1)),
            "semantic/00001.png", "expected 16x12 like the colour images, or the same aspect ratio (|w*12 - h*16| <= 16,"
            + " e.g. 720x540 as the paper's tool saves them), found 8x8", Phase.OPEN),
        new Defect("ground truth of another size", d -> writePng(d.resolve("gt_semantic/00001.png"), grey8(8, 6, 1)),
            "gt_semantic/00001.png", "expected 16x12 like the colour images, found 8x6", Phase.OPEN),
        new Defect("scribbles without a frame", d -> writePng(d.resolve("semantic/00009.png"), grey8(16, 12, 1)),
            "semantic/00009.png", "no colour image rgb/00009.png|jpg for this label file", Phase.OPEN),
        new Defect("scribbles as JPEG", d -> Files.write(d.resolve("semantic/00002.jpg"),
            encode(new BufferedImage(16, 12, BufferedImage.TYPE_BYTE_GRAY), "jpg")),
            "semantic/00002.jpg", "expected a PNG, found a JPEG file", Phase.OPEN),
        new Defect("ground truth value above the class count", d -> writePng(d.resolve("gt_semantic/00001.png"),
            grey8(16, 12, 200)), "gt_semantic/00001.png", "label value 200 is out of range", Phase.DECODE),
        new Defect("labels without metadata.json", d -> Files.delete(d.resolve("metadata.json")),
            "metadata.json", "file does not exist, but semantic/ holds label images", Phase.OPEN),
        new Defect("metadata.json not JSON", d -> Files.writeString(d.resolve("metadata.json"), "{n_classes: 4"),
            "metadata.json", "not valid JSON", Phase.OPEN),
        new Defect("metadata.json empty", d -> Files.writeString(d.resolve("metadata.json"), ""),
            "metadata.json", "expected a JSON object with n_classes and classes, found an empty file", Phase.OPEN),
        new Defect("metadata.json count mismatch", d -> Files.writeString(d.resolve("metadata.json"),
            "{\"n_classes\": 3, \"classes\": [\"a\", \"b\", \"c\", \"d\"]}"), "metadata.json",
            "n_classes is 3 but \"classes\" lists 4 names", Phase.OPEN),
        new Defect("metadata.json n_classes not an integer", d -> Files.writeString(d.resolve("metadata.json"),
            "{\"n_classes\": \"four\"}"), "metadata.json", "expected \"n_classes\" to be an integer", Phase.OPEN),
        new Defect("metadata.json duplicate class", d -> Files.writeString(d.resolve("metadata.json"),
            "{\"classes\": [\"floor\", \"wall\", \"floor\", \"x\"]}"), "metadata.json",
            "class name \"floor\" appears twice", Phase.OPEN),
        new Defect("metadata.json classes not an array", d -> Files.writeString(d.resolve("metadata.json"),
            "{\"classes\": \"floor\"}"), "metadata.json", "expected \"classes\" to be an array of names, found string", Phase.OPEN),
        new Defect("metadata.json with trailing content", d -> Files.writeString(d.resolve("metadata.json"),
            "{\"n_classes\": 4} trailing\n"), "metadata.json",
            "expected one JSON object and nothing after it, found more content at line 1, column 18", Phase.OPEN),
        new Defect("metadata.json with two objects", d -> Files.writeString(d.resolve("metadata.json"),
            "{\"n_classes\": 4}\n{\"n_classes\": 5}\n"), "metadata.json",
            "expected one JSON object and nothing after it, found more content at line 2, column 1", Phase.OPEN),
        new Defect("metadata.json with more classes than labels hold", d -> Files.writeString(d.resolve("metadata.json"),
            "{\"n_classes\": 32769}"), "metadata.json", "expected \"n_classes\" to be an integer in [1, 32768], found 32769",
            Phase.OPEN),
        new Defect("bbox.txt with 5 numbers", d -> Files.writeString(d.resolve("bbox.txt"), "0 0 0 1 1\n"),
            "bbox.txt", "expected 6 numbers (min x y z, max x y z), or 7 with the voxel size autolabel appends, found 5",
            Phase.OPEN),
        new Defect("bbox.txt with 8 numbers", d -> Files.writeString(d.resolve("bbox.txt"), "0 0 0 1 1 1 0.01 7\n"),
            "bbox.txt", "or 7 with the voxel size autolabel appends, found 8", Phase.OPEN),
        new Defect("bbox.txt with a zero voxel size", d -> Files.writeString(d.resolve("bbox.txt"), "-2 -2 0 2 2 2.5 0\n"),
            "bbox.txt", "expected the 7th number (autolabel's voxel size, in metres) to be positive and finite, found 0.0",
            Phase.OPEN),
        new Defect("bbox.txt with a non-finite voxel size", d -> Files.writeString(d.resolve("bbox.txt"), "-2 -2 0 2 2 2.5 nan\n"),
            "bbox.txt", "to be positive and finite, found NaN", Phase.OPEN),
        new Defect("pose absurdly far from the others without bbox.txt", d -> {
          Files.delete(d.resolve("bbox.txt"));
          Files.writeString(d.resolve("pose/00001.txt"), "1 0 0 1e39\n0 1 0 0\n0 0 1 0\n0 0 0 1\n");
        }, "pose/00001.txt", "camera centre (-1.000e+39, 0.000, 0.000) is 1.000e+39 m from the median camera centre",
            Phase.OPEN),
        new Defect("depth folder of TIFFs", d -> {
          for (int i = 0; i < 3; i++) {
            Files.move(d.resolve("depth/0000" + i + ".png"), d.resolve("depth/0000" + i + ".tiff"));
          }
          Files.writeString(d.resolve("depth/scale.npy"), "x");
        }, "depth", "expected 16-bit PNG depth maps in millimetres (00000.png, ...), found no .png but 1 .npy, 3 .tiff",
            Phase.OPEN),
        new Defect("colour image whose header claims 20000x20000", d -> Files.write(d.resolve("rgb/00001.png"),
            io.github.bakefeature.core.io.CraftedImages.pngClaiming(20000, 20000, 2, 8)), "rgb/00001.png",
            "image too large: 20000x20000, at most 67108864 pixels", Phase.OPEN),
        new Defect("JPEG colour image whose header claims 20000x20000", d -> {
          Files.delete(d.resolve("rgb/00002.png"));
          Files.write(d.resolve("rgb/00002.jpg"), io.github.bakefeature.core.io.CraftedImages.jpegClaiming(20000, 20000));
        }, "rgb/00002.jpg", "image too large: 20000x20000", Phase.OPEN),
        new Defect("bbox.txt with min above max", d -> Files.writeString(d.resolve("bbox.txt"), "1 0 0 0 1 1\n"),
            "bbox.txt", "bounds must have min < max on every axis", Phase.OPEN),
        new Defect("bbox.txt not numbers", d -> Files.writeString(d.resolve("bbox.txt"), "min 0 0 1 1 1\n"),
            "bbox.txt", "expected a number, found 'min'", Phase.OPEN),
        new Defect("a folder in place of a scribble PNG", d -> {
          Files.delete(d.resolve("semantic/00001.png"));
          Files.createDirectory(d.resolve("semantic/00001.png"));
        }, "semantic/00001.png", "expected a file, found a folder", Phase.OPEN),
        new Defect("a folder in place of a pose file", d -> {
          Files.delete(d.resolve("pose/00002.txt"));
          Files.createDirectory(d.resolve("pose/00002.txt"));
        }, "pose/00002.txt", "expected a file, found a folder", Phase.OPEN));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("defects")
  void malformedSceneFailsWithAMessageNamingTheFileAndTheProblem(Defect defect) throws IOException {
    Path dir = tmp.resolve("case" + (counter++));
    copyTree(valid, dir);
    defect.mutation().apply(dir);
    Path expectedFile = defect.file().isEmpty() ? dir : dir.resolve(defect.file());

    if (defect.phase() == Phase.OPEN) {
      InvalidSceneException e = assertThrows(InvalidSceneException.class, () -> SceneFolder.open(dir));
      check(e, expectedFile, defect);
    } else {
      // The header is fine, so the scene opens; the first use of the image and full validation fail.
      SceneFolder lazy = SceneFolder.open(dir);
      InvalidSceneException e = assertThrows(InvalidSceneException.class, () -> SceneInspector.inspect(lazy));
      check(e, expectedFile, defect);
      InvalidSceneException again = assertThrows(InvalidSceneException.class, () -> touchEveryImage(lazy));
      check(again, expectedFile, defect);
    }
    // With full validation no scene object is ever handed out.
    InvalidSceneException full = assertThrows(InvalidSceneException.class,
        () -> SceneFolder.builder(dir).optFullValidation(true).open());
    check(full, expectedFile, defect);
  }

  private static void check(InvalidSceneException e, Path expectedFile, Defect defect) {
    assertEquals(expectedFile, e.file(), "file blamed for '" + defect + "': " + e.getMessage());
    assertTrue(e.getMessage().startsWith(expectedFile.toString() + ": "), e.getMessage());
    assertTrue(e.problem().contains(defect.problem()),
        "problem for '" + defect + "' should contain \"" + defect.problem() + "\" but is: " + e.problem());
  }

  private static void touchEveryImage(SceneFolder s) throws IOException {
    for (var f : s.frames()) {
      f.rgb();
      f.depth();
      f.groundTruth();
      f.scribbles();
    }
  }

  @Test
  void corpusCoversAtLeastFifteenDefects() {
    List<Defect> all = defects().toList();
    assertTrue(all.size() >= 15, "defects: " + all.size());
    assertEquals(all.size(), all.stream().map(Defect::name).distinct().count(), "unique names");
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** Small file-tree helpers for the mutations. */
  static final class AtomicFilesHelper {
    static void delete(Path p) throws IOException {
      io.github.bakefeature.core.io.AtomicFiles.deleteRecursively(p);
    }
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  static void replaceFirstNumber(Path file, String with) throws IOException {
    String s = Files.readString(file).strip();
    Files.writeString(file, with + s.substring(s.indexOf(' ')));
  }

  static void truncate(Path file, double keep) throws IOException {
    byte[] b = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(b, (int) (b.length * keep)));
  }

  /** An offset half-way through a JPEG's entropy-coded data: headers intact, pixels cut. */
  static int midScan(byte[] jpg) {
    for (int i = 0; i + 1 < jpg.length; i++) {
      if ((jpg[i] & 0xff) == 0xff && (jpg[i + 1] & 0xff) == 0xda) {
        int headerEnd = i + 2 + ((jpg[i + 2] & 0xff) << 8 | (jpg[i + 3] & 0xff));
        return headerEnd + (jpg.length - headerEnd) / 2;
      }
    }
    throw new IllegalStateException("no start-of-scan marker");
  }

  static byte[] encode(BufferedImage img, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ImageIO.write(img, format, out)) {
      throw new IOException("no writer for " + format);
    }
    return out.toByteArray();
  }

  static void writePng(Path file, BufferedImage img) throws IOException {
    Files.write(file, encode(img, "png"));
  }

  static BufferedImage grey16(int w, int h) {
    BufferedImage b = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
    int[] v = new int[w * h];
    Arrays.fill(v, 1500);
    b.getRaster().setSamples(0, 0, w, h, 0, v);
    return b;
  }

  static BufferedImage grey8(int w, int h, int value) {
    BufferedImage b = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    int[] v = new int[w * h];
    Arrays.fill(v, value);
    b.getRaster().setSamples(0, 0, w, h, 0, v);
    return b;
  }
}
