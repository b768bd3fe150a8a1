package io.github.bakefeature.cuda;

/**
 * Runs in a child JVM on the CPU stand-in driver (see {@link CudaHostCodeOnCpuDriverTest}): prints
 * why CUDA is unavailable, or "available".
 */
public final class CudaStartupMain {
  private CudaStartupMain() {}

  public static void main(String[] args) {
    System.out.println(CudaContext.get().unavailableReason().orElse("available"));
  }
}
