// Shared by the package's tests: where the fixtures are (made by scripts/test-js.sh with the wasmnn CLI), and
// readers for the expected values they carry (.npy from our engine, ONNX TensorProto .pb from the ONNX test data).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const fixtures = process.env.WASMNN_JS_FIXTURES ?? '';

/** The path of a fixture; throws (the test fails) when scripts/test-js.sh has not made it. */
export function fixture(...parts) {
  const path = join(fixtures, ...parts);
  if (!fixtures || !existsSync(path)) throw new Error(`missing fixture ${path}: run scripts/test-js.sh, which sets WASMNN_JS_FIXTURES`);
  return path;
}

const npyTypes = { '<f4': Float32Array, '<f8': Float64Array, '<i8': BigInt64Array, '<i4': Int32Array, '|i1': Int8Array, '|u1': Uint8Array, '|b1': Uint8Array };

/** A C-order .npy file (version 1-3) as { data, dims }. */
export function readNpy(path) {
  const bytes = readFileSync(path);
  const major = bytes[6];
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = bytes.subarray(start, start + headerLength).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const dims = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const type = npyTypes[descr];
  if (!type) throw new Error(`${path}: dtype ${descr} not handled by the test reader`);
  const payload = bytes.subarray(start + headerLength);
  const copy = new Uint8Array(payload).buffer;
  return { data: new type(copy, 0, payload.length / type.BYTES_PER_ELEMENT), dims };
}

// onnx.proto TensorProto.DataType -> [numpy dtype, typed array]
const onnxTypes = {
  1: ['float32', Float32Array], 2: ['uint8', Uint8Array], 3: ['int8', Int8Array], 4: ['uint16', Uint16Array], 5: ['int16', Int16Array],
  6: ['int32', Int32Array], 7: ['int64', BigInt64Array], 9: ['bool', Uint8Array], 10: ['float16', Uint16Array], 11: ['float64', Float64Array],
  12: ['uint32', Uint32Array], 13: ['uint64', BigUint64Array], 8: ['string', null],
};

/** An ONNX TensorProto (.pb of the ONNX test data) as { name, dtype, dims, data }; raw_data or the typed fields (string_data: an array of strings). */
export function readTensorProto(path) {
  const bytes = readFileSync(path);
  let offset = 0;
  const varint = () => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = bytes[offset++];
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
      shift += 7n;
    }
  };
  const dims = [];
  const values = [];
  const strings = [];
  let dataType = 0;
  let raw = null;
  let name = '';
  while (offset < bytes.length) {
    const key = Number(varint());
    const field = key >> 3;
    const wire = key & 7;
    if (wire === 0) {
      const v = varint();
      if (field === 1) dims.push(Number(v));
      else if (field === 2) dataType = Number(v);
      else if (field === 5 || field === 7 || field === 11) values.push(v);
    } else if (wire === 2) {
      const length = Number(varint());
      const chunk = bytes.subarray(offset, offset + length);
      offset += length;
      if (field === 9) raw = chunk;
      else if (field === 6) strings.push(chunk.toString('utf8'));
      else if (field === 8) name = chunk.toString('utf8');
      else if (field === 1) { const end = offset; offset -= length; while (offset < end) dims.push(Number(varint())); }
      else if (field === 4) for (let i = 0; i < length; i += 4) values.push(chunk.readFloatLE(i));
      else if (field === 10) for (let i = 0; i < length; i += 8) values.push(chunk.readDoubleLE(i));
      else if (field === 5 || field === 7 || field === 11) { const end = offset; offset -= length; while (offset < end) values.push(varint()); }
    } else if (wire === 5) {
      if (field === 4) values.push(bytes.readFloatLE(offset));
      offset += 4;
    } else if (wire === 1) {
      if (field === 10) values.push(bytes.readDoubleLE(offset));
      offset += 8;
    } else {
      throw new Error(`${path}: wire type ${wire} not handled`);
    }
  }
  const [dtype, type] = onnxTypes[dataType] ?? (() => { throw new Error(`${path}: data type ${dataType} not handled`); })();
  const count = dims.reduce((a, b) => a * b, 1);
  let data;
  if (dtype === 'string') {
    data = strings;
  } else if (raw) {
    data = new type(new Uint8Array(raw).buffer, 0, count);
  } else if (type === BigInt64Array || type === BigUint64Array) {
    data = type.from(values, (v) => (type === BigInt64Array ? BigInt.asIntN(64, v) : v));
  } else {
    // int32_data carries every small integer type (and float16 bits), as varints.
    data = type.from(values, (v) => (typeof v === 'bigint' ? Number(BigInt.asIntN(32, v)) : v));
  }
  return { name, dtype, dims, data };
}

/** Asserts `actual` equals `expected` elementwise: exactly for integers, within `tolerance` (relative to 1) for floats. */
export function assertClose(assert, actual, expected, tolerance, what) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const floating = actual instanceof Float32Array || actual instanceof Float64Array;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (!floating) {
      assert.equal(a, e, `${what}[${i}]`);
    } else if (Number.isNaN(e)) {
      assert.ok(Number.isNaN(a), `${what}[${i}]: ${a}, expected NaN`);
    } else {
      assert.ok(Math.abs(a - e) <= tolerance * Math.max(1, Math.abs(e)), `${what}[${i}]: ${a}, expected ${e}`);
    }
  }
}

/**
 * `promise`, or a rejection naming `what` when it has not settled within `ms`: a lost message between the loader's
 * threads fails its test with one line instead of stalling the suite. The timer does not keep the process alive.
 */
export function withDeadline(promise, ms, what) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms (a lost run start or status?)`)), ms);
    timer.unref?.();
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
