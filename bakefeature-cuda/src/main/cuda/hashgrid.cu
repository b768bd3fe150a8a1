// CUDA kernels of the hash grid encoding and its sparse Adam, one thread per (point, level) or
// per table row. The per-thread bodies are in hashgrid_kernels.cuh; see that file for layouts.
// Built to PTX by build-ptx.sh (nvcc --fmad=false) and loaded by CudaHashGridEncoding.
#include "hashgrid_kernels.cuh"

using namespace bakefeature;

__device__ inline GridLayout bf_layout(int levels, int features, unsigned int mask, const int* resolution,
                                       const int* row_offset, const int* dense) {
  GridLayout g;
  g.levels = levels;
  g.features = features;
  g.mask = mask;
  g.resolution = resolution;
  g.row_offset = row_offset;
  g.dense = dense;
  return g;
}

extern "C" __global__ void bf_hashgrid_forward(int count, int levels, int features, unsigned int mask,
                                               const int* resolution, const int* row_offset, const int* dense,
                                               const float* in, const float* params, float* out) {
  const long long t = (long long) blockIdx.x * blockDim.x + threadIdx.x;
  if (t >= (long long) count * levels) {
    return;
  }
  const GridLayout g = bf_layout(levels, features, mask, resolution, row_offset, dense);
  bf_forward(g, (int) (t / levels), (int) (t % levels), in, params, out);
}

extern "C" __global__ void bf_hashgrid_backward(int count, int levels, int features, unsigned int mask,
                                                const int* resolution, const int* row_offset, const int* dense,
                                                const float* in, const float* gout, float* grads, int* touched) {
  const long long t = (long long) blockIdx.x * blockDim.x + threadIdx.x;
  if (t >= (long long) count * levels) {
    return;
  }
  const GridLayout g = bf_layout(levels, features, mask, resolution, row_offset, dense);
  bf_backward(g, (int) (t / levels), (int) (t % levels), in, gout, grads, touched);
}

__device__ inline AdamSettings bf_adam(float lr, float beta1, float beta2, float epsilon, double beta1d,
                                       double beta2d, const float* factors, int factor_count) {
  AdamSettings a;
  a.learning_rate = lr;
  a.beta1 = beta1;
  a.beta2 = beta2;
  a.epsilon = epsilon;
  a.beta1d = beta1d;
  a.beta2d = beta2d;
  a.factors = factors;
  a.factor_count = factor_count;
  return a;
}

// Dense Adam over rows [0, rows) when touched is null, else sparse Adam over the flagged rows.
extern "C" __global__ void bf_adam_step(int rows, int features, float lr, float beta1, float beta2, float epsilon,
                                        double beta1d, double beta2d, const float* factors, int factor_count,
                                        float* params, float* grads, float* m, float* v, int* row_steps,
                                        int* touched) {
  // 64-bit: with rows near 2^31 the last block's unsigned index would turn negative as an int.
  const long long t = (long long) blockIdx.x * blockDim.x + threadIdx.x;
  if (t >= rows) {
    return;
  }
  const int r = (int) t;
  const AdamSettings a = bf_adam(lr, beta1, beta2, epsilon, beta1d, beta2d, factors, factor_count);
  if (touched) {
    bf_adam_touched(a, features, r, params, grads, m, v, row_steps, touched);
  } else {
    bf_adam_row(a, features, r, params, grads, m, v, row_steps);
  }
}

extern "C" __global__ void bf_zero_touched(int rows, int features, float* grads, int* touched) {
  const long long t = (long long) blockIdx.x * blockDim.x + threadIdx.x;  // as in bf_adam_step
  if (t < rows) {
    bakefeature::bf_zero_touched(features, (int) t, grads, touched);
  }
}
