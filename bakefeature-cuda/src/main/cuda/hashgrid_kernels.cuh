// Per-thread bodies of the hash grid kernels, shared by the CUDA kernels (hashgrid.cu) and the
// host harness that tests them without a GPU (src/test/cuda/hashgrid_host.cpp).
//
// Every function computes exactly what io.github.bakefeature.core.encodings.HashGridEncoding and
// io.github.bakefeature.core.optim.Adam compute in Java, in the same float operation order, so
// that with FMA contraction off (nvcc --fmad=false, g++ -ffp-contract=off) the results are
// bit-identical: forward and Adam always, backward when contributions are added in point order
// (the host harness; on a GPU atomicAdd adds them in any order).
//
// Layout (see HashGridEncoding's javadoc): params are rows of F floats; level l occupies rows
// [row_offset[l], row_offset[l] + level_rows[l]); inputs are points in [0,1]^3, clamped; outputs
// are compact, point-major: out[i * L * F + l * F + f].
#pragma once

#ifndef __CUDACC__
#define __host__
#define __device__
#endif

#include <math.h>
#include <stdint.h>

namespace bakefeature {

// The spatial-hash primes of instant-ngp (the first is 1).
#define BF_PRIME_Y 2654435761u
#define BF_PRIME_Z 805459861u

struct GridLayout {
  int levels;
  int features;
  uint32_t mask;            // table size - 1
  const int* resolution;    // N_l, cells per axis
  const int* row_offset;    // first row of level l
  const int* dense;         // 1 when level l indexes its vertices densely
};

__host__ __device__ inline float bf_clamp01(float v) {
  return v < 0.f ? 0.f : (v > 1.f ? 1.f : v);
}

__host__ __device__ inline void bf_atomic_add(float* p, float v) {
#ifdef __CUDA_ARCH__
  atomicAdd(p, v);
#else
  *p += v;
#endif
}

// Rows of the 8 corners of point x's cell at level l (corner c = cx | cy << 1 | cz << 2) and the
// fractional position; mirrors HashGridEncoding's forward2/backward2 index arithmetic.
__host__ __device__ inline void bf_corners(const GridLayout& g, int l, const float* x, int rows[8],
                                           float* fx, float* fy, float* fz) {
  const float s = (float) g.resolution[l];
  const int last = g.resolution[l] - 1;
  const float px = bf_clamp01(x[0]) * s;
  const float py = bf_clamp01(x[1]) * s;
  const float pz = bf_clamp01(x[2]) * s;
  // Java's (int) NaN is 0; C leaves it undefined. NaN inputs then give NaN outputs, as in Java.
  int ix = px == px ? (int) px : 0;
  int iy = py == py ? (int) py : 0;
  int iz = pz == pz ? (int) pz : 0;
  ix = ix < last ? ix : last;
  iy = iy < last ? iy : last;
  iz = iz < last ? iz : last;
  *fx = px - (float) ix;
  *fy = py - (float) iy;
  *fz = pz - (float) iz;
  const int ro = g.row_offset[l];
  if (g.dense[l]) {
    const int s1 = g.resolution[l] + 1;
    const int s2 = s1 * s1;
    const int r = ro + ix + iy * s1 + iz * s2;
    for (int c = 0; c < 8; c++) {
      rows[c] = r + (c & 1) + ((c >> 1) & 1) * s1 + ((c >> 2) & 1) * s2;
    }
  } else {
    // uint32 arithmetic wraps exactly like Java's int arithmetic.
    const uint32_t hy0 = (uint32_t) iy * BF_PRIME_Y;
    const uint32_t hy1 = hy0 + BF_PRIME_Y;
    const uint32_t hz0 = (uint32_t) iz * BF_PRIME_Z;
    const uint32_t hz1 = hz0 + BF_PRIME_Z;
    const uint32_t hy[2] = {hy0, hy1};
    const uint32_t hz[2] = {hz0, hz1};
    for (int c = 0; c < 8; c++) {
      const uint32_t hx = (uint32_t) (ix + (c & 1));
      rows[c] = ro + (int) ((hx ^ hy[(c >> 1) & 1] ^ hz[(c >> 2) & 1]) & g.mask);
    }
  }
}

// Output of point i at level l: F floats at out[(i * L + l) * F].
__host__ __device__ inline void bf_forward(const GridLayout& g, int i, int l, const float* in,
                                           const float* params, float* out) {
  int r[8];
  float fx, fy, fz;
  bf_corners(g, l, in + 3 * i, r, &fx, &fy, &fz);
  const int F = g.features;
  float* o = out + ((long long) i * g.levels + l) * F;
  if (F == 2) {
    // HashGridEncoding.forward2's expression, term by term.
    const float gx = 1.f - fx;
    const float w00 = (1.f - fy) * (1.f - fz);
    const float w10 = fy * (1.f - fz);
    const float w01 = (1.f - fy) * fz;
    const float w11 = fy * fz;
    const float* p = params;
    for (int f = 0; f < 2; f++) {
      o[f] = w00 * (gx * p[2 * r[0] + f] + fx * p[2 * r[1] + f])
          + w10 * (gx * p[2 * r[2] + f] + fx * p[2 * r[3] + f])
          + w01 * (gx * p[2 * r[4] + f] + fx * p[2 * r[5] + f])
          + w11 * (gx * p[2 * r[6] + f] + fx * p[2 * r[7] + f]);
    }
  } else {
    // HashGridEncoding.forwardGeneric: corner by corner.
    for (int f = 0; f < F; f++) {
      o[f] = 0.f;
    }
    for (int c = 0; c < 8; c++) {
      const float wx = (c & 1) ? fx : 1.f - fx;
      const float wy = (c & 2) ? fy : 1.f - fy;
      const float wz = (c & 4) ? fz : 1.f - fz;
      const float w = wx * wy * wz;
      const float* p = params + (long long) r[c] * F;
      for (int f = 0; f < F; f++) {
        o[f] += w * p[f];
      }
    }
  }
}

// Adds point i's level-l gradient (F floats at gout[(i * L + l) * F]) into grads and flags the
// rows in touched (when not null). Points whose gradient at this level is all zero are skipped.
__host__ __device__ inline void bf_backward(const GridLayout& g, int i, int l, const float* in,
                                            const float* gout, float* grads, int* touched) {
  const int F = g.features;
  const float* go = gout + ((long long) i * g.levels + l) * F;
  bool zero = true;
  for (int f = 0; f < F; f++) {
    zero = zero && go[f] == 0.f;
  }
  if (zero) {
    return;
  }
  int r[8];
  float fx, fy, fz;
  bf_corners(g, l, in + 3 * i, r, &fx, &fy, &fz);
  float w[8];
  if (F == 2) {
    // HashGridEncoding.backward2's weights.
    const float gx = 1.f - fx;
    const float w00 = (1.f - fy) * (1.f - fz);
    const float w10 = fy * (1.f - fz);
    const float w01 = (1.f - fy) * fz;
    const float w11 = fy * fz;
    w[0] = gx * w00;
    w[1] = fx * w00;
    w[2] = gx * w10;
    w[3] = fx * w10;
    w[4] = gx * w01;
    w[5] = fx * w01;
    w[6] = gx * w11;
    w[7] = fx * w11;
  } else {
    for (int c = 0; c < 8; c++) {
      const float wx = (c & 1) ? fx : 1.f - fx;
      const float wy = (c & 2) ? fy : 1.f - fy;
      const float wz = (c & 4) ? fz : 1.f - fz;
      w[c] = wx * wy * wz;
    }
  }
  for (int c = 0; c < 8; c++) {
    float* gr = grads + (long long) r[c] * F;
    for (int f = 0; f < F; f++) {
      bf_atomic_add(gr + f, w[c] * go[f]);
    }
    if (touched) {
      touched[r[c]] = 1;
    }
  }
}

struct AdamSettings {
  float learning_rate;
  float beta1;
  float beta2;
  float epsilon;
  double beta1d;          // beta1 and beta2 as Java's Adam widens them, for factors past the table
  double beta2d;
  const float* factors;   // factors[t] = sqrt(1 - beta2^t) / (1 - beta1^t), t < factor_count
  int factor_count;
};

// Adam's update of row r (Adam.updateRow): increments its step count, updates moments and
// parameters, clears its gradient.
__host__ __device__ inline void bf_adam_row(const AdamSettings& a, int F, int r, float* params,
                                            float* grads, float* m, float* v, int* row_steps) {
  const int t = ++row_steps[r];
  const float factor = t < a.factor_count
      ? a.factors[t]
      : (float) (sqrt(1.0 - pow(a.beta2d, (double) t)) / (1.0 - pow(a.beta1d, (double) t)));
  const float step = a.learning_rate * factor;
  const float c1 = 1.f - a.beta1;
  const float c2 = 1.f - a.beta2;
  const long long end = (long long) (r + 1) * F;
  for (long long k = (long long) r * F; k < end; k++) {
    const float gk = grads[k];
    const float mk = a.beta1 * m[k] + c1 * gk;
    const float vk = a.beta2 * v[k] + c2 * gk * gk;
    m[k] = mk;
    v[k] = vk;
    params[k] -= step * mk / (sqrtf(vk) + a.epsilon);
    grads[k] = 0.f;
  }
}

// Sparse Adam (Adam.stepTouched): only flagged rows are updated, and their flag is cleared.
__host__ __device__ inline void bf_adam_touched(const AdamSettings& a, int F, int r, float* params,
                                                float* grads, float* m, float* v, int* row_steps,
                                                int* touched) {
  if (touched[r]) {
    touched[r] = 0;
    bf_adam_row(a, F, r, params, grads, m, v, row_steps);
  }
}

// HashGridEncoding.zeroGradients of a sparse grid: clears flagged rows' gradient and flag.
__host__ __device__ inline void bf_zero_touched(int F, int r, float* grads, int* touched) {
  if (touched[r]) {
    touched[r] = 0;
    for (int f = 0; f < F; f++) {
      grads[(long long) r * F + f] = 0.f;
    }
  }
}

}  // namespace bakefeature
