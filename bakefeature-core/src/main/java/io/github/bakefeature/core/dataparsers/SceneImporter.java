package io.github.bakefeature.core.dataparsers;

import io.github.bakefeature.api.scene.InvalidSceneException;
import io.github.bakefeature.api.scene.Scene;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads a dataset in a foreign layout as a {@link Scene} in our conventions (world-to-camera
 * OpenCV poses, metres, pixel centres at integer coordinates, z-depth). Files, pairing, poses and
 * cameras are validated by {@link #read}; images are decoded lazily (depth once to compute the
 * bounds), so a long sequence is never held in memory. Write the result with
 * {@link io.github.bakefeature.core.scene.SceneWriter} or use {@link Importers#importScene}.
 */
public interface SceneImporter {

  /** Short name used on the command line, e.g. {@code "replica"}. */
  String format();

  /** One line saying what layout this reads. */
  String description();

  /**
   * Reads the dataset in {@code in}.
   *
   * @throws InvalidSceneException naming the file and the problem if the input is not a valid
   *     dataset of this format
   */
  Scene read(Path in) throws IOException;

  /**
   * Reads frames 0, n, 2n, ... of the dataset in {@code in}, renumbered 0, 1, 2, ...;
   * {@code read(in, 1)} is {@code read(in)}. The default thins {@link #read(Path)}'s frames with
   * {@link FrameSubsets#everyNth}; importers that can override it so that the files of the frames
   * left out are never decoded, and classes are listed from the kept frames only.
   *
   * @throws IllegalArgumentException if {@code every < 1}
   * @throws InvalidSceneException naming the file and the problem if the input is not a valid
   *     dataset of this format
   */
  default Scene read(Path in, int every) throws IOException {
    FrameSubsets.checkEvery(every);
    return FrameSubsets.everyNth(read(in), every);
  }
}
