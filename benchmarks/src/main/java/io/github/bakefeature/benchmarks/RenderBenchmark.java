package io.github.bakefeature.benchmarks;

import io.github.bakefeature.api.field.RenderOutput;
import io.github.bakefeature.api.scene.DepthImage;
import io.github.bakefeature.api.scene.Frame;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.djl.DjlRuntime;
import io.github.bakefeature.core.features.FeatureCache;
import io.github.bakefeature.core.features.FilterBankFeatureExtractor;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.pipelines.FieldTrainer;
import io.github.bakefeature.core.pipelines.SemanticFieldModel;
import io.github.bakefeature.core.pipelines.TrainerConfig;
import io.github.bakefeature.core.pipelines.Training;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.nio.file.Files;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Full-frame rendering at 320x240 (colour, depth, class map and confidence) of an {@code ours}
 * model trained for 1,000 steps on the tabletop preset (40 frames, 320x240, dense ground truth):
 * {@code novelView} marches the occupancy grid with early termination (what evaluation and
 * novel views use); {@code depthGuided} samples around the frame's measured depth (what a label
 * session uses to segment a frame of the scene). Time per frame.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true", "-Xmx8g"})
public class RenderBenchmark {

  @State(Scope.Benchmark)
  public static class Model {
    SemanticFieldModel model;
    Frame frame;
    DepthImage depth;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      DjlRuntime.ensureOffline();
      Scene scene = SyntheticScenes.tabletop(40, 320, 240, 1);
      FeatureCache features = FeatureCache.builder(scene, FilterBankFeatureExtractor.builder().build())
          .optCacheDir(Files.createTempDirectory("bf-bench-features")).build();
      FieldTrainer trainer = Training.builder(scene)
          .optMethod(MethodPreset.OURS)
          .optFeatures(features)
          .optLabels(Training.Labels.GROUND_TRUTH)
          .optTrainerConfig(TrainerConfig.builder().build())
          .build();
      for (int i = 0; i < Integer.getInteger("bench.renderTrainSteps", 1000); i++) {
        trainer.step();
      }
      model = trainer.snapshot();
      frame = scene.frame(7);
      depth = frame.depth().orElseThrow();
    }
  }

  @Benchmark
  public Object novelView(Model m) {
    return m.model.render(m.frame.intrinsics(), m.frame.pose(), EnumSet.of(RenderOutput.COLOUR, RenderOutput.DEPTH,
        RenderOutput.CLASSES));
  }

  @Benchmark
  public Object depthGuided(Model m) {
    return m.model.render(m.frame.intrinsics(), m.frame.pose(), EnumSet.of(RenderOutput.COLOUR, RenderOutput.DEPTH,
        RenderOutput.CLASSES), m.depth);
  }
}
