package io.github.bakefeature.core.fields;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import io.github.bakefeature.api.field.Encoding;
import io.github.bakefeature.core.djl.DjlRuntime;
import io.github.bakefeature.core.encodings.TrainableEncoding;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The paper's scene model (Fig. 2): a position encoding feeds a density MLP that outputs density
 * and geometric features; heads map them to colour (with the view direction's spherical
 * harmonics), to a D-dimensional feature (the map that is baked), and to C semantic logits (from
 * {@code [relu(feature), geo]}, trained end to end, damped or as a probe: {@link SemanticHead}). Methods
 * without features use {@code geo} alone for semantics.
 *
 * <p>Not thread-safe: one trainer mutates it; readers work on {@link #copy() copies}.
 */
public final class SemanticField {
  private FieldConfig config;
  private final Encoding position;
  private final Encoding direction;
  private final Mlp density;
  private final Mlp colour;
  private final Mlp colourDir;
  private final Mlp feature;
  private Mlp semantic;
  private final Mlp semanticFeature;

  private SemanticField(FieldConfig config, Encoding position, Encoding direction, Mlp density, Mlp colour,
                        Mlp colourDir, Mlp feature, Mlp semantic, Mlp semanticFeature) {
    this.config = config;
    this.position = position;
    this.direction = direction;
    this.density = density;
    this.colour = colour;
    this.colourDir = colourDir;
    this.feature = feature;
    this.semantic = semantic;
    this.semanticFeature = semanticFeature;
  }

  /** A freshly initialised field, its hash grid on the selected device ({@code bakefeature.device}). */
  public static SemanticField create(FieldConfig c) {
    return create(c, true);
  }

  private static SemanticField create(FieldConfig c, boolean onDevice) {
    Encoding pos = PositionEncodings.create(c, onDevice);
    Encoding dir = PositionEncodings.direction();
    int h = c.hiddenWidth();
    int g = c.geoFeatures();
    long s = c.seed();
    Mlp density = Mlp.create(s + 1, pos.outputDimension(), h, h, 1 + g);
    Mlp colour = Mlp.create(s + 2, g, h, h, 3);
    Mlp colourDir = Mlp.create(s + 3, dir.outputDimension(), h);
    Mlp feature = c.method().usesFeatures() ? Mlp.create(s + 4, g, h, h, c.featureDimension()) : null;
    Mlp semantic = Mlp.create(s + 5, g, h, c.classCount());
    Mlp semanticFeature = c.method().usesFeatures() ? Mlp.create(s + 6, c.featureDimension(), h) : null;
    return new SemanticField(c, pos, dir, density, colour, colourDir, feature, semantic, semanticFeature);
  }

  public FieldConfig config() {
    return config;
  }

  public Encoding positionEncoding() {
    return position;
  }

  public Encoding directionEncoding() {
    return direction;
  }

  /** The position encoding if it has parameters, else null. */
  public TrainableEncoding trainableEncoding() {
    return position instanceof TrainableEncoding t ? t : null;
  }

  /** The MLPs in a fixed order (optimiser states and checkpoints rely on it); absent heads are null. */
  public Mlp[] mlps() {
    return new Mlp[] {density, colour, colourDir, feature, semantic, semanticFeature};
  }

  /** Names matching {@link #mlps()}. */
  public static String[] mlpNames() {
    return new String[] {"density", "colour", "colourDir", "feature", "semantic", "semanticFeature"};
  }

  public int classCount() {
    return config.classCount();
  }

  public int featureDimension() {
    return config.featureDimension();
  }

  /**
   * Grows the semantic output layer to {@code classes} (existing logits keep their weights).
   *
   * @return whether the layer changed (its optimiser state must then be reset)
   */
  public boolean growClasses(int classes) {
    if (classes <= config.classCount()) {
      return false;
    }
    FieldConfig grown = config.withClassCount(classes); // validates the count before anything changes
    semantic = semantic.withOutputWidth(classes, config.seed() + 100 + classes);
    config = grown;
    return true;
  }

  /** Multiply-adds per sample of all MLPs (per-ray direction projection excluded). */
  public long macsPerSample() {
    long m = density.macsPerRow() + colour.macsPerRow() + semantic.macsPerRow();
    if (feature != null) {
      m += feature.macsPerRow() + semanticFeature.macsPerRow();
    }
    return m;
  }

  /** Multiply-adds per sample of the density MLP alone. */
  public long densityMacsPerSample() {
    return density.macsPerRow();
  }

  /**
   * This field with its hash grid (state included) on the selected device, for training; this field
   * itself when the grid is already there or on the CPU is selected. The networks are shared.
   */
  public SemanticField onSelectedDevice() {
    Encoding moved = PositionEncodings.onSelectedDevice(position);
    return moved == position ? this
        : new SemanticField(config, moved, direction, density, colour, colourDir, feature, semantic, semanticFeature);
  }

  /** A deep copy (parameters only; optimiser state stays with the trainer). */
  public SemanticField copy() {
    return new SemanticField(config, PositionEncodings.copy(position), direction, density.copy(), colour.copy(),
        colourDir.copy(), feature == null ? null : feature.copy(), semantic.copy(),
        semanticFeature == null ? null : semanticFeature.copy());
  }

  /** Binds all MLP parameters as DJL arrays in {@code manager}. */
  public Bound bind(NDManager manager, boolean requiresGradient) {
    return new Bound(manager, requiresGradient);
  }

  public void writeState(DataOutputStream out) throws IOException {
    PositionEncodings.writeState(position, out);
    for (Mlp m : mlps()) {
      out.writeBoolean(m != null);
      if (m != null) {
        m.writeState(out);
      }
    }
  }

  /** Reads a field written by {@link #writeState} with configuration {@code c}. */
  public static SemanticField readState(FieldConfig c, DataInputStream in) throws IOException {
    // On the CPU: a loaded model renders there, as snapshots do, and holds no device memory;
    // training moves the grid with onSelectedDevice.
    SemanticField f = create(c, false);
    PositionEncodings.readState(f.position, in);
    Mlp[] m = new Mlp[6];
    for (int i = 0; i < 6; i++) {
      m[i] = in.readBoolean() ? Mlp.readState(in) : null;
    }
    if ((m[3] == null) == c.method().usesFeatures() || m[0] == null || m[1] == null || m[2] == null || m[4] == null) {
      throw new IOException("checkpoint's networks do not match method " + c.method());
    }
    if (m[0].inputWidth() != f.position.outputDimension() || m[4].outputWidth() != c.classCount()) {
      throw new IOException("checkpoint's networks do not match its configuration (density input "
          + m[0].inputWidth() + " vs encoding " + f.position.outputDimension() + ", classes "
          + m[4].outputWidth() + " vs " + c.classCount() + ")");
    }
    return new SemanticField(c, f.position, f.direction, m[0], m[1], m[2], m[3], m[4], m[5]);
  }

  /** The field's networks as DJL arrays for one step or render call. */
  public final class Bound {
    private final Mlp.Bound[] nets;
    private final boolean training;

    private Bound(NDManager m, boolean grad) {
      training = grad;
      Mlp[] all = mlps();
      nets = new Mlp.Bound[all.length];
      for (int i = 0; i < all.length; i++) {
        nets[i] = all[i] == null ? null : all[i].bind(m, grad);
      }
    }

    /** {@code enc(x) [N, P] -> [N, 1 + geo]}: raw density pre-activation and geometric features. */
    public NDArray densityOutput(NDArray encodedPositions) {
      return nets[0].forward(encodedPositions);
    }

    /**
     * Density (1/metre) from the density output: {@code exp(clamp(x, -15, 15))}, {@code [...]}.
     * Unlike instant-ngp's trunc_exp the gradient is zero outside the clamp, so samples pushed below
     * -15 (empty space, density under 3e-7 per metre) stop pulling on the shared MLP. Measured with
     * {@code quickstart} (seed 0, deterministic): trunc_exp's gradient below -15 lowered the final
     * mIoU of {@code ours} from 0.711 to 0.693 and of {@code snerf-freq} from 0.327 to 0.211, and
     * above +15 it changed nothing; so the clamp stays.
     */
    public NDArray sigma(NDArray densityOutput) {
      return densityOutput.get("..., 0").clip(-15f, 15f).exp();
    }

    /** Geometric features from the density output, {@code [..., geo]}. */
    public NDArray geo(NDArray densityOutput) {
      return densityOutput.get("..., 1:");
    }

    /**
     * Colour in [0, 1], {@code [..., 3]}.
     *
     * @param encodedDirections SH of the view direction, broadcastable against {@code geo}'s
     *     leading dimensions (e.g. {@code [R, 1, 16]} for {@code geo [R, S, 15]})
     */
    public NDArray colour(NDArray geo, NDArray encodedDirections) {
      NDArray dirTerm = nets[2].forward(encodedDirections);
      return Activation.sigmoid(nets[1].forward(geo, dirTerm));
    }

    /** The rendered feature f, {@code [..., D]}; only for methods with features. */
    public NDArray feature(NDArray geo) {
      return nets[3].forward(geo);
    }

    /**
     * Semantic logits {@code [..., C]}; {@code feature} is null for methods without features. The
     * gradient reaching {@code geo} and {@code feature} is scaled by the head's
     * {@link SemanticHead#fieldGradientScale()} (0: detached, the loss trains this head only).
     */
    public NDArray logits(NDArray geo, NDArray feature) {
      geo = scaleGradient(geo);
      feature = feature == null ? null : scaleGradient(feature);
      NDArray extra = feature == null ? null : nets[5].forward(Activation.relu(feature));
      return nets[4].forward(geo, extra);
    }

    /**
     * The compositing weights to render the logits with in training: {@code weights} with the
     * gradient flowing back into the density scaled like the head's inputs (detached for a probe,
     * which moves nothing but itself).
     */
    public NDArray semanticWeights(NDArray weights) {
      return scaleGradient(weights);
    }

    /**
     * {@code x} in the forward pass, with its gradient multiplied by the head's field-gradient
     * scale: {@code sg(x) + s (x - sg(x))}, whose value is exactly {@code sg(x)} because
     * {@code x - sg(x)} is exactly 0.
     */
    private NDArray scaleGradient(NDArray x) {
      float s = config.semanticHead().fieldGradientScale();
      if (s == 1f || !training) {
        return x;
      }
      NDArray detached = x.stopGradient();
      if (s == 0f) {
        return detached;
      }
      // A scalar owned by the step's manager, not mul(float): see DjlRuntime.scalar.
      return detached.add(x.sub(detached).mul(DjlRuntime.scalar(x.getManager(), s)));
    }

    /** Copies the gradient of MLP {@code i} (in {@link #mlps()} order) into {@code out}. */
    public void gradients(int i, float[] out) {
      nets[i].gradients(out, 0);
    }
  }
}
