package io.github.bakefeature.benchmarks;

import io.github.bakefeature.api.feature.FeatureMap;
import io.github.bakefeature.api.scene.RgbImage;
import io.github.bakefeature.core.features.FilterBankFeatureExtractor;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The default filter bank (5 scales, 50 channels) on one 320 x 240 frame. Target: under 100 ms on
 * the 2-core machine. {@code threads=1} is the same-run baseline (the parallel speed-up is the ratio);
 * {@code stride=2} is what the feature cache uses for this size (grid 160 x 120, each cell the mean
 * of 2 x 2 pixels, so it filters every pixel too). Sample mode: JMH prints the best (p0.00) and the
 * median (p0.50) time per frame.
 *
 * <pre>
 * mvn -q -B -DskipTests -pl benchmarks -am package
 * java -jar benchmarks/target/benchmarks.jar FilterBankBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 6, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true"})
public class FilterBankBenchmark {
  @Param({"1", "2"})
  public int stride;

  @Param({"1", "2"})
  public int threads;

  private FilterBankFeatureExtractor extractor;
  private RgbImage frame;

  @Setup
  public void setUp() {
    extractor = FilterBankFeatureExtractor.builder().optStride(stride).optThreads(threads).build();
    frame = frame(320, 240, 42);
  }

  @Benchmark
  public FeatureMap extract() {
    return extractor.extract(frame);
  }

  /** A frame with edges, blobs, ramps and noise (content does not change the cost). */
  static RgbImage frame(int w, int h, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    byte[] px = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = (y * w + x) * 3;
        boolean disc = (x - 200) * (x - 200) + (y - 100) * (y - 100) < 60 * 60;
        px[i] = (byte) (disc ? 210 : x * 255 / w);
        px[i + 1] = (byte) ((((x / 16) + (y / 16)) & 1) == 0 ? 40 : 180);
        px[i + 2] = (byte) Math.min(255, y * 255 / h + rnd.nextInt(0, 30));
      }
    }
    return new RgbImage(w, h, px);
  }
}
