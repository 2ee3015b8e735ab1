// The element types of the ABI (docs/ABI.md), one row each: bytes per element, the typed array that holds them, the
// typed arrays a caller may pass, and how a plain JS value converts. A new dtype is a new row.
const float16Array = globalThis.Float16Array;

const row = (bytes, array, { accepts = [array], from = Number } = {}) => ({ bytes, array, accepts, from });

export const dtypes = Object.freeze({
  float32: row(4, Float32Array),
  float64: row(8, Float64Array),
  int64: row(8, BigInt64Array, { from: BigInt }),
  int32: row(4, Int32Array),
  int16: row(2, Int16Array),
  int8: row(1, Int8Array),
  uint64: row(8, BigUint64Array, { from: BigInt }),
  uint32: row(4, Uint32Array),
  uint16: row(2, Uint16Array),
  uint8: row(1, Uint8Array, { accepts: [Uint8Array, Uint8ClampedArray] }),
  // One byte holding 0 or 1 (a host must write nothing else): booleans or 0/1 bytes.
  bool: row(1, Uint8Array, { from: (v) => (v ? 1 : 0) }),
  // IEEE half precision: a Float16Array where the host has one, else the raw bits in a Uint16Array.
  float16: float16Array
    ? row(2, float16Array, { accepts: [float16Array, Uint16Array] })
    : row(2, Uint16Array),
  // The upper half of a float32 (no JS typed array has it): the raw bits in a Uint16Array.
  bfloat16: row(2, Uint16Array),
});

/** The row for `dtype`, or an error naming `what` (an input or output) when the ABI has no such dtype. */
export function dtypeOf(name, what) {
  const info = dtypes[name];
  if (!info) throw new TypeError(`${what}: unknown dtype '${name}' (this loader knows ${Object.keys(dtypes).join(', ')})`);
  return info;
}

export const elementCount = (dims) => dims.reduce((a, b) => a * b, 1);
