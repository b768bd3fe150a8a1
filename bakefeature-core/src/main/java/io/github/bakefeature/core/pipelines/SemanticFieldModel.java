package io.github.bakefeature.core.pipelines;

import io.github.bakefeature.api.field.FieldModel;
import io.github.bakefeature.api.field.PointQuery;
import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.field.RenderedView;
import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.core.fields.FieldConfig;
import io.github.bakefeature.core.fields.SemanticField;
import io.github.bakefeature.core.raysamplers.OccupancyGrid;
import io.github.bakefeature.core.raysamplers.SceneBox;
import io.github.bakefeature.core.renderers.FieldRenderer;
import io.github.bakefeature.core.renderers.RenderSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * An immutable fitted model: a {@link SemanticField} snapshot, its occupancy grid and scene box.
 * Safe to render from any number of threads (each call uses its own renderer and DJL manager).
 * Holds no native memory between calls, so {@link #close()} only marks it closed.
 */
public final class SemanticFieldModel implements FieldModel {
  private final SemanticField field;
  private final OccupancyGrid occupancy;
  private final SceneBox box;
  private final long step;
  private final long labelledSteps;
  private final RenderSettings settings;
  private volatile boolean closed;

  SemanticFieldModel(SemanticField field, OccupancyGrid occupancy, SceneBox box, long step, long labelledSteps,
                     RenderSettings settings) {
    this.field = field;
    this.occupancy = occupancy;
    this.box = box;
    this.step = step;
    this.labelledSteps = labelledSteps;
    this.settings = settings;
  }

  /** Loads a model from a checkpoint written by {@link #save} or by a trainer. */
  public static SemanticFieldModel load(Path file) throws IOException {
    return Checkpoint.read(file).model();
  }

  /** How this model renders (saved with it: a loaded model renders as this one does). */
  public RenderSettings renderSettings() {
    return settings;
  }

  /** The same model rendered with other settings. */
  public SemanticFieldModel withRenderSettings(RenderSettings s) {
    return new SemanticFieldModel(field, occupancy, box, step, labelledSteps, s);
  }

  SemanticField field() {
    return field;
  }

  /** The architecture and training options the model was built with. */
  public FieldConfig fieldConfig() {
    return field.config();
  }

  OccupancyGrid occupancy() {
    return occupancy;
  }

  SceneBox box() {
    return box;
  }

  /**
   * A renderer of this model for one thread, exposing per-call work statistics (samples marched
   * and shaded); {@link #render} uses a fresh one per call.
   */
  public FieldRenderer newRenderer() {
    checkOpen();
    return new FieldRenderer(field, occupancy, box, settings);
  }

  @Override
  public String method() {
    return field.config().method().id();
  }

  @Override
  public int featureDimension() {
    return field.featureDimension();
  }

  @Override
  public int classCount() {
    return field.classCount();
  }

  @Override
  public Aabb bounds() {
    return box.aabb();
  }

  @Override
  public long step() {
    return step;
  }

  /**
   * Training steps that applied the semantic loss (their batch held labelled pixels), or -1 when
   * the checkpoint predates this count. 0 means the semantic head never saw a label: its classes
   * are arbitrary, and exports of classes are refused or left unknown.
   */
  public long labelledSteps() {
    return labelledSteps;
  }

  /** Whether the semantic head is known never to have seen a label ({@link #labelledSteps()} is 0). */
  public boolean unlabelled() {
    return labelledSteps == 0;
  }

  @Override
  public RenderedView render(CameraIntrinsics camera, Pose pose, Set<RenderOutput> outputs) {
    checkOpen();
    java.util.Objects.requireNonNull(camera, "camera");
    java.util.Objects.requireNonNull(pose, "pose");
    java.util.Objects.requireNonNull(outputs, "outputs");
    FieldModel.checkRenderSize(camera.width(), camera.height());
    return newRenderer().render(camera, pose, outputs, step);
  }

  /**
   * Renders a frame whose depth was measured: rays with a measurement are sampled around it (as in
   * training: fast and consistent), the others march through the occupancy grid. {@code depth}
   * is z-depth in metres at the camera's resolution; null renders like {@link #render}.
   *
   * @throws IllegalArgumentException if the camera exceeds the render limits of {@link FieldModel}
   */
  public RenderedView render(CameraIntrinsics camera, Pose pose, Set<RenderOutput> outputs, DepthImage depth) {
    checkOpen();
    java.util.Objects.requireNonNull(camera, "camera");
    java.util.Objects.requireNonNull(pose, "pose");
    java.util.Objects.requireNonNull(outputs, "outputs");
    FieldModel.checkRenderSize(camera.width(), camera.height());
    return newRenderer().render(camera, pose, outputs, step, depth);
  }

  /**
   * Renders scene frame {@code frame} from its pose through {@code camera}, sampling around the
   * frame's measured depth where {@link #measuredDepth} gives one (the frame's own camera or a
   * resized copy of it) and marching elsewhere. This is how the library renders frames of the
   * scene: segmentation, exports and the label session's views.
   *
   * @throws UncheckedIOException if the frame's depth cannot be read
   * @throws IllegalArgumentException if the camera exceeds the render limits of {@link FieldModel}
   */
  public RenderedView renderFrame(Frame frame, CameraIntrinsics camera, Set<RenderOutput> outputs) {
    java.util.Objects.requireNonNull(frame, "frame");
    java.util.Objects.requireNonNull(camera, "camera");
    FieldModel.checkRenderSize(camera.width(), camera.height()); // before reading and resizing depth
    return render(camera, frame.pose(), outputs, measuredDepth(frame, camera));
  }

  /**
   * The depth to sample around when rendering {@code frame} through {@code camera}: the frame's
   * measured depth, resized by nearest neighbour ({@link DepthImage#resized}) when {@code camera}
   * is the frame's own or a {@linkplain CameraIntrinsics#resized resized} copy of it; null when the
   * frame has no depth or the camera looks elsewhere (a novel view marches).
   *
   * @throws UncheckedIOException if the frame's depth cannot be read
   */
  public static DepthImage measuredDepth(Frame frame, CameraIntrinsics camera) {
    CameraIntrinsics own = frame.intrinsics();
    if (!camera.equals(own) && !camera.equals(own.resized(camera.width(), camera.height()))) {
      return null;
    }
    try {
      return frame.depth().map(d -> d.resized(camera.width(), camera.height())).orElse(null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Why this model cannot be the model of a scene with {@code bounds} and {@code classes} classes
   * (0 = unknown), or null if it can: its box differs (the encodings are normalised to it) or it
   * predicts more classes. Fewer classes is fine: a model saved before classes were added. A scene
   * of one class has models of two (training always gives the semantic head at least two logits).
   */
  public String sceneMismatch(io.github.bakefeature.api.scene.Aabb bounds, int classes) {
    if (classes > 0 && classCount() > Math.max(2, classes)) {
      return "the model predicts " + classCount() + " classes but the scene has " + classes + " (metadata.json)";
    }
    io.github.bakefeature.api.scene.Aabb a = bounds();
    double tolerance = 1e-4 * bounds.diagonal();
    for (int axis = 0; axis < 3; axis++) {
      if (Math.abs(a.min(axis) - bounds.min(axis)) > tolerance || Math.abs(a.max(axis) - bounds.max(axis)) > tolerance) {
        return "the model was trained in the box " + box(a) + " but the scene's box is " + box(bounds) + " (bbox.txt)";
      }
    }
    return null;
  }

  private static String box(io.github.bakefeature.api.scene.Aabb a) {
    return String.format(java.util.Locale.ROOT, "(%.3f, %.3f, %.3f)-(%.3f, %.3f, %.3f)", a.minX(), a.minY(), a.minZ(),
        a.maxX(), a.maxY(), a.maxZ());
  }

  @Override
  public PointQuery query(float[] points, int count) {
    checkOpen();
    java.util.Objects.requireNonNull(points, "points");
    if (count < 0 || (long) count * 3 > points.length) {
      throw new IllegalArgumentException("expected 0 <= count and 3 * count <= points.length (" + points.length
          + "), found count " + count);
    }
    return FieldRenderer.query(field, box, points, count);
  }

  @Override
  public void save(Path file) throws IOException {
    checkOpen();
    Checkpoint.write(file, field, occupancy, box, step, labelledSteps, null, null, settings, null);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("model is closed");
    }
  }

  @Override
  public void close() {
    closed = true;
  }
}
