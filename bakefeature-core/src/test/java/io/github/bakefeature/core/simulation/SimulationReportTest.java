package io.github.bakefeature.core.simulation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.core.fields.SemanticHead;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing a report, reading it back, merging folders, and the messages for malformed files. */
class SimulationReportTest {
  @TempDir
  Path tmp;

  private static SimulationResult result(String method, SemanticHead head, double... miou) {
    return result(method, head, ViewRendering.MEASURED_DEPTH, miou);
  }

  private static SimulationResult result(String method, SemanticHead head, ViewRendering views, double... miou) {
    List<SimulationRound> rounds = new java.util.ArrayList<>();
    for (int i = 0; i < miou.length; i++) {
      rounds.add(new SimulationRound(method, i, 5 * i, 100 + 250L * i, 1.5 * i, miou[i], Math.min(i, 2)));
    }
    return new SimulationResult(method, head, views, 7, 100, 512, 12.25, 3.5, new int[] {4, 9}, 80, 60, rounds);
  }

  @Test
  void readsBackWhatItWrote() throws Exception {
    List<SimulationResult> written = List.of(
        result("ours", SemanticHead.DAMPED, 0.1, 0.5, 0.85, 0.92),
        result("snerf-freq", SemanticHead.END_TO_END, ViewRendering.NOVEL, 0.05, Double.NaN, 0.4));
    SimulationReport.write(written, tmp);
    List<SimulationResult> read = SimulationReport.read(tmp);
    assertEquals(2, read.size());
    for (int i = 0; i < 2; i++) {
      SimulationResult a = written.get(i);
      SimulationResult b = read.get(i);
      assertEquals(a.method(), b.method());
      assertEquals(a.semanticHead(), b.semanticHead());
      assertEquals(a.views(), b.views());
      assertEquals(a.seed(), b.seed());
      assertEquals(a.warmupSteps(), b.warmupSteps());
      assertEquals(512, b.raysPerStep());
      assertEquals(a.warmupSeconds(), b.warmupSeconds(), 1e-9);
      assertEquals(a.evaluationSeconds(), b.evaluationSeconds(), 1e-9);
      assertArrayEquals(a.heldOutFrames(), b.heldOutFrames());
      assertEquals(80, b.evaluationWidth());
      assertEquals(60, b.evaluationHeight());
      assertEquals(a.rounds(), b.rounds(), "rounds as written (3 decimals of seconds, 6 of mIoU suffice here)");
    }
    assertEquals(SimulationReport.csv(written), Files.readString(tmp.resolve(SimulationReport.CSV)));
    assertEquals(SimulationReport.thresholds(written).stream().map(SimulationReport::toJson).toList(),
        SimulationReport.thresholds(read).stream().map(SimulationReport::toJson).toList());
  }

  @Test
  void readsReportsWrittenBeforeHeldOutFramesWereRecorded() throws Exception {
    SimulationReport.write(List.of(result("ours", SemanticHead.DAMPED, 0.1, 0.5)), tmp);
    Path jsonl = tmp.resolve(SimulationReport.THRESHOLDS);
    String old = Files.readString(jsonl).replace(",\"held_out_frames\":[4,9],\"evaluation_width\":80,\"evaluation_height\":60", "");
    assertTrue(!old.contains("held_out"), old);
    Files.writeString(jsonl, old);
    SimulationResult r = SimulationReport.read(tmp).get(0);
    assertEquals(0, r.heldOutFrames().length);
    assertTrue(!SimulationReport.thresholds(List.of(r)).get(0).containsKey("held_out_frames"),
        "unknown held-out frames are left out rather than written as none");
  }

  @Test
  void refusesHeldOutFramesOrEvaluationSizeOfTheWrongType() throws Exception {
    // Before: a held_out_frames that was not an array counted as "not recorded", so a merge of
    // runs on different scenes skipped the check that their held-out frames agree.
    SimulationReport.write(List.of(result("ours", SemanticHead.DAMPED, 0.1, 0.5)), tmp);
    Path jsonl = tmp.resolve(SimulationReport.THRESHOLDS);
    String written = Files.readString(jsonl);
    for (String[] bad : new String[][] {
        {"\"held_out_frames\":[4,9]", "\"held_out_frames\":null", "expected frame indices in 'held_out_frames', found null"},
        {"\"held_out_frames\":[4,9]", "\"held_out_frames\":\"x\"", "expected frame indices in 'held_out_frames', found \"x\""},
        {"\"evaluation_width\":80", "\"evaluation_width\":\"80\"", "expected a pixel count >= 0 for 'evaluation_width', found \"80\""},
        {"\"evaluation_height\":60", "\"evaluation_height\":-60", "expected a pixel count >= 0 for 'evaluation_height', found -60"},
        {"\"rays\":512", "\"rays\":0", "expected a ray count > 0 for 'rays', found 0"},
        {"\"rays\":512", "\"rays\":512.5", "expected a ray count > 0 for 'rays', found 512.5"}}) {
      assertTrue(written.contains(bad[0]), written);
      Files.writeString(jsonl, written.replace(bad[0], bad[1]));
      SimulationReport.MalformedReportException e = assertThrows(SimulationReport.MalformedReportException.class,
          () -> SimulationReport.read(tmp));
      assertTrue(e.getMessage().startsWith(jsonl.toString()) && e.getMessage().contains(bad[2]), e.getMessage());
    }
  }

  @Test
  void mergesFoldersInOrderAndLabelsNonDefaultHeads() throws Exception {
    SimulationReport.write(List.of(result("ours", SemanticHead.DAMPED, 0.2, 0.81)), tmp.resolve("a"));
    SimulationReport.write(List.of(result("snerf-freq", SemanticHead.END_TO_END, 0.1, 0.3, 0.5, 0.6),
        result("snerf-hg-freq", SemanticHead.DAMPED, 0.1, 0.9)), tmp.resolve("b"));
    List<SimulationResult> merged = SimulationReport.merge(List.of(tmp.resolve("a"), tmp.resolve("b")));
    assertEquals(List.of("ours", "snerf-freq", "snerf-hg-freq (damped head)"),
        merged.stream().map(SimulationReport::label).toList());
    assertEquals(4, merged.get(1).rounds().size(), "a baseline may have more rounds than the others");
    assertEquals(5, SimulationReport.thresholds(merged).get(0).get("clicks_to_80"));

    SimulationReport.write(merged, tmp.resolve("a"));
    assertEquals(3, SimulationReport.read(tmp.resolve("a")).size(), "the output may be one of the inputs");
  }

  @Test
  void rejectsTheSameCurveInTwoFolders() throws Exception {
    SimulationReport.write(List.of(result("ours", SemanticHead.DAMPED, 0.2)), tmp.resolve("a"));
    SimulationReport.write(List.of(result("ours", SemanticHead.DAMPED, 0.3)), tmp.resolve("b"));
    SimulationReport.write(List.of(result("ours", SemanticHead.PROBE, 0.3)), tmp.resolve("c"));
    var e = assertThrows(SimulationReport.MalformedReportException.class,
        () -> SimulationReport.merge(List.of(tmp.resolve("a"), tmp.resolve("b"))));
    assertTrue(e.getMessage().contains("'ours'") && e.getMessage().contains(tmp.resolve("a").toString()), e.getMessage());
    assertEquals(2, SimulationReport.merge(List.of(tmp.resolve("a"), tmp.resolve("c"))).size(),
        "another head of the same method is another curve");
  }

  @Test
  void readsReportsWrittenBeforeTheViewsWereRecordedAsNovelViews() throws Exception {
    SimulationReport.write(List.of(result("ours", SemanticHead.DAMPED, 0.1, 0.5)), tmp);
    Path jsonl = tmp.resolve(SimulationReport.THRESHOLDS);
    String current = Files.readString(jsonl);
    assertTrue(current.contains(",\"views\":\"depth\","), current);
    Files.writeString(jsonl, current.replace(",\"views\":\"depth\"", ""));
    assertEquals(ViewRendering.NOVEL, SimulationReport.read(tmp).get(0).views(), "earlier versions rendered novel views");
  }

  @Test
  void refusesToMergeRunsRenderedDifferently() throws Exception {
    SimulationReport.write(List.of(result("ours", SemanticHead.DAMPED, 0.2)), tmp.resolve("a"));
    SimulationReport.write(List.of(result("snerf-freq", SemanticHead.END_TO_END, ViewRendering.NOVEL, 0.3)),
        tmp.resolve("b"));
    var e = assertThrows(SimulationReport.MalformedReportException.class,
        () -> SimulationReport.merge(List.of(tmp.resolve("a"), tmp.resolve("b"))));
    assertTrue(e.getMessage().startsWith(tmp.resolve("b").resolve(SimulationReport.THRESHOLDS).toString())
        && e.getMessage().contains("'snerf-freq' rendered its views as 'novel' but 'ours' in " + tmp.resolve("a")
        + " as 'depth'"), e.getMessage());
  }

  @Test
  void refusesToMergeRunsOfAnotherSceneOrProtocol() throws Exception {
    SimulationReport.write(List.of(result("ours", SemanticHead.DAMPED, 0.2, 0.4)), tmp.resolve("a"));
    SimulationResult b = result("snerf-freq", SemanticHead.END_TO_END, 0.3, 0.5);
    // Another scene (other held-out frames), another warm-up, other steps per round.
    SimulationResult otherScene = new SimulationResult(b.method(), b.semanticHead(), b.views(), 7, 100, 512, 1, 1,
        new int[] {4, 9, 14}, 80, 60, b.rounds());
    SimulationResult otherWarmup = new SimulationResult(b.method(), b.semanticHead(), b.views(), 7, 800, 512, 1, 1,
        new int[] {4, 9}, 80, 60, b.rounds());
    SimulationResult otherSteps = new SimulationResult(b.method(), b.semanticHead(), b.views(), 7, 100, 512, 1, 1,
        new int[] {4, 9}, 80, 60, List.of(b.rounds().get(0), new SimulationRound("snerf-freq", 1, 5, 100 + 50, 1.5, 0.5, 1)));
    SimulationResult otherRays = new SimulationResult(b.method(), b.semanticHead(), b.views(), 7, 100, 1024, 1, 1,
        new int[] {4, 9}, 80, 60, b.rounds());
    String[] expected = {"held-out frames [4, 9, 14], expected [4, 9]", "warm-up 800 steps, expected 100",
        "50 steps per round, expected 250", "1024 rays per step, expected 512"};
    SimulationResult[] bad = {otherScene, otherWarmup, otherSteps, otherRays};
    for (int i = 0; i < bad.length; i++) {
      Path dir = tmp.resolve("b" + i);
      SimulationReport.write(List.of(bad[i]), dir);
      var e = assertThrows(SimulationReport.MalformedReportException.class,
          () -> SimulationReport.merge(List.of(tmp.resolve("a"), dir)));
      assertTrue(e.getMessage().contains("curve 'snerf-freq' ran another protocol than 'ours' in " + tmp.resolve("a")
          + ": " + expected[i]), e.getMessage());
    }
    SimulationReport.write(List.of(b), tmp.resolve("same"));
    assertEquals(2, SimulationReport.merge(List.of(tmp.resolve("a"), tmp.resolve("same"))).size());
  }

  @Test
  void thresholdsAreTheSameBeforeAndAfterTheCsvRoundsTheMiou() throws Exception {
    // 0.79999951 is written as 0.800000: the run and the report read back must agree on reaching 80%.
    SimulationResult r = result("ours", SemanticHead.DAMPED, 0.1, 0.79999951, 0.85);
    assertEquals(5, SimulationReport.thresholds(List.of(r)).get(0).get("clicks_to_80"));
    SimulationReport.write(List.of(r), tmp);
    assertEquals(5, SimulationReport.thresholds(SimulationReport.read(tmp)).get(0).get("clicks_to_80"));
  }

  @Test
  void readsReportsWrittenBeforeTheSemanticHeadColumn() throws Exception {
    List<SimulationResult> written = List.of(result("ours", SemanticHead.DAMPED, 0.2, 0.4, 0.6),
        result("ours", SemanticHead.PROBE, 0.3, 0.5, 0.7));
    SimulationReport.write(written, tmp);
    Path csv = tmp.resolve(SimulationReport.CSV);
    String current = Files.readString(csv);
    assertTrue(current.contains("ours,2,10,") && current.contains(",damped,2\n") && current.contains(",probe,2\n"), current);
    // The oldest layout: the same rows without the last two columns.
    Files.writeString(csv, current.replaceAll(",(semantic_head|damped|probe),(classes_clicked|\\d+)\n", "\n"));
    List<SimulationResult> read = SimulationReport.read(tmp);
    assertEquals(List.of(SemanticHead.DAMPED, SemanticHead.PROBE), read.stream().map(SimulationResult::semanticHead).toList());
    assertEquals(0.7, read.get(1).rounds().get(2).miou(), 1e-6);
    assertEquals(-1, read.get(1).rounds().get(2).classesClicked(), "not recorded then");
  }

  @Test
  void readsReportsWrittenBeforeTheClickedClassesColumnAndWritesThemBackAsUnknown() throws Exception {
    SimulationReport.write(List.of(result("ours", SemanticHead.DAMPED, 0.2, 0.4, 0.6)), tmp);
    Path csv = tmp.resolve(SimulationReport.CSV);
    String current = Files.readString(csv);
    assertTrue(current.startsWith(SimulationReport.HEADER + "\n") && current.contains("ours,1,5,350,1.500,0.400000,damped,1\n"),
        current);
    Files.writeString(csv, current.replaceAll(",(classes_clicked|\\d+)\n", "\n"));
    List<SimulationResult> read = SimulationReport.read(tmp);
    assertEquals(List.of(-1, -1, -1), read.get(0).rounds().stream().map(SimulationRound::classesClicked).toList());
    assertEquals(0.6, read.get(0).rounds().get(2).miou(), 1e-6);
    assertTrue(SimulationReport.csv(read).contains("ours,1,5,350,1.500,0.400000,damped,\n"),
        "unknown stays an empty field, not a number nobody measured");
  }

  @Test
  void namesTheFileLineAndProblemOfMalformedReports() throws Exception {
    SimulationReport.write(List.of(result("ours", SemanticHead.DAMPED, 0.2, 0.4, 0.6)), tmp);
    Path csv = tmp.resolve(SimulationReport.CSV);
    Path jsonl = tmp.resolve(SimulationReport.THRESHOLDS);
    String goodCsv = Files.readString(csv);
    String goodJson = Files.readString(jsonl);

    String[][] badCsv = {
        {"method,round,clicks\n", "line 1: expected the header"},
        {goodCsv.replace("ours,1,5,", "ours,1,five,"), "line 3: expected clicks to be an integer"},
        {goodCsv.replace("ours,2,", "ours,3,"), "line 4: expected round 0 of a method or round 2 of ours (damped head), found round 3"},
        {goodCsv.replace("ours,2,10,", "ours,2,3,"), "line 4: expected clicks, steps and wall_seconds no smaller"},
        {goodCsv.replace("0.600000", "1.600000"), "line 4: expected miou to be a number in [0.0, 1.0], found '1.600000'"},
        {goodCsv.replace(",0.400000", ""), "line 3: expected 8 comma-separated fields, found 7"},
        {goodCsv.replace("0.400000,damped,1", "0.400000,damped,one"), "line 3: expected classes_clicked to be an integer"},
        {goodCsv.replace("0.600000,damped", "0.600000,probe"), "line 4: expected round 0 of a method or round 2 of ours"
            + " (damped head), found round 2 of ours (probe head)"},
        {SimulationReport.HEADER + "\n", "expected at least one round"},
        {goodCsv.replace("0.400000,damped", "0.400000,"), "line 3: unknown semantic head ''"},
    };
    for (String[] c : badCsv) {
      Files.writeString(csv, c[0]);
      var e = assertThrows(SimulationReport.MalformedReportException.class, () -> SimulationReport.read(tmp));
      assertTrue(e.getMessage().startsWith(csv.toString()) && e.getMessage().contains(c[1]), e.getMessage());
    }
    Files.writeString(csv, goodCsv);

    String[][] badJson = {
        {goodJson + goodJson, "expected one line per run of rounds in simulation.csv (1), found 2"},
        {"not json\n", "line 1: expected a JSON object"},
        {goodJson.replace("\"method\":\"ours\"", "\"method\":\"snerf-hg\""), "expected method 'ours'"},
        {goodJson.replace("\"damped\"", "\"frozen\""), "unknown semantic head 'frozen'"},
        {goodJson.replace("\"damped\"", "\"probe\""), "expected semantic head 'damped' (run 1 of simulation.csv), found 'probe'"},
        {goodJson.replace("\"views\":\"depth\"", "\"views\":\"sideways\""), "line 1: unknown view rendering 'sideways'"},
        {goodJson.replace("\"warmup_steps\":100", "\"warmup_steps\":\"many\""), "expected a number for 'warmup_steps'"},
    };
    for (String[] c : badJson) {
      Files.writeString(jsonl, c[0]);
      var e = assertThrows(SimulationReport.MalformedReportException.class, () -> SimulationReport.read(tmp));
      assertTrue(e.getMessage().startsWith(jsonl.toString()) && e.getMessage().contains(c[1]), e.getMessage());
    }
    Files.delete(jsonl);
    var missing = assertThrows(SimulationReport.MalformedReportException.class, () -> SimulationReport.read(tmp));
    assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
    assertEquals(goodCsv, Files.readString(csv), "reading never writes");
  }
}
