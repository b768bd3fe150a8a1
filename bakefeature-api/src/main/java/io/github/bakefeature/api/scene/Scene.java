package io.github.bakefeature.api.scene;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A posed RGB-D sequence: frames of equal image size, the box in which the field is fitted, and
 * the semantic class names (possibly none before anyone has labelled).
 *
 * <p>A scene is validated when it is opened: a {@code Scene} object never stands for a
 * half-loaded folder. Implementations are thread-safe.
 */
public interface Scene {

  /** Folder the scene was read from, if it lives on disk. */
  Optional<Path> directory();

  /** Number of frames, at least 1. */
  default int size() {
    return frames().size();
  }

  /**
   * Frame {@code index}, {@code 0 <= index < size()}.
   *
   * @throws IndexOutOfBoundsException for another index (a list access; label sessions check their
   *     frame arguments themselves and throw {@link IllegalArgumentException} naming the range)
   */
  default Frame frame(int index) {
    return frames().get(index);
  }

  /** All frames in order; unmodifiable. */
  List<Frame> frames();

  /** World-space box (metres) that contains the observed surfaces and cameras. */
  Aabb bounds();

  /**
   * Names of the semantic classes, class id = list index; may be empty. Read when the scene is
   * loaded: a label session that adds or renames classes updates its own list
   * ({@code LabelSession.classes()}) and the scene's files, not this one.
   */
  List<String> classNames();

  /** Width of every image in pixels. */
  default int width() {
    return frame(0).intrinsics().width();
  }

  /** Height of every image in pixels. */
  default int height() {
    return frame(0).intrinsics().height();
  }

  /** Whether any frame carries dense ground-truth classes. */
  boolean hasGroundTruth();
}
