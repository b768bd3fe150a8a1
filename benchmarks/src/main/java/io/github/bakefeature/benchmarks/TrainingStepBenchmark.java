package io.github.bakefeature.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.bakefeature.api.scene.Scene;
import io.github.bakefeature.core.djl.DjlRuntime;
import io.github.bakefeature.core.features.FeatureCache;
import io.github.bakefeature.core.features.FilterBankFeatureExtractor;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.pipelines.FieldTrainer;
import io.github.bakefeature.core.pipelines.StepResult;
import io.github.bakefeature.core.pipelines.TrainerConfig;
import io.github.bakefeature.core.pipelines.Training;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.nio.file.Files;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One full training step of {@code ours} (hybrid encoding, feature head and loss, filter-bank
 * features) at 1024 rays with depth-guided sampling, on the tabletop preset (40 frames, 160x120,
 * dense ground truth on every frame so the semantic head runs on the class-balanced half), against
 * a dense float matmul {@code [65536 x 64] @ [64 x 64]} through DJL in the same run.
 *
 * <p>Both benchmarks count floating-point operations in an auxiliary counter: {@code flops} of the
 * step are the MLPs' forward multiply-adds x 2 x 3 (the backward pass costs twice the forward),
 * those of the matmul 2 x 65536 x 64 x 64. JMH reports them as rates next to the time per step;
 * the achieved fraction is {@code trainStep:flops / denseMatmul:flops}. {@code samples} counts the
 * samples (points) per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true", "-Xmx8g"})
public class TrainingStepBenchmark {

  /** Work counted per benchmark invocation, reported as rates. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Work {
    public long flops;
    public long samples;

    @Setup(Level.Iteration)
    public void reset() {
      flops = 0;
      samples = 0;
    }
  }

  @State(Scope.Benchmark)
  public static class Trainer {
    FieldTrainer trainer;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      DjlRuntime.ensureOffline();
      Scene scene = SyntheticScenes.tabletop(40, 160, 120, 1);
      FeatureCache features = FeatureCache.builder(scene, FilterBankFeatureExtractor.builder().build())
          .optCacheDir(Files.createTempDirectory("bf-bench-features")).build();
      trainer = Training.builder(scene)
          .optMethod(MethodPreset.OURS)
          .optFeatures(features)
          .optLabels(Training.Labels.GROUND_TRUTH)
          .optTrainerConfig(TrainerConfig.builder().optRaysPerBatch(1024).build())
          .build();
      for (int i = 0; i < 20; i++) {
        trainer.step();
      }
    }

    long warmupSteps;
    long[] warmupPhases;

    /** Starts the phase count at the first measured iteration, so JMH's warm-up is not in it. */
    @Setup(Level.Iteration)
    public void markMeasurement(org.openjdk.jmh.infra.IterationParams iteration) {
      if (warmupPhases == null && iteration.getType() == org.openjdk.jmh.runner.IterationType.MEASUREMENT) {
        warmupSteps = trainer.iteration();
        warmupPhases = trainer.phaseNanos();
      }
    }

    /** Prints where the measured steps' time went (the trainer's own phase timers). */
    @TearDown(Level.Trial)
    public void printPhases() {
      if (warmupPhases == null) {
        return; // no measured iteration
      }
      long steps = trainer.iteration() - warmupSteps;
      System.out.println("phases over " + steps + " steps (ms/step): "
          + PhaseReport.perStep(warmupPhases, trainer.phaseNanos(), steps));
    }
  }

  @State(Scope.Benchmark)
  public static class Matmul {
    NDManager manager;
    NDArray a;
    NDArray b;

    @Setup(Level.Trial)
    public void setUp() {
      manager = DjlRuntime.newManager();
      Random r = new Random(1);
      float[] x = new float[65536 * 64];
      float[] w = new float[64 * 64];
      for (int i = 0; i < x.length; i++) {
        x[i] = r.nextFloat() - 0.5f;
      }
      for (int i = 0; i < w.length; i++) {
        w[i] = r.nextFloat() - 0.5f;
      }
      a = manager.create(x, new Shape(65536, 64));
      b = manager.create(w, new Shape(64, 64));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      manager.close();
    }
  }

  @Benchmark
  public long trainStep(Trainer t, Work work) {
    StepResult r = t.trainer.step();
    work.flops += r.mlpMacs() * 2 * 3;
    work.samples += r.samples();
    return r.samples();
  }

  @Benchmark
  public float denseMatmul(Matmul m, Work work) {
    try (NDArray c = m.a.matMul(m.b)) {
      work.flops += 2L * 65536 * 64 * 64;
      return c.getFloat(0, 0);
    }
  }
}
