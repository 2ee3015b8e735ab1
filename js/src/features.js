// Which WebAssembly proposals the host validates, probed with the smallest modules that use them (as
// wasm-feature-detect does): a variant is chosen by what the host can compile, not by its user agent.

// (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt))
const simdProbe = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11];
// (module (func (result v128) i32.const 0 i8x16.splat i32.const 0 i8x16.splat i8x16.relaxed_swizzle))
const relaxedProbe = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 0, 253, 15, 65, 0, 253, 15,
  253, 128, 2, 11];
// (module (memory 1 1 shared))
const threadsProbe = [0, 97, 115, 109, 1, 0, 0, 0, 5, 4, 1, 3, 1, 1];

const validates = (bytes) => {
  try {
    return WebAssembly.validate(new Uint8Array(bytes));
  } catch {
    return false;
  }
};

/**
 * The proposals this host supports, by the names a variants manifest uses: `simd128`, `relaxed-simd` and
 * `threads` (the latter also needs SharedArrayBuffer, i.e. a cross-origin isolated page in a browser).
 */
export function detectFeatures() {
  const features = new Set();
  if (validates(simdProbe)) features.add('simd128');
  if (validates(relaxedProbe)) features.add('relaxed-simd');
  if (validates(threadsProbe) && typeof SharedArrayBuffer === 'function') features.add('threads');
  return features;
}
