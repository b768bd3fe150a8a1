package io.github.bakefeature.core.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.core.fields.FieldConfig;
import io.github.bakefeature.core.fields.Mlp;
import io.github.bakefeature.core.fields.SemanticField;
import io.github.bakefeature.core.io.AtomicFiles;
import io.github.bakefeature.core.optim.Adam;
import io.github.bakefeature.core.raysamplers.OccupancyGrid;
import io.github.bakefeature.core.raysamplers.SceneBox;
import io.github.bakefeature.core.renderers.RenderSettings;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The checkpoint file: everything needed to render a model and, when written by a trainer, to
 * resume training exactly (MLP and hash grid parameters, the grid's and the MLPs' Adam state,
 * occupancy grid, step, configurations). Layout: magic, version, a JSON header, binary sections,
 * and a CRC32 of everything before it, so a truncated or damaged file is refused with a clear
 * message instead of loading garbage. Written atomically.
 */
public final class Checkpoint {
  private static final byte[] MAGIC = "BAKEFEATURE-CKPT".getBytes(StandardCharsets.US_ASCII);

  /** The bytes every checkpoint file starts with (to recognise one before overwriting it). */
  public static byte[] magic() {
    return MAGIC.clone();
  }
  private static final int VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SemanticFieldModel model;
  private final TrainerConfig trainerConfig;
  private final Adam[] adams;
  /** Whether {@link #resume} handed the state to a trainer. */
  private boolean resumed;
  private final String features;

  /** Why saved trainer settings could not be used (the checkpoint then loads as a model only), or null. */
  private final String trainerProblem;

  private Checkpoint(SemanticFieldModel model, TrainerConfig trainerConfig, Adam[] adams, String features,
                     String trainerProblem) {
    this.model = model;
    this.trainerConfig = trainerConfig;
    this.adams = adams;
    this.features = features;
    this.trainerProblem = trainerProblem;
  }

  /**
   * {@link io.github.bakefeature.core.data.FeatureSource#identity()} of the feature targets the
   * model was trained on, or null (no feature targets, a model-only file, or a checkpoint written
   * before it was recorded).
   */
  public String featureIdentity() {
    return features;
  }

  /** The model (closed once {@link #resume} handed its state to a trainer). */
  public SemanticFieldModel model() {
    return model;
  }

  /** Trainer settings, or null for a model-only checkpoint. */
  public TrainerConfig trainerConfig() {
    return trainerConfig;
  }

  Adam[] adams() {
    return adams;
  }

  /** Writes a checkpoint atomically; {@code trainer} and {@code adams} may be null (model only). */
  static void write(Path file, SemanticField field, OccupancyGrid occupancy, SceneBox box, long step,
                    long labelledSteps, TrainerConfig trainer, Adam[] adams, RenderSettings render, String features)
      throws IOException {
    AtomicFiles.write(file, raw -> encode(raw, field, occupancy, box, step, labelledSteps, trainer, adams, render,
        features));
  }

  /** The checkpoint's bytes, CRC included, to {@code raw}. */
  private static void encode(OutputStream raw, SemanticField field, OccupancyGrid occupancy, SceneBox box, long step,
                             long labelledSteps, TrainerConfig trainer, Adam[] adams, RenderSettings render,
                             String features) throws IOException {
    CRC32 crc = new CRC32();
    DataOutputStream out = new DataOutputStream(new CheckedOutputStream(raw, crc));
    out.write(MAGIC);
    out.writeInt(VERSION);
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("config", field.config());
    header.put("step", step);
    if (labelledSteps >= 0) {
      header.put("labelled_steps", labelledSteps);
    }
    Aabb b = box.aabb();
    header.put("bounds", new double[] {b.minX(), b.minY(), b.minZ(), b.maxX(), b.maxY(), b.maxZ()});
    header.put("trainer", trainer);
    if (trainer == null && render != null) {
      header.put("render", render); // a model-only file: how it renders (a trainer's derive from its settings)
    }
    if (features != null) {
      header.put("features", features);
    }
    byte[] json = JSON.writeValueAsBytes(header);
    out.writeInt(json.length);
    out.write(json);
    field.writeState(out);
    occupancy.writeState(out);
    out.writeBoolean(adams != null);
    if (adams != null) {
      out.writeInt(adams.length);
      for (Adam a : adams) {
        out.writeBoolean(a != null);
        if (a != null) {
          out.writeInt(a.rowCount() * a.rowWidth());
          a.writeState(out);
        }
      }
    }
    out.flush();
    // The CRC covers everything above; written through the raw stream.
    new DataOutputStream(raw).writeLong(crc.getValue());
  }

  /** Reads and verifies a checkpoint. */
  public static Checkpoint read(Path file) throws IOException {
    java.util.Objects.requireNonNull(file, "checkpoint file");
    if (!Files.isRegularFile(file)) {
      throw new CheckpointException(file, Files.isDirectory(file) ? "expected a checkpoint file, found a folder"
          : "checkpoint file does not exist");
    }
    long size = Files.size(file);
    if (size < MAGIC.length + 12) {
      throw new CheckpointException(file, "not a BakeFeature checkpoint (file is only " + size + " bytes)");
    }
    byte[] head = new byte[MAGIC.length];
    try (InputStream in = Files.newInputStream(file)) {
      if (in.readNBytes(head, 0, head.length) != head.length || !java.util.Arrays.equals(head, MAGIC)) {
        throw new CheckpointException(file, "not a BakeFeature checkpoint (wrong magic bytes)");
      }
    }
    verifyChecksum(file, size);
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      CRC32 crc = new CRC32();
      CheckedInputStream checked = new CheckedInputStream(raw, crc);
      DataInputStream in = new DataInputStream(checked);
      byte[] magic = new byte[MAGIC.length];
      in.readFully(magic);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new CheckpointException(file, "not a BakeFeature checkpoint (wrong magic bytes)");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw new CheckpointException(file, "unsupported checkpoint version " + version + ", expected " + VERSION);
      }
      int len = in.readInt();
      if (len <= 0 || len > 1 << 20) {
        throw new CheckpointException(file, "corrupt checkpoint header length " + len);
      }
      byte[] json = new byte[len];
      in.readFully(json);
      JsonNode h = JSON.readTree(json);
      FieldConfig config = JSON.treeToValue(h.get("config"), FieldConfig.class);
      long step = h.get("step").asLong();
      // Absent in checkpoints written before it was counted: unknown.
      long labelledSteps = h.hasNonNull("labelled_steps") ? h.get("labelled_steps").asLong() : -1;
      JsonNode bn = h.get("bounds");
      Aabb bounds = new Aabb(bn.get(0).asDouble(), bn.get(1).asDouble(), bn.get(2).asDouble(),
          bn.get(3).asDouble(), bn.get(4).asDouble(), bn.get(5).asDouble());
      TrainerConfig trainer = null;
      String trainerProblem = null;
      RenderSettings savedRender = h.hasNonNull("render") ? JSON.treeToValue(h.get("render"), RenderSettings.class) : null;
      if (h.hasNonNull("trainer")) {
        try {
          trainer = JSON.treeToValue(h.get("trainer"), TrainerConfig.class);
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
          // Settings a newer version checks (e.g. a batch above today's cap): the model still renders
          // (with the depth-guided sampling it was trained with, where that is valid); only resuming
          // its training, which would run with them, is refused.
          trainerProblem = e.getCause() != null ? e.getCause().getMessage() : e.getOriginalMessage();
          org.slf4j.LoggerFactory.getLogger(Checkpoint.class).warn("{}: its training settings are out of range ({});"
              + " it loads as a model only and cannot resume training", file, trainerProblem);
          savedRender = trainedRenderSettings(h.get("trainer"));
        }
      }
      String features = h.hasNonNull("features") ? h.get("features").asText() : null;
      SemanticField field = SemanticField.readState(config, in);
      OccupancyGrid grid = OccupancyGrid.readState(in);
      Adam[] adams = null;
      if (in.readBoolean()) {
        int n = in.readInt();
        if (n != SemanticField.mlpNames().length) {
          throw new CheckpointException(file, "corrupt optimiser section: " + n + " entries");
        }
        adams = new Adam[n];
        Mlp[] mlps = field.mlps();
        for (int i = 0; i < n; i++) {
          if (in.readBoolean()) {
            int params = in.readInt();
            // Checked before the state is allocated: a count read from a damaged (or crafted) file
            // under a valid checksum could otherwise ask for gigabytes (an OutOfMemoryError).
            // An absent network has no state at all: -1 must not pass as "matches absent".
            int expectedParams = mlps[i] == null ? -1 : mlps[i].parameterCount();
            if (mlps[i] == null || params != expectedParams) {
              throw new CheckpointException(file, "corrupt optimiser section: expected "
                  + (expectedParams < 0 ? "no state for the absent network " + SemanticField.mlpNames()[i]
                      : expectedParams + " parameters for network " + SemanticField.mlpNames()[i])
                  + ", found state for " + params);
            }
            adams[i] = FieldTrainer.newAdam(params, trainer == null ? TrainerConfig.builder().build() : trainer);
            adams[i].readState(in);
          }
        }
      }
      long expected = crc.getValue();
      long stored = new DataInputStream(raw).readLong();
      if (stored != expected) {
        throw new CheckpointException(file, "checkpoint is corrupt (checksum mismatch)");
      }
      RenderSettings settings = trainer != null ? FieldTrainer.renderSettings(trainer)
          : savedRender != null ? savedRender : RenderSettings.defaults();
      SemanticFieldModel model = new SemanticFieldModel(field, grid, new SceneBox(bounds), step, labelledSteps,
          settings);
      return new Checkpoint(model, trainer, adams, features, trainerProblem);
    } catch (EOFException e) {
      throw new CheckpointException(file, "checkpoint is truncated");
    } catch (CheckpointException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new CheckpointException(file, "checkpoint is corrupt (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Checks the trailing CRC-32 before anything is parsed: sizes read from a damaged file could
   * otherwise ask for gigabytes (an OutOfMemoryError instead of "corrupt"). Reading the file twice
   * costs little next to parsing it (the second read comes from the page cache).
   */
  /**
   * The depth-guided render settings of out-of-range trainer settings read as a tree, or null (the
   * defaults) when those three are themselves missing or invalid.
   */
  private static RenderSettings trainedRenderSettings(JsonNode trainer) {
    JsonNode u = trainer.path("uniformSamples");
    JsonNode s = trainer.path("surfaceSamples");
    JsonNode band = trainer.path("surfaceBand");
    if (!u.canConvertToInt() || !s.canConvertToInt() || !band.isNumber()) {
      return null;
    }
    try {
      return RenderSettings.defaults().withDepthGuided(u.asInt(), s.asInt(), band.floatValue());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static void verifyChecksum(Path file, long size) throws IOException {
    CRC32 crc = new CRC32();
    long stored;
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      long left = size - 8;
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw new CheckpointException(file, "checkpoint is truncated");
        }
        crc.update(buf, 0, n);
        left -= n;
      }
      stored = new DataInputStream(in).readLong();
    } catch (EOFException e) {
      throw new CheckpointException(file, "checkpoint is truncated");
    }
    if (stored != crc.getValue()) {
      throw new CheckpointException(file, "checkpoint is corrupt or truncated (checksum mismatch)");
    }
  }

  /** A checkpoint file cannot be used; the message names the file. */
  public static final class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(Path file, String problem) {
      super(file + ": " + problem);
    }

    public CheckpointException(Path file, String problem, Throwable cause) {
      super(file + ": " + problem, cause);
    }
  }

  /**
   * Trainer whose state comes from this checkpoint, continuing on {@code data}. The state is handed
   * over, not copied (it is the size of the model and its optimiser moments): this checkpoint's
   * {@link #model()} is closed then, as training would change it, and a second call throws. For a
   * fixed model next to the trainer, take {@link FieldTrainer#snapshot()} or read the file again.
   *
   * @throws IOException if the checkpoint holds a model only (no optimiser state)
   * @throws NullPointerException if {@code data} is null
   * @throws IllegalArgumentException if {@code data} does not fit the model (no feature targets or
   *     targets of another dimension for a method with features)
   * @throws IllegalStateException if this checkpoint already resumed a trainer
   */
  public synchronized FieldTrainer resume(io.github.bakefeature.core.data.TrainingData data) throws IOException {
    if (trainerProblem != null) {
      throw new IOException("checkpoint's training settings are out of range (" + trainerProblem
          + "); it loads as a model only and cannot resume training");
    }
    if (trainerConfig == null || adams == null) {
      throw new IOException("checkpoint holds a model only (no optimiser state); it cannot resume training");
    }
    java.util.Objects.requireNonNull(data, "data");
    if (resumed) {
      throw new IllegalStateException("this checkpoint already resumed a trainer, which owns its state; read the"
          + " file again to resume another");
    }
    SemanticFieldModel m = model;
    if (m.fieldConfig().method().usesFeatures() && (data.features() == null
        || data.featureDimension() != m.featureDimension())) {
      throw new IllegalArgumentException("the model of method " + m.method() + " was trained on " + m.featureDimension()
          + "-channel feature targets, but the training data has " + (data.features() == null ? "none"
          : data.featureDimension() + "-channel ones") + "; expected the feature cache the model was trained with");
    }
    // An unknown count (an older checkpoint) resumes as "labelled": nothing is refused that used to work.
    long labelled = m.labelledSteps() < 0 ? m.step() : m.labelledSteps();
    // The model was read onto the CPU; training runs its grid on the selected device.
    FieldTrainer t = new FieldTrainer(m.field().onSelectedDevice(), data, m.box(), trainerConfig, m.occupancy(), adams,
        m.step(), labelled);
    // Labels of classes the model has not met (a class added since) get their logits, as a new trainer would.
    t.ensureClasses(data.labelledClassBound());
    // Only now: a trainer that could not be built (no device) leaves the checkpoint as it was.
    resumed = true;
    m.close();
    return t;
  }

  /** Writes a trainer's full state. */
  public static void save(FieldTrainer t, Path file) throws IOException {
    write(file, t.field(), t.occupancy(), t.box(), t.iteration(), t.labelledSteps(), t.config(), t.adams(), null,
        featureIdentity(t));
  }

  private static String featureIdentity(FieldTrainer t) {
    io.github.bakefeature.core.data.FeatureSource f = t.data().features();
    return f == null ? null : f.identity();
  }

  /**
   * A trainer's full state as the bytes {@link #save} writes, held in memory: taking it costs a
   * copy of the parameters and optimiser moments (memory speed, and that much heap), so a caller
   * can take it while the trainer must not step and {@link Image#write write} it, which costs the
   * disk and an fsync, after letting the trainer go.
   */
  public static Image encode(FieldTrainer t) throws IOException {
    Image image = new Image(t.iteration());
    encode(image.bytes, t.field(), t.occupancy(), t.box(), t.iteration(), t.labelledSteps(), t.config(), t.adams(),
        null, featureIdentity(t));
    return image;
  }

  /** A checkpoint file's content in memory, from {@link #encode}. Immutable once returned. */
  public static final class Image {
    private final ChunkedBytes bytes = new ChunkedBytes();
    private final long step;

    private Image(long step) {
      this.step = step;
    }

    /** Training step of the state. */
    public long step() {
      return step;
    }

    /** Size of the file in bytes. */
    public long size() {
      return bytes.size;
    }

    /** Atomically replaces {@code file} with this checkpoint (temporary file, fsync, rename). */
    public void write(Path file) throws IOException {
      AtomicFiles.write(file, out -> {
        for (int i = 0; i < bytes.chunks.size(); i++) {
          byte[] c = bytes.chunks.get(i);
          out.write(c, 0, i == bytes.chunks.size() - 1 ? bytes.used : c.length);
        }
      });
    }
  }

  /** An in-memory stream in fixed chunks: no copying when it grows, nor one array of the whole size. */
  private static final class ChunkedBytes extends OutputStream {
    private static final int CHUNK = 4 << 20;
    private final List<byte[]> chunks = new ArrayList<>();
    private int used = CHUNK; // bytes used in the last chunk; full: the next write starts one
    private long size;

    @Override
    public void write(int b) {
      if (used == CHUNK) {
        chunks.add(new byte[CHUNK]);
        used = 0;
      }
      chunks.get(chunks.size() - 1)[used++] = (byte) b;
      size++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      while (len > 0) {
        if (used == CHUNK) {
          chunks.add(new byte[CHUNK]);
          used = 0;
        }
        int n = Math.min(len, CHUNK - used);
        System.arraycopy(b, off, chunks.get(chunks.size() - 1), used, n);
        used += n;
        off += n;
        len -= n;
        size += n;
      }
    }
  }

}
