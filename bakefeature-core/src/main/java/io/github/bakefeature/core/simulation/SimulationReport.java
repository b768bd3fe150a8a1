package io.github.bakefeature.core.simulation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.fields.SemanticHead;
import io.github.bakefeature.core.io.AtomicFiles;
import io.github.bakefeature.core.io.ImageFiles;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Writes the results of simulations of several methods on one scene:
 *
 * <pre>
 * simulation.csv     method,round,clicks,steps,wall_seconds,miou,semantic_head,classes_clicked
 *                    (one row per method and round)
 * simulation.png     two panels: mIoU vs clicks, mIoU vs wall seconds; one curve per method
 * thresholds.jsonl   one JSON object per method: clicks and wall seconds to reach 80% and 90% mIoU
 *                    (null if never reached), final mIoU, warm-up steps and seconds, held-out frames,
 *                    how the views were rendered
 * </pre>
 *
 * <p>All files are written atomically. Numbers use a dot as decimal separator in every locale.
 * {@link #read} loads such a folder back, so runs made separately (e.g. a baseline given more rounds,
 * or methods run as parallel jobs) can be {@link #merge merged} into one report. A method run with a
 * semantic head other than its default is a curve of its own, labelled with the head
 * ({@link #label}).
 */
public final class SimulationReport {
  public static final String CSV = "simulation.csv";
  public static final String PLOT = "simulation.png";
  public static final String THRESHOLDS = "thresholds.jsonl";
  /** mIoU levels reported in {@link #THRESHOLDS}. */
  public static final double[] LEVELS = {0.8, 0.9};

  private static final ObjectMapper JSON = new ObjectMapper();

  private SimulationReport() {}

  /** Paths of the files written. */
  public record Files3(Path csv, Path plot, Path thresholds) {}

  /** Writes the CSV, the plot and the thresholds of {@code results} into {@code dir}. */
  public static Files3 write(List<SimulationResult> results, Path dir) throws IOException {
    Files.createDirectories(dir);
    Files3 f = files(dir);
    StringBuilder sb = new StringBuilder();
    for (Map<String, Object> line : thresholds(results)) {
      sb.append(toJson(line)).append('\n');
    }
    // The two files read back (merge-simulations) first, the plot last: a failed or killed plot
    // leaves a CSV and thresholds file of the same runs.
    AtomicFiles.writeString(f.csv(), csv(results));
    AtomicFiles.writeString(f.thresholds(), sb.toString());
    ImageFiles.writePng(plot(results, 1200, 480), f.plot());
    return f;
  }

  /** Where {@link #write} puts the report in {@code dir}. */
  public static Files3 files(Path dir) {
    return new Files3(dir.resolve(CSV), dir.resolve(PLOT), dir.resolve(THRESHOLDS));
  }

  /**
   * The CSV header; the semantic head tells apart two runs of one method (e.g. damped and probe),
   * {@code classes_clicked} is {@link SimulationRound#classesClicked} (empty when unknown).
   */
  static final String HEADER = "method,round,clicks,steps,wall_seconds,miou,semantic_head,classes_clicked";
  /** Headers of reports written by earlier versions, still read: before the clicked classes, before the head. */
  private static final String HEADER_WITHOUT_CLASSES = "method,round,clicks,steps,wall_seconds,miou,semantic_head";
  private static final String HEADER_WITHOUT_HEAD = "method,round,clicks,steps,wall_seconds,miou";

  /** The CSV text (header and one row per method and round). */
  public static String csv(List<SimulationResult> results) {
    StringBuilder sb = new StringBuilder(HEADER + "\n");
    for (SimulationResult r : results) {
      for (SimulationRound x : r.rounds()) {
        sb.append(x.method()).append(',').append(x.round()).append(',').append(x.clicks()).append(',')
            .append(x.steps()).append(',').append(String.format(Locale.ROOT, "%.3f", x.wallSeconds())).append(',')
            .append(Double.isNaN(x.miou()) ? "" : String.format(Locale.ROOT, "%.6f", x.miou())).append(',')
            .append(r.semanticHead().id()).append(',')
            .append(x.classesClicked() < 0 ? "" : Integer.toString(x.classesClicked())).append('\n');
      }
    }
    return sb.toString();
  }

  /**
   * One object per method: {@code method}, {@code semantic_head}, {@code views}, {@code clicks_to_80}, {@code seconds_to_80},
   * {@code clicks_to_90}, {@code seconds_to_90} (null when never reached), {@code final_miou},
   * {@code rounds}, {@code clicks}, {@code warmup_steps}, {@code rays} (omitted when unknown), {@code warmup_seconds},
   * {@code held_out_frames} and the evaluation size (omitted when unknown).
   */
  public static List<Map<String, Object>> thresholds(List<SimulationResult> results) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (SimulationResult r : results) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("metric", "simulation");
      m.put("method", r.method());
      m.put("semantic_head", r.semanticHead().id());
      m.put("views", r.views().id());
      for (double level : LEVELS) {
        int pct = (int) Math.round(level * 100);
        Optional<SimulationRound> hit = r.firstReaching(level);
        m.put("clicks_to_" + pct, hit.map(SimulationRound::clicks).orElse(null));
        m.put("seconds_to_" + pct, hit.map(x -> round3(x.wallSeconds())).orElse(null));
      }
      SimulationRound last = r.last();
      m.put("final_miou", Double.isNaN(last.miou()) ? null : round3(last.miou()));
      m.put("rounds", last.round());
      m.put("clicks", last.clicks());
      m.put("steps", last.steps());
      m.put("wall_seconds", round3(last.wallSeconds()));
      m.put("warmup_steps", r.warmupSteps());
      if (r.raysPerStep() > 0) {
        m.put("rays", r.raysPerStep());
      }
      m.put("warmup_seconds", round3(r.warmupSeconds()));
      m.put("evaluation_seconds", round3(r.evaluationSeconds()));
      m.put("seed", r.seed());
      if (r.heldOutFrames().length > 0) { // unknown for reports read from files written before they were recorded
        m.put("held_out_frames", r.heldOutFrames());
        m.put("evaluation_width", r.evaluationWidth());
        m.put("evaluation_height", r.evaluationHeight());
      }
      out.add(m);
    }
    return out;
  }

  /** The two panels side by side as one image of {@code width x height} pixels. */
  public static BufferedImage plot(List<SimulationResult> results, int width, int height) {
    int half = width / 2;
    BufferedImage left = BitmapEncoder.getBufferedImage(chart(results, false, half, height));
    BufferedImage right = BitmapEncoder.getBufferedImage(chart(results, true, width - half, height));
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = img.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.drawImage(left, 0, 0, null);
      g.drawImage(right, half, 0, null);
    } finally {
      g.dispose();
    }
    return img;
  }

  /** mIoU against clicks ({@code byTime} false) or against wall seconds. */
  public static XYChart chart(List<SimulationResult> results, boolean byTime, int width, int height) {
    XYChart c = new XYChartBuilder().width(width).height(height)
        .title(byTime ? "mIoU vs labelling time" : "mIoU vs clicks")
        .xAxisTitle(byTime ? "wall seconds (training + rendering)" : "clicks (labelled pixels)")
        .yAxisTitle(results.stream().allMatch(r -> r.views() == ViewRendering.NOVEL)
            ? "held-out mIoU (novel views)" : "held-out mIoU").build();
    c.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
    c.getStyler().setLegendVisible(true);
    c.getStyler().setMarkerSize(4);
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    for (SimulationResult r : results) {
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (SimulationRound s : r.rounds()) {
        if (!Double.isNaN(s.miou())) {
          x.add(byTime ? s.wallSeconds() : s.clicks());
          y.add(s.miou());
        }
      }
      if (x.isEmpty()) {
        continue;
      }
      XYSeries series = c.addSeries(label(r), x, y);
      series.setMarker(SeriesMarkers.CIRCLE);
    }
    return c;
  }

  /**
   * A result's curve name: the method id, followed by the semantic head in parentheses when it is
   * not the method's default (e.g. {@code "snerf-hg-freq (damped head)"}).
   */
  public static String label(SimulationResult r) {
    SemanticHead dflt;
    try {
      dflt = SemanticHead.defaultFor(MethodPreset.fromId(r.method()));
    } catch (IllegalArgumentException e) {
      dflt = null; // not a preset of ours: name it fully
    }
    return r.semanticHead() == dflt ? r.method() : r.method() + " (" + r.semanticHead().id() + " head)";
  }

  /**
   * The results of several report folders in the given order, each curve once.
   *
   * @throws MalformedReportException if a folder cannot be read (see {@link #read}), two folders
   *     hold the same curve ({@link #label}) or the runs rendered their views differently
   *     ({@link SimulationResult#views})
   */
  public static List<SimulationResult> merge(List<Path> dirs) throws IOException {
    List<SimulationResult> all = new ArrayList<>();
    Map<String, Path> seen = new HashMap<>();
    SimulationResult firstRun = null;
    Path firstDir = null;
    for (Path dir : dirs) {
      for (SimulationResult r : read(dir)) {
        if (firstRun == null) {
          firstRun = r;
          firstDir = dir;
        } else if (r.views() != firstRun.views()) {
          // Curves rendered differently are not comparable: around the measured depth scores higher.
          throw new MalformedReportException(dir.resolve(THRESHOLDS), "curve '" + label(r) + "' rendered its views as '"
              + r.views().id() + "' but '" + label(firstRun) + "' in " + firstDir + " as '" + firstRun.views().id()
              + "'; a merged report compares runs rendered one way (simulate --views)");
        } else {
          String other = otherProtocol(r, firstRun);
          if (other != null) {
            throw new MalformedReportException(dir.resolve(THRESHOLDS), "curve '" + label(r) + "' ran another protocol"
                + " than '" + label(firstRun) + "' in " + firstDir + ": " + other + "; a merged report compares runs"
                + " of one scene and protocol (rounds may differ)");
          }
        }
        String curve = label(r);
        Path before = seen.putIfAbsent(curve, dir);
        if (before != null) {
          throw new MalformedReportException(dir.resolve(THRESHOLDS), "curve '" + curve + "' is also in "
              + before + "; a merged report holds each method and semantic head once");
        }
        all.add(r);
      }
    }
    return all;
  }

  /**
   * How {@code a}'s protocol differs from {@code b}'s (warm-up, rays per step, steps per round, held-out frames,
   * evaluation size; what a report does not record is not compared), or null.
   */
  static String otherProtocol(SimulationResult a, SimulationResult b) {
    if (a.warmupSteps() != b.warmupSteps()) {
      return "warm-up " + a.warmupSteps() + " steps, expected " + b.warmupSteps();
    }
    if (a.raysPerStep() > 0 && b.raysPerStep() > 0 && a.raysPerStep() != b.raysPerStep()) {
      return a.raysPerStep() + " rays per step, expected " + b.raysPerStep();
    }
    long sa = stepsPerRound(a);
    long sb = stepsPerRound(b);
    if (sa >= 0 && sb >= 0 && sa != sb) {
      return sa + " steps per round, expected " + sb;
    }
    if (a.heldOutFrames().length > 0 && b.heldOutFrames().length > 0) {
      if (!java.util.Arrays.equals(a.heldOutFrames(), b.heldOutFrames())) {
        return "held-out frames " + java.util.Arrays.toString(a.heldOutFrames()) + ", expected "
            + java.util.Arrays.toString(b.heldOutFrames()) + " (another scene or --holdout-every?)";
      }
      if (a.evaluationWidth() != b.evaluationWidth() || a.evaluationHeight() != b.evaluationHeight()) {
        return "evaluated at " + a.evaluationWidth() + "x" + a.evaluationHeight() + ", expected "
            + b.evaluationWidth() + "x" + b.evaluationHeight();
      }
    }
    return null;
  }

  /** Training steps between the first two rounds, or -1 with fewer than two rounds. */
  private static long stepsPerRound(SimulationResult r) {
    return r.rounds().size() < 2 ? -1 : r.rounds().get(1).steps() - r.rounds().get(0).steps();
  }

  /**
   * Reads the {@link #CSV} and {@link #THRESHOLDS} of a folder written by {@link #write}. The i-th
   * run of rounds in the CSV (a method's rows from round 0 on) belongs to the i-th line of the
   * thresholds file. Folders written before {@code held_out_frames} was recorded read with no
   * held-out frames and a 0x0 evaluation size.
   *
   * @throws MalformedReportException naming the file, the line and what was expected and found
   */
  public static List<SimulationResult> read(Path dir) throws IOException {
    Path csvFile = dir.resolve(CSV);
    Path jsonFile = dir.resolve(THRESHOLDS);
    for (Path f : new Path[] {csvFile, jsonFile}) {
      if (!Files.isRegularFile(f)) {
        throw new MalformedReportException(f, "expected the " + f.getFileName() + " of a simulation report, found "
            + (Files.exists(f) ? "something that is not a file" : "no such file"));
      }
    }
    List<Run> runs = readRounds(csvFile);
    List<String> lines = Files.readAllLines(jsonFile).stream().filter(l -> !l.isBlank()).toList();
    if (lines.size() != runs.size()) {
      throw new MalformedReportException(jsonFile, "expected one line per run of rounds in " + csvFile.getFileName()
          + " (" + runs.size() + "), found " + lines.size());
    }
    List<SimulationResult> out = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      out.add(result(jsonFile, i + 1, lines.get(i), runs.get(i)));
    }
    return out;
  }

  /** One method's rounds in the CSV, and the semantic head its rows name (null in the older layout). */
  private record Run(List<SimulationRound> rounds, String head) {}

  private static List<Run> readRounds(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    String first = lines.isEmpty() ? "" : lines.get(0).strip();
    int fields = first.equals(HEADER) ? 8 : first.equals(HEADER_WITHOUT_CLASSES) ? 7 : first.equals(HEADER_WITHOUT_HEAD) ? 6 : 0;
    if (fields == 0) {
      throw new MalformedReportException(file, "line 1: expected the header '" + HEADER + "' (or, from earlier"
          + " versions, '" + HEADER_WITHOUT_CLASSES + "' or '" + HEADER_WITHOUT_HEAD + "'), found '"
          + (lines.isEmpty() ? "" : lines.get(0)) + "'");
    }
    List<Run> runs = new ArrayList<>();
    List<SimulationRound> run = null;
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      String where = "line " + (i + 1) + ": ";
      String[] f = line.split(",", -1);
      if (f.length != fields) {
        throw new MalformedReportException(file, where + "expected " + fields + " comma-separated fields, found " + f.length);
      }
      String method = f[0].strip();
      if (method.isEmpty()) {
        throw new MalformedReportException(file, where + "expected a method name, found an empty field");
      }
      int round = (int) integer(file, where, "round", f[1], Integer.MAX_VALUE);
      int clicks = (int) integer(file, where, "clicks", f[2], Integer.MAX_VALUE);
      long steps = integer(file, where, "steps", f[3], Long.MAX_VALUE);
      double wall = decimal(file, where, "wall_seconds", f[4], Double.POSITIVE_INFINITY);
      double miou = f[5].isBlank() ? Double.NaN : decimal(file, where, "miou", f[5], 1);
      String head = null;
      if (fields >= 7) {
        try {
          head = SemanticHead.fromId(f[6].strip()).id();
        } catch (IllegalArgumentException e) {
          throw new MalformedReportException(file, where + e.getMessage());
        }
      }
      if (round == 0) {
        run = new ArrayList<>();
        runs.add(new Run(run, head));
      } else {
        SimulationRound prev = run == null ? null : run.get(run.size() - 1);
        String prevHead = runs.isEmpty() ? null : runs.get(runs.size() - 1).head();
        if (prev == null || !prev.method().equals(method) || prev.round() + 1 != round
            || !java.util.Objects.equals(prevHead, head)) {
          throw new MalformedReportException(file, where + "expected " + (prev == null ? "round 0 of a method"
              : "round 0 of a method or round " + (prev.round() + 1) + " of " + prev.method()
                  + (prevHead == null ? "" : " (" + prevHead + " head)")) + ", found round " + round + " of " + method
              + (head == null ? "" : " (" + head + " head)"));
        }
        if (clicks < prev.clicks() || steps < prev.steps() || wall < prev.wallSeconds()) {
          throw new MalformedReportException(file, where + "expected clicks, steps and wall_seconds no smaller than "
              + "the previous round's (" + prev.clicks() + ", " + prev.steps() + ", " + prev.wallSeconds() + "), found "
              + clicks + ", " + steps + ", " + wall);
        }
      }
      int classesClicked = fields < 8 || f[7].isBlank() ? -1
          : (int) integer(file, where, "classes_clicked", f[7], Short.MAX_VALUE);
      run.add(new SimulationRound(method, round, clicks, steps, wall, miou, classesClicked));
    }
    if (runs.isEmpty()) {
      throw new MalformedReportException(file, "expected at least one round, found none");
    }
    return runs;
  }

  /** An integer field in {@code [0, max]}. */
  private static long integer(Path file, String where, String name, String text, long max)
      throws MalformedReportException {
    try {
      long v = Long.parseLong(text.strip());
      if (v >= 0 && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new MalformedReportException(file, where + "expected " + name + " to be an integer in [0, " + max + "], found '"
        + text + "'");
  }

  /** A decimal field in {@code [0, max]}. */
  private static double decimal(Path file, String where, String name, String text, double max)
      throws MalformedReportException {
    double v;
    try {
      v = Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      v = Double.NaN;
    }
    if (!(v >= 0 && v <= max)) {
      throw new MalformedReportException(file, where + "expected " + name + " to be a number in [0.0, " + max + "], found '"
          + text + "'");
    }
    return v;
  }

  private static SimulationResult result(Path file, int lineNo, String line, Run run)
      throws MalformedReportException {
    List<SimulationRound> rounds = run.rounds();
    String where = "line " + lineNo + ": ";
    JsonNode o;
    try {
      o = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new MalformedReportException(file, where + "expected a JSON object, found '" + line + "' ("
          + io.github.bakefeature.core.io.ErrorText.describe(e) + ")");
    }
    if (o == null || !o.isObject()) {
      throw new MalformedReportException(file, where + "expected a JSON object, found '" + line + "'");
    }
    String method = rounds.get(0).method();
    if (!method.equals(o.path("method").asText(null))) {
      throw new MalformedReportException(file, where + "expected method '" + method + "' (run " + lineNo
          + " of " + CSV + "), found " + o.get("method"));
    }
    SemanticHead head;
    try {
      head = SemanticHead.fromId(o.path("semantic_head").asText(""));
    } catch (IllegalArgumentException e) {
      throw new MalformedReportException(file, where + e.getMessage());
    }
    if (run.head() != null && !run.head().equals(head.id())) {
      throw new MalformedReportException(file, where + "expected semantic head '" + run.head() + "' (run " + lineNo
          + " of " + CSV + "), found '" + head.id() + "'");
    }
    ViewRendering views;
    try {
      // Reports written before the choice existed have no key and were rendered as novel views.
      views = o.has("views") ? ViewRendering.fromId(o.get("views").asText("")) : ViewRendering.NOVEL;
    } catch (IllegalArgumentException e) {
      throw new MalformedReportException(file, where + e.getMessage());
    }
    for (String key : new String[] {"seed", "warmup_steps", "warmup_seconds", "evaluation_seconds"}) {
      if (!o.path(key).isNumber()) {
        throw new MalformedReportException(file, where + "expected a number for '" + key + "', found " + o.get(key));
      }
    }
    // Older reports lack these keys (nothing recorded: merges compare no held-out frames or size);
    // a key that is present must hold what the simulation writes, or it would skip those checks.
    JsonNode frames = o.path("held_out_frames");
    if (!frames.isMissingNode() && !frames.isArray()) {
      throw new MalformedReportException(file, where + "expected frame indices in 'held_out_frames', found " + frames);
    }
    if (o.has("rays") && !(o.get("rays").canConvertToInt() && o.get("rays").isIntegralNumber() && o.get("rays").asInt() > 0)) {
      throw new MalformedReportException(file, where + "expected a ray count > 0 for 'rays', found " + o.get("rays"));
    }
    for (String key : new String[] {"evaluation_width", "evaluation_height"}) {
      if (o.has(key) && !(o.get(key).canConvertToInt() && o.get(key).isIntegralNumber() && o.get(key).asInt() >= 0)) {
        throw new MalformedReportException(file, where + "expected a pixel count >= 0 for '" + key + "', found "
            + o.get(key));
      }
    }
    int[] heldOut = new int[frames.isArray() ? frames.size() : 0];
    for (int i = 0; i < heldOut.length; i++) {
      if (!frames.get(i).canConvertToInt() || frames.get(i).asInt() < 0) {
        throw new MalformedReportException(file, where + "expected frame indices in 'held_out_frames', found " + frames);
      }
      heldOut[i] = frames.get(i).asInt();
    }
    return new SimulationResult(method, head, views, o.get("seed").asLong(), o.get("warmup_steps").asInt(),
        o.path("rays").asInt(0), o.get("warmup_seconds").asDouble(), o.get("evaluation_seconds").asDouble(), heldOut,
        o.path("evaluation_width").asInt(0), o.path("evaluation_height").asInt(0), rounds);
  }

  /** A simulation report folder cannot be read; the message names the file and the problem. */
  public static final class MalformedReportException extends IOException {
    private static final long serialVersionUID = 1L;

    public MalformedReportException(Path file, String problem) {
      super(file + ": " + problem);
    }
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** One JSON object on one line. */
  public static String toJson(Map<String, ?> m) {
    try {
      return JSON.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + m, e);
    }
  }
}
