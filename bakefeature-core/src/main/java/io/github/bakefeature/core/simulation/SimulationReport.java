package io.github.bakefeature.core.simulation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bakefeature.core.io.AtomicFiles;
import io.github.bakefeature.core.io.ImageFiles;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * simulation.csv     method,round,clicks,steps,wall_seconds,miou  (one row per method and round)
 * simulation.png     two panels: mIoU vs clicks, mIoU vs wall seconds; one curve per method
 * thresholds.jsonl   one JSON object per method: clicks and wall seconds to reach 80% and 90% mIoU
 *                    (null if never reached), final mIoU, warm-up steps and seconds
 * </pre>
 *
 * <p>All files are written atomically. Numbers use a dot as decimal separator in every locale.
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
    Path csv = dir.resolve(CSV);
    Path png = dir.resolve(PLOT);
    Path jsonl = dir.resolve(THRESHOLDS);
    AtomicFiles.writeString(csv, csv(results));
    ImageFiles.writePng(plot(results, 1200, 480), png);
    StringBuilder sb = new StringBuilder();
    for (Map<String, Object> line : thresholds(results)) {
      sb.append(toJson(line)).append('\n');
    }
    AtomicFiles.writeString(jsonl, sb.toString());
    return new Files3(csv, png, jsonl);
  }

  /** The CSV text (header and one row per method and round). */
  public static String csv(List<SimulationResult> results) {
    StringBuilder sb = new StringBuilder("method,round,clicks,steps,wall_seconds,miou\n");
    for (SimulationResult r : results) {
      for (SimulationRound x : r.rounds()) {
        sb.append(x.method()).append(',').append(x.round()).append(',').append(x.clicks()).append(',')
            .append(x.steps()).append(',').append(String.format(Locale.ROOT, "%.3f", x.wallSeconds())).append(',')
            .append(Double.isNaN(x.miou()) ? "" : String.format(Locale.ROOT, "%.6f", x.miou())).append('\n');
      }
    }
    return sb.toString();
  }

  /**
   * One object per method: {@code method}, {@code clicks_to_80}, {@code seconds_to_80},
   * {@code clicks_to_90}, {@code seconds_to_90} (null when never reached), {@code final_miou},
   * {@code rounds}, {@code clicks}, {@code warmup_steps}, {@code warmup_seconds}.
   */
  public static List<Map<String, Object>> thresholds(List<SimulationResult> results) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (SimulationResult r : results) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("metric", "simulation");
      m.put("method", r.method());
      m.put("semantic_head", r.semanticHead().id());
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
      m.put("warmup_seconds", round3(r.warmupSeconds()));
      m.put("evaluation_seconds", round3(r.evaluationSeconds()));
      m.put("seed", r.seed());
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
        .yAxisTitle("held-out mIoU").build();
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
      XYSeries series = c.addSeries(r.method(), x, y);
      series.setMarker(SeriesMarkers.CIRCLE);
    }
    return c;
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
