// Code as C compilers write it, as one WASI program (clang-19 --target=wasm32-wasi -O3 -msimd128, wasi-libc): the
// SIMD kernels are `static` and inlined by clang into main(), so each hot loop sits in one large function with many
// others and long live ranges; the dot product keeps its 8 accumulators in an array; qsort calls its comparator
// through a pointer; the memory functions and a scalar hash loop are libc and plain C. Each part: one warm-up, then
// the best of RUNS in wall time (CLOCK_MONOTONIC, which every WASI host here implements alike). Prints
// "name ms checksum" per part, lower is better; checksums are exact, so every engine must print the same ones.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wasm_simd128.h>

#define RUNS 5

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

// Small values with few mantissa bits: sums stay exact, so the checksums do not depend on summation order.
static float fill(int i) { return (float)(i % 17 - 8) * 0.125f; }

static double weighted_sum(const float *p, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += p[i] * (double)(1 + i % 13);
  return s;
}

// ---- GEMM: C += A * B, row-major, a 4x8 register block (8 f32x4 accumulators) over the whole K. ----
#define GM 128
#define GN 128
#define GK 128
static float ga[GM * GK], gb[GK * GN], gc[GM * GN];

static inline __attribute__((always_inline)) void gemm_4x8(const float *a, const float *b, float *c, int k_count) {
  v128_t c00 = wasm_v128_load(c), c01 = wasm_v128_load(c + 4);
  v128_t c10 = wasm_v128_load(c + GN), c11 = wasm_v128_load(c + GN + 4);
  v128_t c20 = wasm_v128_load(c + 2 * GN), c21 = wasm_v128_load(c + 2 * GN + 4);
  v128_t c30 = wasm_v128_load(c + 3 * GN), c31 = wasm_v128_load(c + 3 * GN + 4);
  for (int k = 0; k < k_count; k++) {
    v128_t b0 = wasm_v128_load(b + k * GN), b1 = wasm_v128_load(b + k * GN + 4);
    v128_t a0 = wasm_v128_load32_splat(a + k), a1 = wasm_v128_load32_splat(a + GK + k);
    v128_t a2 = wasm_v128_load32_splat(a + 2 * GK + k), a3 = wasm_v128_load32_splat(a + 3 * GK + k);
    c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(a0, b0)); c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(a0, b1));
    c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(a1, b0)); c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(a1, b1));
    c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(a2, b0)); c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(a2, b1));
    c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(a3, b0)); c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(a3, b1));
  }
  wasm_v128_store(c, c00); wasm_v128_store(c + 4, c01);
  wasm_v128_store(c + GN, c10); wasm_v128_store(c + GN + 4, c11);
  wasm_v128_store(c + 2 * GN, c20); wasm_v128_store(c + 2 * GN + 4, c21);
  wasm_v128_store(c + 3 * GN, c30); wasm_v128_store(c + 3 * GN + 4, c31);
}

static inline __attribute__((always_inline)) void gemm(int reps) {
  memset(gc, 0, sizeof gc);
  for (int r = 0; r < reps; r++)
    for (int i = 0; i < GM; i += 4)
      for (int j = 0; j < GN; j += 8) gemm_4x8(ga + i * GK, gb + j, gc + i * GN + j, GK);
}

// ---- 3x3 convolution, NHWC, 16 input and 16 output channels, weights [ky][kx][ci][co], f32x4 over co. ----
#define CH 16
#define CW 64
#define CHGT 64
static float cin[CHGT * CW * CH], cout[(CHGT - 2) * (CW - 2) * CH], cwt[9 * CH * CH];

static inline __attribute__((always_inline)) void conv3x3(int reps) {
  for (int r = 0; r < reps; r++)
    for (int y = 0; y < CHGT - 2; y++)
      for (int x = 0; x < CW - 2; x++) {
        v128_t acc0 = wasm_f32x4_splat(0), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        for (int ky = 0; ky < 3; ky++)
          for (int kx = 0; kx < 3; kx++) {
            const float *in = cin + ((y + ky) * CW + x + kx) * CH;
            const float *w = cwt + (ky * 3 + kx) * CH * CH;
            for (int ci = 0; ci < CH; ci++) {
              v128_t v = wasm_v128_load32_splat(in + ci);
              const float *wr = w + ci * CH;
              acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(v, wasm_v128_load(wr)));
              acc1 = wasm_f32x4_add(acc1, wasm_f32x4_mul(v, wasm_v128_load(wr + 4)));
              acc2 = wasm_f32x4_add(acc2, wasm_f32x4_mul(v, wasm_v128_load(wr + 8)));
              acc3 = wasm_f32x4_add(acc3, wasm_f32x4_mul(v, wasm_v128_load(wr + 12)));
            }
          }
        float *out = cout + (y * (CW - 2) + x) * CH;
        wasm_v128_store(out, acc0); wasm_v128_store(out + 4, acc1);
        wasm_v128_store(out + 8, acc2); wasm_v128_store(out + 12, acc3);
      }
}

// ---- Dot product with 8 f32x4 accumulators kept in an array. ----
#define DN 16384
static float da[DN], db[DN];

static inline __attribute__((always_inline)) float dot(int reps) {
  float total = 0;
  for (int r = 0; r < reps; r++) {
    v128_t acc[8];
    for (int j = 0; j < 8; j++) acc[j] = wasm_f32x4_splat(0);
    for (int i = 0; i < DN; i += 32)
      for (int j = 0; j < 8; j++)
        acc[j] = wasm_f32x4_add(acc[j], wasm_f32x4_mul(wasm_v128_load(da + i + 4 * j), wasm_v128_load(db + i + 4 * j)));
    for (int j = 1; j < 8; j++) acc[0] = wasm_f32x4_add(acc[0], acc[j]);
    total += wasm_f32x4_extract_lane(acc[0], 0) + wasm_f32x4_extract_lane(acc[0], 1) +
             wasm_f32x4_extract_lane(acc[0], 2) + wasm_f32x4_extract_lane(acc[0], 3);
  }
  return total;
}

// ---- qsort of 1M ints: the comparator is called through a pointer (call_indirect) about 20M times. ----
#define SORT_N 1000000
static int values[SORT_N];

static unsigned long long values_checksum(void) {
  unsigned long long sum = 0;
  for (int i = 0; i < SORT_N; i++) sum = sum * 31 + (unsigned)values[i] + (unsigned)i;
  return sum;
}

static int compare_ints(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

static void fill_values(void) {
  unsigned s = 12345;
  for (int i = 0; i < SORT_N; i++) { s = s * 1103515245u + 12345u; values[i] = (int)(s >> 1); }
}

// ---- memcpy + memset + memmove of 16 MB (wasi-libc), and a scalar FNV-1a hash with a rotate over it. ----
#define MEM_N (16 << 20)
static unsigned char mem_a[MEM_N], mem_b[MEM_N];

static uint32_t fnv_rotate(const unsigned char *p, int n) {
  uint32_t h = 2166136261u;
  for (int i = 0; i < n; i++) {
    h = (h ^ p[i]) * 16777619u;
    h = (h << 13 | h >> 19) + (uint32_t)i;
  }
  return h;
}

// Runs `body` once to warm up, then RUNS times, keeping the fastest; `result` is read after each run.
#define TIME(name, setup, body, result_format, result)                                        \
  do {                                                                                         \
    double best = 1e30;                                                                        \
    for (int run = 0; run <= RUNS; run++) {                                                    \
      setup;                                                                                   \
      double t0 = now_ms();                                                                    \
      body;                                                                                    \
      double t = now_ms() - t0;                                                                \
      if (run > 0 && t < best) best = t;                                                       \
    }                                                                                          \
    printf("%s %.2f " result_format "\n", name, best, result);                                 \
  } while (0)

int main(void) {
  for (int i = 0; i < GM * GK; i++) ga[i] = fill(i);
  for (int i = 0; i < GK * GN; i++) gb[i] = fill(i + 3);
  for (int i = 0; i < CHGT * CW * CH; i++) cin[i] = fill(i);
  for (int i = 0; i < 9 * CH * CH; i++) cwt[i] = fill(i + 7);
  for (int i = 0; i < DN; i++) { da[i] = fill(i); db[i] = fill(i + 11); }
  for (int i = 0; i < MEM_N; i++) mem_a[i] = (unsigned char)(i * 2654435761u >> 24);

  TIME("gemm_4x8_inlined", (void)0, gemm(240), "%.1f", weighted_sum(gc, GM * GN));
  TIME("conv3x3_nhwc_inlined", (void)0, conv3x3(36), "%.1f", weighted_sum(cout, (CHGT - 2) * (CW - 2) * CH));
  float d = 0;
  TIME("dot_8_accumulators_array", (void)0, d = dot(5000), "%.1f", (double)d);
  TIME("qsort_1M_ints", fill_values(), qsort(values, SORT_N, sizeof values[0], compare_ints), "%llu", values_checksum());
  TIME("memcpy_memset_memmove_16MB", (void)0,
       (memcpy(mem_b, mem_a, MEM_N), memset(mem_a + 4096, 0x5a, MEM_N / 2), memmove(mem_b + 1, mem_b, MEM_N - 64),
        memmove(mem_a, mem_a + 3, MEM_N - 3)),
       "%u", fnv_rotate(mem_b, 4096) ^ fnv_rotate(mem_a + MEM_N / 2, 4096));
  // The volatile store keeps each run's hash inside its timed window (clang would otherwise keep only the last
  // call and move it out), the write makes each run hash new bytes.
  static volatile uint32_t hash_sink;
  TIME("fnv_rotate_hash_16MB", mem_a[0]++, hash_sink = fnv_rotate(mem_a, MEM_N), "%u", hash_sink);
  return 0;
}
