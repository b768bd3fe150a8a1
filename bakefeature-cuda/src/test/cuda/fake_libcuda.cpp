// A CPU stand-in for the NVIDIA driver (libcuda.so.1) so that the JCuda host code of
// CudaHashGridEncoding runs, for real, on machines without a GPU: JCuda's own JNI library loads
// this file when it is first on LD_LIBRARY_PATH (CudaHostCodeOnCpuDriverTest arranges that in a
// child JVM). It implements only the driver calls the host code makes, strictly: a current
// context on the calling thread, copies and memsets inside live allocations, no double free,
// uninitialised device memory, and each kernel's launch shape and arguments (types, count, which
// pointers may be null, buffer sizes). Kernels run by compiling hashgrid.cu itself for the CPU,
// with CUDA's thread indices emulated; threads run one after another in index order, so results
// are those of the Java grid bit for bit. Every violation is printed as "[fakecuda] FAIL ...".
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>
#include <pthread.h>

struct dim3 { unsigned x, y, z; };
static thread_local dim3 blockIdx, blockDim, threadIdx;
#define __global__
#include "hashgrid.cu"

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
enum { OK = 0, INVALID_VALUE = 1, NOT_INITIALIZED = 3, INVALID_CONTEXT = 201, INVALID_IMAGE = 200,
       NOT_FOUND = 500, INVALID_HANDLE = 400 };

static std::mutex mu;
static bool inited = false;
static void* const CTX = (void*) 0xC0C0;
static thread_local void* current = nullptr;
static std::map<uintptr_t, size_t> allocs;
static std::string ptx;
static std::vector<std::string> functions;
static long calls = 0;
static int retained = 0;  // primary context references held (retain minus release)

static int fail(const char* what, int code) {
  fprintf(stderr, "[fakecuda] FAIL %s (thread %lu)\n", what, (unsigned long) pthread_self());
  fflush(stderr);
  return code;
}
#define NEED_CTX() do { if (!inited) return fail(__func__, NOT_INITIALIZED); \
  if (current != CTX) return fail("no current context", INVALID_CONTEXT); } while (0)

// Whether [p, p + n) lies in one live allocation.
static bool inside(CUdeviceptr p, size_t n) {
  auto it = allocs.upper_bound((uintptr_t) p);
  if (it == allocs.begin()) return false;
  --it;
  return p >= it->first && p + n <= it->first + it->second;
}
static size_t extent(CUdeviceptr p) {  // bytes from p to its allocation's end, 0 if none
  auto it = allocs.upper_bound((uintptr_t) p);
  if (it == allocs.begin()) return 0;
  --it;
  return p >= it->first && p < it->first + it->second ? it->first + it->second - p : 0;
}

static int I(void** a, int i) { return *(int*) a[i]; }
static unsigned U(void** a, int i) { return *(unsigned*) a[i]; }
static float F(void** a, int i) { return *(float*) a[i]; }
static double D(void** a, int i) { return *(double*) a[i]; }
template <class T> static T* P(void** a, int i, size_t min, bool nullable, const char* fn, bool* bad) {
  CUdeviceptr p = *(CUdeviceptr*) a[i];
  if (p == 0 && nullable) return nullptr;
  if (p == 0 || extent(p) < min) {
    fprintf(stderr, "[fakecuda] FAIL %s param %d: pointer %llx holds %zu bytes, kernel needs %zu\n", fn, i, p,
            extent(p), min);
    *bad = true;
  }
  return (T*) p;
}

extern "C" {
CUresult cuInit(unsigned flags) { if (flags) return INVALID_VALUE; inited = true; return OK; }
CUresult cuDeviceGetCount(int* n) { *n = 1; return OK; }
CUresult cuDeviceGet(CUdevice* d, int ordinal) { if (ordinal != 0) return INVALID_VALUE; *d = 0; return OK; }
CUresult cuDeviceGetName(char* name, int len, CUdevice d) { snprintf(name, len, "FakeCPU GPU"); return OK; }
CUresult cuDevicePrimaryCtxRetain(void** ctx, CUdevice d) { *ctx = CTX; retained++; return OK; }
CUresult cuDevicePrimaryCtxRelease_v2(CUdevice d) {
  if (retained == 0) return fail("cuDevicePrimaryCtxRelease without a retained context", INVALID_CONTEXT);
  retained--;
  return OK;
}
CUresult cuCtxSetCurrent(void* ctx) {
  if (ctx != CTX) return fail("cuCtxSetCurrent with an unknown context", INVALID_CONTEXT);
  current = ctx;
  return OK;
}
CUresult cuCtxSynchronize() { NEED_CTX(); return OK; }
CUresult cuModuleLoadData(void** module, const void* image) {
  NEED_CTX();
  // A driver too old for our PTX (tests of the failed start-up): refused as a real one refuses it.
  if (getenv("FAKECUDA_REJECT_MODULE") != nullptr) return INVALID_IMAGE;
  const char* s = (const char*) image;
  size_t n = strnlen(s, 1 << 24);
  if (n == 0 || n == (1 << 24) || strstr(s, ".version 8.0") == nullptr) return fail("PTX image", INVALID_IMAGE);
  // Exactly the PTX text, then a NUL.
  std::lock_guard<std::mutex> g(mu);
  ptx.assign(s, n);
  if (ptx.substr(ptx.size() - 1) != "\n") return fail("PTX image does not end with the file's last newline", INVALID_IMAGE);
  *module = (void*) 0x40D;
  return OK;
}
CUresult cuModuleGetFunction(void** f, void* module, const char* name) {
  NEED_CTX();
  if (module != (void*) 0x40D) return fail("module handle", INVALID_HANDLE);
  if (ptx.find(std::string(".entry ") + name + "(") == std::string::npos) return NOT_FOUND;
  std::lock_guard<std::mutex> g(mu);
  functions.push_back(name);
  *f = (void*) (uintptr_t) functions.size();
  return OK;
}
CUresult cuMemAlloc_v2(CUdeviceptr* p, size_t bytes) {
  NEED_CTX();
  if (bytes == 0) return fail("cuMemAlloc of 0 bytes", INVALID_VALUE);
  const char* cap = getenv("FAKECUDA_MAX_ALLOC");
  if (cap && bytes > strtoull(cap, nullptr, 10)) return 2;  // CUDA_ERROR_OUT_OF_MEMORY
  void* m = malloc(bytes);
  memset(m, 0xA5, bytes);  // device memory is not zeroed
  std::lock_guard<std::mutex> g(mu);
  allocs[(uintptr_t) m] = bytes;
  *p = (CUdeviceptr) (uintptr_t) m;
  return OK;
}
CUresult cuMemFree_v2(CUdeviceptr p) {
  NEED_CTX();
  std::lock_guard<std::mutex> g(mu);
  auto it = allocs.find((uintptr_t) p);
  if (it == allocs.end()) return fail("cuMemFree of a pointer not allocated (double free?)", INVALID_VALUE);
  memset((void*) p, 0x5A, it->second);
  free((void*) p);
  allocs.erase(it);
  return OK;
}
CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void* src, size_t bytes) {
  NEED_CTX();
  std::lock_guard<std::mutex> g(mu);
  if (!inside(dst, bytes)) return fail("cuMemcpyHtoD outside an allocation", INVALID_VALUE);
  memcpy((void*) dst, src, bytes);
  calls++;
  return OK;
}
CUresult cuMemcpyDtoH_v2(void* dst, CUdeviceptr src, size_t bytes) {
  NEED_CTX();
  std::lock_guard<std::mutex> g(mu);
  if (!inside(src, bytes)) return fail("cuMemcpyDtoH outside an allocation", INVALID_VALUE);
  memcpy(dst, (void*) src, bytes);
  calls++;
  return OK;
}
CUresult cuMemsetD32_v2(CUdeviceptr dst, unsigned value, size_t n) {
  NEED_CTX();
  std::lock_guard<std::mutex> g(mu);
  if (!inside(dst, n * 4)) return fail("cuMemsetD32 outside an allocation", INVALID_VALUE);
  uint32_t* d = (uint32_t*) dst;
  for (size_t i = 0; i < n; i++) d[i] = value;
  return OK;
}

CUresult cuLaunchKernel(void* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                        unsigned shm, void* stream, void** a, void** extra) {
  NEED_CTX();
  size_t k = (size_t) (uintptr_t) f;
  if (k < 1 || k > functions.size()) return fail("function handle", INVALID_HANDLE);
  if (gy != 1 || gz != 1 || by != 1 || bz != 1 || bx == 0 || bx > 1024 || gx == 0 || gx > 0x7fffffffu || shm
      || stream || extra || !a)
    return fail("launch configuration", INVALID_VALUE);
  std::lock_guard<std::mutex> g(mu);
  const std::string name = functions[k - 1];
  const size_t threads = (size_t) gx * bx;
  bool bad = false;
  auto run = [&](auto body) {
    blockDim = {bx, 1, 1};
    for (unsigned b = 0; b < gx; b++) {
      blockIdx = {b, 0, 0};
      for (unsigned t = 0; t < bx; t++) {
        threadIdx = {t, 0, 0};
        body();
      }
    }
  };
  if (name == "bf_hashgrid_forward" || name == "bf_hashgrid_backward") {
    bool fwd = name == "bf_hashgrid_forward";
    int count = I(a, 0), levels = I(a, 1), features = I(a, 2);
    unsigned mask = U(a, 3);
    if (count <= 0 || levels <= 0 || levels > 64 || (features != 1 && features != 2 && features != 4 && features != 8)
        || (mask & (mask + 1)) != 0 || (size_t) count * levels > threads || (size_t) count * levels + bx <= threads) {
      fprintf(stderr, "[fakecuda] FAIL %s scalars count=%d levels=%d F=%d mask=%x threads=%zu\n", name.c_str(), count,
              levels, features, mask, threads);
      return INVALID_VALUE;
    }
    const int* res = P<int>(a, 4, 4 * levels, false, name.c_str(), &bad);
    const int* ro = P<int>(a, 5, 4 * levels, false, name.c_str(), &bad);
    const int* dense = P<int>(a, 6, 4 * levels, false, name.c_str(), &bad);
    const float* in = P<float>(a, 7, 12 * (size_t) count, false, name.c_str(), &bad);
    size_t io = 4 * (size_t) count * levels * features;
    if (bad) return INVALID_VALUE;
    int rows = 0;  // the grid's rows, from the last level (levels are padded to 64 rows)
    for (int l = 0; l < levels; l++) {
      long long n = res[l] + 1LL, v = n * n * n;
      long long lr = dense[l] ? v : (long long) mask + 1;
      if (ro[l] + lr > rows) rows = (int) (ro[l] + lr);
    }
    if (fwd) {
      const float* params = P<float>(a, 8, 4 * (size_t) rows * features, false, name.c_str(), &bad);
      float* out = P<float>(a, 9, io, false, name.c_str(), &bad);
      if (bad) return INVALID_VALUE;
      run([&] { bf_hashgrid_forward(count, levels, features, mask, res, ro, dense, in, params, out); });
    } else {
      const float* gout = P<float>(a, 8, io, false, name.c_str(), &bad);
      float* grads = P<float>(a, 9, 4 * (size_t) rows * features, false, name.c_str(), &bad);
      int* touched = P<int>(a, 10, 4 * (size_t) rows, true, name.c_str(), &bad);
      if (bad) return INVALID_VALUE;
      run([&] { bf_hashgrid_backward(count, levels, features, mask, res, ro, dense, in, gout, grads, touched); });
    }
  } else if (name == "bf_adam_step") {
    int rows = I(a, 0), features = I(a, 1);
    float lr = F(a, 2), b1 = F(a, 3), b2 = F(a, 4), eps = F(a, 5);
    double b1d = D(a, 6), b2d = D(a, 7);
    int fc = I(a, 9);
    if (rows <= 0 || features <= 0 || !(lr > 0) || !(b1 >= 0 && b1 < 1) || !(b2 >= 0 && b2 < 1) || !(eps >= 0)
        || b1d != (double) b1 || b2d != (double) b2 || fc <= 1 || (size_t) rows > threads || rows + bx <= threads) {
      fprintf(stderr, "[fakecuda] FAIL adam scalars rows=%d F=%d lr=%g b=%g/%g eps=%g bd=%g/%g fc=%d\n", rows,
              features, lr, b1, b2, eps, b1d, b2d, fc);
      return INVALID_VALUE;
    }
    size_t pb = 4 * (size_t) rows * features;
    const float* factors = P<float>(a, 8, 4 * (size_t) fc, false, "adam", &bad);
    float* params = P<float>(a, 10, pb, false, "adam", &bad);
    float* grads = P<float>(a, 11, pb, false, "adam", &bad);
    float* m = P<float>(a, 12, pb, false, "adam", &bad);
    float* v = P<float>(a, 13, pb, false, "adam", &bad);
    int* steps = P<int>(a, 14, 4 * (size_t) rows, false, "adam", &bad);
    int* touched = P<int>(a, 15, 4 * (size_t) rows, true, "adam", &bad);
    if (bad) return INVALID_VALUE;
    run([&] { bf_adam_step(rows, features, lr, b1, b2, eps, b1d, b2d, factors, fc, params, grads, m, v, steps, touched); });
  } else if (name == "bf_zero_touched") {
    int rows = I(a, 0), features = I(a, 1);
    float* grads = P<float>(a, 2, 4 * (size_t) rows * features, false, "zero", &bad);
    int* touched = P<int>(a, 3, 4 * (size_t) rows, false, "zero", &bad);
    if (bad) return INVALID_VALUE;
    run([&] { ::bf_zero_touched(rows, features, grads, touched); });
  } else {
    return fail("unknown kernel", INVALID_HANDLE);
  }
  return OK;
}
}

__attribute__((destructor)) static void report() {
  fprintf(stderr, "[fakecuda] exit: %zu allocations live, %ld copies, %d contexts retained\n", allocs.size(), calls,
          retained);
}
