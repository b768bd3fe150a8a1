package io.github.bakefeature.core.features;

import io.github.bakefeature.api.feature.FeatureExtractor;
import io.github.bakefeature.api.feature.FeatureMap;
import io.github.bakefeature.api.scene.Aabb;
import io.github.bakefeature.api.scene.CameraIntrinsics;
import io.github.bakefeature.api.scene.Pose;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.core.scene.InMemoryScene;
import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.scene.SceneWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** Small scenes for the cache tests: structured frames, identity poses, no depth. */
final class TestScenes {
  private TestScenes() {}

  static InMemoryScene memory(int frames, int w, int h) {
    InMemoryScene.Builder b = InMemoryScene.builder().optBounds(new Aabb(-1, -1, -1, 1, 1, 1));
    CameraIntrinsics k = CameraIntrinsics.fromHorizontalFov(w, h, 60);
    for (int i = 0; i < frames; i++) {
      b.addFrame(k, Pose.identity(), TestImages.structured(w, h, 100 + i), null, null, null);
    }
    return b.build();
  }

  static SceneFolder folder(Path dir, int frames, int w, int h) throws IOException {
    SceneWriter.write(memory(frames, w, h), dir);
    return SceneFolder.open(dir);
  }

  /** Counts calls to the wrapped extractor. */
  static final class Counting implements FeatureExtractor {
    /** Runs after an extraction, given the number of extractions so far. */
    interface AfterExtract {
      void run(int calls) throws IOException;
    }

    final FeatureExtractor inner;
    final AtomicInteger calls = new AtomicInteger();
    private final AfterExtract after;

    Counting(FeatureExtractor inner) {
      this(inner, n -> {});
    }

    Counting(FeatureExtractor inner, AfterExtract after) {
      this.inner = inner;
      this.after = after;
    }

    @Override
    public String id() {
      return inner.id();
    }

    @Override
    public int dimension() {
      return inner.dimension();
    }

    @Override
    public FeatureMap extract(RgbImage image) throws IOException {
      FeatureMap map = inner.extract(image);
      after.run(calls.incrementAndGet());
      return map;
    }
  }
}
