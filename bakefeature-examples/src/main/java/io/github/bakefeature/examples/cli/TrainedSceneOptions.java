package io.github.bakefeature.examples.cli;

import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.pipelines.Checkpoint;
import io.github.bakefeature.core.pipelines.SemanticFieldModel;
import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.scene.SceneInspector;
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
    return openDecoded(scene);
  }

  /**
   * Opens a scene and decodes every image ({@link SceneInspector#decodeAll}): for commands that
   * then train or render for minutes, so a truncated file fails now, naming it, not after that work.
   */
  static SceneFolder openDecoded(Path dir) throws IOException {
    SceneFolder s = SceneFolder.open(dir);
    SceneInspector.decodeAll(s);
    return s;
  }

  /**
   * The checkpoint's model, checked against the scene it will render: a model of another scene
   * (other classes, other bounds) would otherwise render and export confidently wrong labels.
   */
  SemanticFieldModel loadModel(Scene s, java.io.PrintWriter err) throws IOException {
    SemanticFieldModel model = SemanticFieldModel.load(checkpoint);
    int classes = s.classNames().size();
    String mismatch = model.sceneMismatch(s.bounds(), classes);
    if (mismatch != null) {
      throw new Checkpoint.CheckpointException(checkpoint, mismatch + "; expected a checkpoint trained on the scene "
          + scene);
    }
    if (model.classCount() < classes) {
      // Saved before the last classes were added in a label session: valid, it just never predicts them.
      err.println("note: " + checkpoint + " predicts the first " + model.classCount() + " of the scene's " + classes
          + " classes (saved before the others were added)");
      err.flush();
    }
    return model;
  }

  /**
   * {@link #loadModel}, refusing a model whose semantic head never saw a labelled pixel: its
   * classes are arbitrary, and masks of them would look like a segmentation.
   */
  SemanticFieldModel loadLabelledModel(Scene s, java.io.PrintWriter err) throws IOException {
    SemanticFieldModel model = loadModel(s, err);
    if (model.unlabelled()) {
      throw new IllegalArgumentException("--checkpoint " + checkpoint + ": expected a model trained with labels, found"
          + " one that never saw a labelled pixel (none of its " + model.step() + " steps applied the semantic loss),"
          + " so its classes are arbitrary; label frames (the app, or semantic/ scribbles) and train with --labels"
          + " scribbles, or with --labels gt");
    }
    return model;
  }
}
