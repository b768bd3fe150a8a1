package io.github.bakefeature.api.scene;

import java.io.IOException;
import java.util.Optional;

/**
 * One posed view of a scene. Metadata (name, camera, pose) is in memory; images are decoded on
 * demand and may be cached by the implementation within a bounded budget, so holding a
 * {@code Frame} does not hold its pixels.
 *
 * <p>Implementations are thread-safe.
 */
public interface Frame {

  /** Position of this frame in its scene, {@code 0..scene.size()-1}. */
  int index();

  /** Stable name shared by this frame's files, e.g. {@code "00042"}. */
  String name();

  /** Camera of the RGB image (and of depth and labels, which are aligned to it). */
  CameraIntrinsics intrinsics();

  /** Pose of the camera when this frame was taken. */
  Pose pose();

  /**
   * The colour image, {@code intrinsics().width() x intrinsics().height()}.
   *
   * @throws InvalidSceneException if the file is unreadable or truncated
   */
  RgbImage rgb() throws IOException;

  /** Whether the frame has a depth map. */
  boolean hasDepth();

  /**
   * The depth map resized (nearest neighbour) to the RGB size, or empty if the frame has none.
   *
   * @throws InvalidSceneException if the file is unreadable or truncated
   */
  Optional<DepthImage> depth() throws IOException;

  /**
   * Dense ground-truth classes at RGB size (from {@code gt_semantic/}), or empty if unknown.
   *
   * @throws InvalidSceneException if the file is unreadable or holds ids beyond the class count
   */
  Optional<LabelImage> groundTruth() throws IOException;

  /**
   * Scribbles stored with the scene (from {@code semantic/}) at RGB size, or empty if the frame
   * has none. A file saved at another size of the same aspect ratio (the paper's tool saves its
   * 720 px wide canvas) is resized, nearest neighbour.
   *
   * @throws InvalidSceneException if the file is unreadable or holds ids beyond the class count
   */
  Optional<LabelImage> scribbles() throws IOException;
}
