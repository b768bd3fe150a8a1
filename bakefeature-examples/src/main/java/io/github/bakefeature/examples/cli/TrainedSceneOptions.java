package io.github.bakefeature.examples.cli;

import io.github.bakefeature.api.scene.Scene;
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

  SemanticFieldModel loadModel() throws IOException {
    return SemanticFieldModel.load(checkpoint);
  }
}
