package io.github.bakefeature.core.scene;

import io.github.bakefeature.api.scene.Frame;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A frame whose colour image is an encoded PNG or JPEG file that decodes to exactly
 * {@link #rgb()}. {@link SceneWriter} copies such a file byte for byte instead of re-encoding it,
 * so importing a JPEG dataset keeps the original compressed images (no generation loss, no
 * ten-fold growth to PNG).
 */
public interface FileBackedFrame extends Frame {

  /** The PNG or JPEG file {@link #rgb()} decodes, if there is one. */
  Optional<Path> rgbFile();

  /**
   * The dataset file this frame was imported from (its colour image), if any, also when its pixels
   * were resampled or undistorted on the way (where {@link #rgbFile()} is empty): what ties a frame
   * of an imported scene, and every mask exported for it, back to the raw capture.
   */
  default Optional<Path> sourceFile() {
    return rgbFile();
  }

  /** The text file the pose was read from, if there is one (for messages about the pose). */
  default Optional<Path> poseFile() {
    return Optional.empty();
  }
}
