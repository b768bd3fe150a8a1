package io.github.bakefeature.core.encodings;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.bakefeature.core.djl.DjlRuntime;

/**
 * The {@link HashGridEncoding} written with DJL operations only: index arithmetic on
 * {@code NDArray}s, a gather from a {@code [rows, F]} parameter leaf, and DJL autograd for the
 * parameter gradient. Same definition and parameter layout as the Java kernel; it exists to check
 * the kernel and as the benchmark baseline, not for training.
 *
 * <p>DJL has no bitwise xor, so the spatial hash's xor is computed on binary digits:
 * each per-axis term {@code (c_d * prime_d) mod T} is split into its {@code log2 T} bits in
 * float64 (exact), the bits are added mod 2 and recombined. Everything else is ordinary float32
 * arithmetic in the order the kernel uses, so forwards agree to float rounding.
 *
 * <p>Arrays returned by the methods that take points are attached to the points' manager; the
 * parameter leaf lives in this object's own manager, closed by {@link #close()}. Not thread-safe.
 */
public final class HashGridReference implements AutoCloseable {
  private final HashGridEncoding grid;
  private final NDManager manager;
  private final NDArray table;

  /** A reference with a copy of {@code grid}'s current parameters, in a new PyTorch manager. */
  public HashGridReference(HashGridEncoding grid) {
    this.grid = grid;
    this.manager = DjlRuntime.newManager();
    int f = grid.featuresPerLevel();
    this.table = manager.create(grid.parameters().clone(), new Shape(grid.rowCount(), f));
    this.table.setRequiresGradient(true);
  }

  /** The grid whose configuration this mirrors. */
  public HashGridEncoding grid() {
    return grid;
  }

  /** The parameter leaf {@code [rowCount, F]} (gradient attached). */
  public NDArray parameters() {
    return table;
  }

  /** Copies the leaf's accumulated gradient into a new {@code float[]} in the grid's layout. */
  public float[] parameterGradient() {
    try (NDArray g = table.getGradient()) {
      return g.toFloatArray();
    }
  }

  /** Zeroes the leaf's accumulated gradient (DJL accumulates over backward calls). */
  public void zeroGradient() {
    try (NDArray g = table.getGradient()) {
      g.subi(g);
    }
  }

  /** Encodes {@code points} ({@code [N, 3]} float32 in the unit cube): {@code [N, L F]}, differentiable in {@link #parameters()}. */
  public NDArray encode(NDArray points) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      // Arrays returned from an inner scope belong to no outer one (NDScope.unregister only leaves
      // the innermost): close them here, or they live as long as the points' manager.
      try (NDArray rows = cornerRows(points); NDArray weights = cornerWeights(points)) {
        NDArray out = interpolate(rows, weights);
        NDScope.unregister(out);
        return out;
      }
    }
  }

  /**
   * The trilinear interpolation of gathered rows: {@code rows} {@code [N, L, 8]} int64,
   * {@code weights} {@code [N, L, 8]} float32, result {@code [N, L F]} (differentiable).
   */
  public NDArray interpolate(NDArray rows, NDArray weights) {
    long n = rows.getShape().get(0);
    int levels = grid.levels();
    int f = grid.featuresPerLevel();
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      // torch.gather along rows: of the DJL formulations tried (advanced indexing, take,
      // gather), the fastest forward + backward on CPU (its backward is a scatter-add).
      NDArray index = rows.reshape(-1, 1).repeat(1, f);
      NDArray gathered = table.gather(index, 0).reshape(n, levels, 8, f);
      NDArray out = gathered.mul(weights.expandDims(3)).sum(new int[] {2}).reshape(n, (long) levels * f);
      out.attach(rows.getManager()); // ops on the table's values land in the table's manager
      NDScope.unregister(out);
      return out;
    }
  }

  /** Rows of the 8 cell corners of every point at every level: {@code [N, L, 8]} int64, corner {@code cx | cy << 1 | cz << 2}. */
  public NDArray cornerRows(NDArray points) {
    return perLevel(l -> cornerRows(points, l));
  }

  /** Trilinear weights of the 8 corners at every level: {@code [N, L, 8]} float32. */
  public NDArray cornerWeights(NDArray points) {
    return perLevel(l -> cornerWeights(points, l));
  }

  /** {@code level(l)} for every level, stacked along axis 1. */
  private NDArray perLevel(java.util.function.IntFunction<NDArray> level) {
    NDList perLevel = new NDList();
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      try {
        for (int l = 0; l < grid.levels(); l++) {
          perLevel.add(level.apply(l));
        }
        NDArray out = NDArrays.stack(perLevel, 1);
        NDScope.unregister(out);
        return out;
      } finally {
        perLevel.close(); // escaped the per-level scopes: see encode
      }
    }
  }

  private NDArray scaled(NDArray points, int level) {
    return points.clip(0f, 1f).mul((float) grid.resolution(level));
  }

  private NDArray cell(NDArray scaled, int level) {
    return scaled.floor().minimum((float) (grid.resolution(level) - 1));
  }

  /** Rows of the 8 corners at one level: {@code [N, 8]} int64. */
  public NDArray cornerRows(NDArray points, int level) {
    NDManager m = points.getManager();
    long n = points.getShape().get(0);
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray cell = cell(scaled(points, level), level).toType(DataType.INT64, false); // [N, 3]
      long ro = grid.rowOffset(level);
      NDArray rows;
      if (grid.isDense(level)) {
        long s1 = grid.resolution(level) + 1L;
        long s2 = s1 * s1;
        NDArray base = cell.mul(m.create(new long[] {1, s1, s2})).sum(new int[] {1}).add(ro); // [N]
        long[] offsets = new long[8];
        for (int c = 0; c < 8; c++) {
          offsets[c] = (c & 1) + ((c >> 1) & 1) * s1 + ((c >> 2) & 1) * s2;
        }
        rows = base.expandDims(1).add(m.create(offsets));
      } else {
        int bits = grid.log2TableSize();
        long size = 1L << bits;
        // terms[n, d, o] = ((cell_d + o) * prime_d) mod T
        NDArray corners = NDArrays.stack(new NDList(cell, cell.add(1L)), 2); // [N, 3, 2]
        NDArray primes = m.create(new long[] {1L, 2654435761L, 805459861L}).reshape(1, 3, 1);
        NDArray terms = corners.mul(primes).mod(size).toType(DataType.FLOAT64, false);
        double[] pow = new double[bits];
        for (int b = 0; b < bits; b++) {
          pow[b] = Math.scalb(1.0, b);
        }
        NDArray pows = m.create(pow);
        NDArray digits = terms.expandDims(3).div(pows).floor().mod(2.0); // [N, 3, 2, bits]
        NDArray dx = digits.get(":, 0").reshape(n, 1, 1, 2, bits);
        NDArray dy = digits.get(":, 1").reshape(n, 1, 2, 1, bits);
        NDArray dz = digits.get(":, 2").reshape(n, 2, 1, 1, bits);
        NDArray xor = dx.add(dy).add(dz).mod(2.0).reshape(n, 8, bits); // corner index cz*4 + cy*2 + cx
        rows = xor.mul(pows).sum(new int[] {2}).toType(DataType.INT64, false).add(ro);
      }
      NDScope.unregister(rows);
      return rows;
    }
  }

  /** Trilinear weights of the 8 corners at one level: {@code [N, 8]} float32. */
  public NDArray cornerWeights(NDArray points, int level) {
    long n = points.getShape().get(0);
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray scaled = scaled(points, level);
      NDArray frac = scaled.sub(cell(scaled, level)); // [N, 3]
      NDArray pair = NDArrays.stack(new NDList(frac.neg().add(1f), frac), 2); // [N, 3, 2]: (1 - f, f)
      NDArray wx = pair.get(":, 0").reshape(n, 1, 1, 2);
      NDArray wy = pair.get(":, 1").reshape(n, 1, 2, 1);
      NDArray wz = pair.get(":, 2").reshape(n, 2, 1, 1);
      NDArray w = wy.mul(wz).mul(wx).reshape(n, 8);
      NDScope.unregister(w);
      return w;
    }
  }

  /**
   * One forward and backward with upstream gradient {@code gradOutput} ({@code [N, L F]}):
   * accumulates {@code dL/dparameters} of {@code L = sum(encode(points) * gradOutput)} into the
   * leaf's gradient. Opens a {@link GradientCollector}, so no other may be open.
   */
  public void forwardBackward(NDArray points, NDArray gradOutput) {
    try (GradientCollector collector = DjlRuntime.newGradientCollector();
        NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      try (NDArray y = encode(points)) {
        collector.backward(y.mul(gradOutput).sum());
      }
    }
  }

  /** Like {@link #forwardBackward} from precomputed {@link #cornerRows} and {@link #cornerWeights}. */
  public void interpolateBackward(NDArray rows, NDArray weights, NDArray gradOutput) {
    try (GradientCollector collector = DjlRuntime.newGradientCollector();
        NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      try (NDArray y = interpolate(rows, weights)) {
        collector.backward(y.mul(gradOutput).sum());
      }
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
