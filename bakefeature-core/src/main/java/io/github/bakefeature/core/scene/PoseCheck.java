package io.github.bakefeature.core.scene;

import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.Scene;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a scene's poses follow the scene format's convention (world-to-camera, OpenCV camera
 * axes), judged by the geometry: sampled depth pixels of a frame are moved into an overlapping
 * frame with the poses and compared with that frame's measured depth. The same is done under the
 * usual mistakes — poses inverted (camera-to-world stored), OpenGL camera axes (y up, z backward),
 * and both (as {@code transforms.json} stores them) — and an alternative that explains the depth
 * much better than the poses as stored names the likely mistake.
 *
 * <p>Rule: with e(h) the median of |predicted depth - measured depth| under hypothesis h, an
 * alternative h is the verdict if e(h) &lt; e(stored) / {@value #BETTER_FACTOR} and e(h) &lt;
 * {@value #ABSOLUTE_FRACTION} x the median measured depth (the scene's scale). A hypothesis with
 * fewer than {@value #MIN_POINTS} overlapping pixels counts as unexplained. When no alternative
 * wins and e(stored) itself is above {@value #INCONSISTENT_FRACTION} x the median depth (well above
 * the 0.6% of the real 7-Scenes sample, whose poses and depth agree within sensor noise), the verdict is
 * {@code inconsistent}: no convention makes the depth agree, which points at something else (depth
 * units, intrinsics, poses not time-aligned with the images, or poses of another trajectory).
 * Otherwise the verdict is {@code ok}, or {@code unchecked} (with a reason) without depth or
 * without that many pixels seen by two frames under the poses as stored.
 *
 * @param verdict {@code ok}, {@code inverted}, {@code opengl}, {@code inverted_opengl},
 *     {@code inconsistent} or {@code unchecked}
 * @param reason why the poses could not be checked, or null
 * @param medianErrors median depth disagreement in metres by hypothesis ({@code stored},
 *     {@code inverted}, {@code opengl}, {@code inverted_opengl}); NaN with too few overlapping pixels
 * @param points overlapping pixels compared, by hypothesis
 * @param pairs frame pairs compared
 * @param medianDepth median measured depth of the sampled pixels in metres (the scene's scale), NaN
 *     if none
 */
public record PoseCheck(String verdict, String reason, Map<String, Double> medianErrors, Map<String, Integer> points,
                        int pairs, double medianDepth) {

  /** Largest number of frame pairs compared. */
  public static final int MAX_PAIRS = 8;
  /** Pixels sampled per frame (on a grid). */
  public static final int SAMPLES_PER_FRAME = 1500;
  /** Fewest overlapping pixels for a hypothesis's median to count. */
  public static final int MIN_POINTS = 100;
  /** An alternative must have a median error this many times smaller than the stored convention's. */
  public static final double BETTER_FACTOR = 3;
  /** ... and below this fraction of the scene's median depth. */
  public static final double ABSOLUTE_FRACTION = 0.05;
  /** Poses whose median error is above this fraction of the scene's median depth are {@code inconsistent}. */
  public static final double INCONSISTENT_FRACTION = 0.02;

  /** Verdicts naming a mistake, with what it looks like and what the format expects. */
  private static final Map<String, String> MISTAKES = Map.of(
      "inverted", "pose/ files look like camera-to-world; the scene format expects world-to-camera",
      "opengl", "pose/ files look like they use OpenGL camera axes (x right, y up, z backward); the scene format"
          + " expects OpenCV axes (x right, y down, z forward)",
      "inverted_opengl", "pose/ files look like camera-to-world with OpenGL camera axes (as transforms.json stores"
          + " them); the scene format expects world-to-camera with OpenCV axes (x right, y down, z forward)");

  /** The verdict when the depth disagrees under every convention tried. */
  static final String INCONSISTENT = "inconsistent";

  /** How each mistake reads the files, for the warning. */
  private static final Map<String, String> READ_AS = Map.of(
      "inverted", "read as camera-to-world",
      "opengl", "read with OpenGL axes",
      "inverted_opengl", "read as camera-to-world with OpenGL axes");

  /** The hypotheses, the poses as stored first. */
  private static final String[] HYPOTHESES = {"stored", "inverted", "opengl", "inverted_opengl"};

  public PoseCheck {
    medianErrors = medianErrors == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(medianErrors));
    points = points == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(points));
  }

  static PoseCheck unchecked(String reason) {
    return new PoseCheck("unchecked", reason, Map.of(), Map.of(), 0, Double.NaN);
  }

  /** Median error under the poses as stored, NaN if not measured. */
  public double medianErrorM() {
    return medianErrors.getOrDefault("stored", Double.NaN);
  }

  /** Whether the verdict names a likely convention mistake, or depth no convention explains. */
  public boolean suspicious() {
    return MISTAKES.containsKey(verdict) || verdict.equals(INCONSISTENT);
  }

  /** A warning naming the likely mistake with the evidence, if the verdict names one. */
  public Optional<String> warning() {
    if (!suspicious()) {
      return Optional.empty();
    }
    if (verdict.equals(INCONSISTENT)) {
      return Optional.of(String.format(Locale.ROOT, "depth of overlapping frames disagrees by a median %s (%.1f%% of"
          + " the median depth %s) with the poses as stored, and no other pose convention makes it agree (%d frame"
          + " pairs); check the depth units (16-bit millimetres in depth/), the intrinsics, that the poses are in"
          + " metres and belong to these images (timestamps)", metres(medianErrorM()),
          100 * medianErrorM() / medianDepth, metres(medianDepth), pairs));
    }
    return Optional.of(MISTAKES.get(verdict) + String.format(Locale.ROOT,
        " (depth of overlapping frames disagrees by a median %s as stored, %s %s; %d frame pairs)",
        metres(medianErrorM()), metres(medianErrors.get(verdict)), READ_AS.get(verdict), pairs));
  }

  private static String metres(double m) {
    return Double.isFinite(m) ? String.format(Locale.ROOT, "%.3f m", m) : "(too little overlap)";
  }

  /** As a map with snake_case keys for a JSON line; unmeasured errors are null. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("verdict", verdict);
    if (reason != null) {
      m.put("reason", reason);
      return m;
    }
    m.put("median_error_m", round(medianErrorM()));
    Map<String, Object> errors = new LinkedHashMap<>();
    for (Map.Entry<String, Double> e : medianErrors.entrySet()) {
      errors.put(e.getKey(), round(e.getValue()));
    }
    m.put("median_error_m_by_hypothesis", errors);
    m.put("pairs", pairs);
    m.put("points", points.getOrDefault("stored", 0));
    m.put("median_depth_m", round(medianDepth));
    return m;
  }

  private static Double round(Double v) {
    return v == null || !Double.isFinite(v) ? null : Math.round(v * 1e5) / 1e5;
  }

  /**
   * Checks the poses of {@code scene} against its depth: up to {@value #MAX_PAIRS} pairs of nearby
   * frames with depth, {@value #SAMPLES_PER_FRAME} pixels sampled from the first of each.
   *
   * @throws IOException if a depth map cannot be read
   */
  public static PoseCheck check(Scene scene) throws IOException {
    List<Integer> withDepth = new ArrayList<>();
    for (int i = 0; i < scene.size(); i++) {
      if (scene.frame(i).hasDepth()) {
        withDepth.add(i);
      }
    }
    if (withDepth.size() < 2) {
      return unchecked("expected at least 2 frames with depth to compare, found " + withDepth.size());
    }
    int m = withDepth.size();
    int anchors = Math.min(MAX_PAIRS, m - 1);
    // Look far enough ahead for motion that tells the hypotheses apart (they agree for a still
    // camera), but not so far that the frames stop overlapping.
    int lookAhead = Math.max(2, m / 10);
    double[][] residuals = new double[HYPOTHESES.length][];
    int[] counts = new int[HYPOTHESES.length];
    for (int h = 0; h < HYPOTHESES.length; h++) {
      residuals[h] = new double[256];
    }
    List<Double> depths = new ArrayList<>();
    int pairs = 0;
    for (int k = 0; k < anchors; k++) {
      int p = anchors == 1 ? 0 : (int) Math.round((double) k * (m - 2) / (anchors - 1));
      Frame a = scene.frame(withDepth.get(p));
      Optional<DepthImage> da = a.depth();
      if (da.isEmpty()) {
        continue;
      }
      float[] samples = sampleDepths(da.get());
      if (samples.length == 0) {
        continue;
      }
      double scale = median(samples);
      depths.add(scale);
      int q = partner(scene, withDepth, p, lookAhead, scale);
      Frame b = scene.frame(withDepth.get(q));
      Optional<DepthImage> db = b.depth();
      if (db.isEmpty()) {
        continue;
      }
      pairs++;
      for (int h = 0; h < HYPOTHESES.length; h++) {
        counts[h] = compare(a.intrinsics(), da.get(), read(a.pose(), h), b.intrinsics(), db.get(), read(b.pose(), h),
            residuals, h, counts[h]);
      }
    }
    if (pairs == 0) {
      return unchecked("no frame with depth has valid depth pixels");
    }
    double medianDepth = median(depths);
    Map<String, Double> errors = new LinkedHashMap<>();
    Map<String, Integer> points = new LinkedHashMap<>();
    for (int h = 0; h < HYPOTHESES.length; h++) {
      points.put(HYPOTHESES[h], counts[h]);
      errors.put(HYPOTHESES[h], counts[h] < MIN_POINTS ? Double.NaN : median(residuals[h], counts[h]));
    }
    double stored = finiteOr(errors.get("stored"), Double.POSITIVE_INFINITY);
    String verdict = "ok";
    double best = Double.POSITIVE_INFINITY;
    for (int h = 1; h < HYPOTHESES.length; h++) {
      double e = finiteOr(errors.get(HYPOTHESES[h]), Double.POSITIVE_INFINITY);
      if (e < stored / BETTER_FACTOR && e < ABSOLUTE_FRACTION * medianDepth && e < best) {
        verdict = HYPOTHESES[h];
        best = e;
      }
    }
    if (verdict.equals("ok") && counts[0] < MIN_POINTS) {
      // Nothing to judge the stored poses by, and no other convention makes the depth agree.
      return new PoseCheck("unchecked", "expected at least " + MIN_POINTS + " depth pixels seen by two frames with"
          + " the poses as stored, found " + counts[0] + " in " + pairs + " frame pairs (and no other pose convention"
          + " makes their depth agree)", errors, points, pairs, medianDepth);
    }
    if (verdict.equals("ok") && !(stored <= INCONSISTENT_FRACTION * medianDepth)) {
      verdict = INCONSISTENT;
    }
    return new PoseCheck(verdict, null, errors, points, pairs, medianDepth);
  }

  private static double finiteOr(double v, double otherwise) {
    return Double.isFinite(v) ? v : otherwise;
  }

  /**
   * The frame (position in {@code withDepth}) paired with position {@code p}: the first within
   * {@code lookAhead} that turned by 10 degrees or moved by a tenth of the scene depth (under any
   * hypothesis's camera centres), else the farthest looked at.
   */
  private static int partner(Scene scene, List<Integer> withDepth, int p, int lookAhead, double scale) {
    Pose a = scene.frame(withDepth.get(p)).pose();
    int last = Math.min(withDepth.size() - 1, p + lookAhead);
    for (int q = p + 1; q <= last; q++) {
      Pose b = scene.frame(withDepth.get(q)).pose();
      double trace = 0;
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          trace += a.worldToCamera(i, j) * b.worldToCamera(i, j); // trace(Ra Rb^T)
        }
      }
      double angle = Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, (trace - 1) / 2))));
      double moved = Math.max(distance(a, b, true), distance(a, b, false));
      if (angle >= 10 || moved >= 0.1 * scale) {
        return q;
      }
    }
    return last;
  }

  /** Distance between the translations of the camera-to-world (or world-to-camera) matrices. */
  private static double distance(Pose a, Pose b, boolean c2w) {
    double s = 0;
    for (int i = 0; i < 3; i++) {
      double d = c2w ? a.cameraToWorld(i, 3) - b.cameraToWorld(i, 3) : a.worldToCamera(i, 3) - b.worldToCamera(i, 3);
      s += d * d;
    }
    return Math.sqrt(s);
  }

  /** The pose the stored file describes if it is read under hypothesis {@code h}. */
  private static Pose read(Pose pose, int h) {
    // Pose reads the file as world-to-camera: "inverted" takes that matrix as camera-to-world, and
    // "opengl" takes the camera's axes as OpenGL's (y up, z backward).
    return switch (h) {
      case 0 -> pose;
      case 1 -> Pose.fromCameraToWorld(pose.worldToCamera());
      case 2 -> Pose.fromOpenGlCameraToWorld(pose.cameraToWorld());
      default -> Pose.fromOpenGlCameraToWorld(pose.worldToCamera());
    };
  }

  /** Valid depths of a grid of about {@link #SAMPLES_PER_FRAME} pixels. */
  private static float[] sampleDepths(DepthImage d) {
    int step = step(d.width(), d.height());
    float[] out = new float[(d.width() / step + 1) * (d.height() / step + 1)];
    int n = 0;
    for (int y = step / 2; y < d.height(); y += step) {
      for (int x = step / 2; x < d.width(); x += step) {
        if (d.isValid(x, y)) {
          out[n++] = d.get(x, y);
        }
      }
    }
    return Arrays.copyOf(out, n);
  }

  private static int step(int w, int h) {
    return Math.max(1, (int) Math.round(Math.sqrt((double) w * h / SAMPLES_PER_FRAME)));
  }

  /**
   * Moves the sampled valid pixels of A into B (poses {@code pa}, {@code pb}) and appends |z - depth of B| for
   * those landing inside B on a valid depth pixel to {@code residuals[h]}; returns the new count.
   */
  private static int compare(CameraIntrinsics ka, DepthImage da, Pose pa, CameraIntrinsics kb, DepthImage db, Pose pb,
                             double[][] residuals, int h, int count) {
    int step = step(da.width(), da.height());
    double[] ray = new double[3];
    double[] world = new double[3];
    double[] inB = new double[3];
    for (int y = step / 2; y < da.height(); y += step) {
      for (int x = step / 2; x < da.width(); x += step) {
        if (!da.isValid(x, y)) {
          continue;
        }
        double d = da.get(x, y);
        ka.unproject(x, y, ray); // pixel x has coordinate x, as SceneBounds reads depth
        // unproject gives a ray at z = 1 (see CameraIntrinsics); depth is the z distance.
        double px = ray[0] / ray[2] * d;
        double py = ray[1] / ray[2] * d;
        double pz = d;
        pa.cameraToWorldPoint(px, py, pz, world);
        pb.worldToCameraPoint(world[0], world[1], world[2], inB);
        double bx = inB[0];
        double by = inB[1];
        double bz = inB[2];
        if (bz <= 1e-6) {
          continue;
        }
        long u = Math.round(kb.fx() * bx / bz + kb.cx());
        long v = Math.round(kb.fy() * by / bz + kb.cy());
        if (u < 0 || v < 0 || u >= db.width() || v >= db.height() || !db.isValid((int) u, (int) v)) {
          continue;
        }
        if (count == residuals[h].length) {
          residuals[h] = Arrays.copyOf(residuals[h], count * 2);
        }
        residuals[h][count++] = Math.abs(bz - db.get((int) u, (int) v));
      }
    }
    return count;
  }

  private static double median(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return median(d, d.length);
  }

  private static double median(double[] v, int n) {
    double[] s = Arrays.copyOf(v, n);
    Arrays.sort(s);
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  private static double median(List<Double> v) {
    double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
    return median(a, a.length);
  }
}
