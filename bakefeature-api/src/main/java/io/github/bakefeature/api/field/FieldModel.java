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

  /** Renders a full view in bounded-memory chunks. */
  RenderedView render(CameraIntrinsics camera, Pose pose, Set<RenderOutput> outputs);

  /**
   * Queries density and class probabilities at {@code count} world points ({@code [count, 3]},
   * metres).
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
