/**
 * The hash grid on a CUDA GPU through JCuda: {@link io.github.bakefeature.cuda.CudaHashGridEncoding}
 * and the {@code cuda} device {@link io.github.bakefeature.cuda.CudaHashGridProvider} that
 * {@link io.github.bakefeature.core.encodings.HashGrids} finds with {@link java.util.ServiceLoader}.
 * The kernels are in {@code src/main/cuda}; they are compiled to PTX at build time when nvcc is
 * present.
 */
package io.github.bakefeature.cuda;
