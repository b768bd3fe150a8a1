package io.github.bakefeature.core.features;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.bakefeature.api.feature.FeatureExtractor;
import io.github.bakefeature.api.feature.FeatureMap;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.io.AtomicFiles;
import io.github.bakefeature.core.scene.SceneLayout;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The encoded features of every frame of a scene, as the trainer needs them (section III-C):
 * extracted once with a {@link FeatureExtractor}, compressed by a {@link FeatureAutoencoder}
 * fitted on pixels sampled across all frames, stored on disk in float16, and read from memory
 * (float16) for random access.
 *
 * <pre>{@code
 * FeatureCache cache = FeatureCache.builder(scene, extractor).optDimension(64).build(); // builds or loads
 * float[] f = new float[cache.dimension()];
 * cache.lookup(frame, px, py, f, 0); // encoded feature of image pixel (px, py), nearest cell
 * }</pre>
 *
 * <p><b>Code dimension.</b> D defaults to 64, the paper's value (and the size of the field's
 * feature head), chosen there for DINO's M = 384 channels. For extractors with fewer channels,
 * such as the default filter bank (M = 50), D = 64 does not compress: the autoencoder maps the
 * features into a larger, sparse code. It is kept as the default so results stay comparable with
 * the paper's and the measured figures; {@link Builder#optDimension} below M compresses.
 *
 * <p><b>Where.</b> By default {@code <scene>/cache/features/<name>-d<D>-<hash>/}; with
 * {@link Builder#optCacheDir} the same sub-folder goes under the given root instead (which may
 * then serve several scenes: the hash also covers the scene's location, unless the root is the
 * scene's own {@code cache/features}). The folder name hashes
 * the configuration (extractor id, autoencoder parameters, D, sampling); the folder holds
 * {@code manifest.json} (written last), {@code autoencoder.bin} and {@code frames/<name>.f16}
 * (little-endian IEEE half floats, {@code gridHeight x gridWidth x D}, row-major). The manifest
 * also records the grid's cell size in image pixels ({@link FeatureMap#cellWidth()}, 0 for a grid
 * stretched over the image), so lookups place the cells as the extractor did; a manifest written
 * before it was recorded gets it from the first frame, extracted again when the cache is loaded
 * (its grid is the same, so nothing else is rebuilt). {@link Builder#existing()}
 * lists the caches of a scene under a root from their manifests alone.
 *
 * <p><b>Validity.</b> The cache is reused only if the manifest matches the configuration and the
 * scene's fingerprint (the frame names and, per RGB file, its name, size and modification time;
 * for scenes without files, a SHA-256 of the pixels) or, when only that changed (a scene copied
 * with {@code cp -r}, checked out of git or unpacked, which sets new modification times), a
 * SHA-256 of the RGB files' bytes recorded with it, the autoencoder file passes its checksum,
 * and every frame file has the expected length and CRC-32. Otherwise it is rebuilt in place (so
 * touching an image or changing a parameter rebuilds; a truncated or corrupt file is detected).
 * Writes are atomic and the manifest is written last, so a crash mid-build leaves a cache that is
 * rebuilt next time. A file lock serialises processes building the same cache.
 *
 * <p><b>Damaged layouts.</b> A cache folder whose entries are not what the cache writes (a
 * regular file where {@code frames/} should be, a folder or link where a file should be, a
 * manifest that is not the cache's JSON) is stale like any other: the rebuild removes the wrong
 * entries, only inside the cache folder and without following links, and logs a warning naming
 * each path and what was wrong ({@link #warnings()}). Something other than a folder where the cache
 * folder itself (or its root) should be is never removed: {@link Builder#build()} throws a
 * {@link CacheFolderException} naming it.
 *
 * <p><b>Memory.</b> {@code frames x cells x D x 2} bytes: 2.5 MB per frame at the filter bank's
 * default 160 x 120 grid and D = 64, so 5 GB for a 2,000-frame capture. Up to
 * {@link Builder#optHeapLimit} (default: a quarter of the maximum heap, at most 1 GiB) the codes
 * are held on the Java heap; a larger cache is memory-mapped from its frame files instead, read
 * only, so it takes no heap and the operating system keeps as much of it in its page cache as
 * memory allows ({@link #memoryMapped()}). A mapped cache keeps its files open until the
 * instance is garbage collected: on Windows they cannot be replaced before.
 *
 * <p>Instances are immutable after {@link Builder#build()} and thread-safe.
 */
public final class FeatureCache implements io.github.bakefeature.core.data.FeatureSource {
  /** Code dimension D unless {@link Builder#optDimension} says otherwise: the paper's (see the class comment). */
  public static final int DEFAULT_DIMENSION = 64;
  /** Bump when the on-disk layout changes. */
  static final int FORMAT = 1;
  static final String MANIFEST = "manifest.json";
  static final String AUTOENCODER = "autoencoder.bin";
  static final String FRAMES = "frames";
  private static final String SPILL = "raw-features.tmp";
  private static final String LOCK = ".lock";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ConcurrentHashMap<Path, ReentrantLock> LOCAL_LOCKS = new ConcurrentHashMap<>();
  private static final Logger LOG = LoggerFactory.getLogger(FeatureCache.class);

  private final Path dir;
  private final int m;
  private final int d;
  private final int gridWidth;
  private final int gridHeight;
  private final int imageWidth;
  private final int imageHeight;
  private final double cellWidth;
  private final double cellHeight;
  /** Grid column of every image column and grid row of every image row (the map's lookup rule). */
  private final int[] cellOfX;
  private final int[] cellOfY;
  /** Per frame, its {@code gridHeight x gridWidth x D} codes: heap arrays or mapped frame files. */
  private final ShortBuffer[] frames;
  private final boolean mapped;
  private final FeatureAutoencoder autoencoder;
  private final boolean reused;
  private final String status;
  private final double seconds;
  private final List<String> warnings;
  private final String identity;
  /**
   * The scene the cache was built for, its images' cheap fingerprint then and their content
   * fingerprint as the manifest records it (null if it does not), see {@link #sceneMismatch}.
   */
  private final Scene scene;
  private final String sceneFingerprint;
  private final String sceneContent;

  private FeatureCache(Scene scene, String sceneFingerprint, String sceneContent, Path dir, int m, int d,
                       int gridWidth, int gridHeight, int imageWidth, int imageHeight, double cellWidth,
                       double cellHeight, ShortBuffer[] frames, boolean mapped, FeatureAutoencoder autoencoder,
                       boolean reused, String status, double seconds, List<String> warnings) {
    this.scene = scene;
    this.sceneFingerprint = sceneFingerprint;
    this.sceneContent = sceneContent;
    this.dir = dir;
    this.m = m;
    this.d = d;
    this.gridWidth = gridWidth;
    this.gridHeight = gridHeight;
    this.imageWidth = imageWidth;
    this.imageHeight = imageHeight;
    this.cellWidth = cellWidth;
    this.cellHeight = cellHeight;
    FeatureMap grid = new FeatureMap(gridWidth, gridHeight, 1, new float[gridWidth * gridHeight], cellWidth,
        cellHeight);
    this.cellOfX = new int[imageWidth];
    for (int x = 0; x < imageWidth; x++) {
      cellOfX[x] = grid.cellX(x, imageWidth);
    }
    this.cellOfY = new int[imageHeight];
    for (int y = 0; y < imageHeight; y++) {
      cellOfY[y] = grid.cellY(y, imageHeight);
    }
    this.frames = frames;
    this.mapped = mapped;
    this.autoencoder = autoencoder;
    this.reused = reused;
    this.status = status;
    this.seconds = seconds;
    this.warnings = List.copyOf(warnings);
    this.identity = "autoencoder " + m + "->" + d + " weights-crc32 " + String.format("%08x",
        autoencoder.weightsChecksum());
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here also the form checkpoints recorded before 2026-11-25 (a checksum of the autoencoder's
   * file, fit report included), so that upgrading does not set their sessions' models aside.
   */
  @Override
  public boolean isIdentity(String recorded) {
    String legacy = "autoencoder " + m + "->" + d + " crc32 ";
    if (recorded == null || !recorded.startsWith(legacy)) {
      return identity.equals(recorded);
    }
    java.util.zip.CRC32 file = new java.util.zip.CRC32();
    file.update(autoencoder.toBytes());
    return recorded.equals(legacy + String.format("%08x", file.getValue()));
  }

  /**
   * Refuses a value that float16 cannot hold (non-finite or beyond +-65504), which would be cached
   * as infinity or NaN and poison every training step that reads it.
   */
  static void requireHalfRange(float[] values, String who, String where) throws IOException {
    for (int i = 0; i < values.length; i++) {
      float v = values[i];
      if (!(Math.abs(v) <= Float16.MAX_VALUE)) {
        throw new IOException(who + " " + v + " at value " + i + " " + where + "; expected finite values within"
            + " +-" + (int) Float16.MAX_VALUE + " (scale the extractor's output down)");
      }
    }
  }

  /**
   * The autoencoder's sizes and the checksum of its weights: the codes' basis, the same for a fit
   * that gives the same weights (a deleted cache rebuilt with the same settings), new otherwise.
   */
  @Override
  public String identity() {
    return identity;
  }

  /**
   * A cache found by {@link Builder#existing()}, as its manifest describes it.
   *
   * @param directory the cache folder
   * @param extractorId {@link FeatureExtractor#id()} of the extractor that built it
   * @param trainerId {@link FeatureAutoencoder.Trainer#id()} of its autoencoder's trainer
   * @param inputDimension M
   * @param dimension D
   * @param autoencoderSteps optimiser steps the autoencoder was fitted for
   * @param gridWidth cells per row
   * @param gridHeight rows of cells
   * @param reconstructionError held-out relative MSE of the autoencoder
   */
  public record Summary(Path directory, String extractorId, String trainerId, int inputDimension, int dimension,
                        int autoencoderSteps, int gridWidth, int gridHeight, double reconstructionError) {}

  /** A builder for the cache of {@code scene}'s features from {@code extractor}. */
  public static Builder builder(Scene scene, FeatureExtractor extractor) {
    return new Builder(scene, extractor);
  }

  /** Code dimension D of the cached features. */
  public int dimension() {
    return d;
  }

  /** Dimension M of the extractor's features (the autoencoder's input). */
  public int inputDimension() {
    return m;
  }

  /** Number of frames. */
  public int size() {
    return frames.length;
  }

  @Override
  public int[] sceneShape() {
    return new int[] {frames.length, imageWidth, imageHeight};
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here: null for the scene the cache was built for, for another {@link Scene} of the same
   * folder whose images are unchanged, and for a copy of those images (compared by content with
   * what the manifest recorded); otherwise the difference. Reads every RGB file of {@code scene}
   * only when the cheap fingerprint (frame names, file sizes and modification times) differs; for a
   * scene without image files (in memory) the cheap fingerprint itself hashes every frame's pixels,
   * and there is no content pass.
   */
  @Override
  public String sceneMismatch(Scene other) throws IOException {
    Objects.requireNonNull(other, "scene");
    if (other == scene || fingerprint(other, false).equals(sceneFingerprint)) {
      return null;
    }
    if (sceneContent != null && !rgbFiles(other).isEmpty() && fingerprint(other, true).equals(sceneContent)) {
      return null;
    }
    String built = scene.directory().map(Path::toString).orElse("a scene in memory");
    return "the feature targets in " + dir + " were built for " + built + ", whose images differ from this scene's"
        + " (frame names or RGB content); expected the feature cache of this scene";
  }

  /** Width of every frame's feature grid in cells. */
  public int gridWidth() {
    return gridWidth;
  }

  /** Height of every frame's feature grid in cells. */
  public int gridHeight() {
    return gridHeight;
  }

  /** Width of a grid cell in image pixels, or 0 when the grid is stretched over the image ({@link FeatureMap}). */
  public double cellWidth() {
    return cellWidth;
  }

  /** Height of a grid cell in image pixels, or 0 when the grid is stretched over the image ({@link FeatureMap}). */
  public double cellHeight() {
    return cellHeight;
  }

  /**
   * Copies the encoded feature of image pixel (px, py) of {@code frame} — the grid cell it falls
   * in, as {@link FeatureMap#lookup} of {@link #encodedMap} — into {@code out[offset .. offset + D)}.
   *
   * @throws IndexOutOfBoundsException if the frame or pixel is outside the scene
   */
  public void lookup(int frame, int px, int py, float[] out, int offset) {
    if (frame < 0 || frame >= frames.length || px < 0 || px >= imageWidth || py < 0 || py >= imageHeight) {
      throw new IndexOutOfBoundsException("expected frame in [0, " + frames.length + ") and pixel in [0, " + imageWidth
          + ") x [0, " + imageHeight + "), found frame " + frame + " pixel (" + px + ", " + py + ")");
    }
    if (offset < 0 || offset > out.length - d) {
      throw new IndexOutOfBoundsException("expected room for " + d + " values at offset " + offset + ", found an"
          + " array of " + out.length);
    }
    Float16.toFloat(frames[frame], (cellOfY[py] * gridWidth + cellOfX[px]) * d, out, offset, d);
  }

  /** The encoded feature map of {@code frame} ({@code gridWidth x gridHeight x D}, a new array). */
  public FeatureMap encodedMap(int frame) {
    if (frame < 0 || frame >= frames.length) {
      throw new IndexOutOfBoundsException("expected frame in [0, " + frames.length + "), found " + frame);
    }
    float[] data = new float[frames[frame].capacity()];
    Float16.toFloat(frames[frame], 0, data, 0, data.length);
    return new FeatureMap(gridWidth, gridHeight, d, data, cellWidth, cellHeight);
  }

  /** Whether the codes are memory-mapped from the frame files rather than held on the heap (see the class comment). */
  public boolean memoryMapped() {
    return mapped;
  }

  /** The frozen autoencoder that produced the codes (decode them to get M-dimensional features back). */
  public FeatureAutoencoder autoencoder() {
    return autoencoder;
  }

  /** Held-out relative MSE of the autoencoder (see {@link FeatureAutoencoder#reconstructionError()}). */
  public double reconstructionError() {
    return autoencoder.reconstructionError();
  }

  /** The folder holding this cache. */
  public Path directory() {
    return dir;
  }

  /** Whether the cache was loaded from disk rather than built. */
  public boolean reused() {
    return reused;
  }

  /** "reused", or why it was built ("no cache yet", "scene images changed", "frames/00003.f16: checksum mismatch", ...). */
  public String status() {
    return status;
  }

  /**
   * Damage found in the cache folder and repaired by the rebuild, one line each naming the path and
   * what was wrong (also logged as warnings); empty when the cache was reused, new, or merely out
   * of date (other settings, changed images).
   */
  public List<String> warnings() {
    return warnings;
  }

  /** Wall time of {@link Builder#build()} in seconds. */
  public double seconds() {
    return seconds;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "FeatureCache[%d frames, %dx%d x D=%d (M=%d), %s, %s]", frames.length, gridWidth,
        gridHeight, d, m, reused ? "reused" : "built", dir);
  }

  /** Configures and opens a {@link FeatureCache}. */
  public static final class Builder {
    private final Scene scene;
    private final FeatureExtractor extractor;
    private FeatureAutoencoder.Trainer trainer = FeatureAutoencoder.trainer();
    private int dimension = DEFAULT_DIMENSION;
    private Path cacheRoot;
    private ProgressListener progress = ProgressListener.NONE;
    private int maxSamples = 100_000;
    private long seed = 0;
    private long heapLimit = Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 4);

    private Builder(Scene scene, FeatureExtractor extractor) {
      if (scene == null || extractor == null) {
        throw new IllegalArgumentException("scene and extractor must not be null");
      }
      this.scene = scene;
      this.extractor = extractor;
    }

    /**
     * Code dimension D (default 64, the paper's, for DINO's M = 384; it expands rather than
     * compresses extractors with {@code M <= D}, such as the default filter bank's 50 channels, and is kept
     * as the default for comparability: see the class comment).
     */
    public Builder optDimension(int dim) {
      if (dim < 1 || dim > 4096) {
        throw new IllegalArgumentException("feature dimension must be 1..4096, found " + dim);
      }
      this.dimension = dim;
      return this;
    }

    /** Root folder for the cache instead of {@code <scene>/cache/features/}. */
    public Builder optCacheDir(Path root) {
      this.cacheRoot = root;
      return this;
    }

    /** Receives extraction, fitting, encoding and loading progress. */
    public Builder optProgress(ProgressListener listener) {
      this.progress = listener == null ? ProgressListener.NONE : listener;
      return this;
    }

    /** Autoencoder training settings (copied; its code dimension is replaced by {@link #optDimension}). */
    public Builder optTrainer(FeatureAutoencoder.Trainer t) {
      if (t == null) {
        throw new IllegalArgumentException("trainer must not be null");
      }
      this.trainer = t.copy();
      return this;
    }

    /**
     * Most pixels sampled across frames to fit the autoencoder (default 100,000; fewer when M is
     * large, so the sample stays under 64 MB).
     */
    public Builder optMaxSamples(int n) {
      if (n < 100) {
        throw new IllegalArgumentException("need at least 100 samples to fit the autoencoder, found " + n);
      }
      this.maxSamples = n;
      return this;
    }

    /**
     * Most bytes of codes to hold on the Java heap; a larger cache is memory-mapped from its files
     * (default: a quarter of the maximum heap, at most 1 GiB; 0 always maps).
     */
    public Builder optHeapLimit(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("heap limit must be >= 0 bytes, found " + bytes);
      }
      this.heapLimit = bytes;
      return this;
    }

    /** Seed of the pixel sampling (the trainer has its own). */
    public Builder optSeed(long s) {
      this.seed = s;
      return this;
    }

    /**
     * Loads the cache if it is valid for the current scene and settings, otherwise builds it
     * (extract every frame, fit the autoencoder, encode, write).
     *
     * @throws IOException if the scene's images cannot be read, the extractor fails, or the cache
     *     folder cannot be written
     */
    public FeatureCache build() throws IOException {
      long t0 = System.nanoTime();
      Key key = key();
      FeatureAutoencoder.Trainer trainer = key.trainer();
      int m = key.m();
      int samples = key.samples();
      String config = key.config();
      Path dir = key.dir();
      createCacheFolder(dir);
      String fingerprint = fingerprint();
      // File locks exclude other processes; within this JVM they would throw, so threads queue here first.
      // The real path: two spellings of one folder (a link) must queue here, not open a second channel on
      // its lock file (closing that would drop this process's POSIX lock on it).
      ReentrantLock local = LOCAL_LOCKS.computeIfAbsent(dir.toRealPath(), k -> new ReentrantLock());
      local.lock();
      try {
        List<String> warnings = new ArrayList<>();
        Path lockFile = dir.resolve(LOCK);
        if (!Files.isRegularFile(lockFile) && Files.exists(lockFile, LinkOption.NOFOLLOW_LINKS)) {
          // No process can lock a folder or a broken link, so removing it takes no lock away.
          damaged(warnings, lockFile, "expected a regular file (the build lock), found " + kind(lockFile)
              + "; removed it");
          AtomicFiles.deleteRecursively(lockFile);
        }
        try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE,
            StandardOpenOption.WRITE)) {
          FileLock lock = lockChannel.lock();
          try {
            String why;
            try {
              FeatureCache loaded = load(dir, config, fingerprint, m, trainer, t0);
              if (loaded != null) {
                return loaded;
              }
              why = "no cache yet";
            } catch (StaleCacheException e) {
              why = e.getMessage();
              if (e.damaged) {
                damaged(warnings, dir, "the feature cache is damaged (" + why + "); rebuilding it");
              }
            }
            return create(dir, config, fingerprint, m, samples, trainer, why, warnings, t0);
          } finally {
            lock.release();
          }
        }
      } finally {
        local.unlock();
      }
    }

    /**
     * The folder these settings select (it may not exist yet), without extracting or reading
     * anything: {@code <root>/<extractor>-d<D>-<hash of the settings>}.
     *
     * @throws IllegalArgumentException if the scene has no folder and no cache root was given
     * @throws IOException if a scene without files must be hashed and cannot be read
     */
    public Path directory() throws IOException {
      return key().dir();
    }

    /**
     * The caches of this scene under this builder's cache root, whatever their settings, as
     * their manifests describe them, sorted by folder. Listed are only caches a build could
     * reuse for the scene as it is now: complete (manifest, autoencoder and frames in place),
     * of this format, of the scene's current images and, under a shared root, of this scene. No
     * frame is read, so one may still turn out damaged when opened, and is then rebuilt. This
     * builder's extractor and settings only locate the root: {@link #directory()} tells which
     * entry, if any, they select.
     *
     * @throws IOException if the root cannot be listed or the scene's images not fingerprinted
     */
    public List<Summary> existing() throws IOException {
      Path root = root();
      if (!Files.isDirectory(root)) {
        return List.of();
      }
      String fingerprint = fingerprint();
      String sceneLine = sharedRoot() ? "scene=" + sceneIdentity() : null;
      // The scene's own folder, named explicitly, may hold caches earlier versions keyed with it.
      String earlierLine = cacheRoot != null && sceneLine == null ? "scene=" + sceneIdentity() : null;
      List<Summary> out = new ArrayList<>();
      try (Stream<Path> s = Files.list(root)) {
        for (Path dir : (Iterable<Path>) s.sorted()::iterator) {
          Summary e = summary(dir, fingerprint, sceneLine, earlierLine);
          if (e != null) {
            out.add(e);
          }
        }
      }
      return out;
    }

    /**
     * The cache in {@code dir} if its manifest says it is complete and of this scene (its scene line
     * is {@code sceneLine}, or absent or {@code earlierLine} when that is null), else null.
     */
    private Summary summary(Path dir, String fingerprint, String sceneLine, String earlierLine) {
      Path manifest = dir.resolve(MANIFEST);
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || !Files.isRegularFile(manifest, LinkOption.NOFOLLOW_LINKS)
          || !Files.isRegularFile(dir.resolve(AUTOENCODER), LinkOption.NOFOLLOW_LINKS)
          || !Files.isDirectory(dir.resolve(FRAMES), LinkOption.NOFOLLOW_LINKS)) {
        return null;
      }
      JsonNode man;
      try {
        man = JSON.readTree(manifest.toFile());
      } catch (IOException e) {
        return null;
      }
      if (man == null || !man.isObject() || man.path("format").asInt(-1) != FORMAT
          || man.path("frames").size() != scene.size()) {
        return null;
      }
      List<String> lines = man.path("config").asText("").lines().toList();
      String recorded = lines.stream().filter(l -> l.startsWith("scene=")).findFirst().orElse(null);
      if (sceneLine == null ? recorded != null && !recorded.equals(earlierLine) : !sceneLine.equals(recorded)) {
        return null; // another scene's cache (shared root): checked first, as comparing content reads every image
      }
      try {
        if (!fingerprint.equals(man.path("scene_fingerprint").asText()) && !sameContent(man)) {
          return null;
        }
      } catch (StaleCacheException e) {
        return null;
      }
      try {
        cellSize(man);
      } catch (StaleCacheException e) {
        return null;
      }
      return new Summary(dir, man.path("extractor").asText(), man.path("trainer").asText(), man.path("M").asInt(),
          man.path("D").asInt(), man.path("fit").path("steps").asInt(), man.path("grid_width").asInt(),
          man.path("grid_height").asInt(), man.path("reconstruction_error").asDouble(Double.NaN));
    }

    /** The settings' cache key: folder, configuration text and the values build needs. */
    private record Key(Path dir, String config, int m, int samples, FeatureAutoencoder.Trainer trainer) {}

    private Key key() throws IOException {
      FeatureAutoencoder.Trainer trainer = this.trainer.copy().optCodeDimension(dimension);
      int m = extractor.dimension();
      int samples = (int) Math.max(100, Math.min(maxSamples, (16L << 20) / Math.max(1, m)));
      String config = "format=" + FORMAT + "\nextractor=" + extractor.id() + "\nM=" + m + "\nD=" + dimension
          + "\ntrainer=" + trainer.id() + "\nsamples=" + samples + "\nseed=" + seed;
      Key key = keyOf(config + (sharedRoot() ? "\nscene=" + sceneIdentity() : ""), m, samples, trainer);
      if (cacheRoot != null && !sharedRoot() && !Files.exists(key.dir().resolve(MANIFEST))) {
        // Earlier versions keyed the scene's own folder, named explicitly, like a shared root:
        // such a cache is still this scene's, so it is reused rather than built again.
        Key earlier = keyOf(config + "\nscene=" + sceneIdentity(), m, samples, trainer);
        if (Files.isRegularFile(earlier.dir().resolve(MANIFEST))) {
          return earlier;
        }
      }
      return key;
    }

    private Key keyOf(String config, int m, int samples, FeatureAutoencoder.Trainer trainer) {
      String name = slug(extractor.id()) + "-d" + dimension + "-" + sha256(config).substring(0, 12);
      return new Key(root().resolve(name), config, m, samples, trainer);
    }

    /**
     * Whether the root was given and is not the scene's own {@code cache/features} (named by
     * another path): a root several scenes may share, so entries record which scene they are of.
     */
    private boolean sharedRoot() {
      if (cacheRoot == null) {
        return false;
      }
      Path own = scene.directory().map(d -> d.resolve("cache").resolve("features").toAbsolutePath().normalize())
          .orElse(null);
      return !cacheRoot.toAbsolutePath().normalize().equals(own);
    }

    /** The cache root: the one given, or the scene's {@code cache/features}. */
    private Path root() {
      if (cacheRoot != null) {
        return cacheRoot;
      }
      Path sceneDir = scene.directory().orElseThrow(() -> new IllegalArgumentException(
          "the scene has no folder to hold its feature cache; give one with optCacheDir"));
      return sceneDir.resolve("cache").resolve("features");
    }

    /**
     * Thrown by {@link #load} with the reason a cache cannot be used; {@code damaged} when the
     * folder is not what a build writes (corrupt, truncated, wrong kinds of entries), rather than
     * merely out of date.
     */
    private static final class StaleCacheException extends Exception {
      private static final long serialVersionUID = 1L;
      private final boolean damaged;

      StaleCacheException(String why, boolean damaged) {
        super(why, null, false, false);
        this.damaged = damaged;
      }

      static StaleCacheException damaged(String why) {
        return new StaleCacheException(why, true);
      }
    }

    /**
     * The manifest's cell size {width, height} in image pixels (0, 0 for a stretched grid), or null
     * for a manifest written before it was recorded.
     */
    private static double[] cellSize(JsonNode man) throws StaleCacheException {
      JsonNode w = man.path("cell_width");
      JsonNode h = man.path("cell_height");
      if (w.isMissingNode() && h.isMissingNode()) {
        return null;
      }
      double cw = w.asDouble(Double.NaN);
      double ch = h.asDouble(Double.NaN);
      boolean stretched = cw == 0 && ch == 0;
      boolean explicit = cw > 0 && ch > 0 && Double.isFinite(cw) && Double.isFinite(ch);
      if (!w.isNumber() || !h.isNumber() || !(stretched || explicit)) {
        throw StaleCacheException.damaged(MANIFEST + ": expected 'cell_width' and 'cell_height' to be positive"
            + " numbers or both 0, found " + w + " and " + h);
      }
      return new double[] {cw, ch};
    }

    /**
     * Adds the cell size to a manifest written before it was recorded, from the first frame
     * extracted again: such caches hold the same grid (it was cropped the same way), only their
     * lookups placed it differently, so one frame is cheaper than rebuilding them.
     */
    private double[] recordCellSize(Path manifestFile, ObjectNode man, int gw,
                                    int gh, int m) throws StaleCacheException {
      FeatureMap first;
      try {
        first = extractor.extract(scene.frame(0).rgb());
      } catch (IOException | RuntimeException e) {
        throw new StaleCacheException(MANIFEST + ": no cell size, and the first frame could not be extracted to find it ("
            + e.getMessage() + ")", false);
      }
      if (first.width() != gw || first.height() != gh || first.dimension() != m) {
        throw new StaleCacheException(MANIFEST + ": no cell size, and the " + gw + "x" + gh + " grid it records is not"
            + " the extractor's " + first.width() + "x" + first.height(), false);
      }
      man.put("cell_width", first.cellWidth());
      man.put("cell_height", first.cellHeight());
      try {
        AtomicFiles.write(manifestFile, JSON.writeValueAsBytes(man));
      } catch (IOException e) {
        // Still valid for this run: the next one finds the size again.
        LOG.warn("{}: could not record the grid's cell size ({})", manifestFile, e.getMessage());
      }
      return new double[] {first.cellWidth(), first.cellHeight()};
    }

    /** Whether {@code n} frames of {@code values} codes exceed the heap limit and are to be mapped. */
    private boolean mapFrames(int n, long values) {
      return (long) n * values * 2 > heapLimit;
    }

    private FeatureCache load(Path dir, String config, String fingerprint, int m, FeatureAutoencoder.Trainer trainer,
                              long t0)
        throws StaleCacheException {
      Path manifestFile = dir.resolve(MANIFEST);
      if (!Files.exists(manifestFile, LinkOption.NOFOLLOW_LINKS)) {
        return null;
      }
      if (!Files.isRegularFile(manifestFile)) {
        throw StaleCacheException.damaged(MANIFEST + ": expected a regular file, found " + kind(manifestFile));
      }
      if (!Files.isDirectory(dir.resolve(FRAMES))) {
        throw StaleCacheException.damaged(FRAMES + ": expected a folder, found " + kind(dir.resolve(FRAMES)));
      }
      JsonNode man;
      try {
        man = JSON.readTree(manifestFile.toFile());
      } catch (IOException e) {
        throw StaleCacheException.damaged(MANIFEST + ": unreadable ("
            + io.github.bakefeature.core.io.ErrorText.describe(e) + ")");
      }
      if (man == null || !man.isObject()) {
        throw StaleCacheException.damaged(MANIFEST + ": expected a JSON object, found "
            + (man == null || man.isMissingNode() ? "no content" : man.getNodeType().toString().toLowerCase(Locale.ROOT)));
      }
      if (!man.path("format").isInt() || !man.path("config").isTextual()) {
        throw StaleCacheException.damaged(MANIFEST + ": expected the fields 'format' (a number) and 'config' (text)");
      }
      if (man.path("format").asInt() != FORMAT || !config.equals(man.path("config").asText())) {
        // Another format version or configuration: out of date rather than damaged.
        throw new StaleCacheException(MANIFEST + ": written for other settings", false);
      }
      if (!fingerprint.equals(man.path("scene_fingerprint").asText())) {
        if (!sameContent(man)) {
          throw new StaleCacheException("scene images changed", false);
        }
        // Same images with new modification times: remember them, so the next open takes the fast path.
        ((ObjectNode) man).put("scene_fingerprint", fingerprint);
        try {
          AtomicFiles.write(manifestFile, JSON.writeValueAsBytes(man));
        } catch (IOException e) {
          LOG.debug("could not record the new fingerprint in {}: {}", manifestFile, e.toString());
        }
      }
      int gw = man.path("grid_width").asInt();
      int gh = man.path("grid_height").asInt();
      int d = man.path("D").asInt();
      JsonNode list = man.path("frames");
      if (gw < 1 || gh < 1 || d != dimension || man.path("M").asInt() != m || !list.isArray()
          || list.size() != scene.size()) {
        throw StaleCacheException.damaged(MANIFEST + ": sizes do not match the scene");
      }
      long values = (long) gw * gh * d;
      if (values > Integer.MAX_VALUE - 8) {
        throw StaleCacheException.damaged(MANIFEST + ": implausible grid " + gw + "x" + gh + " x D=" + d);
      }
      double[] cell = cellSize(man);
      FeatureAutoencoder ae;
      try {
        ae = FeatureAutoencoder.load(dir.resolve(AUTOENCODER));
      } catch (IOException e) {
        // Statuses name the cache's files relative to it; load's message starts with the full path.
        String why = String.valueOf(e.getMessage());
        String prefix = dir.resolve(AUTOENCODER) + ": ";
        throw StaleCacheException.damaged(AUTOENCODER + ": "
            + (why.startsWith(prefix) ? why.substring(prefix.length()) : why));
      }
      if (ae.inputDimension() != m || ae.codeDimension() != d || !ae.trainerId().equals(trainer.id())) {
        throw StaleCacheException.damaged(AUTOENCODER + ": written for other settings");
      }
      boolean map = mapFrames(scene.size(), values);
      ShortBuffer[] data = new ShortBuffer[scene.size()];
      for (int i = 0; i < scene.size(); i++) {
        JsonNode f = list.get(i);
        String rel = f.path("file").asText();
        String expected = frameFile(scene.frame(i).name());
        if (!rel.equals(expected)) {
          // Only the cache's own files are read: never a path the manifest points elsewhere.
          throw StaleCacheException.damaged(MANIFEST + ": frame " + i + " is stored in '" + rel + "', expected '"
              + expected + "'");
        }
        try {
          data[i] = readFrame(dir.resolve(rel), (int) values, f.path("crc32").asLong(-1), map);
        } catch (IOException e) {
          throw StaleCacheException.damaged(rel + ": " + e.getMessage());
        }
        progress.progress(ProgressListener.LOAD, i + 1, scene.size());
      }
      if (cell == null) {
        cell = recordCellSize(manifestFile, (ObjectNode) man, gw, gh, m);
      }
      String content = man.path("scene_content").isTextual() ? man.path("scene_content").asText() : null;
      return new FeatureCache(scene, fingerprint, content, dir, m, d, gw, gh, scene.width(), scene.height(), cell[0],
          cell[1], data, map, ae, true, "reused", (System.nanoTime() - t0) / 1e9, List.of());
    }

    private FeatureCache create(Path dir, String config, String fingerprint, int m, int samples,
                                FeatureAutoencoder.Trainer trainer, String why, List<String> warnings, long t0)
        throws IOException {
      // Invalidate first: without a manifest, a crash from here on leaves nothing that looks valid.
      // Entries of the wrong kind (a file where frames/ belongs, a folder where a file belongs) go too.
      reset(dir, MANIFEST, false, warnings);
      reset(dir, AUTOENCODER, false, warnings);
      reset(dir, SPILL, false, warnings);
      reset(dir, FRAMES, true, warnings);
      int n = scene.size();
      int perFrame = Math.max(1, (int) Math.ceil((double) samples / n));
      float[] sample = new float[Math.multiplyExact(perFrame * n, m)];
      int sampled = 0;
      int gw = -1;
      int gh = -1;
      double cellWidth = 0;
      double cellHeight = 0;
      Path spill = dir.resolve(SPILL);
      try {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
            Files.newOutputStream(spill, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 20))) {
          for (int i = 0; i < n; i++) {
            Frame frame = scene.frame(i);
            RgbImage rgb = frame.rgb();
            FeatureMap map = extractor.extract(rgb);
            if (map.dimension() != m) {
              throw new IOException(extractor.id() + " returned " + map.dimension() + " channels for frame "
                  + frame.name() + "; its dimension() says " + m);
            }
            if (i == 0) {
              gw = map.width();
              gh = map.height();
              cellWidth = map.cellWidth();
              cellHeight = map.cellHeight();
            } else if (map.width() != gw || map.height() != gh || map.cellWidth() != cellWidth
                || map.cellHeight() != cellHeight) {
              throw new IOException(extractor.id() + " returned a " + grid(map.width(), map.height(), map.cellWidth(),
                  map.cellHeight()) + " for frame " + frame.name() + " but a " + grid(gw, gh, cellWidth, cellHeight)
                  + " for the first frame");
            }
            requireHalfRange(map.data(), extractor.id() + " returned", "for frame " + frame.name()
                + " (the extracted features are held as float16 until encoded)");
            writeHalfs(out, map.data());
            // Sample cells for the autoencoder, seeded per frame so the choice does not depend on order.
            SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + i);
            int cells = gw * gh;
            int take = Math.min(perFrame, cells);
            for (int k = 0; k < take; k++) {
              int cell = cells <= perFrame ? k : rnd.nextInt(cells);
              System.arraycopy(map.data(), cell * m, sample, sampled * m, m);
              sampled++;
            }
            progress.progress(ProgressListener.EXTRACT, i + 1, n);
          }
        }
        FeatureAutoencoder ae = trainer.fit(sample, sampled, m, progress);
        int cells = gw * gh;
        boolean map = mapFrames(n, (long) cells * dimension);
        ShortBuffer[] data = new ShortBuffer[n];
        List<Map<String, Object>> frameEntries = new ArrayList<>(n);
        float[] raw = new float[cells * m];
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(spill), 1 << 20))) {
          for (int i = 0; i < n; i++) {
            readHalfs(in, raw);
            float[] codes = ae.encode(raw, cells);
            requireHalfRange(codes, "the autoencoder encoded", "for frame " + scene.frame(i).name()
                + " (codes are cached as float16)");
            short[] halfs = new short[codes.length];
            Float16.fromFloat(codes, 0, halfs, 0, codes.length);
            String rel = frameFile(scene.frame(i).name());
            byte[] bytes = toBytes(halfs);
            AtomicFiles.write(dir.resolve(rel), bytes);
            data[i] = map ? mapFrame(dir.resolve(rel)) : ShortBuffer.wrap(halfs);
            CRC32 crc = new CRC32();
            crc.update(bytes);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", scene.frame(i).name());
            e.put("file", rel);
            e.put("bytes", bytes.length);
            e.put("crc32", crc.getValue());
            frameEntries.add(e);
            progress.progress(ProgressListener.ENCODE, i + 1, n);
          }
        }
        ae.save(dir.resolve(AUTOENCODER));
        double seconds = (System.nanoTime() - t0) / 1e9;
        FeatureAutoencoder.FitReport fit = ae.fitReport();
        Map<String, Object> man = new LinkedHashMap<>();
        man.put("format", FORMAT);
        man.put("config", config);
        man.put("extractor", extractor.id());
        man.put("trainer", trainer.id());
        man.put("M", m);
        man.put("D", dimension);
        man.put("grid_width", gw);
        man.put("grid_height", gh);
        man.put("cell_width", cellWidth);
        man.put("cell_height", cellHeight);
        man.put("image_width", scene.width());
        man.put("image_height", scene.height());
        man.put("scene_fingerprint", fingerprint);
        String content = contentFingerprint();
        // Only for the images extracted: one edited during the build has another size or mtime by
        // now, and its content must not vouch for features of the image before the edit.
        boolean unchanged = fingerprint.equals(fingerprint());
        if (unchanged) {
          man.put("scene_content", content);
        }
        man.put("reconstruction_error", fit.relativeMse());
        man.put("explained_variance", fit.explainedVariance());
        man.put("fit", fit);
        man.put("created", Instant.now().toString());
        man.put("build_seconds", seconds);
        man.put("frames", frameEntries);
        AtomicFiles.write(dir.resolve(MANIFEST), JSON.writeValueAsBytes(man));
        return new FeatureCache(scene, fingerprint, unchanged ? content : null, dir, m, dimension, gw, gh,
            scene.width(), scene.height(), cellWidth, cellHeight, data, map, ae, false, why, seconds, warnings);
      } finally {
        Files.deleteIfExists(spill);
      }
    }

    /**
     * Creates the cache folder and the folders above it. Something else where one of them should be
     * (a regular file, a link to one, a broken link) is the user's and is left alone: a
     * {@link CacheFolderException} names it.
     */
    private static void createCacheFolder(Path dir) throws IOException {
      if (Files.isDirectory(dir)) {
        return;
      }
      try {
        Files.createDirectories(dir);
      } catch (FileSystemException e) {
        // The deepest path that exists is what is in the way, unless it is a folder (then the
        // error is another one, e.g. permissions, and its own message says so).
        for (Path p = dir; p != null; p = p.getParent()) {
          if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isDirectory(p)) {
              break;
            }
            String what = p.equals(dir) ? "the feature cache folder" : "a folder above the feature cache";
            throw new CacheFolderException(p, "expected " + what + ", found " + kind(p)
                + "; it was left alone: move or delete it, or choose another cache root (optCacheDir, --cache-dir)",
                e);
          }
        }
        // A folder is there but refuses a new entry (permissions, a read-only or immutable folder).
        throw notWritable(dir, e);
      }
    }

    /** The error for a cache folder that cannot be created although nothing is in its way. */
    static CacheFolderException notWritable(Path dir, FileSystemException e) {
      return new CacheFolderException(dir, "cannot create the feature cache folder ("
          + io.github.bakefeature.core.io.ErrorText.reason(e) + "); choose a writable cache root (optCacheDir,"
          + " --cache-dir)", e);
    }

    /**
     * Empties {@code dir/name} before a rebuild: a file is deleted, a folder ({@code folder}) is
     * emptied or created. An entry of the other kind, a link or a special file is damage: it is
     * logged and removed. Nothing is followed out of {@code dir}: links are removed, not their
     * targets.
     */
    private static void reset(Path dir, String name, boolean folder, List<String> warnings) throws IOException {
      Path p = dir.resolve(name);
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        a = null;
      }
      if (a != null && (folder ? !a.isDirectory() : !a.isRegularFile())) {
        damaged(warnings, p, "expected " + (folder ? "a folder" : "a regular file") + ", found " + kind(p)
            + "; removed it");
        AtomicFiles.deleteRecursively(p);
        a = null;
      }
      if (!folder) {
        Files.deleteIfExists(p);
      } else if (a == null) {
        Files.createDirectory(p);
      } else {
        try (Stream<Path> s = Files.list(p)) {
          for (Path child : (Iterable<Path>) s::iterator) {
            AtomicFiles.deleteRecursively(child);
          }
        }
      }
    }

    /** What identifies the scene's images cheaply: per RGB file its name, size and modification time. */
    private String fingerprint() throws IOException {
      return fingerprint(false);
    }

    /** {@link #contentFingerprint()} and the {@link #fingerprint()} it was computed for (it reads every RGB file). */
    private String contentFingerprint;
    private String contentFingerprintOf;

    /**
     * What identifies the scene's images by content alone: per RGB file a SHA-256 of its bytes.
     * Read only when the cheap {@link #fingerprint()} differs from the manifest's, and when a
     * cache is built; kept while the cheap fingerprint stays the same.
     */
    private String contentFingerprint() throws IOException {
      String cheap = fingerprint();
      if (contentFingerprint == null || !cheap.equals(contentFingerprintOf)) {
        contentFingerprintOf = cheap;
        contentFingerprint = fingerprint(true);
      }
      return contentFingerprint;
    }

    private String fingerprint(boolean byContent) throws IOException {
      return FeatureCache.fingerprint(scene, byContent);
    }

    /** Whether the manifest records the scene's current images by content (older manifests do not). */
    private boolean sameContent(JsonNode man) throws StaleCacheException {
      JsonNode recorded = man.path("scene_content");
      if (!recorded.isTextual()) {
        return false;
      }
      try {
        return recorded.asText().equals(contentFingerprint());
      } catch (IOException e) {
        throw new StaleCacheException("scene images unreadable (" + e.getMessage() + ")", false);
      }
    }

    /** The scene's location for keys under a shared cache root. */
    private String sceneIdentity() throws IOException {
      if (scene.directory().isPresent()) {
        return scene.directory().get().toAbsolutePath().normalize().toString();
      }
      return "memory:" + fingerprint();
    }

  }

  // ---- file helpers -----------------------------------------------------------------------------

  /**
   * A frame file's codes after checking its length and CRC: on the heap, or ({@code map}) as a
   * read-only mapping of the file, which the check pages in.
   */
  private static ShortBuffer readFrame(Path file, int values, long expectedCrc, boolean map) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(Files.exists(file, LinkOption.NOFOLLOW_LINKS)
          ? "expected a regular file, found " + kind(file) : "missing");
    }
    long size = Files.size(file);
    if (size != 2L * values) {
      throw new IOException("expected " + 2L * values + " bytes, found " + size);
    }
    ByteBuffer bytes = map ? mapBytes(file) : ByteBuffer.wrap(Files.readAllBytes(file));
    if (bytes.capacity() != 2L * values) {
      throw new IOException("expected " + 2L * values + " bytes, found " + bytes.capacity() + " (changed while read)");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes.duplicate());
    if (crc.getValue() != expectedCrc) {
      throw new IOException("checksum mismatch (corrupt)");
    }
    ShortBuffer halfs = bytes.order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
    if (map) {
      return halfs.asReadOnlyBuffer();
    }
    short[] copy = new short[values];
    halfs.get(copy);
    return ShortBuffer.wrap(copy);
  }

  /** A read-only little-endian view of a frame file just written. */
  private static ShortBuffer mapFrame(Path file) throws IOException {
    return mapBytes(file).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().asReadOnlyBuffer();
  }

  private static ByteBuffer mapBytes(Path file) throws IOException {
    // The mapping outlives the channel; frame files are replaced by rename, never written in place.
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
    }
  }

  private static byte[] toBytes(short[] halfs) {
    ByteBuffer b = ByteBuffer.allocate(halfs.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    b.asShortBuffer().put(halfs);
    return b.array();
  }

  private static void writeHalfs(OutputStream out, float[] v) throws IOException {
    byte[] buf = new byte[v.length * 2];
    for (int i = 0; i < v.length; i++) {
      short h = Float16.fromFloat(v[i]);
      buf[2 * i] = (byte) h;
      buf[2 * i + 1] = (byte) (h >> 8);
    }
    out.write(buf);
  }

  private static void readHalfs(InputStream in, float[] v) throws IOException {
    byte[] buf = new byte[v.length * 2];
    int off = 0;
    while (off < buf.length) {
      int r = in.read(buf, off, buf.length - off);
      if (r < 0) {
        throw new IOException("feature spill file ended early");
      }
      off += r;
    }
    for (int i = 0; i < v.length; i++) {
      v[i] = Float16.toFloat((short) ((buf[2 * i] & 0xff) | (buf[2 * i + 1] << 8)));
    }
  }

  /** The cache's file of the frame named {@code name}, relative to the cache folder. */
  private static String frameFile(String name) {
    return FRAMES + "/" + name + ".f16";
  }

  /** A grid for messages: "41x30 grid (cells 8.07x8.07 px)", or "160x120 grid" when stretched. */
  private static String grid(int w, int h, double cellWidth, double cellHeight) {
    return w + "x" + h + " grid" + (cellWidth == 0 && cellHeight == 0 ? ""
        : String.format(Locale.ROOT, " (cells %.4gx%.4g px)", cellWidth, cellHeight));
  }

  /** What is at {@code p}, for messages: "a regular file", "a folder", "a link to a folder", "nothing", ... */
  static String kind(Path p) {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return "nothing";
    }
    if (a.isSymbolicLink()) {
      return Files.isDirectory(p) ? "a link to a folder" : Files.exists(p) ? "a link to a file" : "a broken link";
    }
    return a.isDirectory() ? "a folder" : a.isRegularFile() ? "a regular file" : "a special file";
  }

  /** Records and logs damage found in a cache folder. */
  private static void damaged(List<String> warnings, Path path, String problem) {
    String line = path + ": " + problem;
    warnings.add(line);
    LOG.warn(line);
  }

  /**
   * Something other than a folder is where the feature cache folder, or a folder above it, must
   * be: a regular file, a link to one or a broken link. It is never removed; move or delete it, or
   * choose another cache root. {@link #getFile()} is its path.
   */
  public static final class CacheFolderException extends FileSystemException {
    private static final long serialVersionUID = 1L;

    CacheFolderException(Path path, String reason, Throwable cause) {
      super(path.toString(), null, reason);
      initCause(cause);
    }
  }

  /**
   * The frame names plus, per RGB file, its name and either a SHA-256 of its bytes
   * ({@code byContent}) or its size and modification time; for frames without a file (scenes
   * not on disk), a SHA-256 of the pixels.
   */
  private static String fingerprint(Scene scene, boolean byContent) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append(scene.size()).append(' ').append(scene.width()).append('x').append(scene.height()).append('\n');
    Map<String, Path> files = rgbFiles(scene);
    byte[] buffer = byContent ? new byte[1 << 16] : null;
    for (Frame f : scene.frames()) {
      Path p = files.get(f.name());
      sb.append(f.name()).append(' ');
      if (p == null) {
        sb.append("pixels ").append(pixelHash(f.rgb()));
      } else if (byContent) {
        MessageDigest md = sha();
        try (var in = Files.newInputStream(p)) {
          for (int n; (n = in.read(buffer)) > 0; ) {
            md.update(buffer, 0, n);
          }
        }
        sb.append(p.getFileName()).append(' ').append(HexFormat.of().formatHex(md.digest()));
      } else {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        sb.append(p.getFileName()).append(' ').append(a.size()).append(' ').append(a.lastModifiedTime().toMillis());
      }
      sb.append('\n');
    }
    return sha256(sb.toString());
  }

  /** {@code rgb/<stem>.<ext>} of the scene folder by stem, or empty when the scene has no folder. */
  private static Map<String, Path> rgbFiles(Scene scene) throws IOException {
    Map<String, Path> out = new TreeMap<>();
    if (scene.directory().isEmpty()) {
      return out;
    }
    Path rgbDir = scene.directory().get().resolve(SceneLayout.RGB);
    if (!Files.isDirectory(rgbDir)) {
      return out;
    }
    try (Stream<Path> s = Files.list(rgbDir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String fn = p.getFileName().toString();
        String lower = fn.toLowerCase(Locale.ROOT);
        int dot = fn.lastIndexOf('.');
        if (dot > 0 && !fn.startsWith(".")
            && (lower.endsWith(".png") || lower.endsWith(".jpg") || lower.endsWith(".jpeg"))) {
          out.put(fn.substring(0, dot), p);
        }
      }
    }
    return out;
  }

  private static String pixelHash(RgbImage img) {
    MessageDigest md = sha();
    md.update(ByteBuffer.allocate(8).putInt(img.width()).putInt(img.height()).array());
    md.update(img.pixels());
    return HexFormat.of().formatHex(md.digest());
  }

  static String sha256(String s) {
    return HexFormat.of().formatHex(sha().digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  private static MessageDigest sha() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /** The extractor id's first word, safe as a folder name ("filterbank", "torchscript"). */
  static String slug(String id) {
    String first = id.split("-", 2)[0].toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "");
    return first.isEmpty() ? "features" : first.substring(0, Math.min(32, first.length()));
  }
}
