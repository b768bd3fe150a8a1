package io.github.bakefeature.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.bakefeature.core.djl.DjlRuntime;
import io.github.bakefeature.core.encodings.HashGridEncoding;
import io.github.bakefeature.core.encodings.HashGridReference;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The paper's hash grid (16 levels x 2 features, 2^19 entries, base 16, scale 2) on 65,536
 * random points: forward + backward of the hand-written Java kernel against the DJL-op
 * reference, in the same run. Scores are nanoseconds per point per level
 * ({@code @OperationsPerInvocation(points x levels)}).
 *
 * <ul>
 *   <li>{@code javaForwardBackward}: {@code encode} then {@code backward} (gradient accumulates).
 *   <li>{@code djlForwardBackward}: the reference's full forward (index arithmetic, the xor of the
 *       spatial hash on binary digits, gather, interpolation) and autograd backward.
 *   <li>{@code djlGatherForwardBackward}: the reference with corner rows and weights precomputed
 *       outside the timing, so only the gather, interpolation and autograd backward are timed: a
 *       lower bound for any DJL-op formulation (DJL has no bitwise xor).
 *   <li>{@code javaSparseStep} / {@code javaDenseStep}: the Adam step after one backward (the
 *       backward runs in an untimed per-invocation setup).
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true", "-Xmx8g",
    "-Dai.djl.pytorch.num_interop_threads=1"})
public class HashGridBenchmark {
  static final int POINTS = 65_536;
  static final int LEVELS = 16;
  static final int OPS = POINTS * LEVELS;

  /** Inputs shared by all variants. */
  @State(Scope.Benchmark)
  public static class Data {
    float[] points;
    float[] upstream;
    float[] output;

    @Setup(Level.Trial)
    public void setUp() {
      Random r = new Random(1);
      points = new float[3 * POINTS];
      for (int i = 0; i < points.length; i++) {
        points[i] = r.nextFloat();
      }
      upstream = new float[POINTS * 2 * LEVELS];
      for (int i = 0; i < upstream.length; i++) {
        upstream[i] = r.nextFloat() * 2 - 1;
      }
      output = new float[POINTS * 2 * LEVELS];
    }
  }

  /** The Java kernel. */
  @State(Scope.Benchmark)
  public static class JavaGrid {
    HashGridEncoding grid;

    @Setup(Level.Trial)
    public void setUp() {
      grid = HashGridEncoding.builder().build();
    }
  }

  /** The DJL-op reference with its inputs as NDArrays. */
  @State(Scope.Benchmark)
  public static class DjlGrid {
    HashGridReference reference;
    NDManager manager;
    NDArray points;
    NDArray upstream;
    NDArray rows;
    NDArray weights;

    @Setup(Level.Trial)
    public void setUp(Data data) {
      reference = new HashGridReference(HashGridEncoding.builder().build());
      manager = DjlRuntime.newManager();
      points = manager.create(data.points, new Shape(POINTS, 3));
      upstream = manager.create(data.upstream, new Shape(POINTS, 2 * LEVELS));
      rows = reference.cornerRows(points);
      weights = reference.cornerWeights(points);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      manager.close();
      reference.close();
    }
  }

  /** A grid whose gradient was just filled by one backward, for timing the step alone. */
  @State(Scope.Benchmark)
  public static class SteppedGrid {
    HashGridEncoding sparse;
    HashGridEncoding dense;
    Data data;

    @Setup(Level.Trial)
    public void setUp(Data data) {
      this.data = data;
      sparse = HashGridEncoding.builder().optSparseUpdates(true).build();
      dense = HashGridEncoding.builder().optSparseUpdates(false).build();
    }

    @Setup(Level.Invocation)
    public void backward() {
      sparse.backward(data.points, POINTS, data.upstream, 2 * LEVELS, 0);
      dense.backward(data.points, POINTS, data.upstream, 2 * LEVELS, 0);
    }
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public float javaForwardBackward(Data data, JavaGrid java) {
    java.grid.encode(data.points, POINTS, data.output, 2 * LEVELS, 0);
    java.grid.backward(data.points, POINTS, data.upstream, 2 * LEVELS, 0);
    return data.output[POINTS];
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public void djlForwardBackward(DjlGrid djl) {
    djl.reference.forwardBackward(djl.points, djl.upstream);
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public void djlGatherForwardBackward(DjlGrid djl) {
    djl.reference.interpolateBackward(djl.rows, djl.weights, djl.upstream);
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public float javaSparseStep(SteppedGrid s) {
    s.sparse.step(1e-3f);
    return s.sparse.parameters()[0];
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public float javaDenseStep(SteppedGrid s) {
    s.dense.step(1e-3f);
    return s.dense.parameters()[0];
  }
}
