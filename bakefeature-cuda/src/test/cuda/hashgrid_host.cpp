// Runs the CUDA kernels' per-thread bodies (src/main/cuda/hashgrid_kernels.cuh) on the CPU, one
// "thread" after another in index order, so their logic is tested on machines without a GPU.
// Compiled with g++ -ffp-contract=off by HashGridKernelsOnHostTest, which feeds it a case on
// stdin and compares what it writes on stdout with the Java HashGridEncoding.
//
// stdin (little-endian): int levels, features, mask, count, sparse, rows, factor_count;
//   int resolution[levels], row_offset[levels], dense[levels];
//   float params[rows * features], in[count * 3], gout[count * levels * features];
//   float lr, beta1, beta2, epsilon; float factors[factor_count]
// stdout: float out[count * levels * features]          (forward)
//         float grads[rows * features]; int touched[rows]  (after one backward)
//         float params, m, v [rows * features]; int row_steps[rows]  (after step, backward, step)
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "hashgrid_kernels.cuh"

using namespace bakefeature;

template <typename T>
static std::vector<T> read(size_t n) {
  std::vector<T> v(n);
  if (n > 0 && fread(v.data(), sizeof(T), n, stdin) != n) {
    fprintf(stderr, "hashgrid_host: truncated input\n");
    exit(2);
  }
  return v;
}

template <typename T>
static void write(const std::vector<T>& v) {
  fwrite(v.data(), sizeof(T), v.size(), stdout);
}

int main() {
  std::vector<int> h = read<int>(7);
  const int levels = h[0], features = h[1], count = h[3], sparse = h[4], rows = h[5], factor_count = h[6];
  const unsigned int mask = (unsigned int) h[2];
  std::vector<int> resolution = read<int>(levels), row_offset = read<int>(levels), dense = read<int>(levels);
  const size_t values = (size_t) rows * features, width = (size_t) levels * features;
  std::vector<float> params = read<float>(values), in = read<float>((size_t) count * 3),
                     gout = read<float>(count * width);
  std::vector<float> settings = read<float>(4), factors = read<float>(factor_count);

  GridLayout g;
  g.levels = levels;
  g.features = features;
  g.mask = mask;
  g.resolution = resolution.data();
  g.row_offset = row_offset.data();
  g.dense = dense.data();
  const long long threads = (long long) count * levels;

  std::vector<float> out(count * width);
  for (long long t = 0; t < threads; t++) {
    bf_forward(g, (int) (t / levels), (int) (t % levels), in.data(), params.data(), out.data());
  }
  write(out);

  std::vector<float> grads(values, 0.f), m(values, 0.f), v(values, 0.f);
  std::vector<int> touched(rows, 0), row_steps(rows, 0);
  int* flags = sparse ? touched.data() : nullptr;
  AdamSettings a;
  a.learning_rate = settings[0];
  a.beta1 = settings[1];
  a.beta2 = settings[2];
  a.epsilon = settings[3];
  a.beta1d = settings[1];
  a.beta2d = settings[2];
  a.factors = factors.data();
  a.factor_count = factor_count;
  for (int round = 0; round < 2; round++) {
    for (long long t = 0; t < threads; t++) {
      bf_backward(g, (int) (t / levels), (int) (t % levels), in.data(), gout.data(), grads.data(), flags);
    }
    if (round == 0) {
      write(grads);
      write(touched);
    }
    for (int r = 0; r < rows; r++) {
      if (sparse) {
        bf_adam_touched(a, features, r, params.data(), grads.data(), m.data(), v.data(), row_steps.data(),
                        touched.data());
      } else {
        bf_adam_row(a, features, r, params.data(), grads.data(), m.data(), v.data(), row_steps.data());
      }
    }
  }
  write(params);
  write(m);
  write(v);
  write(row_steps);
  return 0;
}
