package io.github.bakefeature.core.synth;

import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.core.parallel.Parallel;
import io.github.bakefeature.core.scene.InMemoryScene;
import io.github.bakefeature.core.scene.SceneWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Generates a synthetic RGB-D sequence with exact ground truth: builds a {@link Preset} world from
 * the seed, places cameras along its {@link CameraPath}, and ray traces every frame on the shared
 * worker pool ({@link Parallel}).
 *
 * <pre>{@code
 * SyntheticScene s = SyntheticSceneGenerator.builder()
 *     .optPreset(Preset.ROOM).optFrames(60).optSize(320, 240).optSeed(7)
 *     .build().generate();
 * SceneWriter.write(s.scene(), dir);
 * }</pre>
 *
 * <p>Contract: frames are ordered along the path; the centre of pixel (u, v) is image point
 * (u, v); depth is z along the optical axis in metres and, without a {@link DepthNoise}, exact
 * for the pixel-centre ray (as float); labels are the class of the surface that ray hits first.
 * The output is a pure function of the options: byte-identical for the same options and seed,
 * whatever the thread count. Building the generator is cheap (geometry and poses only); rendering
 * happens in {@link #generate()} and {@link #render(Pose)}.
 */
public final class SyntheticSceneGenerator {
  /** Padding of the scene bounds around geometry and cameras, as a fraction of the box size. */
  public static final double BOUNDS_PADDING = 0.02;
  /** Rows rendered per task: small enough to balance load, large enough to amortise hand-off. */
  private static final int ROWS_PER_TASK = 8;

  /** Receives progress; may be called from worker threads, once per finished frame. */
  @FunctionalInterface
  public interface Progress {
    void frameRendered(int done, int total);
  }

  private final Preset preset;
  private final int frames;
  private final long seed;
  private final DepthNoise depthNoise;
  private final int threads;
  private final boolean antialias;
  private final Progress progress;
  private final World world;
  private final CameraIntrinsics intrinsics;
  private final List<Pose> poses;
  private final Aabb bounds;

  private SyntheticSceneGenerator(Builder b) {
    this.preset = b.preset;
    this.frames = b.frames;
    this.seed = b.seed;
    this.depthNoise = b.depthModel != null ? b.depthModel : DepthNoise.of(b.depthSigma, b.holeFraction);
    this.threads = b.threads;
    this.antialias = b.antialias;
    this.progress = b.progress;
    Presets.Setup setup = preset.build(seed);
    this.world = setup.world();
    double fov = b.fovDegrees > 0 ? b.fovDegrees : setup.fovDegrees();
    this.intrinsics = CameraIntrinsics.fromHorizontalFov(b.width, b.height, fov);
    this.poses = List.copyOf(setup.path().poses(frames, seed));
    checkCameras();
    Aabb box = world.geometryBounds();
    double[] c = new double[3];
    for (Pose p : poses) {
      p.cameraCentre(c);
      box = box.including(c[0], c[1], c[2]);
    }
    this.bounds = box.padded(BOUNDS_PADDING);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The preset. */
  public Preset preset() {
    return preset;
  }

  /** The seed. */
  public long seed() {
    return seed;
  }

  /** The world (geometry, classes, light). */
  public World world() {
    return world;
  }

  /** The camera of every frame. */
  public CameraIntrinsics intrinsics() {
    return intrinsics;
  }

  /** The frame poses, in path order. */
  public List<Pose> poses() {
    return poses;
  }

  /** Scene bounds: the geometry and every camera centre, padded by {@link #BOUNDS_PADDING}. */
  public Aabb bounds() {
    return bounds;
  }

  /** The depth sensor model applied to the frames' depth. */
  public DepthNoise depthNoise() {
    return depthNoise;
  }

  /**
   * Renders every frame and assembles the scene in memory (with dense ground truth, no
   * scribbles): about 9 bytes a pixel of every frame. For long sequences use {@link #onDemand()}
   * or {@link #write}, which hold a few frames at a time.
   */
  public SyntheticScene generate() {
    Renderer.Buffers[] out = renderFrames(0, frames, progress);
    InMemoryScene.Builder sb = InMemoryScene.builder().optBounds(bounds).optClassNames(world.classNames());
    int w = intrinsics.width();
    int h = intrinsics.height();
    for (int f = 0; f < frames; f++) {
      Renderer.Buffers b = out[f];
      sb.addFrame(intrinsics, poses.get(f), new RgbImage(w, h, b.rgb()), new DepthImage(w, h, b.depth()),
          new LabelImage(w, h, b.labels()), null);
    }
    return new SyntheticScene(this, sb.build());
  }

  /**
   * The frames as a scene that renders them when asked for, a few at a time, the same pixels as
   * {@link #generate()}'s; memory stays bounded whatever the frame count. Made for one pass in
   * frame order, as {@link SceneWriter#write} makes; see {@link OnDemandScene}.
   */
  public OnDemandScene onDemand() {
    return new OnDemandScene(this, threads);
  }

  /**
   * Renders the frames and writes them as a new scene folder {@code dir}, frame by frame
   * ({@link #onDemand()} through {@link SceneWriter#write}); the files are those
   * {@code SceneWriter.write(generate().scene(), dir)} writes.
   */
  public void write(Path dir, SceneWriter.Progress written) throws IOException {
    SceneWriter.write(onDemand(), dir, written);
  }

  /** Frames {@code [first, first + n)} with their sensor model; {@code listener} hears of each. */
  Renderer.Buffers[] renderFrames(int first, int n, Progress listener) {
    Renderer.Buffers[] out = new Renderer.Buffers[n];
    Renderer.Sensor[] sensors = new Renderer.Sensor[n];
    int pixels = intrinsics.width() * intrinsics.height();
    for (int j = 0; j < n; j++) {
      out[j] = new Renderer.Buffers(new byte[3 * pixels], new float[pixels], new short[pixels], null, null);
      sensors[j] = Renderer.Sensor.of(depthNoise, seed, first + j, intrinsics.width(), intrinsics.height());
    }
    renderAll(poses.subList(first, first + n), sensors, out, listener);
    return out;
  }

  /** The progress listener of the options, or null. */
  Progress progress() {
    return progress;
  }

  /**
   * Renders any view of the world with this generator's camera: exact depth (no sensor model),
   * classes, instance and surface ids. Use it for held-out or novel views.
   */
  public SynthView render(Pose pose) {
    Objects.requireNonNull(pose, "pose");
    int n = intrinsics.width() * intrinsics.height();
    Renderer.Buffers b = new Renderer.Buffers(new byte[3 * n], new float[n], new short[n], new short[n], new int[n]);
    renderAll(List.of(pose), new Renderer.Sensor[] {Renderer.Sensor.NONE}, new Renderer.Buffers[] {b}, null);
    int w = intrinsics.width();
    int h = intrinsics.height();
    return new SynthView(intrinsics, pose, new RgbImage(w, h, b.rgb()), new DepthImage(w, h, b.depth()),
        new LabelImage(w, h, b.labels()), b.instances(), b.surfaces());
  }

  /**
   * Ray traces all views. Work is split into tasks of {@link #ROWS_PER_TASK} rows handed out
   * dynamically; since every pixel depends only on its own ray, the split never changes the output.
   */
  private void renderAll(List<Pose> views, Renderer.Sensor[] sensors, Renderer.Buffers[] out, Progress listener) {
    int h = intrinsics.height();
    int blocks = (h + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
    int total = views.size() * blocks;
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    AtomicIntegerArray remaining = new AtomicIntegerArray(views.size());
    for (int f = 0; f < views.size(); f++) {
      remaining.set(f, blocks);
    }
    Runnable worker = () -> {
      Renderer.Scratch scratch = new Renderer.Scratch();
      for (int task = next.getAndIncrement(); task < total; task = next.getAndIncrement()) {
        int f = task / blocks;
        int y0 = (task % blocks) * ROWS_PER_TASK;
        int y1 = Math.min(h, y0 + ROWS_PER_TASK);
        Renderer.renderRows(world, intrinsics, views.get(f), sensors[f], y0, y1, out[f], scratch, antialias);
        if (remaining.decrementAndGet(f) == 0 && listener != null) {
          listener.frameRendered(done.incrementAndGet(), views.size());
        }
      }
    };
    int workers = Math.min(threads, total);
    if (workers <= 1) {
      worker.run();
    } else {
      Parallel.forRange(workers, (from, to, id) -> {
        for (int i = from; i < to; i++) {
          worker.run();
        }
      });
    }
  }

  /** Guards the presets' promise that no camera sits inside (or touching) an object. */
  private void checkCameras() {
    double[] c = new double[3];
    Aabb room = world.geometryBounds();
    for (int f = 0; f < poses.size(); f++) {
      poses.get(f).cameraCentre(c);
      if (!room.padded(-0.02).contains(c[0], c[1], c[2])) {
        throw new IllegalStateException("frame " + f + ": camera at " + fmt(c) + " is outside the room " + room);
      }
      for (SceneObject o : world.objects()) {
        if (o.nearBounds(c[0], c[1], c[2], 0.1)) {
          throw new IllegalStateException("frame " + f + ": camera at " + fmt(c) + " is within 0.1 m of "
              + o.name() + " " + o.bounds());
        }
      }
    }
  }

  private static String fmt(double[] c) {
    return String.format(java.util.Locale.ROOT, "(%.3f, %.3f, %.3f)", c[0], c[1], c[2]);
  }

  /** Options; every one has a default. */
  public static final class Builder {
    private Preset preset = Preset.TABLETOP;
    private int frames = 30;
    private int width = 160;
    private int height = 120;
    private long seed = 0;
    private double fovDegrees = 0;
    private double depthSigma = 0;
    private double holeFraction = 0;
    private DepthNoise depthModel;
    private int threads = Parallel.threads();
    private boolean antialias = true;
    private Progress progress;

    private Builder() {}

    /** Scene preset (default {@link Preset#TABLETOP}). */
    public Builder optPreset(Preset p) {
      this.preset = Objects.requireNonNull(p, "preset");
      return this;
    }

    /** Number of frames along the path (default 30). */
    public Builder optFrames(int n) {
      if (n < 1 || n > 100_000) {
        throw new IllegalArgumentException("frames must be in [1, 100000], found " + n);
      }
      this.frames = n;
      return this;
    }

    /** Image size in pixels (default 160 x 120). */
    public Builder optSize(int w, int h) {
      if (w < 1 || h < 1 || w > 8192 || h > 8192) {
        throw new IllegalArgumentException("image size must be in [1, 8192] on each side, found " + w + "x" + h);
      }
      this.width = w;
      this.height = h;
      return this;
    }

    /** Seed of object placement, textures, camera path and sensor noise (default 0). */
    public Builder optSeed(long s) {
      this.seed = s;
      return this;
    }

    /** Horizontal field of view in degrees (default: the preset's, 60 tabletop, 75 room). */
    public Builder optFieldOfView(double degrees) {
      if (!(degrees >= 10 && degrees <= 150)) {
        throw new IllegalArgumentException("field of view must be in [10, 150] degrees, found " + degrees);
      }
      this.fovDegrees = degrees;
      return this;
    }

    /** Relative depth noise sigma ({@link DepthNoise#sigma()}, default 0 = exact depth). */
    public Builder optDepthNoise(double sigma) {
      DepthNoise.of(sigma, 0);
      this.depthSigma = sigma;
      return this;
    }

    /** Fraction of each depth map lost to holes ({@link DepthNoise#of}, default 0). */
    public Builder optDepthHoles(double fraction) {
      DepthNoise.of(0, fraction);
      this.holeFraction = fraction;
      return this;
    }

    /** A full sensor model; overrides {@link #optDepthNoise} and {@link #optDepthHoles}. */
    public Builder optDepthModel(DepthNoise model) {
      this.depthModel = Objects.requireNonNull(model, "model");
      return this;
    }

    /**
     * Antialiased colour (default true): each pixel's colour averages four sub-pixel rays, as a
     * camera integrates over the pixel; depth and labels stay those of the centre ray. Without it
     * edges are jagged in a way no real camera produces, which no field can reproduce from other
     * viewpoints.
     */
    public Builder optAntialiasing(boolean on) {
      this.antialias = on;
      return this;
    }

    /**
     * Most threads to render with (default {@link Parallel#threads()}; 1 = calling thread only).
     * Never changes the output.
     */
    public Builder optThreads(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("threads must be at least 1, found " + n);
      }
      this.threads = n;
      return this;
    }

    /** Progress listener (default none). */
    public Builder optProgress(Progress p) {
      this.progress = p;
      return this;
    }

    /** Builds the world and the camera path (cheap); rendering happens in {@link #generate()}. */
    public SyntheticSceneGenerator build() {
      return new SyntheticSceneGenerator(this);
    }
  }
}
