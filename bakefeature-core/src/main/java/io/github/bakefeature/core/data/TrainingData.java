package io.github.bakefeature.core.data;

import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.cameras.CameraRays;
import java.io.IOException;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The training frames of a scene held in memory at the training resolution: colour (bytes), depth
 * (metres), cameras, labels with their {@link ClassBalancedIndex}, and an optional
 * {@link FeatureSource}. Frames are decoded once, here; the trainer then samples rays without
 * touching the disk.
 *
 * <p>The training resolution is the scene's resolution divided by an integer {@code scale}
 * (area-averaged colour, nearest depth), chosen so the frames fit a pixel budget; a training
 * pixel's label is the majority label of its block of scene pixels ({@link #setLabels}). Labels
 * can be changed concurrently with training through {@link #setLabel}, {@link #setLabels} and
 * {@link #updateLabels}; they and {@link #sampleBatch} synchronise on this object.
 */
public final class TrainingData {
  private final int width;
  private final int height;
  private final int scale;
  private final int[] sceneFrames;
  private final float[] cameras;
  private final byte[][] rgb;
  private final float[][] depth;
  private final short[][] labels;
  private final ClassBalancedIndex index = new ClassBalancedIndex();
  private final FeatureSource features;
  private final int sceneWidth;
  private final int sceneHeight;
  private final CameraIntrinsics[] intrinsics;
  // Scratch of the label updates (guarded by this): votes and nearest squared distance to the
  // block centre per class id, the classes voted for in the current block, and touched blocks.
  private int[] classVotes = new int[16];
  private int[] classNearest = new int[16];
  private int[] votedClasses = new int[16];
  private long[] blockMarks;
  private int[] blockList = new int[256];

  private TrainingData(Scene scene, int[] frames, int scale, FeatureSource features) throws IOException {
    this.scale = scale;
    this.sceneWidth = scene.width();
    this.sceneHeight = scene.height();
    this.width = sceneWidth / scale;
    this.height = sceneHeight / scale;
    this.sceneFrames = frames.clone();
    this.features = features;
    int n = frames.length;
    this.cameras = new float[n * CameraRays.PACKED];
    this.rgb = new byte[n][];
    this.depth = new float[n][];
    this.labels = new short[n][];
    this.intrinsics = new CameraIntrinsics[n];
    for (int i = 0; i < n; i++) {
      Frame f = scene.frame(frames[i]);
      CameraIntrinsics k = scale == 1 ? f.intrinsics() : blockCamera(f.intrinsics(), scale, width, height);
      intrinsics[i] = k;
      CameraRays.pack(k, f.pose(), cameras, i * CameraRays.PACKED);
      rgb[i] = downsampleRgb(f.rgb(), scale);
      Optional<DepthImage> d = f.depth();
      depth[i] = d.map(img -> downsampleDepth(img, scale)).orElse(null);
    }
  }

  /**
   * The camera of a {@code w x h} training image whose pixel (x, y) is the mean of the scene block
   * {@code [s x, s x + s) x [s y, s y + s)}: its centre, scene pixel {@code s x + (s - 1) / 2}, is
   * where the pixel's ray goes. Each side scales by exactly {@code 1 / s}; a remainder of columns or
   * rows that fills no block is dropped, not stretched over (as {@link CameraIntrinsics#resized}
   * would, which is the same camera when the size divides).
   */
  static CameraIntrinsics blockCamera(CameraIntrinsics k, int s, int w, int h) {
    if (k.width() == s * w && k.height() == s * h) {
      return k.resized(w, h);
    }
    double f = 1.0 / s;
    return new CameraIntrinsics(w, h, k.fx() * f, k.fy() * f, (k.cx() + 0.5) * f - 0.5, (k.cy() + 0.5) * f - 0.5);
  }

  /**
   * Loads {@code frames} of {@code scene} at full resolution divided by {@code scale}.
   *
   * @param features feature targets, or null for methods without features
   */
  public static TrainingData load(Scene scene, int[] frames, int scale, FeatureSource features) throws IOException {
    if (frames.length == 0) {
      throw new IllegalArgumentException("training needs at least one frame, found none");
    }
    if (scale < 1 || scene.width() / scale < 1 || scene.height() / scale < 1) {
      throw new IllegalArgumentException("training scale must be in [1, " + Math.min(scene.width(), scene.height())
          + "], found " + scale);
    }
    for (int f : frames) {
      if (f < 0 || f >= scene.size()) {
        throw new IllegalArgumentException("frame index must be in [0, " + scene.size() + "), found " + f);
      }
    }
    return new TrainingData(scene, frames, scale, features);
  }

  /** The smallest integer scale at which {@code frames} frames fit {@code maxPixels} pixels. */
  public static int scaleForBudget(Scene scene, int frames, long maxPixels) {
    int s = 1;
    while ((long) frames * (scene.width() / s) * (scene.height() / s) > maxPixels && scene.width() / (s + 1) >= 8) {
      s++;
    }
    return s;
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** Integer factor between the scene's and the training resolution. */
  public int scale() {
    return scale;
  }

  public int frameCount() {
    return sceneFrames.length;
  }

  /** Scene frame index of training frame {@code i}. */
  public int sceneFrame(int i) {
    return sceneFrames[i];
  }

  /** Training frame of scene frame {@code f}, or -1. */
  public int trainingFrame(int sceneFrame) {
    for (int i = 0; i < sceneFrames.length; i++) {
      if (sceneFrames[i] == sceneFrame) {
        return i;
      }
    }
    return -1;
  }

  /** Packed cameras ({@link CameraRays#PACKED} floats per training frame) at training resolution. */
  public float[] cameras() {
    return cameras;
  }

  public CameraIntrinsics intrinsics(int i) {
    return intrinsics[i];
  }

  public boolean hasDepth() {
    for (float[] d : depth) {
      if (d != null) {
        return true;
      }
    }
    return false;
  }

  /** Depth of training frame {@code i} at training resolution (metres, 0 = none), or null. */
  public float[] depth(int i) {
    return depth[i];
  }

  public FeatureSource features() {
    return features;
  }

  public int featureDimension() {
    return features == null ? 0 : features.dimension();
  }

  /** Labelled pixels per class, for reporting. */
  public synchronized ClassBalancedIndex labelIndex() {
    return index;
  }

  /** Number of labelled training pixels. */
  public synchronized int labelledPixels() {
    return index.size();
  }

  /** Largest class id with labels plus one (0 if none). */
  public synchronized int labelledClassBound() {
    int c = 0;
    for (int k = 0; k < 1024; k++) {
      if (index.count(k) > 0) {
        c = k + 1;
      }
    }
    return c;
  }

  /**
   * Sets the label of training pixel {@code pixel} (training resolution, row-major) of training
   * frame {@code i}; {@code classId < 0} clears it.
   */
  public synchronized void setLabel(int i, int pixel, int classId) {
    if (labels[i] == null) {
      if (classId < 0) {
        return;
      }
      labels[i] = new short[width * height];
      java.util.Arrays.fill(labels[i], LabelImage.UNLABELLED);
    }
    labels[i][pixel] = (short) Math.max(-1, classId);
    index.set(i, pixel, classId);
  }

  /**
   * Replaces the labels of training frame {@code i} with {@code image} (scene resolution; null
   * clears them), updating only the training pixels that change. At {@code scale > 1} each
   * training pixel takes the label of its block of {@code scale x scale} scene pixels (the last
   * block column and row also take the scene's remainder): the class with the most labelled
   * pixels in the block; a tie goes to the tied class with a pixel nearest the block's centre pixel
   * (where colour, depth and features are sampled), then to the lower class id; a block without
   * labelled pixels is unlabelled. So every labelled scene pixel reaches the trainer, however thin
   * the stroke.
   *
   * @throws IllegalArgumentException if {@code image} is not the scene's size
   */
  public synchronized void setLabels(int i, LabelImage image) {
    checkSceneSize(image);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        updateBlock(i, image, x, y);
      }
    }
  }

  /**
   * {@link #setLabels} for the training pixels whose block holds one of {@code scenePixels}
   * (row-major scene indices, e.g. the pixels an edit changed) only: the incremental update after
   * an edit, costing the touched blocks rather than the frame.
   *
   * @throws IllegalArgumentException if {@code image} is not the scene's size or a pixel is outside it
   */
  public synchronized void updateLabels(int i, LabelImage image, int[] scenePixels) {
    checkSceneSize(image);
    int n = sceneWidth * sceneHeight;
    for (int p : scenePixels) {
      if (p < 0 || p >= n) {
        throw new IllegalArgumentException("scene pixel index must be in [0, " + n + "), found " + p);
      }
    }
    if (scale == 1) {
      for (int p : scenePixels) {
        updateBlock(i, image, p % sceneWidth, p / sceneWidth);
      }
      return;
    }
    // Many changed pixels share a block: each block is recomputed once, marked in a reusable bitset.
    if (blockMarks == null) {
      blockMarks = new long[(width * height + 63) >>> 6];
    }
    int[] blocks = scenePixels.length <= blockList.length ? blockList : new int[scenePixels.length];
    int count = 0;
    for (int p : scenePixels) {
      int bx = Math.min(width - 1, (p % sceneWidth) / scale);
      int by = Math.min(height - 1, (p / sceneWidth) / scale);
      int b = by * width + bx;
      if ((blockMarks[b >>> 6] & (1L << b)) == 0) {
        blockMarks[b >>> 6] |= 1L << b;
        blocks[count++] = b;
      }
    }
    for (int k = 0; k < count; k++) {
      int b = blocks[k];
      blockMarks[b >>> 6] &= ~(1L << b);
      updateBlock(i, image, b % width, b / width);
    }
    if (blocks.length > blockList.length) {
      blockList = blocks;
    }
  }

  private void checkSceneSize(LabelImage image) {
    if (image != null && (image.width() != sceneWidth || image.height() != sceneHeight)) {
      throw new IllegalArgumentException("labels must be " + sceneWidth + "x" + sceneHeight
          + " (the scene's resolution), found " + image.width() + "x" + image.height());
    }
  }

  private void updateBlock(int i, LabelImage image, int x, int y) {
    int v = image == null ? -1 : blockLabel(image.labels(), x, y);
    int p = y * width + x;
    int old = labels[i] == null ? -1 : labels[i][p];
    if (old != v) {
      setLabel(i, p, v);
    }
  }

  /** The label of training pixel (x, y) from the scene labels {@code scene}, by {@link #setLabels}' rule. */
  private int blockLabel(short[] scene, int x, int y) {
    if (scale == 1) {
      return scene[y * sceneWidth + x];
    }
    int sx0 = x * scale;
    int sy0 = y * scale;
    int sx1 = x == width - 1 ? sceneWidth : sx0 + scale;
    int sy1 = y == height - 1 ? sceneHeight : sy0 + scale;
    int cx = Math.min(sceneWidth - 1, sx0 + scale / 2);
    int cy = Math.min(sceneHeight - 1, sy0 + scale / 2);
    int distinct = 0;
    for (int sy = sy0; sy < sy1; sy++) {
      int row = sy * sceneWidth;
      for (int sx = sx0; sx < sx1; sx++) {
        int c = scene[row + sx];
        if (c < 0) {
          continue;
        }
        if (c >= classVotes.length) {
          int grown = Math.max(c + 1, classVotes.length * 2);
          classVotes = java.util.Arrays.copyOf(classVotes, grown);
          classNearest = java.util.Arrays.copyOf(classNearest, grown);
        }
        int d = (sx - cx) * (sx - cx) + (sy - cy) * (sy - cy);
        if (classVotes[c]++ == 0) {
          if (distinct == votedClasses.length) {
            votedClasses = java.util.Arrays.copyOf(votedClasses, distinct * 2);
          }
          votedClasses[distinct++] = c;
          classNearest[c] = d;
        } else if (d < classNearest[c]) {
          classNearest[c] = d;
        }
      }
    }
    int best = -1;
    for (int k = 0; k < distinct; k++) {
      int c = votedClasses[k];
      if (best < 0 || classVotes[c] > classVotes[best]
          || (classVotes[c] == classVotes[best] && (classNearest[c] < classNearest[best]
              || (classNearest[c] == classNearest[best] && c < best)))) {
        best = c;
      }
    }
    for (int k = 0; k < distinct; k++) {
      classVotes[votedClasses[k]] = 0; // leave the scratch clean for the next block
    }
    return best;
  }

  /**
   * Fills {@code batch} with {@code n} rays: the first half uniform over all training pixels, the
   * second half class-balanced over labelled pixels (uniform too when nothing is labelled), as in
   * the paper (section III-D).
   */
  public synchronized void sampleBatch(int n, SplittableRandom random, RayBatch batch) {
    int d = featureDimension();
    batch.reset(n, d);
    int pixels = width * height;
    int uniform = index.size() == 0 ? n : n / 2;
    for (int r = 0; r < n; r++) {
      int f;
      int p;
      if (r < uniform) {
        f = random.nextInt(sceneFrames.length);
        p = random.nextInt(pixels);
      } else {
        long k = index.sample(random);
        f = ClassBalancedIndex.frameOf(k);
        p = ClassBalancedIndex.pixelOf(k);
      }
      batch.frame[r] = f;
      batch.pixel[r] = p;
      byte[] c = rgb[f];
      batch.rgb[3 * r] = (c[3 * p] & 0xff) / 255f;
      batch.rgb[3 * r + 1] = (c[3 * p + 1] & 0xff) / 255f;
      batch.rgb[3 * r + 2] = (c[3 * p + 2] & 0xff) / 255f;
      batch.depth[r] = depth[f] == null ? 0f : depth[f][p];
      batch.label[r] = labels[f] == null ? -1 : labels[f][p];
      if (d > 0) {
        int px = (p % width) * scale + scale / 2;
        int py = (p / width) * scale + scale / 2;
        features.lookup(sceneFrames[f], px, py, batch.feature, r * d);
      }
    }
  }

  private static byte[] downsampleRgb(RgbImage img, int s) {
    if (s == 1) {
      return img.pixels();
    }
    int w = img.width() / s;
    int h = img.height() / s;
    byte[] out = new byte[w * h * 3];
    byte[] src = img.pixels();
    int n = s * s;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          int sum = 0;
          for (int dy = 0; dy < s; dy++) {
            for (int dx = 0; dx < s; dx++) {
              sum += src[((y * s + dy) * img.width() + x * s + dx) * 3 + c] & 0xff;
            }
          }
          out[(y * w + x) * 3 + c] = (byte) ((sum + n / 2) / n);
        }
      }
    }
    return out;
  }

  private static float[] downsampleDepth(DepthImage img, int s) {
    int w = img.width() / s;
    int h = img.height() / s;
    float[] out = new float[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        out[y * w + x] = img.get(Math.min(img.width() - 1, x * s + s / 2), Math.min(img.height() - 1, y * s + s / 2));
      }
    }
    return out;
  }
}
