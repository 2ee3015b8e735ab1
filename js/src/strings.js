// String tensors (docs/ABI.md, "String tensors"): n + 1 little-endian i32 offsets, then the elements' UTF-8 bytes in
// an area of `string_bytes` bytes. Feeds are arrays of strings; outputs come back as arrays of strings.
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** The buffer bytes for `values` in `input`'s layout with `capacity` UTF-8 bytes; throws naming the input and element when they do not fit or are not text. */
export function encodeStrings(input, capacity, values, where) {
  if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) throw new TypeError(`${where}: expected an array of strings`);
  const count = input.shape.reduce((a, b) => a * b, 1);
  if (values.length !== count) throw new RangeError(`${where}: got ${values.length} strings, expected ${count}`);
  const table = 4 * (count + 1);
  const buffer = new Uint8Array(table + capacity);
  const offsets = new DataView(buffer.buffer);
  let used = 0;
  values.forEach((value, k) => {
    // A lone surrogate has no UTF-8 form (TextEncoder would silently write U+FFFD).
    if (typeof value.isWellFormed === 'function' && !value.isWellFormed()) throw new TypeError(`${where}: element ${k} is not valid text (a lone surrogate)`);
    const bytes = encoder.encode(value);
    if (bytes.length > capacity - used) {
      throw new RangeError(`${where}: the strings take more than the ${capacity} UTF-8 bytes the model was compiled for (element ${k} ends at byte ${used + bytes.length})`);
    }
    buffer.set(bytes, table + used);
    used += bytes.length;
    offsets.setInt32(4 * (k + 1), used, true);
  });
  return buffer;
}

/** The first `count` strings of output `output` at `address` (its table laid out for the maximum shape). */
export function decodeStrings(memory, address, output, count) {
  const elements = output.shape.reduce((a, b) => a * b, 1);
  const table = new DataView(memory.buffer, address, 4 * (elements + 1));
  const area = new Uint8Array(memory.buffer, address + 4 * (elements + 1), output.string_bytes);
  const result = [];
  let start = table.getInt32(0, true);
  for (let k = 0; k < count; k++) {
    const end = table.getInt32(4 * (k + 1), true);
    if (start < 0 || end < start || end > output.string_bytes) throw new Error(`output '${output.name}': element ${k} has byte range [${start}, ${end}) outside [0, ${output.string_bytes}]`);
    result.push(decoder.decode(area.subarray(start, end)));
    start = end;
  }
  return result;
}
