package io.github.bakefeature.core.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.core.features.FeatureAutoencoder;
import io.github.bakefeature.core.features.FeatureCache;
import io.github.bakefeature.core.features.FilterBankFeatureExtractor;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.io.AtomicFiles;
import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.scene.SceneWriter;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training refuses feature targets built for another scene, even one of the same size. */
class TrainingFeatureTargetsTest {
  @TempDir
  Path tmp;

  private static FeatureCache cache(SceneFolder scene) throws IOException {
    return FeatureCache.builder(scene, FilterBankFeatureExtractor.builder().optSigmas(0.7, 1.6).optStride(2).build())
        .optDimension(4).optMaxSamples(500)
        .optTrainer(FeatureAutoencoder.trainer().optHiddenDimension(8).optSteps(5).optBatchSize(32)).build();
  }

  private static FieldTrainer train(SceneFolder scene, FeatureCache features) throws IOException {
    return Training.builder(scene).optMethod(MethodPreset.OURS).optFeatures(features)
        .optFieldOptions(f -> f.optHashLog2TableSize(12))
        .optTrainerConfig(TrainerConfig.builder().optRaysPerBatch(16).build()).build();
  }

  @Test
  void refusesTheFeatureCacheOfAnotherCaptureOfTheSameSize() throws IOException {
    // Before: only frame count and image size were compared, so a fixed camera's next capture
    // trained on the previous capture's features without a word.
    SceneWriter.write(SyntheticScenes.tabletop(3, 32, 24, 1), tmp.resolve("a"));
    SceneWriter.write(SyntheticScenes.tabletop(3, 32, 24, 2), tmp.resolve("b"));
    SceneFolder a = SceneFolder.open(tmp.resolve("a"));
    SceneFolder b = SceneFolder.open(tmp.resolve("b"));
    FeatureCache ofA = cache(a);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> train(b, ofA));
    assertTrue(e.getMessage().contains(tmp.resolve("a").toString()) && e.getMessage().contains("images differ"),
        e.getMessage());
    // A label session refuses it before it locks or touches the scene.
    e = assertThrows(IllegalArgumentException.class,
        () -> io.github.bakefeature.core.session.DefaultLabelSession.builder(b).optFeatures(ofA).build());
    assertTrue(e.getMessage().contains("images differ"), e.getMessage());
    assertTrue(Files.notExists(tmp.resolve("b").resolve("session")), "nothing created in the scene");
  }

  @Test
  void acceptsTheCacheForAnotherInstanceOrACopyOfTheSameScene() throws IOException {
    SceneWriter.write(SyntheticScenes.tabletop(3, 32, 24, 1), tmp.resolve("a"));
    FeatureCache ofA = cache(SceneFolder.open(tmp.resolve("a")));
    assertNull(ofA.sceneMismatch(SceneFolder.open(tmp.resolve("a"))), "the same folder opened again");
    assertEquals(3, train(SceneFolder.open(tmp.resolve("a")), ofA).data().frameCount());

    // A copy (cp -r sets new modification times): compared by content.
    Path copy = tmp.resolve("copy");
    try (Stream<Path> files = Files.walk(tmp.resolve("a"))) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path q = copy.resolve(tmp.resolve("a").relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q);
        }
      }
    }
    assertNull(ofA.sceneMismatch(SceneFolder.open(copy)), "a copy of the same images");

    // One image changed in place: no longer the scene the targets were extracted from.
    Path rgb = tmp.resolve("a").resolve("rgb");
    Path first;
    try (Stream<Path> s = Files.list(rgb)) {
      first = s.sorted().findFirst().orElseThrow();
    }
    Path second;
    try (Stream<Path> s = Files.list(rgb)) {
      second = s.sorted().skip(1).findFirst().orElseThrow();
    }
    AtomicFiles.write(first, Files.readAllBytes(second));
    String why = ofA.sceneMismatch(SceneFolder.open(tmp.resolve("a")));
    assertTrue(why != null && why.contains("images differ"), String.valueOf(why));
  }
}
