package io.github.bakefeature.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bakefeature.core.export.MaskExporter;
import io.github.bakefeature.core.io.AtomicFiles;
import io.github.bakefeature.core.io.ImageFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** segment, export and evaluate on a tiny scene with a model trained for a few steps. */
class ExportEvaluateCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path tmp;
  static Path scene;
  static Path ckpt;

  @BeforeAll
  static void trainTinyModel() {
    scene = tmp.resolve("scene");
    assertEquals(0, Cli.run("synth", "--frames", "4", "--width", "32", "--height", "24", "--out", scene.toString()).code());
    ckpt = tmp.resolve("m.ckpt");
    Cli.Result r = Cli.run("train", "--scene", scene.toString(), "--method", "snerf-freq", "--iters", "12", "--rays", "64",
        "--labels", "gt", "--holdout-every", "0", "--out", ckpt.toString());
    assertEquals(0, r.code(), r.err());
  }

  private static List<JsonNode> lines(String out) throws IOException {
    List<JsonNode> l = new ArrayList<>();
    for (String s : out.strip().split("\n")) {
      l.add(JSON.readTree(s));
    }
    return l;
  }

  @Test
  void segmentWritesMasksAndOverlaysOfTheChosenFrames() throws Exception {
    Path out = tmp.resolve("seg");
    Cli.Result r = Cli.run("segment", "--scene", scene.toString(), "--checkpoint", ckpt.toString(), "--frames", "0,2-3",
        "--out", out.toString(), "--keep-components", "2", "--connectivity", "8");
    assertEquals(0, r.code(), r.err());
    JsonNode line = lines(r.out()).get(0);
    assertEquals(3, line.get("frames").asInt());
    assertEquals(8, line.get("bit_depth").asInt());
    for (String f : new String[] {"00000", "00002", "00003"}) {
      assertEquals(32, ImageFiles.readHeader(out.resolve("masks/" + f + ".png")).width());
      assertEquals(3, ImageFiles.readHeader(out.resolve("overlays/" + f + ".png")).bands());
      assertTrue(MaskExporter.readMask(out.resolve("masks/" + f + ".png")).maxLabel() < 6);
    }
    assertTrue(Files.notExists(out.resolve("masks/00001.png")));
    JsonNode legend = JSON.readTree(out.resolve("classes.json").toFile());
    assertEquals("mug", legend.get("classes").get(2).get("name").asText());

    Cli.Result bad = Cli.run("segment", "--scene", scene.toString(), "--checkpoint", ckpt.toString(), "--frames", "7",
        "--out", out.toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("'7' is outside the scene's frames 0-3"), bad.err());
  }

  @Test
  void exportWritesMasksOrAPlyPointCloudButNeverBoth() throws Exception {
    Path masks = tmp.resolve("export-masks");
    Cli.Result m = Cli.run("export", "--scene", scene.toString(), "--checkpoint", ckpt.toString(), "--masks", masks.toString(),
        "--keep-components", "1");
    assertEquals(0, m.code(), m.err());
    assertEquals("masks", lines(m.out()).get(0).get("kind").asText());
    assertTrue(Files.exists(masks.resolve("masks/00003.png")));

    Path ply = tmp.resolve("cloud/scene.ply");
    Cli.Result c = Cli.run("export", "--scene", scene.toString(), "--checkpoint", ckpt.toString(), "--pointcloud",
        ply.toString(), "--voxel", "0.05", "--min-confidence", "0");
    assertEquals(0, c.code(), c.err());
    JsonNode line = lines(c.out()).get(0);
    assertEquals("pointcloud", line.get("kind").asText());
    assertEquals(0.05, line.get("voxel_m").asDouble(), 1e-12);
    int points = line.get("points").asInt();
    assertTrue(points > 0, "a model trained on depth renders surfaces: " + c.out());
    byte[] bytes = Files.readAllBytes(ply);
    String text = new String(bytes, StandardCharsets.US_ASCII);
    int end = text.indexOf("end_header\n") + "end_header\n".length();
    String header = text.substring(0, end);
    assertTrue(header.startsWith("ply\nformat binary_little_endian 1.0\n"), header);
    assertTrue(header.contains("element vertex " + points + "\n"), header);
    assertTrue(header.contains("comment class 2 #2ca02c mug\n"), header);
    assertEquals(points * 20L, bytes.length - end, "x y z float, rgb uchar, class uchar, confidence float");

    Cli.Result both = Cli.run("export", "--scene", scene.toString(), "--checkpoint", ckpt.toString(), "--masks",
        masks.toString(), "--pointcloud", ply.toString());
    assertEquals(2, both.code());
    assertTrue(both.err().contains("mutually exclusive"), both.err());
    Cli.Result neither = Cli.run("export", "--scene", scene.toString(), "--checkpoint", ckpt.toString());
    assertEquals(2, neither.code());
  }

  @Test
  void masksRenderedAtAFractionOfTheResolutionAreWrittenAtTheFrameSize() throws Exception {
    Path masks = tmp.resolve("export-masks-half");
    Cli.Result m = Cli.run("export", "--scene", scene.toString(), "--checkpoint", ckpt.toString(), "--masks", masks.toString(),
        "--render-scale", "0.5", "--frames", "1");
    assertEquals(0, m.code(), m.err());
    assertEquals(32, ImageFiles.readHeader(masks.resolve("masks/00001.png")).width());
    assertEquals(24, ImageFiles.readHeader(masks.resolve("masks/00001.png")).height());
    assertEquals(0.5, JSON.readTree(masks.resolve("classes.json").toFile()).get("render_scale").asDouble());
    Path seg = tmp.resolve("segment-half");
    Cli.Result s = Cli.run("segment", "--scene", scene.toString(), "--checkpoint", ckpt.toString(), "--out", seg.toString(),
        "--render-scale", "0.25", "--frames", "2");
    assertEquals(0, s.code(), s.err());
    assertEquals(32, ImageFiles.readHeader(seg.resolve("masks/00002.png")).width());

    Cli.Result up = Cli.run("export", "--scene", scene.toString(), "--checkpoint", ckpt.toString(), "--masks",
        tmp.resolve("export-masks-up").toString(), "--render-scale", "2");
    assertEquals(2, up.code());
    assertTrue(up.err().contains("mask render scale must be in (0, 1], found 2.0"), up.err());
  }

  @Test
  void anOptionOfTheOtherKindOfExportIsNamedInTheError() {
    Path ply = tmp.resolve("misplaced/scene.ply");
    Cli.Result keep = Cli.run("export", "--scene", scene.toString(), "--checkpoint", ckpt.toString(), "--pointcloud",
        ply.toString(), "--keep-components", "2");
    assertEquals(2, keep.code(), keep.err());
    assertTrue(keep.err().contains("--keep-components applies to --masks only, found it with --pointcloud"), keep.err());
    Path masks = tmp.resolve("misplaced-masks");
    Cli.Result voxel = Cli.run("export", "--scene", scene.toString(), "--checkpoint", ckpt.toString(), "--masks",
        masks.toString(), "--voxel", "0.1");
    assertEquals(2, voxel.code(), voxel.err());
    assertTrue(voxel.err().contains("--voxel applies to --pointcloud only, found it with --masks"), voxel.err());
    Cli.Result neither = Cli.run("export", "--scene", scene.toString(), "--checkpoint", ckpt.toString(), "--frames", "0");
    assertEquals(2, neither.code(), neither.err());
    assertTrue(neither.err().contains("expected --masks DIR") && neither.err().contains("or --pointcloud FILE"),
        neither.err());
    assertFalse(Files.exists(ply) || Files.exists(masks), "nothing written");
  }

  @Test
  void aModelThatNeverSawALabelExportsGeometryButNoMasks() throws Exception {
    Path unlabelled = tmp.resolve("rgbd-only.ckpt");
    Cli.Result t = Cli.run("train", "--scene", scene.toString(), "--method", "snerf-freq", "--iters", "4", "--rays", "64",
        "--labels", "none", "--holdout-every", "0", "--out", unlabelled.toString());
    assertEquals(0, t.code(), t.err());
    Cli.Result m = Cli.run("export", "--scene", scene.toString(), "--checkpoint", unlabelled.toString(), "--masks",
        tmp.resolve("no-masks").toString());
    assertEquals(2, m.code(), m.err());
    assertTrue(m.err().contains("expected a model trained with labels, found one that never saw a labelled pixel"),
        m.err());
    assertFalse(Files.exists(tmp.resolve("no-masks").resolve("masks")), "nothing written");
    Cli.Result s = Cli.run("segment", "--scene", scene.toString(), "--checkpoint", unlabelled.toString(), "--out",
        tmp.resolve("no-seg").toString());
    assertEquals(2, s.code(), s.err());
    Path ply = tmp.resolve("geometry.ply");
    Cli.Result c = Cli.run("export", "--scene", scene.toString(), "--checkpoint", unlabelled.toString(), "--pointcloud",
        ply.toString());
    assertEquals(0, c.code(), c.err());
    JsonNode line = lines(c.out()).get(0);
    assertFalse(line.get("labelled").asBoolean(), line.toString());
    assertTrue(line.get("points").asInt() > 0, line.toString());
    assertTrue(c.err().contains("never saw a labelled pixel: points carry depth and colour, class 255 (unknown)"),
        c.err());
    String header = new String(Files.readAllBytes(ply), java.nio.charset.StandardCharsets.ISO_8859_1);
    assertFalse(header.substring(0, header.indexOf("end_header")).contains("comment class "), "no legend");
    Path rendered = tmp.resolve("render-unlabelled");
    // A labelled model's render of the same frame was written there before: its class map must not
    // stay beside the new colour and depth as if the unlabelled model had made it.
    assertEquals(0, Cli.run("render", "--scene", scene.toString(), "--checkpoint", ckpt.toString(), "--frame", "1",
        "--out", rendered.toString()).code());
    assertTrue(Files.exists(rendered.resolve("00001_classes.png")));
    Cli.Result r = Cli.run("render", "--scene", scene.toString(), "--checkpoint", unlabelled.toString(), "--frame", "1",
        "--out", rendered.toString());
    assertEquals(0, r.code(), r.err());
    assertFalse(lines(r.out()).get(0).get("classes").asBoolean(), r.out());
    assertTrue(Files.exists(rendered.resolve("00001_colour.png")) && Files.exists(rendered.resolve("00001_depth.png")));
    assertFalse(Files.exists(rendered.resolve("00001_classes.png")), "no class map of arbitrary classes");
    assertFalse(Files.exists(rendered.resolve("00001_confidence.png")));
    assertTrue(r.err().contains("removed the class map and confidence of an earlier render"), r.err());
    // The labelled model's export says so too.
    Cli.Result l = Cli.run("export", "--scene", scene.toString(), "--checkpoint", ckpt.toString(), "--pointcloud",
        tmp.resolve("labelled.ply").toString());
    assertTrue(lines(l.out()).get(0).get("labelled").asBoolean(), l.out());
  }

  @Test
  void evaluateRefusesAModelThatNeverSawALabel() throws Exception {
    Path unlabelled = tmp.resolve("rgbd-only-evaluate.ckpt");
    Cli.Result t = Cli.run("train", "--scene", scene.toString(), "--method", "snerf-freq", "--iters", "2", "--rays", "32",
        "--labels", "none", "--holdout-every", "0", "--out", unlabelled.toString());
    assertEquals(0, t.code(), t.err());
    Cli.Result e = Cli.run("evaluate", "--scene", scene.toString(), "--checkpoint", unlabelled.toString());
    assertEquals(2, e.code(), e.err());
    assertTrue(e.err().contains(unlabelled.toString()) && e.err().contains("never saw a labelled pixel"), e.err());
    assertEquals("", e.out(), "no mIoU of arbitrary classes");
  }

  @Test
  void segmentExportAndEvaluateShowOneProgressStepPerRenderedFrameOnStderr() throws Exception {
    Cli.Result s = Cli.run("segment", "--scene", scene.toString(), "--checkpoint", ckpt.toString(), "--frames", "0,2",
        "--out", tmp.resolve("progress-seg").toString());
    assertEquals(0, s.code(), s.err());
    assertTrue(s.err().substring(s.err().lastIndexOf("segment frames")).contains("2/2"), s.err());
    Cli.Result m = Cli.run("export", "--scene", scene.toString(), "--checkpoint", ckpt.toString(), "--frames", "1",
        "--masks", tmp.resolve("progress-masks").toString());
    assertEquals(0, m.code(), m.err());
    assertTrue(m.err().substring(m.err().lastIndexOf("export masks")).contains("1/1"), m.err());
    Cli.Result c = Cli.run("export", "--scene", scene.toString(), "--checkpoint", ckpt.toString(), "--frame-stride", "2",
        "--pointcloud", tmp.resolve("progress.ply").toString());
    assertEquals(0, c.code(), c.err());
    assertTrue(c.err().substring(c.err().lastIndexOf("export point cloud")).contains("2/2"), c.err());
    Cli.Result e = Cli.run("evaluate", "--scene", scene.toString(), "--checkpoint", ckpt.toString(), "--frames", "0,1,3");
    assertEquals(0, e.code(), e.err());
    assertTrue(e.err().substring(e.err().lastIndexOf("evaluate frames")).contains("3/3"), e.err());
    for (Cli.Result r : List.of(s, m, c, e)) {
      lines(r.out()); // stdout stays JSON lines
    }
  }

  @Test
  void exportMasksTakesMinConfidenceAsSegmentDoes() throws Exception {
    Path plain = tmp.resolve("conf-plain");
    Path strict = tmp.resolve("conf-strict");
    Path segmented = tmp.resolve("conf-segment");
    String[] model = {"--scene", scene.toString(), "--checkpoint", ckpt.toString()};
    Cli.Result p = Cli.run(concat(new String[] {"export"}, model, new String[] {"--masks", plain.toString()}));
    Cli.Result e = Cli.run(concat(new String[] {"export"}, model,
        new String[] {"--masks", strict.toString(), "--min-confidence", "0.99"}));
    Cli.Result s = Cli.run(concat(new String[] {"segment"}, model,
        new String[] {"--out", segmented.toString(), "--min-confidence", "0.99"}));
    assertEquals(0, p.code(), p.err());
    assertEquals(0, e.code(), e.err());
    assertEquals(0, s.code(), s.err());
    long unknownPlain = lines(p.out()).get(0).get("unknown_pixels").asLong();
    long unknownStrict = lines(e.out()).get(0).get("unknown_pixels").asLong();
    assertTrue(unknownStrict > unknownPlain, "a model trained 12 steps is rarely 99% sure: " + unknownStrict);
    assertEquals(lines(s.out()).get(0).get("unknown_pixels").asLong(), unknownStrict);
    for (String f : new String[] {"00000", "00001", "00002", "00003"}) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(
          MaskExporter.readMask(segmented.resolve("masks/" + f + ".png")).labels(),
          MaskExporter.readMask(strict.resolve("masks/" + f + ".png")).labels(), f);
    }
  }

  private static String[] concat(String[]... parts) {
    return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
  }

  @Test
  void evaluatePrintsMiouAccuracyAndOneIouLinePerClass() throws Exception {
    Cli.Result r = Cli.run("evaluate", "--scene", scene.toString(), "--checkpoint", ckpt.toString());
    assertEquals(0, r.code(), r.err());
    List<JsonNode> l = lines(r.out());
    assertEquals(2 + 6, l.size(), r.out());
    assertEquals("miou", l.get(0).get("metric").asText());
    assertEquals("gt_semantic", l.get(0).get("reference").asText());
    assertEquals(4, l.get(0).get("frames").asInt());
    double miou = l.get(0).get("value").asDouble();
    assertTrue(miou >= 0 && miou <= 1, r.out());
    assertEquals("pixel_accuracy", l.get(1).get("metric").asText());
    double mean = 0;
    int defined = 0;
    for (int c = 0; c < 6; c++) {
      JsonNode n = l.get(2 + c);
      assertEquals("iou", n.get("metric").asText());
      assertEquals(c, n.get("class_id").asInt());
      if (!n.get("value").isNull()) {
        mean += n.get("value").asDouble();
        defined++;
      }
    }
    assertEquals(miou, mean / defined, 1e-9, "mIoU is the mean of the defined per-class IoUs");
  }

  @Test
  void evaluateAtARenderScaleMeasuresTheMasksSegmentWritesAtThatScale() throws Exception {
    Path seg = tmp.resolve("segment-for-evaluate");
    Cli.Result s = Cli.run("segment", "--scene", scene.toString(), "--checkpoint", ckpt.toString(), "--out", seg.toString(),
        "--render-scale", "0.5", "--frames", "1,2");
    assertEquals(0, s.code(), s.err());
    Cli.Result r = Cli.run("evaluate", "--scene", scene.toString(), "--checkpoint", ckpt.toString(), "--render-scale", "0.5",
        "--frames", "1,2");
    assertEquals(0, r.code(), r.err());
    JsonNode miou = lines(r.out()).get(0);
    assertEquals(0.5, miou.get("render_scale").asDouble());
    // The written masks, with unknown (no ray hit) read as the class 0 the renderer gives such rays.
    io.github.bakefeature.api.scene.Scene sc = io.github.bakefeature.core.scene.SceneFolder.open(scene);
    io.github.bakefeature.core.eval.SegmentationMetrics m = new io.github.bakefeature.core.eval.SegmentationMetrics(6);
    for (int f : new int[] {1, 2}) {
      short[] mask = MaskExporter.readMask(seg.resolve("masks/0000" + f + ".png")).labels();
      for (int i = 0; i < mask.length; i++) {
        mask[i] = mask[i] < 0 ? 0 : mask[i];
      }
      m.add(mask, sc.frame(f).groundTruth().orElseThrow().labels());
    }
    assertEquals(m.meanIou(), miou.get("value").asDouble(), 1e-12);

    Cli.Result bad = Cli.run("evaluate", "--scene", scene.toString(), "--checkpoint", ckpt.toString(), "--render-scale", "0");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--render-scale must be in (0, 1], found 0.0"), bad.err());
  }

  @Test
  void evaluateReadsLabelmePolygonsAndNamesUnknownLabels() throws Exception {
    Path copy = tmp.resolve("labelme-scene");
    Cli.run("synth", "--frames", "4", "--width", "32", "--height", "24", "--out", copy.toString());
    AtomicFiles.deleteRecursively(copy.resolve("gt_semantic"));
    Path masks = Files.createDirectories(copy.resolve("gt_masks"));
    Files.writeString(masks.resolve("00001.json"), "{\"shapes\": [{\"label\": \"table\", \"points\": "
        + "[[0,12],[31,12],[31,23],[0,23]], \"shape_type\": \"polygon\"}], \"imageWidth\": 32, \"imageHeight\": 24}");
    Cli.Result r = Cli.run("evaluate", "--scene", copy.toString(), "--checkpoint", ckpt.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode first = lines(r.out()).get(0);
    assertEquals("gt_masks", first.get("reference").asText());
    assertEquals(1, first.get("frames").asInt());
    assertEquals(32 * 24, first.get("pixels").asInt(), "background fills what no polygon covers");

    Files.writeString(masks.resolve("00002.json"), "{\"shapes\": [{\"label\": \"teapot\", \"points\": "
        + "[[0,0],[5,0],[5,5]]}], \"imageWidth\": 32, \"imageHeight\": 24}");
    Cli.Result bad = Cli.run("evaluate", "--scene", copy.toString(), "--checkpoint", ckpt.toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("00002.json") && bad.err().contains("\"teapot\""), bad.err());
  }
}
