package io.github.bakefeature.core.scene;

import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.InvalidSceneException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes scene bounds when {@code bbox.txt} is missing, and checks a given box for plausibility.
 *
 * <p>With depth, a regular subsample of every frame's depth is back-projected into the world, the
 * box spans its robust per-axis extremes (the 0.1 and 99.9 percentiles, so a few flying pixels do
 * not blow it up) and every camera centre, padded by {@link #PADDING} of its size on each side. A
 * frame contributes at most {@value #MAX_SAMPLES_PER_FRAME} points and the whole scene at most
 * about {@value #MAX_SAMPLES_TOTAL}, so memory stays bounded for long sequences; depth is decoded
 * one frame at a time.
 *
 * <p>Without any depth the surfaces are unknown, so the box spans every camera's view frustum out
 * to {@link #frustumDepth} (at least {@value #MIN_FRUSTUM_DEPTH} m) and logs a warning suggesting
 * {@code bbox.txt}. Points are accumulated relative to the first camera centre, so georeferenced
 * coordinates (millions of metres) keep millimetre precision.
 */
public final class SceneBounds {
  /** Padding added on every side, as a fraction of the box size. */
  public static final double PADDING = 0.05;
  /**
   * Least far distance of the frusta when no frame has depth, in metres: indoor RGB-D sensors and
   * room-scale captures see their surfaces within about 3 m (7-Scenes and ScanNet depth has its
   * median near 2 m).
   */
  public static final double MIN_FRUSTUM_DEPTH = 3.0;
  /**
   * Largest computed box side, in metres (1000 km). Larger means a pose in other units or a broken
   * pose: a field normalised to such a box could not resolve the scene.
   */
  public static final double MAX_EXTENT = 1e6;
  static final int MAX_SAMPLES_PER_FRAME = 4096;
  static final int MAX_SAMPLES_TOTAL = 1 << 20;
  private static final int MIN_SAMPLES_PER_FRAME = 256;
  /** Frames and points per frame the plausibility check of a given box looks at. */
  private static final int CHECK_FRAMES = 16;
  private static final int CHECK_POINTS_PER_FRAME = 512;

  private static final Logger LOG = LoggerFactory.getLogger(SceneBounds.class);

  /** Where a scene's bounds come from; {@link #label()} is what {@code bakefeature info} prints. */
  public enum Source {
    /** Read from the scene's {@code bbox.txt}. */
    BBOX_FILE("bbox.txt"),
    /** Computed from back-projected depth and the camera centres. */
    DEPTH("depth"),
    /** Computed from the camera frusta, no frame having depth. */
    FRUSTA("cameras+frusta");

    private final String label;

    Source(String label) {
      this.label = label;
    }

    /** {@code "bbox.txt"}, {@code "depth"} or {@code "cameras+frusta"}. */
    public String label() {
      return label;
    }
  }

  /** Computed bounds and what they were computed from ({@link Source#DEPTH} or {@link Source#FRUSTA}). */
  /** @param warning why the box is only a guess (no frame has depth), or null */
  public record Computed(Aabb box, Source source, String warning) {}

  private SceneBounds() {}

  /** The box of {@link #compute}. */
  public static Aabb fromFrames(List<? extends Frame> frames) throws IOException {
    Computed c = compute(frames);
    if (c.warning() != null) {
      LOG.warn("{}", c.warning());
    }
    return c.box();
  }

  /**
   * The padded box around the observed surfaces and the cameras of {@code frames}; around the
   * camera frusta when no frame has depth.
   *
   * @throws InvalidSceneException if a depth map cannot be read, or if a camera lies so far from
   *     the others that the box would exceed {@link #MAX_EXTENT} (naming the frame's pose file when
   *     the frame has one)
   * @throws IllegalArgumentException for such a camera in a frame without files, or no frames
   */
  public static Computed compute(List<? extends Frame> frames) throws IOException {
    int n = frames.size();
    if (n == 0) {
      throw new IllegalArgumentException("bounds need at least one frame, found none");
    }
    // Everything is relative to the first camera centre: float keeps ~7 digits, which is 0.5 m at a
    // georeferenced 5e6 m but micrometres within a scene.
    double[] origin = new double[3];
    frames.get(0).pose().cameraCentre(origin);
    double[] lo = new double[3];
    double[] hi = new double[3];
    Source source;
    int perFrame = Math.max(MIN_SAMPLES_PER_FRAME, Math.min(MAX_SAMPLES_PER_FRAME, MAX_SAMPLES_TOTAL / n));
    float[][] pts = new float[3][];
    int count = samplePoints(frames, perFrame, origin, pts);
    if (count > 0) {
      source = Source.DEPTH;
      for (int a = 0; a < 3; a++) {
        float[] v = Arrays.copyOf(pts[a], count);
        Arrays.sort(v);
        lo[a] = v[(int) Math.floor(0.001 * (count - 1))];
        hi[a] = v[(int) Math.ceil(0.999 * (count - 1))];
      }
    } else {
      source = Source.FRUSTA;
      Arrays.fill(lo, Double.POSITIVE_INFINITY);
      Arrays.fill(hi, Double.NEGATIVE_INFINITY);
    }
    pts = null;
    // Camera centres always lie inside, even when they are outliers of the point set.
    double[] c = new double[3];
    for (Frame f : frames) {
      f.pose().cameraCentre(c);
      for (int a = 0; a < 3; a++) {
        lo[a] = Math.min(lo[a], c[a] - origin[a]);
        hi[a] = Math.max(hi[a], c[a] - origin[a]);
      }
    }
    checkExtent(frames, lo, hi);
    double far = 0;
    if (source == Source.FRUSTA) {
      far = frustumDepth(lo, hi);
      double[] dir = new double[3];
      for (Frame f : frames) {
        CameraIntrinsics k = f.intrinsics();
        // The four outer pixel corners, out to the far distance.
        for (int corner = 0; corner < 4; corner++) {
          double u = (corner & 1) == 0 ? -0.5 : k.width() - 0.5;
          double v = (corner & 2) == 0 ? -0.5 : k.height() - 0.5;
          k.unproject(u, v, dir);
          f.pose().cameraToWorldPoint(dir[0] * far, dir[1] * far, far, c);
          for (int a = 0; a < 3; a++) {
            lo[a] = Math.min(lo[a], c[a] - origin[a]);
            hi[a] = Math.max(hi[a], c[a] - origin[a]);
          }
        }
      }
      checkExtent(frames, lo, hi);
    }
    for (int a = 0; a < 3; a++) {
      if (hi[a] - lo[a] < 1e-3) {
        // Degenerate (e.g. a flat depth map seen head-on): give the box some thickness.
        lo[a] -= 0.5;
        hi[a] += 0.5;
      }
    }
    Aabb box = new Aabb(origin[0] + lo[0], origin[1] + lo[1], origin[2] + lo[2],
        origin[0] + hi[0], origin[1] + hi[1], origin[2] + hi[2]).padded(PADDING);
    String warning = source != Source.FRUSTA ? null
        : "no frame has depth, so the scene bounds " + describe(box) + " are a guess: they hold every camera's view"
            + " out to " + fmt(far) + " m (the larger of " + fmt(MIN_FRUSTUM_DEPTH) + " m and half the spread of the"
            + " camera centres); write bbox.txt (min x y z max x y z, in metres) in the scene folder to set them exactly";
    return new Computed(box, source, warning);
  }

  /**
   * Far distance of the frusta when no frame has depth, for camera centres spanning
   * {@code lo..hi}: {@value #MIN_FRUSTUM_DEPTH} m, or half the diagonal of the centres' box when
   * that is larger, since cameras circling an object (a typical capture without depth) look at it
   * from about that distance.
   */
  static double frustumDepth(double[] lo, double[] hi) {
    double d2 = 0;
    for (int a = 0; a < 3; a++) {
      d2 += (hi[a] - lo[a]) * (hi[a] - lo[a]);
    }
    return Math.max(MIN_FRUSTUM_DEPTH, 0.5 * Math.sqrt(d2));
  }

  /** Fills {@code pts} with back-projected depth samples relative to {@code origin}; returns their count. */
  private static int samplePoints(List<? extends Frame> frames, int perFrame, double[] origin, float[][] pts)
      throws IOException {
    int count = 0;
    double[] c = new double[3];
    double[] dir = new double[3];
    for (Frame f : frames) {
      Optional<DepthImage> depth = f.depth();
      if (depth.isEmpty()) {
        continue;
      }
      if (pts[0] == null) {
        for (int a = 0; a < 3; a++) {
          pts[a] = new float[frames.size() * perFrame];
        }
      }
      DepthImage d = depth.get();
      CameraIntrinsics k = f.intrinsics();
      int stride = Math.max(1, (int) Math.ceil(Math.sqrt((double) d.width() * d.height() / perFrame)));
      int taken = 0;
      for (int y = stride / 2; y < d.height() && taken < perFrame; y += stride) {
        for (int x = stride / 2; x < d.width() && taken < perFrame; x += stride) {
          float z = d.get(x, y);
          if (!(z > 0)) {
            continue;
          }
          k.unproject(x, y, dir);
          f.pose().cameraToWorldPoint(dir[0] * z, dir[1] * z, z, c);
          for (int a = 0; a < 3; a++) {
            pts[a][count] = (float) (c[a] - origin[a]);
          }
          count++;
          taken++;
        }
      }
    }
    return count;
  }

  /**
   * Refuses a box wider than {@link #MAX_EXTENT} (or not finite), blaming the camera farthest from
   * the median camera centre: one absurd pose is the usual cause.
   */
  private static void checkExtent(List<? extends Frame> frames, double[] lo, double[] hi)
      throws InvalidSceneException {
    double extent = 0;
    for (int a = 0; a < 3; a++) {
      double e = hi[a] - lo[a];
      extent = Double.isNaN(e) ? Double.POSITIVE_INFINITY : Math.max(extent, e);
    }
    if (extent <= MAX_EXTENT) {
      return;
    }
    int n = frames.size();
    double[][] centres = new double[3][n];
    double[] c = new double[3];
    for (int i = 0; i < n; i++) {
      frames.get(i).pose().cameraCentre(c);
      for (int a = 0; a < 3; a++) {
        centres[a][i] = c[a];
      }
    }
    double[] median = new double[3];
    for (int a = 0; a < 3; a++) {
      double[] v = centres[a].clone();
      Arrays.sort(v);
      median[a] = v[n / 2];
    }
    int worst = 0;
    double worstDist = -1;
    for (int i = 0; i < n; i++) {
      double d = Math.hypot(Math.hypot(centres[0][i] - median[0], centres[1][i] - median[1]),
          centres[2][i] - median[2]);
      if (d > worstDist) {
        worstDist = d;
        worst = i;
      }
    }
    Frame f = frames.get(worst);
    String problem = String.format(Locale.ROOT, "camera centre (%s, %s, %s) is %s m from the median camera centre,"
        + " so the computed scene bounds would span %s m, at most %s m; expected poses in metres near each other"
        + " (or bbox.txt to set the bounds)", fmt(centres[0][worst]), fmt(centres[1][worst]),
        fmt(centres[2][worst]), fmt(worstDist), fmt(extent), fmt(MAX_EXTENT));
    if (f instanceof FileBackedFrame fb) {
      Optional<Path> file = fb.poseFile().or(fb::rgbFile);
      if (file.isPresent()) {
        throw new InvalidSceneException(file.get(),
            (fb.poseFile().isPresent() ? "" : "the pose of this frame: ") + problem);
      }
    }
    throw new IllegalArgumentException("frame " + f.index() + " '" + f.name() + "': " + problem);
  }

  /**
   * Why a given {@code box} (from {@code bbox.txt}) looks wrong for {@code frames}, or empty. It
   * looks wrong when no camera centre lies inside it and fewer than half of a sample of
   * back-projected depth points do; without depth, when no camera centre lies inside and none of
   * a grid of points in the box is in front of a sampled camera's image. A deliberate crop keeps
   * the cameras or most of what they see inside, so this only catches boxes in the wrong place or
   * units. Decodes the depth of at most {@value #CHECK_FRAMES} frames, and only when no camera
   * centre is inside.
   */
  public static Optional<String> implausibility(Aabb box, List<? extends Frame> frames) throws IOException {
    double[] c = new double[3];
    for (Frame f : frames) {
      f.pose().cameraCentre(c);
      if (box.contains(c[0], c[1], c[2])) {
        return Optional.empty();
      }
    }
    int step = Math.max(1, (int) Math.ceil((double) frames.size() / CHECK_FRAMES));
    long inside = 0;
    long total = 0;
    boolean seen = false;
    double[] dir = new double[3];
    for (int i = 0; i < frames.size(); i += step) {
      Frame f = frames.get(i);
      Optional<DepthImage> depth = f.depth();
      if (depth.isPresent()) {
        DepthImage d = depth.get();
        int stride = Math.max(1, (int) Math.ceil(Math.sqrt((double) d.width() * d.height() / CHECK_POINTS_PER_FRAME)));
        for (int y = stride / 2; y < d.height(); y += stride) {
          for (int x = stride / 2; x < d.width(); x += stride) {
            float z = d.get(x, y);
            if (!(z > 0)) {
              continue;
            }
            f.intrinsics().unproject(x, y, dir);
            f.pose().cameraToWorldPoint(dir[0] * z, dir[1] * z, z, c);
            total++;
            inside += box.contains(c[0], c[1], c[2]) ? 1 : 0;
          }
        }
      } else if (!seen) {
        seen = seesBox(f, box);
      }
    }
    String where = "no camera centre lies inside the box " + describe(box);
    if (total > 0) {
      if (2 * inside >= total) {
        return Optional.empty();
      }
      return Optional.of(String.format(Locale.ROOT, "%s and only %d of %d sampled depth points (%.1f %%) do;"
          + " expected a box around the scene (check its units and axes; a deliberate crop is fine)",
          where, inside, total, 100.0 * inside / total));
    }
    if (seen) {
      return Optional.empty();
    }
    return Optional.of(where + " and no sampled camera looks into it; expected a box around the scene"
        + " (check its units and axes)");
  }

  /** Whether any point of a 5x5x5 grid spanning {@code box} projects into {@code f}'s image in front of it. */
  private static boolean seesBox(Frame f, Aabb box) {
    CameraIntrinsics k = f.intrinsics();
    double[] p = new double[3];
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 5; j++) {
        for (int l = 0; l < 5; l++) {
          f.pose().worldToCameraPoint(box.minX() + box.size(0) * i / 4, box.minY() + box.size(1) * j / 4,
              box.minZ() + box.size(2) * l / 4, p);
          if (p[2] > 0) {
            double u = k.fx() * p[0] / p[2] + k.cx();
            double v = k.fy() * p[1] / p[2] + k.cy();
            if (u >= -0.5 && u <= k.width() - 0.5 && v >= -0.5 && v <= k.height() - 0.5) {
              return true;
            }
          }
        }
      }
    }
    return false;
  }

  /** {@code min (x, y, z) max (x, y, z)} for messages. */
  static String describe(Aabb b) {
    java.util.function.DoubleFunction<String> fmt = d -> String.format(Locale.ROOT, "%.6g", d);
    return "min (" + fmt.apply(b.minX()) + ", " + fmt.apply(b.minY()) + ", " + fmt.apply(b.minZ()) + ") max ("
        + fmt.apply(b.maxX()) + ", " + fmt.apply(b.maxY()) + ", " + fmt.apply(b.maxZ()) + ")";
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, "%.4g", d);
  }
}
