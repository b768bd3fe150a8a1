package io.github.bakefeature.benchmarks;

import io.github.bakefeature.core.synth.Preset;
import io.github.bakefeature.core.synth.SyntheticScene;
import io.github.bakefeature.core.synth.SyntheticSceneGenerator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Rendering a synthetic sequence: 60 frames at 320x240 (target: under 10 s on 2 cores). The
 * single-thread run is the baseline in the same run, so the report can state the parallel speed-up
 * as a ratio on a noisy shared machine.
 *
 * <pre>
 * mvn -q -B -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar SynthBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true", "-Xmx2g"})
public class SynthBenchmark {

  @Param({"tabletop", "room"})
  public String preset;

  /** Render threads; 0 = all workers of the shared pool. */
  @Param({"0", "1"})
  public int threads;

  @Param({"60"})
  public int frames;

  @Param({"320"})
  public int width;

  @Param({"240"})
  public int height;

  @Benchmark
  public SyntheticScene render() {
    SyntheticSceneGenerator.Builder b = SyntheticSceneGenerator.builder().optPreset(Preset.fromName(preset))
        .optFrames(frames).optSize(width, height).optSeed(7);
    if (threads > 0) {
      b.optThreads(threads);
    }
    return b.build().generate();
  }
}
