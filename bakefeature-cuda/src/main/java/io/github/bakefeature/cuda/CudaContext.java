package io.github.bakefeature.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * The process's CUDA device 0, its primary context and the hash grid module, set up once on first
 * use. {@link #get()} never throws: on a machine without a driver or a GPU, or from a jar built
 * without nvcc, it returns a context that is {@linkplain #unavailableReason() unavailable} with
 * the reason.
 */
final class CudaContext {
  /** The PTX that build-ptx.sh puts in the jar, next to this class. */
  static final String PTX_RESOURCE = "hashgrid.ptx";
  static final String[] KERNELS = {"bf_hashgrid_forward", "bf_hashgrid_backward", "bf_adam_step", "bf_zero_touched"};

  private static volatile CudaContext instance;

  private final String unavailable;
  private final CUcontext context;
  private final String deviceName;
  final CUfunction forward;
  final CUfunction backward;
  final CUfunction adamStep;
  final CUfunction zeroTouched;

  private CudaContext(String unavailable) {
    this.unavailable = unavailable;
    this.context = null;
    this.deviceName = null;
    this.forward = null;
    this.backward = null;
    this.adamStep = null;
    this.zeroTouched = null;
  }

  private CudaContext(CUcontext context, String deviceName, CUfunction[] functions) {
    this.unavailable = null;
    this.context = context;
    this.deviceName = deviceName;
    this.forward = functions[0];
    this.backward = functions[1];
    this.adamStep = functions[2];
    this.zeroTouched = functions[3];
  }

  static CudaContext get() {
    CudaContext c = instance;
    if (c == null) {
      synchronized (CudaContext.class) {
        c = instance;
        if (c == null) {
          c = open();
          instance = c;
        }
      }
    }
    return c;
  }

  Optional<String> unavailableReason() {
    return Optional.ofNullable(unavailable);
  }

  String deviceName() {
    return deviceName;
  }

  /** Makes the context current on the calling thread (CUDA contexts are per thread). */
  void makeCurrent() {
    cuCtxSetCurrent(context);
  }

  /** The bundled PTX, NUL-terminated as the driver wants it, or null if the jar has none. */
  static byte[] bundledPtx() throws IOException {
    try (InputStream in = CudaContext.class.getResourceAsStream(PTX_RESOURCE)) {
      if (in == null) {
        return null;
      }
      byte[] text = in.readAllBytes();
      byte[] z = new byte[text.length + 1];
      System.arraycopy(text, 0, z, 0, text.length);
      return z;
    }
  }

  /** JCuda's load error spans pages of stack traces; the line naming libcuda is what the user needs. */
  static String linkProblem(LinkageError e) {
    String message = String.valueOf(e.getMessage());
    return message.lines().filter(l -> l.contains("libcuda")).map(String::trim).findFirst()
        .orElse(message.lines().findFirst().orElse(e.toString()).trim());
  }

  private static CudaContext open() {
    byte[] ptx;
    try {
      ptx = bundledPtx();
    } catch (IOException e) {
      return new CudaContext("cannot read the bundled CUDA kernels: " + e.getMessage());
    }
    if (ptx == null) {
      return new CudaContext("this bakefeature-cuda jar was built without nvcc, so it holds no CUDA kernels");
    }
    CUdevice device = null;
    boolean retained = false;
    try {
      JCudaDriver.setExceptionsEnabled(true);
      cuInit(0);
      int[] count = {0};
      cuDeviceGetCount(count);
      if (count[0] == 0) {
        return new CudaContext("the CUDA driver reports no GPU");
      }
      device = new CUdevice();
      cuDeviceGet(device, 0);
      byte[] name = new byte[256];
      cuDeviceGetName(name, name.length, device);
      CUcontext context = new CUcontext();
      cuDevicePrimaryCtxRetain(context, device);
      retained = true;
      cuCtxSetCurrent(context);
      CUmodule module = new CUmodule();
      cuModuleLoadData(module, ptx);
      CUfunction[] functions = new CUfunction[KERNELS.length];
      for (int k = 0; k < KERNELS.length; k++) {
        functions[k] = new CUfunction();
        cuModuleGetFunction(functions[k], module, KERNELS[k]);
      }
      String deviceName = new String(name, StandardCharsets.US_ASCII).trim().replace("\0", "");
      return new CudaContext(context, deviceName, functions);
    } catch (LinkageError e) {
      // JCuda's JNI library links libcuda.so, which only an installed NVIDIA driver provides.
      return new CudaContext("no CUDA driver on this machine (" + linkProblem(e) + ")");
    } catch (RuntimeException e) {
      if (retained) {
        // Unusable (e.g. the driver cannot load our PTX): give the context back, or the CPU fallback
        // would keep hundreds of MB of GPU memory for the life of the process.
        try {
          cuDevicePrimaryCtxRelease(device);
        } catch (RuntimeException ignored) {
          // The reason below is what matters.
        }
      }
      return new CudaContext("CUDA initialisation failed: " + e.getMessage());
    }
  }
}
