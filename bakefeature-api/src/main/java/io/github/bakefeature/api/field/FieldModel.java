package io.github.bakefeature.api.field;

import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.Pose;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * A neural field fitted to one scene (section III of the paper): positions in the scene box map
 * to density, colour, a D-dimensional feature and C semantic logits, which are volume rendered
 * into images (eq. 2-7).
 *
 * <p>Rendering and queries are safe to call from any thread; they see a consistent set of
 * parameters. Closing releases native memory; the model must not be used afterwards.
 */
public interface FieldModel extends AutoCloseable {

  /**
   * Most pixels per side of a view {@link #render} accepts: 16384. Scene frames are far smaller (a
   * few thousand pixels per side); the limits exist so that a mistyped camera fails at once with a
   * message instead of allocating gigabytes and ending in an {@link OutOfMemoryError}.
   */
  int MAX_RENDER_SIDE = 16_384;

  /**
   * Most pixels ({@code width * height}) of a view {@link #render} accepts: 2^26 = 67,108,864
   * (8192 x 8192; an 8K UHD frame, 7680 x 4320, is 33 million). Colour, depth, classes and
   * confidence of such a view take 1.5 GB of heap; render larger images as tiles (cameras with a
   * shifted principal point).
   */
  long MAX_RENDER_PIXELS = 1L << 26;

  /**
   * Checks that a {@code width x height} view is within {@link #MAX_RENDER_PIXELS} and
   * {@link #MAX_RENDER_SIDE}; the product is computed in {@code long}, so no size overflows.
   *
   * @throws IllegalArgumentException naming the size and the limit it exceeds
   */
  static void checkRenderSize(int width, int height) {
    long pixels = (long) width * height;
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("render size must be positive, found " + width + "x" + height);
    }
    if (pixels > MAX_RENDER_PIXELS) {
      throw new IllegalArgumentException("render size " + width + "x" + height + " = " + pixels
          + " pixels exceeds the limit of " + MAX_RENDER_PIXELS + " pixels (8192x8192); expected width * height <= "
          + MAX_RENDER_PIXELS + " and each side <= " + MAX_RENDER_SIDE
          + ": render a smaller camera (CameraIntrinsics.resized) or the view in tiles");
    }
    if (width > MAX_RENDER_SIDE || height > MAX_RENDER_SIDE) {
      throw new IllegalArgumentException("render size " + width + "x" + height + " exceeds the limit of "
          + MAX_RENDER_SIDE + " pixels per side; expected width and height in [1, " + MAX_RENDER_SIDE
          + "] and width * height <= " + MAX_RENDER_PIXELS + ": render a smaller camera (CameraIntrinsics.resized)"
          + " or the view in tiles");
    }
  }

  /** The method preset, e.g. {@code "ours"}, {@code "snerf-freq"}. */
  String method();

  /** Dimension D of the rendered feature, 0 when the model has no feature head. */
  int featureDimension();

  /** Number of semantic classes C (logits), at least 1. */
  int classCount();

  /** World box (metres) the model's coordinates are normalised to. */
  Aabb bounds();

  /** Training steps taken so far. */
  long step();

  /**
   * Renders a full view in bounded-memory chunks. The result holds one array per requested output
   * of {@code width * height} pixels (times the channels).
   *
   * @throws IllegalArgumentException if the camera has more than {@link #MAX_RENDER_PIXELS} pixels
   *     or a side longer than {@link #MAX_RENDER_SIDE} (see {@link #checkRenderSize}), or if an
   *     output would not fit in one Java array ({@link RenderOutput#FEATURES} of D channels needs
   *     {@code width * height * D < 2^31} values)
   */
  RenderedView render(CameraIntrinsics camera, Pose pose, Set<RenderOutput> outputs);

  /**
   * Queries density and class probabilities at {@code count} world points ({@code [count, 3]},
   * metres). Points outside the model's {@link #bounds()} (and non-finite ones) are empty space:
   * density 0 and every class equally likely.
   */
  PointQuery query(float[] points, int count);

  /**
   * Writes the model (every network and encoding parameter, the occupancy grid, the scene box and
   * the configuration) atomically to {@code file}, so that loading it renders bit-identical
   * output. A model is a snapshot for rendering: it holds no optimiser state, so such a file cannot
   * resume training; checkpoints of a trainer or a label session (which can) are written by the
   * implementation's trainer.
   */
  void save(Path file) throws IOException;

  @Override
  void close();
}
