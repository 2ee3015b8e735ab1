// Indirect calls in a complete WASI program (clang-19 --target=wasm32-wasi -O3 -msimd128, wasi-libc): a loop
// calling through a table of function pointers (one call_indirect per iteration, callee a few instructions), and
// wasi-libc's qsort of 1M ints, whose comparator is called through a pointer about 20M times. Each case: one
// warm-up, then the best of RUNS timed calls in process CPU time (CLOCK_PROCESS_CPUTIME_ID: the build box is
// shared, wall time measures the other builds; WasmNN and node:wasi implement it, Bun's node:wasi may not).
// Prints "name rate checksum": millions of calls (loop) or sorted elements (qsort) per second, higher is better;
// checksums must agree across engines.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define RUNS 5
#define CALLS 100000000
#define SORT_N 1000000

typedef unsigned (*op_fn)(unsigned acc, unsigned i);

// noinline and a table filled at run time: the calls stay indirect (call_indirect with a signature check).
__attribute__((noinline)) static unsigned op_add(unsigned acc, unsigned i) { return acc + i; }
__attribute__((noinline)) static unsigned op_xor(unsigned acc, unsigned i) { return acc ^ (i * 2654435761u); }
__attribute__((noinline)) static unsigned op_rot(unsigned acc, unsigned i) { return (acc << 5 | acc >> 27) + i; }
__attribute__((noinline)) static unsigned op_mul(unsigned acc, unsigned i) { return acc * 33u + (i & 255); }

static op_fn table[4];

__attribute__((noinline)) static unsigned call_loop(int n) {
  unsigned acc = 1;
  for (int i = 0; i < n; i++) acc = table[i & 3](acc, (unsigned)i);
  return acc;
}

static int compare_ints(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

static int values[SORT_N];

static void fill_values(void) {
  unsigned s = 12345;
  for (int i = 0; i < SORT_N; i++) { s = s * 1103515245u + 12345u; values[i] = (int)(s >> 1); }
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  (void)argv;
  // argc is 1 on every host; using it keeps clang from knowing the table's contents.
  op_fn ops[4] = {op_add, op_xor, op_rot, op_mul};
  for (int k = 0; k < 4; k++) table[k] = ops[(k + argc - 1) & 3];

  double best = 1e30;
  unsigned acc = 0;
  for (int run = 0; run <= RUNS; run++) {
    double t0 = now();
    acc = call_loop(CALLS);
    double t = now() - t0;
    if (run > 0 && t < best) best = t;
  }
  printf("call_indirect_loop %.1f %u\n", CALLS / best * 1e-6, acc);

  best = 1e30;
  unsigned long long sum = 0;
  for (int run = 0; run <= RUNS; run++) {
    fill_values();
    double t0 = now();
    qsort(values, SORT_N, sizeof values[0], compare_ints);
    double t = now() - t0;
    if (run > 0 && t < best) best = t;
  }
  for (int i = 0; i < SORT_N; i++) sum = sum * 31 + (unsigned)values[i] + (unsigned)i;
  printf("qsort_1M_ints %.2f %llu\n", SORT_N / best * 1e-6, sum);
  return 0;
}
