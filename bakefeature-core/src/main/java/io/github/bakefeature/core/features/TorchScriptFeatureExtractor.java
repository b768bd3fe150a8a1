package io.github.bakefeature.core.features;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import io.github.bakefeature.api.feature.FeatureExtractor;
import io.github.bakefeature.api.feature.FeatureMap;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.core.djl.DjlRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Runs any TorchScript backbone through DJL's PyTorch engine, e.g. DINO ViT-S/8 as exported by
 * {@code tools/export_dino.py} (the paper's extractor).
 *
 * <p>Per image: resize so the short side is {@link Builder#optShortSide} pixels (default 240),
 * normalise with ImageNet mean and std, pad right/bottom to a multiple of the patch size (default
 * 8) with zeros, run the model on {@code float32 [1, 3, Hp, Wp]}. Accepted outputs (first output
 * if the model returns several):
 *
 * <ul>
 *   <li>{@code [1, N, M]} patch tokens, row-major, with {@code N = (Hp / patch) (Wp / patch)}
 *       (ViT without CLS; a leading CLS token, {@code N + 1}, is dropped);
 *   <li>{@code [1, M, Hf, Wf]} a dense map (fully convolutional networks), any {@code Hf, Wf}.
 * </ul>
 *
 * The grid is then cropped to the cells that overlap the unpadded image, and the map records its
 * cell size in the original image's pixels ({@link FeatureMap#cellWidth()}): a cell spans
 * {@code Wp / Wf} resized pixels (the patch size for tokens), so {@code (Wp / Wf) W / Wr} pixels
 * of a {@code W} wide image resized to {@code Wr}, per axis. {@link FeatureMap#lookup} then maps
 * pixel {@code x} to resized coordinate {@code (x + 0.5) Wr / W} and to the cell containing it; the
 * last column may extend past the image into the padding. (Stretching the cropped grid over the
 * image instead would drift by up to almost a cell whenever the resized side is not a multiple
 * of the patch size, e.g. 41 cells over 321 resized pixels rather than 328.)
 * {@link #dimension()} is found by running the model once on a small image when it is built.
 *
 * <p>Thread-safe (calls are serialised). Close it to free the model.
 */
public final class TorchScriptFeatureExtractor implements FeatureExtractor {
  /** ImageNet statistics, as used by DINO and torchvision models. */
  public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
  public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};
  /** Short side after resizing unless {@link Builder#optShortSide} says otherwise. */
  public static final int DEFAULT_SHORT_SIDE = 240;
  /** Patch size unless {@link Builder#optPatchSize} says otherwise (DINO ViT-S/8's). */
  public static final int DEFAULT_PATCH_SIZE = 8;

  private final Path modelFile;
  private final int shortSide;
  private final int patch;
  private final float[] mean;
  private final float[] std;
  private final String modelHash;
  private final String id;
  private final Model model;
  private final Predictor<Input, Output> predictor;
  private final int dimension;
  private boolean closed;

  private record Input(float[] chw, int height, int width) {}

  private record Output(float[] data, long[] shape) {}

  private TorchScriptFeatureExtractor(Builder b) throws IOException {
    this.modelFile = b.modelFile;
    this.shortSide = b.shortSide;
    this.patch = b.patch;
    this.mean = b.mean.clone();
    this.std = b.std.clone();
    if (!Files.isRegularFile(modelFile)) {
      throw new IllegalArgumentException(modelFile + ": TorchScript model file does not exist"
          + (Files.isDirectory(modelFile) ? " (found a folder; expected a .pt file)" : ""));
    }
    this.modelHash = sha256(modelFile).substring(0, 16);
    this.id = idFor(shortSide, patch);
    DjlRuntime.engine(); // starts PyTorch with the offline switches set
    // Loaded directly rather than through a model zoo Criteria: the zoo wraps a single file in a
    // "simple repository" and warns about it on every run.
    Model m = Model.newInstance(modelFile.getFileName().toString(), DjlRuntime.engine().getEngineName());
    try {
      m.load(modelFile);
    } catch (MalformedModelException | IOException | RuntimeException e) {
      m.close();
      throw new IOException(modelFile + ": cannot load as a TorchScript model (" + e.getMessage() + ")", e);
    }
    this.model = m;
    this.predictor = model.newPredictor(new Runner());
    try {
      // Probe M on a small black image, two patches square (only its output shape matters).
      RgbImage probe = new RgbImage(2 * patch, 2 * patch, new byte[4 * patch * patch * 3]);
      this.dimension = run(probe, 0).dimension();
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** A builder for the TorchScript file {@code modelFile} (e.g. {@code dino_vits8.pt}). */
  public static Builder builder(Path modelFile) {
    return new Builder(modelFile);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  /**
   * The {@link #id()} this model and normalisation would have with another short side and patch
   * size, e.g. to recognise caches built with those settings without loading the model again.
   */
  public String idFor(int shortSide, int patchSize) {
    return String.format(Locale.ROOT, "torchscript-%s-short%d-patch%d-mean%s-std%s", modelHash, shortSide, patchSize,
        triple(mean), triple(std));
  }

  /** Short side after resizing, in pixels (0 = kept). */
  public int shortSide() {
    return shortSide;
  }

  /** Patch size the input is padded to a multiple of. */
  public int patchSize() {
    return patch;
  }

  /** The model file. */
  public Path modelFile() {
    return modelFile;
  }

  /** Resize and padding for an image of this size. */
  public ImagePreprocessing.Sizes sizes(int width, int height) {
    return ImagePreprocessing.sizes(width, height, shortSide, patch);
  }

  @Override
  public synchronized FeatureMap extract(RgbImage image) throws IOException {
    if (closed) {
      throw new IllegalStateException("extractor is closed");
    }
    return run(image, shortSide);
  }

  private FeatureMap run(RgbImage image, int shortSideUsed) throws IOException {
    ImagePreprocessing.Sizes s = ImagePreprocessing.sizes(image.width(), image.height(), shortSideUsed, patch);
    float[] rgb = ImagePreprocessing.resize(image, s.width(), s.height());
    float[] chw = ImagePreprocessing.normaliseAndPad(rgb, s.width(), s.height(), s.paddedWidth(), s.paddedHeight(), mean, std);
    Output out;
    try {
      out = predictor.predict(new Input(chw, s.paddedHeight(), s.paddedWidth()));
    } catch (TranslateException e) {
      throw new IOException(modelFile + ": the model failed on a " + s.paddedWidth() + "x" + s.paddedHeight()
          + " input (" + rootMessage(e) + ")", e);
    }
    return toFeatureMap(out.data(), out.shape(), s, image.width(), image.height(), patch, modelFile);
  }

  /**
   * Turns a model output for an {@code imageWidth x imageHeight} image preprocessed to {@code s}
   * into the cropped feature grid with its cell size in image pixels (package-private for tests).
   */
  static FeatureMap toFeatureMap(float[] data, long[] shape, ImagePreprocessing.Sizes s, int imageWidth,
                                 int imageHeight, int patch, Path file)
      throws IOException {
    int gw;
    int gh;
    int m;
    float[] hwc;
    if (shape.length == 3 && shape[0] == 1) {
      gw = s.paddedWidth() / patch;
      gh = s.paddedHeight() / patch;
      long n = shape[1];
      m = (int) shape[2];
      int skip;
      if (n == (long) gw * gh) {
        skip = 0;
      } else if (n == (long) gw * gh + 1) {
        skip = 1; // CLS token first
      } else {
        throw new IOException(file + ": the model returned " + n + " tokens for a " + s.paddedWidth() + "x"
            + s.paddedHeight() + " input; expected " + gw + "x" + gh + " = " + (gw * gh)
            + " patch tokens (patch size " + patch + "; set the patch size to the model's)");
      }
      hwc = new float[gw * gh * m];
      System.arraycopy(data, skip * m, hwc, 0, hwc.length);
    } else if (shape.length == 4 && shape[0] == 1) {
      m = (int) shape[1];
      gh = (int) shape[2];
      gw = (int) shape[3];
      hwc = new float[gw * gh * m];
      int plane = gw * gh;
      for (int c = 0; c < m; c++) {
        for (int i = 0; i < plane; i++) {
          hwc[i * m + c] = data[c * plane + i];
        }
      }
    } else {
      throw new IOException(file + ": expected the model to return [1, tokens, M] or [1, M, H, W], found "
          + java.util.Arrays.toString(shape));
    }
    if (m <= 0 || gw <= 0 || gh <= 0) {
      throw new IOException(file + ": the model returned an empty feature map " + java.util.Arrays.toString(shape));
    }
    // The grid covers the padded input from its top-left corner (padding is right and bottom): a
    // cell is paddedWidth / gw resized pixels, which the resize factor turns into image pixels.
    double cellWidth = (double) s.paddedWidth() / gw * imageWidth / s.width();
    double cellHeight = (double) s.paddedHeight() / gh * imageHeight / s.height();
    // Keep only cells that overlap the image (the rest cover padding).
    int cw = Math.max(1, Math.min(gw, (int) Math.ceil((double) gw * s.width() / s.paddedWidth())));
    int ch = Math.max(1, Math.min(gh, (int) Math.ceil((double) gh * s.height() / s.paddedHeight())));
    if (cw == gw && ch == gh) {
      return new FeatureMap(gw, gh, m, hwc, cellWidth, cellHeight);
    }
    float[] crop = new float[cw * ch * m];
    for (int y = 0; y < ch; y++) {
      System.arraycopy(hwc, y * gw * m, crop, y * cw * m, cw * m);
    }
    return new FeatureMap(cw, ch, m, crop, cellWidth, cellHeight);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (predictor != null) {
      predictor.close();
    }
    if (model != null) {
      model.close();
    }
  }

  @Override
  public String toString() {
    return "TorchScriptFeatureExtractor[" + modelFile.getFileName() + ", " + id + ", M=" + dimension + "]";
  }

  /** Feeds the planar input, copies the first output to the Java heap. */
  private static final class Runner implements Translator<Input, Output> {
    @Override
    public NDList processInput(TranslatorContext ctx, Input in) {
      NDArray x = ctx.getNDManager().create(FloatBuffer.wrap(in.chw()), new Shape(1, 3, in.height(), in.width()));
      return new NDList(x);
    }

    @Override
    public Output processOutput(TranslatorContext ctx, NDList list) {
      if (list.isEmpty()) {
        throw new IllegalStateException("the model returned no output");
      }
      NDArray y = list.get(0);
      if (y.getDataType() != DataType.FLOAT32) {
        y = y.toType(DataType.FLOAT32, false);
      }
      return new Output(y.toFloatArray(), y.getShape().getShape());
    }

    @Override
    public Batchifier getBatchifier() {
      return null; // the input already has its batch dimension
    }
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  private static String triple(float[] v) {
    return String.format(Locale.ROOT, "%s,%s,%s", v[0], v[1], v[2]);
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    String msg = c.getMessage();
    return msg == null ? c.toString() : msg.lines().findFirst().orElse(msg);
  }

  /** Configures a {@link TorchScriptFeatureExtractor}. */
  public static final class Builder {
    private final Path modelFile;
    private int shortSide = DEFAULT_SHORT_SIDE;
    private int patch = DEFAULT_PATCH_SIZE;
    private float[] mean = IMAGENET_MEAN.clone();
    private float[] std = IMAGENET_STD.clone();

    private Builder(Path modelFile) {
      if (modelFile == null) {
        throw new IllegalArgumentException("model file must not be null");
      }
      this.modelFile = modelFile;
    }

    /**
     * Length of the short side after resizing, in pixels; 0 keeps the image size. The default, 240,
     * gives DINO ViT-S/8 a 30 x 40 token grid for 4:3 images, a few seconds per frame on a 2-core
     * CPU; 480 (60 x 80 tokens) is finer but about eight times slower (attention is quadratic).
     */
    public Builder optShortSide(int pixels) {
      if (pixels < 0 || pixels > 8192) {
        throw new IllegalArgumentException("short side must be 0 (keep) or 1..8192 pixels, found " + pixels);
      }
      this.shortSide = pixels;
      return this;
    }

    /** Patch size the input is padded to a multiple of (default 8, DINO ViT-S/8's). */
    public Builder optPatchSize(int pixels) {
      if (pixels < 1 || pixels > 1024) {
        throw new IllegalArgumentException("patch size must be 1..1024 pixels, found " + pixels);
      }
      this.patch = pixels;
      return this;
    }

    /** Per-channel normalisation {@code (v / 255 - mean) / std} (default ImageNet's). */
    public Builder optNormalisation(float[] mean, float[] std) {
      if (mean == null || std == null || mean.length != 3 || std.length != 3) {
        throw new IllegalArgumentException("mean and std must have 3 values (R, G, B)");
      }
      for (int c = 0; c < 3; c++) {
        if (!Float.isFinite(mean[c]) || !(std[c] > 0) || !Float.isFinite(std[c])) {
          throw new IllegalArgumentException("mean must be finite and std positive, found mean " + mean[c] + " std " + std[c]);
        }
      }
      this.mean = mean.clone();
      this.std = std.clone();
      return this;
    }

    /**
     * Loads the model and probes its output dimension.
     *
     * @throws IOException if the file is not a loadable TorchScript model or fails on a probe image
     */
    public TorchScriptFeatureExtractor build() throws IOException {
      return new TorchScriptFeatureExtractor(this);
    }
  }
}
