package io.github.bakefeature.cuda;

import static jcuda.nvptxcompiler.JNvPTXCompiler.nvPTXCompilerCompile;
import static jcuda.nvptxcompiler.JNvPTXCompiler.nvPTXCompilerCreate;
import static jcuda.nvptxcompiler.JNvPTXCompiler.nvPTXCompilerDestroy;
import static jcuda.nvptxcompiler.JNvPTXCompiler.nvPTXCompilerGetCompiledProgram;
import static jcuda.nvptxcompiler.JNvPTXCompiler.nvPTXCompilerGetCompiledProgramSize;
import static jcuda.nvptxcompiler.JNvPTXCompiler.nvPTXCompilerGetErrorLog;
import static jcuda.nvptxcompiler.JNvPTXCompiler.nvPTXCompilerGetErrorLogSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import jcuda.nvptxcompiler.JNvPTXCompiler;
import jcuda.nvptxcompiler.nvPTXCompileResult;
import jcuda.nvptxcompiler.nvPTXCompilerHandle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The PTX in the jar is what a GPU would run: it declares every kernel CudaContext looks up, and
 * CUDA 12's PTX compiler (statically linked in JCuda; no driver or GPU needed) turns it into a
 * binary for Turing, Ampere, Ada and Hopper GPUs without errors.
 */
class PtxModuleTest {

  @ParameterizedTest
  @ValueSource(strings = {"sm_75", "sm_86", "sm_89", "sm_90"})
  void bundledPtxCompilesForGpuArchitecture(String arch) throws Exception {
    byte[] ptx = CudaContext.bundledPtx();
    assumeTrue(ptx != null, "the jar was built without nvcc, so it holds no PTX to check");
    String text = new String(ptx, 0, ptx.length - 1, StandardCharsets.US_ASCII);
    for (String kernel : CudaContext.KERNELS) {
      assertTrue(text.contains(".entry " + kernel + "("), "PTX lacks kernel " + kernel);
    }
    assertTrue(text.contains("\n.version 8.0\n"), "PTX header not lowered to ISA 8.0 by build-ptx.sh");

    JNvPTXCompiler.setExceptionsEnabled(false);
    nvPTXCompilerHandle compiler = new nvPTXCompilerHandle();
    assertEquals(nvPTXCompileResult.NVPTXCOMPILE_SUCCESS, nvPTXCompilerCreate(compiler, ptx.length - 1, ptx));
    try {
      int result = nvPTXCompilerCompile(compiler, 1, new String[] {"--gpu-name=" + arch});
      long[] size = {0};
      nvPTXCompilerGetErrorLogSize(compiler, size);
      byte[] log = new byte[(int) size[0] + 1];
      nvPTXCompilerGetErrorLog(compiler, log);
      String errors = new String(log, StandardCharsets.UTF_8).replace("\0", "").trim();
      assertEquals(nvPTXCompileResult.NVPTXCOMPILE_SUCCESS, result, "ptxas for " + arch + ": " + errors);
      assertEquals("", errors, "ptxas for " + arch + " reported");
      nvPTXCompilerGetCompiledProgramSize(compiler, size);
      assertTrue(size[0] > 1000, "cubin of " + size[0] + " bytes");
      byte[] cubin = new byte[(int) size[0]];
      nvPTXCompilerGetCompiledProgram(compiler, cubin);
      // An ELF image: what cuModuleLoadData would take.
      assertEquals(0x7f, cubin[0]);
      assertEquals("ELF", new String(cubin, 1, 3, StandardCharsets.US_ASCII));
    } finally {
      nvPTXCompilerDestroy(compiler);
    }
  }
}
