package io.github.bakefeature.examples.cli;

import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.pipelines.Checkpoint;
import io.github.bakefeature.core.pipelines.SemanticFieldModel;
import io.github.bakefeature.core.scene.SceneFolder;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --scene} and {@code --checkpoint}: the inputs of every command that reads a trained model of a scene. */
final class TrainedSceneOptions {
  @Option(names = "--scene", required = true, description = "Scene folder.")
  Path scene;

  @Option(names = "--checkpoint", required = true, description = "Checkpoint written by train.")
  Path checkpoint;

  Scene openScene() throws IOException {
    return SceneFolder.open(scene);
  }

  /**
   * The checkpoint's model, checked against the scene it will render: a model of another scene
   * (other classes, other bounds) would otherwise render and export confidently wrong labels.
   */
  SemanticFieldModel loadModel(Scene s, java.io.PrintWriter err) throws IOException {
    SemanticFieldModel model = SemanticFieldModel.load(checkpoint);
    int classes = s.classNames().size();
    if (classes > 0 && model.classCount() > classes) {
      throw new Checkpoint.CheckpointException(checkpoint, "the model predicts " + model.classCount()
          + " classes but the scene " + scene + " has " + classes + " (metadata.json); expected a checkpoint trained"
          + " on this scene");
    }
    if (model.classCount() < classes) {
      // Saved before the last classes were added in a label session: valid, it just never predicts them.
      err.println("note: " + checkpoint + " predicts the first " + model.classCount() + " of the scene's " + classes
          + " classes (saved before the others were added)");
      err.flush();
    }
    Aabb a = model.bounds();
    Aabb b = s.bounds();
    double tolerance = 1e-4 * b.diagonal();
    for (int axis = 0; axis < 3; axis++) {
      if (Math.abs(a.min(axis) - b.min(axis)) > tolerance || Math.abs(a.max(axis) - b.max(axis)) > tolerance) {
        throw new Checkpoint.CheckpointException(checkpoint, "the model was trained in the box " + box(a)
            + " but the scene " + scene + " has the box " + box(b) + " (bbox.txt); expected a checkpoint trained on"
            + " this scene");
      }
    }
    return model;
  }

  private static String box(Aabb a) {
    return String.format(java.util.Locale.ROOT, "(%.3f, %.3f, %.3f)-(%.3f, %.3f, %.3f)", a.minX(), a.minY(), a.minZ(),
        a.maxX(), a.maxY(), a.maxZ());
  }
}
