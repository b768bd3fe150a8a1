package io.github.bakefeature.core.export;

import io.github.bakefeature.api.annotation.SemanticClass;
import io.github.bakefeature.api.field.FieldModel;
import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.field.RenderedView;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.Scene;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;

/**
 * Fuses rendered depth, colour and classes of many frames into one labelled point cloud (the 3D
 * export of the paper's tool). Every kept pixel (rendered depth {@code > 0}, confidence at least
 * {@link Builder#optMinConfidence}) is back-projected with its frame's camera — OpenCV axes,
 * z-depth: {@code p_cam = ((u - cx) / fx * z, (v - cy) / fy * z, z)}, then camera-to-world — and
 * falls into a cubic voxel of {@link Builder#optVoxelSize} metres. Each voxel becomes one point: mean
 * position, mean colour, majority class (ties: lower id) and mean confidence.
 *
 * <p>Streaming: each frame is rendered, added to per-voxel sums and dropped, so memory is bounded by
 * the occupied voxels (100-200 bytes each), not by the frames or pixels fused. Points come in the
 * order their voxels were first hit (frame order, then row-major pixel order).
 */
public final class PointCloudExporter {
  /** Default voxel edge as a fraction of the scene box diagonal. */
  public static final double DEFAULT_VOXEL_FRACTION = 1.0 / 256;
  private static final int AXIS_BITS = 21;
  private static final long AXIS_OFFSET = 1L << (AXIS_BITS - 1);

  private final int[] frames;
  private final int frameStride;
  private final int pixelStride;
  private final double renderScale;
  private final double voxelSize;
  private final float minConfidence;
  private final List<SemanticClass> classes;

  private PointCloudExporter(Builder b) {
    this.frames = b.frames;
    this.frameStride = b.frameStride;
    this.pixelStride = b.pixelStride;
    this.renderScale = b.renderScale;
    this.voxelSize = b.voxelSize;
    this.minConfidence = b.minConfidence;
    this.classes = b.classes;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The voxel edge used for {@code scene}: the configured size, or its diagonal / 256. */
  public double voxelSize(Scene scene) {
    return voxelSize > 0 ? voxelSize : scene.bounds().diagonal() * DEFAULT_VOXEL_FRACTION;
  }

  /** The scene frames this exporter renders: the chosen ones (default all), every stride-th. */
  public int[] frames(Scene scene) {
    int[] base = frames != null ? frames : java.util.stream.IntStream.range(0, scene.size()).toArray();
    int[] out = new int[(base.length + frameStride - 1) / frameStride];
    for (int i = 0; i < out.length; i++) {
      out[i] = base[i * frameStride];
      if (out[i] < 0 || out[i] >= scene.size()) {
        throw new IllegalArgumentException("frame must be in [0, " + scene.size() + "), found " + out[i]);
      }
    }
    return out;
  }

  /**
   * The cameras the frames of {@link #frames(Scene)} are rendered with, in that order: each frame's
   * own, scaled by the render scale.
   *
   * @throws IllegalArgumentException naming the frame if a scaled camera exceeds the render limits
   *     of {@link FieldModel#checkRenderSize} (checked for every frame before any is rendered)
   */
  public CameraIntrinsics[] cameras(Scene scene) {
    int[] fs = frames(scene);
    CameraIntrinsics[] out = new CameraIntrinsics[fs.length];
    for (int i = 0; i < fs.length; i++) {
      Frame f = scene.frame(fs[i]);
      CameraIntrinsics k = f.intrinsics();
      try {
        CameraIntrinsics r = renderScale != 1.0 ? k.scaled(renderScale) : k;
        FieldModel.checkRenderSize(r.width(), r.height());
        out[i] = r;
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("frame " + f.name() + " (" + k.width() + "x" + k.height()
            + ") at render scale " + renderScale + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  /**
   * Renders the frames with {@code views} and fuses them.
   *
   * @param classCount classes the model predicts (pads the legend)
   * @throws IllegalArgumentException if a frame's render camera exceeds the render limits
   *     ({@link #cameras}), before any frame is rendered
   */
  public LabelledPointCloud fuse(ViewSource views, Scene scene, int classCount) {
    List<SemanticClass> legend = classes != null ? classes : ExportClasses.fromScene(scene, classCount);
    return accumulate(views, scene, true).toCloud(legend);
  }

  /**
   * Fuses depth and colour alone, for a model whose semantic head never saw a label (its classes
   * would be arbitrary): every point has class {@link LabelledPointCloud#UNKNOWN_CLASS} and
   * confidence 0, the legend is empty, and no pixel is skipped for its class confidence (nor are
   * classes rendered).
   */
  public LabelledPointCloud fuseGeometry(ViewSource views, Scene scene) {
    LabelledPointCloud c = accumulate(views, scene, false).toCloud(List.of());
    short[] unknown = new short[c.count()];
    Arrays.fill(unknown, (short) LabelledPointCloud.UNKNOWN_CLASS);
    return new LabelledPointCloud(c.count(), c.positions(), c.colours(), unknown, new float[c.count()], List.of());
  }

  /**
   * Renders the frames one at a time and adds their kept pixels to per-voxel accumulators; without
   * {@code labels} only depth and colour are rendered and every pixel with depth is kept.
   */
  Voxels accumulate(ViewSource views, Scene scene, boolean labels) {
    double voxel = voxelSize(scene);
    double ox = scene.bounds().minX();
    double oy = scene.bounds().minY();
    double oz = scene.bounds().minZ();
    Voxels acc = new Voxels();
    double[] cam = new double[3];
    double[] world = new double[3];
    EnumSet<RenderOutput> outs = labels ? EnumSet.of(RenderOutput.DEPTH, RenderOutput.COLOUR, RenderOutput.CLASSES)
        : EnumSet.of(RenderOutput.DEPTH, RenderOutput.COLOUR);
    int[] fs = frames(scene);
    CameraIntrinsics[] cameras = cameras(scene);
    for (int i = 0; i < fs.length; i++) {
      int fi = fs[i];
      Frame f = scene.frame(fi);
      CameraIntrinsics k = cameras[i];
      RenderedView v = views.render(fi, k, outs);
      Pose pose = f.pose();
      int w = v.width();
      float[] depth = v.depth();
      float[] colour = v.colour();
      short[] cls = v.classes();
      float[] conf = v.confidence();
      for (int y = 0; y < v.height(); y += pixelStride) {
        for (int x = 0; x < w; x += pixelStride) {
          int p = y * w + x;
          float z = depth[p];
          if (!(z > 0) || !Float.isFinite(z)
              || labels && (!(conf[p] > 0) || conf[p] < minConfidence || cls[p] < 0)) {
            continue;
          }
          cam[0] = (x - k.cx()) / k.fx() * z;
          cam[1] = (y - k.cy()) / k.fy() * z;
          cam[2] = z;
          pose.cameraToWorldPoint(cam[0], cam[1], cam[2], world);
          long ix = (long) Math.floor((world[0] - ox) / voxel) + AXIS_OFFSET;
          long iy = (long) Math.floor((world[1] - oy) / voxel) + AXIS_OFFSET;
          long iz = (long) Math.floor((world[2] - oz) / voxel) + AXIS_OFFSET;
          long limit = 1L << AXIS_BITS;
          if (ix < 0 || iy < 0 || iz < 0 || ix >= limit || iy >= limit || iz >= limit) {
            throw new IllegalArgumentException("voxel size " + voxel + " m is too small for this scene: more than "
                + limit + " voxels along an axis");
          }
          long key = ix << (2 * AXIS_BITS) | iy << AXIS_BITS | iz;
          acc.add(key, world, colour, 3 * p, labels ? cls[p] : 0, labels ? conf[p] : 0f);
        }
      }
    }
    return acc;
  }

  /**
   * Per-voxel accumulators in growable primitive arrays, indexed through an open-addressing map from
   * voxel key to slot; slots are numbered in first-seen order, which is the output point order.
   * Memory is 100-200 bytes per occupied voxel (arrays grow by doubling) plus 24-48 bytes per extra
   * (voxel, class) pair of the rare voxel that sees more than two classes, whatever the number of
   * frames or pixels.
   */
  static final class Voxels {
    /** One vote in a packed {@code count << 16 | class} pair; 0 is an empty pair. */
    private static final long ONE_VOTE = 1L << 16;

    private long[] keys = new long[1 << 12];
    private int[] slots = new int[1 << 12];
    private int mask = keys.length - 1;
    private int size;
    private double[] sums = new double[7 * 1024];
    private int[] counts = new int[1024];
    // The first two classes a voxel sees, as packed pairs (2 per slot): most voxels see no more.
    private long[] votes = new long[2 * 1024];
    // Votes for a voxel's third and later classes, keyed by slot << 16 | class.
    private final VoteMap overflow = new VoteMap();

    Voxels() {
      Arrays.fill(keys, -1L);
    }

    /** Occupied voxels, which is also the number of slots in use. */
    int size() {
      return size;
    }

    /** (voxel, class) pairs beyond each voxel's first two classes. */
    int overflowVotes() {
      return overflow.size;
    }

    /** Bytes held by every array of the accumulator (capacities, not just the used part). */
    long capacityBytes() {
      return 8L * keys.length + 4L * slots.length + 8L * sums.length + 4L * counts.length + 8L * votes.length
          + overflow.capacityBytes();
    }

    /** Adds one point; sums accumulate in call order, so equal inputs give bit-equal means. */
    void add(long key, double[] world, float[] colour, int c, int cls, float conf) {
      int v = slot(key);
      int o = 7 * v;
      sums[o] += world[0];
      sums[o + 1] += world[1];
      sums[o + 2] += world[2];
      sums[o + 3] += colour[c];
      sums[o + 4] += colour[c + 1];
      sums[o + 5] += colour[c + 2];
      sums[o + 6] += conf;
      counts[v]++;
      int i = 2 * v;
      long a = votes[i];
      if (a == 0 || (int) (a & 0xFFFF) == cls) {
        votes[i] = (a == 0 ? cls : a) + ONE_VOTE;
        return;
      }
      long b = votes[i + 1];
      if (b == 0 || (int) (b & 0xFFFF) == cls) {
        votes[i + 1] = (b == 0 ? cls : b) + ONE_VOTE;
        return;
      }
      overflow.increment((long) v << 16 | cls);
    }

    private int slot(long key) {
      int i = mix(key) & mask;
      while (true) {
        long k = keys[i];
        if (k == key) {
          return slots[i];
        }
        if (k == -1L) {
          break;
        }
        i = (i + 1) & mask;
      }
      int v = size++;
      keys[i] = key;
      slots[i] = v;
      if (counts.length == v) {
        counts = Arrays.copyOf(counts, v * 2);
        sums = Arrays.copyOf(sums, 7 * v * 2);
        votes = Arrays.copyOf(votes, 2 * v * 2);
      }
      if (size * 2 > keys.length) {
        rehash();
      }
      return v;
    }

    private void rehash() {
      long[] ok = keys;
      int[] os = slots;
      keys = new long[ok.length * 2];
      slots = new int[ok.length * 2];
      Arrays.fill(keys, -1L);
      mask = keys.length - 1;
      for (int j = 0; j < ok.length; j++) {
        if (ok[j] != -1L) {
          int i = mix(ok[j]) & mask;
          while (keys[i] != -1L) {
            i = (i + 1) & mask;
          }
          keys[i] = ok[j];
          slots[i] = os[j];
        }
      }
    }

    static int mix(long k) {
      long h = k * 0x9E3779B97F4A7C15L;
      return (int) (h ^ (h >>> 32));
    }

    /** Whether packed pair {@code p} beats {@code q}: more votes, ties to the lower class id. */
    private static boolean beats(long p, long q) {
      long np = p >>> 16;
      long nq = q >>> 16;
      return np > nq || np == nq && (p & 0xFFFF) < (q & 0xFFFF);
    }

    /** The fused cloud: one point per voxel in slot order. Spends the accumulator (votes fold in place). */
    LabelledPointCloud toCloud(List<SemanticClass> legend) {
      int n = size;
      float[] pos = new float[3 * n];
      byte[] rgb = new byte[3 * n];
      short[] cls = new short[n];
      float[] conf = new float[n];
      for (int v = 0; v < n; v++) {
        double inv = 1.0 / counts[v];
        int o = 7 * v;
        for (int k = 0; k < 3; k++) {
          pos[3 * v + k] = (float) (sums[o + k] * inv);
          double c = Math.max(0, Math.min(1, sums[o + 3 + k] * inv));
          rgb[3 * v + k] = (byte) Math.round(c * 255);
        }
        conf[v] = (float) (sums[o + 6] * inv);
        // Majority class: the winner of the inline pairs goes into the first, then overflow pairs
        // challenge it; the vote order does not matter since ties are broken by class id alone.
        long b = votes[2 * v + 1];
        if (b != 0 && beats(b, votes[2 * v])) {
          votes[2 * v] = b;
        }
      }
      long[] ok = overflow.keys;
      int[] on = overflow.counts;
      for (int j = 0; j < ok.length; j++) {
        if (ok[j] != -1L) {
          int v = (int) (ok[j] >>> 16);
          long p = (long) on[j] << 16 | (ok[j] & 0xFFFF);
          if (beats(p, votes[2 * v])) {
            votes[2 * v] = p;
          }
        }
      }
      for (int v = 0; v < n; v++) {
        cls[v] = (short) (votes[2 * v] & 0xFFFF);
      }
      return new LabelledPointCloud(n, pos, rgb, cls, conf, legend);
    }
  }

  /** Open-addressing map from a non-negative long key to an int count; starts empty and small. */
  private static final class VoteMap {
    private long[] keys = new long[0];
    private int[] counts = new int[0];
    private int size;

    void increment(long key) {
      if (2 * (size + 1) > keys.length) {
        grow();
      }
      int mask = keys.length - 1;
      int i = Voxels.mix(key) & mask;
      while (true) {
        long k = keys[i];
        if (k == key) {
          counts[i]++;
          return;
        }
        if (k == -1L) {
          keys[i] = key;
          counts[i] = 1;
          size++;
          return;
        }
        i = (i + 1) & mask;
      }
    }

    private void grow() {
      long[] ok = keys;
      int[] oc = counts;
      keys = new long[Math.max(16, ok.length * 2)];
      counts = new int[keys.length];
      Arrays.fill(keys, -1L);
      int mask = keys.length - 1;
      for (int j = 0; j < ok.length; j++) {
        if (ok[j] != -1L) {
          int i = Voxels.mix(ok[j]) & mask;
          while (keys[i] != -1L) {
            i = (i + 1) & mask;
          }
          keys[i] = ok[j];
          counts[i] = oc[j];
        }
      }
    }

    long capacityBytes() {
      return 12L * keys.length;
    }
  }

  /** Options. */
  public static final class Builder {
    private int[] frames;
    private int frameStride = 1;
    private int pixelStride = 1;
    private double renderScale = 1.0;
    private double voxelSize;
    private float minConfidence = 0.5f;
    private List<SemanticClass> classes;

    /** Scene frames to fuse (default all). */
    public Builder optFrames(int[] f) {
      if (f.length == 0) {
        throw new IllegalArgumentException("need at least one frame to fuse, found none");
      }
      this.frames = f.clone();
      return this;
    }

    /** Fuse every {@code n}-th of the chosen frames (default 1). */
    public Builder optFrameStride(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("frame stride must be >= 1, found " + n);
      }
      this.frameStride = n;
      return this;
    }

    /** Use every {@code n}-th pixel along x and y of each rendered view (default 1). */
    public Builder optPixelStride(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("pixel stride must be >= 1, found " + n);
      }
      this.pixelStride = n;
      return this;
    }

    /** Render at this fraction of the frames' resolution (default 1; e.g. 0.5 is 4x faster). */
    public Builder optRenderScale(double s) {
      if (!(s > 0 && s <= 4)) {
        throw new IllegalArgumentException("render scale must be in (0, 4], found " + s);
      }
      this.renderScale = s;
      return this;
    }

    /** Voxel edge in metres (default: scene box diagonal / 256). */
    public Builder optVoxelSize(double metres) {
      if (!(metres > 0) || !Double.isFinite(metres)) {
        throw new IllegalArgumentException("voxel size must be a positive number of metres, found " + metres);
      }
      this.voxelSize = metres;
      return this;
    }

    /**
     * Skip pixels whose class confidence (softmax probability) is below this (default 0.5: the
     * class is more likely than all others together).
     */
    public Builder optMinConfidence(float c) {
      if (!(c >= 0 && c <= 1)) {
        throw new IllegalArgumentException("minimum confidence must be in [0, 1], found " + c);
      }
      this.minConfidence = c;
      return this;
    }

    /** Class names and colours for the PLY comments (default: the scene's names, default palette). */
    public Builder optClasses(List<SemanticClass> c) {
      this.classes = List.copyOf(java.util.Objects.requireNonNull(c, "classes"));
      return this;
    }

    public PointCloudExporter build() {
      return new PointCloudExporter(this);
    }
  }
}
