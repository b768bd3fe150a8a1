package io.github.bakefeature.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD32;

import io.github.bakefeature.core.encodings.Checks;
import io.github.bakefeature.core.encodings.HashGridEncoding;
import io.github.bakefeature.core.encodings.TrainableEncoding;
import io.github.bakefeature.core.optim.Adam;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.ref.Cleaner;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;

/**
 * A {@link HashGridEncoding} whose parameters, gradient and Adam state live on a CUDA GPU: encode,
 * backward and the optimiser step run as CUDA kernels (src/main/cuda/hashgrid.cu), one thread per
 * point and level. DJL gives no device pointer of its tensors, so inputs and outputs cross through
 * host memory on every call.
 *
 * <h2>Equivalence with the CPU grid</h2>
 * The kernels do the Java kernels' float operations in the same order with fused multiply-add
 * off, so {@code encode} and the Adam step give bit-identical results; {@code backward} adds a
 * row's contributions with atomics in whichever order the GPU runs them, so gradients agree to
 * float rounding. The configuration, parameter layout and {@link #writeState} format are the CPU
 * grid's: checkpoints move freely between devices.
 *
 * <p>The {@link HashGridEncoding} given to the constructor becomes this grid's host mirror: it
 * describes the configuration and receives the device state before {@link #writeState} and
 * {@link #frozenCopy} (whose copy encodes on the CPU, so rendering snapshots never contend for the
 * GPU). Calls are serialised on this object; any thread may make them. Device memory is freed by
 * {@link #close}, or when the grid becomes unreachable.
 */
public final class CudaHashGridEncoding implements TrainableEncoding, AutoCloseable {
  private static final Cleaner CLEANER = Cleaner.create();
  private static final int BLOCK = 256;
  /** Bias-correction factors precomputed by the Java Adam; past this the kernel computes them in double. */
  private static final int FACTOR_TABLE = 1 << 16;

  private final HashGridEncoding host;
  private final CudaContext cuda;
  private final int levels;
  private final int features;
  private final int width;
  private final int rows;
  private final int mask;
  private final boolean sparse;
  private final Adam adam;
  private final DeviceMemory mem;
  private final Cleaner.Cleanable cleanable;
  private float[] stage = new float[0];
  private long steps;
  private boolean closed;

  /**
   * Moves {@code template}'s parameters and optimiser state to the GPU; {@code template} becomes
   * the host mirror (see the class comment) and must not be trained directly any more.
   *
   * @throws IllegalStateException if CUDA is unavailable here (with the reason) or the device fails
   */
  public CudaHashGridEncoding(HashGridEncoding template) {
    this.cuda = CudaContext.get();
    cuda.unavailableReason().ifPresent(why -> {
      throw new IllegalStateException("cannot put the hash grid on a CUDA GPU: " + why);
    });
    this.host = template;
    this.levels = template.levels();
    this.features = template.featuresPerLevel();
    this.width = levels * features;
    this.rows = template.rowCount();
    this.mask = (1 << template.log2TableSize()) - 1;
    this.sparse = template.sparseUpdates();
    this.adam = template.optimizer();
    if (adam == null) {
      throw new IllegalArgumentException("the template is a frozen copy; a trainable grid is needed");
    }
    this.steps = template.steps();
    int[] resolution = new int[levels];
    int[] rowOffset = new int[levels];
    int[] dense = new int[levels];
    for (int l = 0; l < levels; l++) {
      resolution[l] = template.resolution(l);
      rowOffset[l] = template.rowOffset(l);
      dense[l] = template.isDense(l) ? 1 : 0;
    }
    float[] factors = new float[FACTOR_TABLE];
    for (int t = 1; t < FACTOR_TABLE; t++) {
      factors[t] = adam.biasCorrection(t);
    }
    long values = (long) rows * features;
    synchronized (this) {
      cuda.makeCurrent();
      this.mem = new DeviceMemory();
      this.cleanable = CLEANER.register(this, mem);
      try {
        mem.params = alloc(values * Sizeof.FLOAT);
        mem.grads = alloc(values * Sizeof.FLOAT);
        mem.m = alloc(values * Sizeof.FLOAT);
        mem.v = alloc(values * Sizeof.FLOAT);
        mem.rowSteps = alloc((long) rows * Sizeof.INT);
        mem.touched = alloc((long) rows * Sizeof.INT);
        mem.resolution = upload(resolution);
        mem.rowOffset = upload(rowOffset);
        mem.dense = upload(dense);
        mem.factors = alloc((long) FACTOR_TABLE * Sizeof.FLOAT);
        cuMemcpyHtoD(mem.factors, Pointer.to(factors), (long) FACTOR_TABLE * Sizeof.FLOAT);
        cuMemsetD32(mem.grads, 0, values);
        cuMemsetD32(mem.touched, 0, rows);
        uploadState();
      } catch (RuntimeException e) {
        cleanable.clean();
        throw new IllegalStateException("cannot allocate the hash grid (" + values * 4 * 4 / (1 << 20)
            + " MiB) on " + cuda.deviceName() + ": " + e.getMessage(), e);
      }
    }
  }

  /** The host mirror: configuration, and the device state as of the last save or frozen copy. */
  public HashGridEncoding hostMirror() {
    return host;
  }

  @Override
  public int inputDimension() {
    return 3;
  }

  @Override
  public int outputDimension() {
    return width;
  }

  @Override
  public long parameterCount() {
    return host.parameterCount();
  }

  /** Number of {@link #step} calls so far (as {@link HashGridEncoding#steps()}). */
  public synchronized long steps() {
    return steps;
  }

  @Override
  public synchronized void encode(float[] input, int count, float[] output, int outputStride, int outputOffset) {
    Checks.batch(this, input, count, output, outputStride, outputOffset, "output");
    if (count == 0) {
      return;
    }
    enter();
    uploadInput(input, count);
    long outFloats = (long) count * width;
    ensureIo(outFloats);
    launch(cuda.forward, (long) count * levels, Pointer.to(new int[] {count}), Pointer.to(new int[] {levels}),
        Pointer.to(new int[] {features}), Pointer.to(new int[] {mask}), Pointer.to(mem.resolution),
        Pointer.to(mem.rowOffset), Pointer.to(mem.dense), Pointer.to(mem.in), Pointer.to(mem.params),
        Pointer.to(mem.io));
    if (outputStride == width && outputOffset == 0) {
      cuMemcpyDtoH(Pointer.to(output), mem.io, outFloats * Sizeof.FLOAT);
      return;
    }
    float[] s = stage(outFloats);
    cuMemcpyDtoH(Pointer.to(s), mem.io, outFloats * Sizeof.FLOAT);
    for (int i = 0; i < count; i++) {
      System.arraycopy(s, i * width, output, i * outputStride + outputOffset, width);
    }
  }

  @Override
  public synchronized void backward(float[] input, int count, float[] gradOutput, int gradStride, int gradOffset) {
    Checks.batch(this, input, count, gradOutput, gradStride, gradOffset, "gradOutput");
    if (count == 0) {
      return;
    }
    enter();
    uploadInput(input, count);
    long floats = (long) count * width;
    ensureIo(floats);
    if (gradStride == width && gradOffset == 0) {
      cuMemcpyHtoD(mem.io, Pointer.to(gradOutput), floats * Sizeof.FLOAT);
    } else {
      float[] s = stage(floats);
      for (int i = 0; i < count; i++) {
        System.arraycopy(gradOutput, i * gradStride + gradOffset, s, i * width, width);
      }
      cuMemcpyHtoD(mem.io, Pointer.to(s), floats * Sizeof.FLOAT);
    }
    launch(cuda.backward, (long) count * levels, Pointer.to(new int[] {count}), Pointer.to(new int[] {levels}),
        Pointer.to(new int[] {features}), Pointer.to(new int[] {mask}), Pointer.to(mem.resolution),
        Pointer.to(mem.rowOffset), Pointer.to(mem.dense), Pointer.to(mem.in), Pointer.to(mem.io),
        Pointer.to(mem.grads), sparse ? Pointer.to(mem.touched) : nullPointer());
  }

  @Override
  public synchronized void step(float learningRate) {
    enter();
    launch(cuda.adamStep, rows, Pointer.to(new int[] {rows}), Pointer.to(new int[] {features}),
        Pointer.to(new float[] {learningRate}), Pointer.to(new float[] {adam.beta1()}),
        Pointer.to(new float[] {adam.beta2()}), Pointer.to(new float[] {adam.epsilon()}),
        Pointer.to(new double[] {adam.beta1()}), Pointer.to(new double[] {adam.beta2()}),
        Pointer.to(mem.factors), Pointer.to(new int[] {FACTOR_TABLE}), Pointer.to(mem.params),
        Pointer.to(mem.grads), Pointer.to(mem.m), Pointer.to(mem.v), Pointer.to(mem.rowSteps),
        sparse ? Pointer.to(mem.touched) : nullPointer());
    steps++;
  }

  @Override
  public synchronized void zeroGradients() {
    enter();
    if (sparse) {
      launch(cuda.zeroTouched, rows, Pointer.to(new int[] {rows}), Pointer.to(new int[] {features}),
          Pointer.to(mem.grads), Pointer.to(mem.touched));
    } else {
      cuMemsetD32(mem.grads, 0, (long) rows * features);
    }
  }

  /** Copies the device state into the host mirror and writes it in {@link HashGridEncoding}'s format. */
  @Override
  public synchronized void writeState(DataOutputStream out) throws IOException {
    enter();
    downloadState();
    host.writeState(out);
  }

  @Override
  public synchronized void readState(DataInputStream in) throws IOException {
    enter();
    host.readState(in);
    steps = host.steps();
    uploadState();
    cuMemsetD32(mem.grads, 0, (long) rows * features);
    cuMemsetD32(mem.touched, 0, rows);
  }

  /** A CPU {@link HashGridEncoding} holding the current device parameters, for inference. */
  @Override
  public synchronized TrainableEncoding frozenCopy() {
    enter();
    cuMemcpyDtoH(Pointer.to(host.parameters()), mem.params, (long) rows * features * Sizeof.FLOAT);
    host.setSteps(steps); // a snapshot records the grid's step count, as the CPU grid's does
    return host.frozenCopy();
  }

  /** Frees the device memory; later calls throw {@link IllegalStateException}. Idempotent. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      cuda.makeCurrent();
      cleanable.clean();
    }
  }

  @Override
  public String toString() {
    return "CudaHashGridEncoding[" + cuda.deviceName() + ", " + host + "]";
  }

  // ---------------------------------------------------------------- device plumbing

  private void enter() {
    if (closed) {
      throw new IllegalStateException("this CUDA hash grid is closed");
    }
    cuda.makeCurrent();
  }

  private void uploadState() {
    long bytes = (long) rows * features * Sizeof.FLOAT;
    cuMemcpyHtoD(mem.params, Pointer.to(host.parameters()), bytes);
    cuMemcpyHtoD(mem.m, Pointer.to(adam.firstMoments()), bytes);
    cuMemcpyHtoD(mem.v, Pointer.to(adam.secondMoments()), bytes);
    cuMemcpyHtoD(mem.rowSteps, Pointer.to(adam.rowStepCounts()), (long) rows * Sizeof.INT);
  }

  private void downloadState() {
    long bytes = (long) rows * features * Sizeof.FLOAT;
    cuMemcpyDtoH(Pointer.to(host.parameters()), mem.params, bytes);
    cuMemcpyDtoH(Pointer.to(adam.firstMoments()), mem.m, bytes);
    cuMemcpyDtoH(Pointer.to(adam.secondMoments()), mem.v, bytes);
    cuMemcpyDtoH(Pointer.to(adam.rowStepCounts()), mem.rowSteps, (long) rows * Sizeof.INT);
    host.setSteps(steps);
  }

  private void uploadInput(float[] input, int count) {
    long floats = 3L * count;
    if (floats > mem.inCapacity) {
      // Forget the old buffer before allocating: if the allocation fails, a freed pointer must not
      // stay behind to be written by the next call or freed again by close.
      CUdeviceptr old = mem.in;
      mem.in = null;
      mem.inCapacity = 0;
      free(old);
      mem.in = alloc(floats * Sizeof.FLOAT);
      mem.inCapacity = floats;
    }
    cuMemcpyHtoD(mem.in, Pointer.to(input), floats * Sizeof.FLOAT);
  }

  private void ensureIo(long floats) {
    if (floats > mem.ioCapacity) {
      CUdeviceptr old = mem.io;  // see uploadInput
      mem.io = null;
      mem.ioCapacity = 0;
      free(old);
      mem.io = alloc(floats * Sizeof.FLOAT);
      mem.ioCapacity = floats;
    }
  }

  private float[] stage(long floats) {
    if (floats > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(floats + " floats do not fit a Java array");
    }
    if (stage.length < floats) {
      stage = new float[(int) floats];
    }
    return stage;
  }

  private static void free(CUdeviceptr p) {
    if (p != null) {
      cuMemFree(p);
    }
  }

  private static CUdeviceptr alloc(long bytes) {
    CUdeviceptr p = new CUdeviceptr();
    cuMemAlloc(p, Math.max(bytes, 4));
    return p;
  }

  private static CUdeviceptr upload(int[] values) {
    CUdeviceptr p = alloc((long) values.length * Sizeof.INT);
    cuMemcpyHtoD(p, Pointer.to(values), (long) values.length * Sizeof.INT);
    return p;
  }

  private static Pointer nullPointer() {
    return Pointer.to(new long[] {0L});
  }

  private static void launch(CUfunction kernel, long threads, Pointer... args) {
    long blocks = (threads + BLOCK - 1) / BLOCK;
    if (blocks > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(threads + " threads exceed one kernel launch");
    }
    cuLaunchKernel(kernel, (int) blocks, 1, 1, BLOCK, 1, 1, 0, null, Pointer.to(args), null);
    // Surfaces a kernel fault here, at the call that caused it, rather than at a later copy.
    cuCtxSynchronize();
  }

  /** The device buffers; a Cleaner action, so it must not refer to the encoding. */
  private static final class DeviceMemory implements Runnable {
    CUdeviceptr params;
    CUdeviceptr grads;
    CUdeviceptr m;
    CUdeviceptr v;
    CUdeviceptr rowSteps;
    CUdeviceptr touched;
    CUdeviceptr resolution;
    CUdeviceptr rowOffset;
    CUdeviceptr dense;
    CUdeviceptr factors;
    CUdeviceptr in;
    CUdeviceptr io;
    long inCapacity;
    long ioCapacity;

    @Override
    public void run() {
      CudaContext.get().makeCurrent();
      // Every buffer is freed even if one free fails; the first failure is reported afterwards.
      RuntimeException failure = null;
      for (CUdeviceptr p : new CUdeviceptr[] {params, grads, m, v, rowSteps, touched, resolution, rowOffset, dense,
          factors, in, io}) {
        try {
          free(p);
        } catch (RuntimeException e) {
          if (failure == null) {
            failure = e;
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
    }
  }
}
