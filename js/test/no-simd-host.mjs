// Preloaded with `node --import` to stand for a host without SIMD (V8 11.3 has no flag that turns SIMD128 off):
// WebAssembly.validate rejects any module whose code uses the 0xFD (SIMD) prefix, as such a host's validator would.
// Only validation is patched, which is all the loader's feature detection asks of the host.
const validate = WebAssembly.validate;

function usesSimdPrefix(bytes) {
  // Walk the sections; look for 0xFD in the code section (id 10) only, so data bytes do not count.
  let offset = 8;
  const leb = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[offset++];
      result |= (b & 0x7f) << shift;
      if (b < 0x80) return result >>> 0;
      shift += 7;
    }
  };
  while (offset < bytes.length) {
    const id = bytes[offset++];
    const size = leb();
    if (id === 10 && bytes.subarray(offset, offset + size).includes(0xfd)) return true;
    offset += size;
  }
  return false;
}

WebAssembly.validate = function validateWithoutSimd(source) {
  const bytes = source instanceof ArrayBuffer ? new Uint8Array(source) : new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  return !usesSimdPrefix(bytes) && validate.call(WebAssembly, source);
};
