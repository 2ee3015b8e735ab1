// wasm_simd128.h intrinsics: a dot product, lane shuffles and integer saturation.
#include <stdio.h>
#include <wasm_simd128.h>

int main(void) {
    float a[64], b[64];
    for (int i = 0; i < 64; i++) { a[i] = (float)i * 0.25f; b[i] = 1.0f / (float)(i + 1); }
    v128_t acc = wasm_f32x4_splat(0.0f);
    for (int i = 0; i < 64; i += 4) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
    float dot = wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1) + wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3);
    printf("dot=%.9g\n", dot);

    v128_t v = wasm_i32x4_make(1, 2, 3, 4);
    v128_t r = wasm_i32x4_shuffle(v, v, 3, 2, 1, 0);
    printf("reversed=%d %d %d %d\n", wasm_i32x4_extract_lane(r, 0), wasm_i32x4_extract_lane(r, 1), wasm_i32x4_extract_lane(r, 2), wasm_i32x4_extract_lane(r, 3));

    v128_t big = wasm_i16x8_splat(30000);
    v128_t sat = wasm_i16x8_add_sat(big, big);
    printf("saturated=%d\n", wasm_i16x8_extract_lane(sat, 0));
    v128_t m = wasm_f32x4_max(wasm_f32x4_make(1, -2, 3, -4), wasm_f32x4_splat(0));
    printf("relu=%g %g %g %g\n", wasm_f32x4_extract_lane(m, 0), wasm_f32x4_extract_lane(m, 1), wasm_f32x4_extract_lane(m, 2), wasm_f32x4_extract_lane(m, 3));
    printf("any_true=%d all_true=%d\n", wasm_v128_any_true(wasm_i32x4_gt(v, wasm_i32x4_splat(3))), wasm_i32x4_all_true(v));
    return 0;
}
