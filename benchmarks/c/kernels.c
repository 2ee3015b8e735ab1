// SIMD loops as a C program would write them, compiled by clang-19 -O3 -msimd128 to wasm32 without libc:
// one explicitly vectorised kernel (wasm_simd128.h) and three plain loops left to the auto-vectoriser.
// Every function runs its kernel `reps` times on caller-provided memory.
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(name)))

// 2 * n * reps FLOPs; n a multiple of 16.
EXPORT("c_dot") float c_dot(const float *a, const float *b, int n, int reps) {
  float total = 0;
  for (int r = 0; r < reps; r++) {
    v128_t s0 = wasm_f32x4_splat(0), s1 = s0, s2 = s0, s3 = s0;
    for (int i = 0; i < n; i += 16) {
      s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
      s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(wasm_v128_load(a + i + 4), wasm_v128_load(b + i + 4)));
      s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(wasm_v128_load(a + i + 8), wasm_v128_load(b + i + 8)));
      s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(wasm_v128_load(a + i + 12), wasm_v128_load(b + i + 12)));
    }
    v128_t s = wasm_f32x4_add(wasm_f32x4_add(s0, s1), wasm_f32x4_add(s2, s3));
    total += (wasm_f32x4_extract_lane(s, 0) + wasm_f32x4_extract_lane(s, 1)) +
             (wasm_f32x4_extract_lane(s, 2) + wasm_f32x4_extract_lane(s, 3));
  }
  return total;
}

// 2 * n * reps FLOPs.
EXPORT("c_saxpy") void c_saxpy(const float *x, float *y, int n, float alpha, int reps) {
  for (int r = 0; r < reps; r++)
    for (int i = 0; i < n; i++) y[i] += alpha * x[i];
}

// C = A * B for n x n row-major matrices, i-p-j order so the j loop vectorises. 2 * n^3 * reps FLOPs.
EXPORT("c_sgemm") void c_sgemm(const float *A, const float *B, float *C, int n, int reps) {
  for (int r = 0; r < reps; r++)
    for (int i = 0; i < n; i++) {
      // The first product initialises the row (a zeroing loop would become a memset call, and there is no libc).
      for (int j = 0; j < n; j++) C[i * n + j] = A[i * n] * B[j];
      for (int p = 1; p < n; p++) {
        float a = A[i * n + p];
        for (int j = 0; j < n; j++) C[i * n + j] += a * B[p * n + j];
      }
    }
}

// 3x3 convolution, input rows width + 8 floats apart. 18 * width * rows * reps FLOPs.
EXPORT("c_conv3x3") void c_conv3x3(const float *in, float *out, const float *w, int width, int rows, int reps) {
  int stride = width + 8;
  for (int r = 0; r < reps; r++)
    for (int y = 0; y < rows; y++) {
      const float *r0 = in + y * stride, *r1 = r0 + stride, *r2 = r1 + stride;
      float *o = out + y * width;
      for (int x = 0; x < width; x++)
        o[x] = w[0] * r0[x] + w[1] * r0[x + 1] + w[2] * r0[x + 2] +
               w[3] * r1[x] + w[4] * r1[x + 1] + w[5] * r1[x + 2] +
               w[6] * r2[x] + w[7] * r2[x + 1] + w[8] * r2[x + 2];
    }
}
