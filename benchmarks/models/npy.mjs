// .npy files and model inputs shared by bench.mjs and profile.mjs.
import { readFileSync, writeFileSync } from 'node:fs';

// numpy descr (little-endian) -> [ONNX/ORT type name, typed array].
const DTYPES = {
  '<f4': ['float32', Float32Array], '<f8': ['float64', Float64Array],
  '<i8': ['int64', BigInt64Array], '<i4': ['int32', Int32Array], '<i2': ['int16', Int16Array], '|i1': ['int8', Int8Array],
  '<u8': ['uint64', BigUint64Array], '<u4': ['uint32', Uint32Array], '<u2': ['uint16', Uint16Array], '|u1': ['uint8', Uint8Array],
  '|b1': ['bool', Uint8Array],
};

/** A little-endian C-order .npy (versions 1-3): { dtype, shape, data } with data a typed array of the dtype. */
export function readNpy(path) {
  const bytes = readFileSync(path);
  if (bytes.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${path}: not an .npy file`);
  const major = bytes[6];
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + headerLength;
  const header = bytes.toString('latin1', major === 1 ? 10 : 12, start);
  const descr = header.match(/'descr':\s*'([^']*)'/)?.[1];
  if (!DTYPES[descr] || /'fortran_order':\s*True/.test(header)) {
    throw new Error(`${path}: only little-endian C-order numeric arrays are supported (${header.trim()})`);
  }
  const [dtype, Type] = DTYPES[descr];
  const shape = [...header.match(/'shape':\s*\(([^)]*)\)/)[1].matchAll(/\d+/g)].map(m => Number(m[0]));
  const count = shape.reduce((a, b) => a * b, 1);
  // Copy: the file's bytes after the header need not be aligned for the typed array.
  const data = new Type(count);
  new Uint8Array(data.buffer).set(bytes.subarray(start, start + data.byteLength));
  return { dtype, shape, data };
}

/** Writes a float32 array as a version 1 .npy. */
export function writeNpy(path, data, shape) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix[6] = 1; prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  writeFileSync(path, Buffer.concat([prefix, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

/**
 * The model's inputs from an --input argument: one .npy path (the first input) or NAME=PATH pairs separated by
 * commas (a BERT encoder's input_ids and attention_mask). Returns [{ name, dtype, shape, data }] with name null for
 * the single-path form.
 */
export function readInputs(spec) {
  return spec.split(',').map(part => {
    const eq = part.indexOf('=');
    return { name: eq < 0 ? null : part.slice(0, eq), ...readNpy(eq < 0 ? part : part.slice(eq + 1)) };
  });
}

/** The JSON of a compiled model's wasmnn.meta custom section. */
export function moduleMeta(bytes, path) {
  const section = WebAssembly.Module.customSections(new WebAssembly.Module(bytes), 'wasmnn.meta')[0];
  if (!section) throw new Error(`${path}: no wasmnn.meta section: not a compiled model`);
  return JSON.parse(new TextDecoder().decode(section));
}

/** Copies each input into our module's input buffer (by name, or by position for unnamed inputs). */
export function writeModuleInputs(exports, meta, inputs) {
  inputs.forEach((x, position) => {
    const index = x.name === null ? position : meta.inputs.findIndex(i => i.name === x.name);
    if (index < 0) throw new Error(`the module has no input '${x.name}' (${meta.inputs.map(i => i.name).join(', ')})`);
    new Uint8Array(exports.memory.buffer, exports.wasmnn_input_ptr(index), x.data.byteLength)
      .set(new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength));
  });
}

/** ORT feeds ({ name: Tensor }) for a session; unnamed inputs take the session's input names in order. */
export function ortFeeds(ort, inputNames, inputs) {
  return Object.fromEntries(inputs.map((x, i) => [x.name ?? inputNames[i], new ort.Tensor(x.dtype, x.data, x.shape)]));
}
