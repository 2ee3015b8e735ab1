// zlib (Debian's source package, built unchanged by clang-19 --target=wasm32-wasi -O3 -msimd128 with wasi-libc) as
// a public C code base: deflate at level 6 of 1 MB of generated text, inflate of it (8 passes) and crc32 over it
// (32 passes). Each part: one warm-up, then the best of RUNS in wall time (CLOCK_MONOTONIC). Prints "name ms
// checksum", lower is better.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zlib.h"

#define RUNS 5
#define TEXT_N (1 << 20)

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

// Words drawn by an LCG with a skewed distribution: compresses about 3:1, like prose.
static void make_text(unsigned char *text, size_t n) {
  static const char *const words[] = {"the ", "of ", "and ", "a ", "to ", "in ", "is ", "engine ", "module ",
                                      "memory ", "function ", "table ", "call ", "loop ", "vector ", "wasm ",
                                      "compile ", "value ", "stack ", "branch ", "\n"};
  unsigned s = 7;
  size_t at = 0;
  while (at < n) {
    s = s * 1103515245u + 12345u;
    unsigned r = s >> 16;
    const char *w = words[(r % 21) * (r % 21) / 21];
    if ((r & 255) == 0) w = "0123456789";
    for (; *w && at < n; w++) text[at++] = (unsigned char)*w;
  }
}

int main(void) {
  unsigned char *text = malloc(TEXT_N), *packed = malloc(compressBound(TEXT_N)), *unpacked = malloc(TEXT_N);
  if (!text || !packed || !unpacked) return 1;
  make_text(text, TEXT_N);

  uLongf packed_n = 0;
  double best = 1e30;
  for (int run = 0; run <= RUNS; run++) {
    packed_n = compressBound(TEXT_N);
    double t0 = now_ms();
    if (compress2(packed, &packed_n, text, TEXT_N, 6) != Z_OK) return 1;
    double t = now_ms() - t0;
    if (run > 0 && t < best) best = t;
  }
  printf("zlib_deflate_1MB %.2f %lu\n", best, (unsigned long)crc32(0, packed, packed_n));

  best = 1e30;
  uLongf unpacked_n = 0;
  for (int run = 0; run <= RUNS; run++) {
    memset(unpacked, 0, 64);
    double t0 = now_ms();
    for (int pass = 0; pass < 8; pass++) {
      unpacked_n = TEXT_N;
      if (uncompress(unpacked, &unpacked_n, packed, packed_n) != Z_OK || unpacked_n != TEXT_N) return 1;
    }
    double t = now_ms() - t0;
    if (run > 0 && t < best) best = t;
  }
  printf("zlib_inflate_8MB %.2f %lu\n", best, (unsigned long)crc32(0, unpacked, unpacked_n));

  best = 1e30;
  uLong crc = 0;
  for (int run = 0; run <= RUNS; run++) {
    text[run] ^= 1;
    double t0 = now_ms();
    for (int pass = 0; pass < 32; pass++) crc = crc32(crc, text, TEXT_N);
    double t = now_ms() - t0;
    if (run > 0 && t < best) best = t;
  }
  printf("zlib_crc32_32MB %.2f %lu\n", best, (unsigned long)crc);
  return 0;
}
