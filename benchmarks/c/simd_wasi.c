// The SIMD loops of kernels.c as a complete WASI program (clang-19 --target=wasm32-wasi -O3 -msimd128, linked
// with wasi-libc), so an engine is measured the way it runs a real clang-built program: `_start`, libc, WASI
// clocks and stdout, no harness calling exports. kernels.c is a separate translation unit, so the kernels are not
// inlined into main() and specialised for its constants: the code timed is the same as in the harness's
// kernels_c.wasm. Each kernel does a fixed amount of work per call, one warm-up call, then the best of RUNS timed
// calls (wall clock, CLOCK_MONOTONIC: the only per-process clock every WASI host here implements alike).
// Prints "name GFLOP/s checksum" per kernel; the checksum is exact (wasm float arithmetic is deterministic), so
// every engine must print the same one.
#include <stdio.h>
#include <time.h>

float c_dot(const float *a, const float *b, int n, int reps);
void c_saxpy(const float *x, float *y, int n, float alpha, int reps);
void c_sgemm(const float *A, const float *B, float *C, int n, int reps);
void c_conv3x3(const float *in, float *out, const float *w, int width, int rows, int reps);

#define RUNS 5
// Sizes as in kernels.json: inputs fit in L1/L2, so the loops, not memory, set the speed.
#define N 2048
#define G 64
#define W 256
#define ROWS 16

// One pool with the harness's layout (kernels.json): operands 64 KiB apart, and saxpy's y 160 bytes further, so a
// store to y never 4K-aliases the next load of x (separate static arrays of 8 KiB would, and cost saxpy ~40%).
static float pool[3 * 16384] __attribute__((aligned(64)));
#define P0 (pool)
#define P1 (pool + 16384)
#define P2 (pool + 32768)
#define Y (pool + 16384 + 40)
static float w9[9];

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

// Small values with few mantissa bits, so sums stay exact-ish and far from overflow at any rep count.
static float fill(int i) { return (float)(i % 17 - 8) * 0.125f; }

static void reset_y(void) {
  for (int i = 0; i < N; i++) Y[i] = fill(i + 5);
}

// Position-weighted, so a permuted or shifted output changes it.
static double sum(const float *p, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += p[i] * (double)(1 + i % 13);
  return s;
}

static void report(const char *name, double flops, double best, double checksum) {
  printf("%s %.2f %.9g\n", name, flops / best * 1e-9, checksum);
}

int main(void) {
  for (int i = 0; i < 16384; i++) { P0[i] = fill(i); P1[i] = fill(i + 3); }
  for (int i = 0; i < 9; i++) w9[i] = fill(i + 2);

  double best;
  float dot = 0;
  // Each case: warm-up, then RUNS timed calls; inputs reset outside the timed region.
#define TIME(call, setup)                                   \
  best = 1e30;                                              \
  for (int run = 0; run <= RUNS; run++) {                   \
    setup;                                                  \
    double t0 = now();                                      \
    call;                                                   \
    double t = now() - t0;                                  \
    if (run > 0 && t < best) best = t;                      \
  }

  TIME(dot = c_dot(P0, P1, N, 400000), (void)0);
  report("dot", 2.0 * N * 400000, best, dot);
  TIME(c_saxpy(P0, Y, N, 0.5f, 300000), reset_y());
  report("saxpy", 2.0 * N * 300000, best, sum(Y, N));
  TIME(c_sgemm(P0, P1, P2, G, 3000), (void)0);
  report("sgemm64", 2.0 * G * G * G * 3000, best, sum(P2, G * G));
  TIME(c_conv3x3(P0, P2, w9, W, ROWS, 20000), (void)0);
  report("conv3x3", 18.0 * W * ROWS * 20000, best, sum(P2, ROWS * W));
  return 0;
}
