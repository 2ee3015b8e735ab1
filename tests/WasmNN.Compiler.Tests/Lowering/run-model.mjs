// Runs a compiled model on Node's V8 through the raw-buffer ABI alone (docs/ABI.md), with no WasmNN code:
//   node run-model.mjs MODEL.wasm OUT_DIR INPUT0.bin [INPUT1.bin ...]
// Inputs are raw little-endian buffers in input order, each in its input's dtype (bool one byte 0/1, int64 eight
// bytes...); writes OUT_DIR/output<i>.bin, the raw bytes of each output in its own dtype (at the run's length), and
// OUT_DIR/output<i>.shape.json, the shape the run produced.
import { readFileSync, writeFileSync } from 'node:fs';

const elementBytes = {
  float32: 4, float64: 8, float16: 2, bfloat16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint64: 8, uint32: 4, uint16: 2, uint8: 1, bool: 1,
};
const [wasmPath, outDir, ...inputPaths] = process.argv.slice(2);
const module = new WebAssembly.Module(readFileSync(wasmPath));
const [section] = WebAssembly.Module.customSections(module, 'wasmnn.meta');
const meta = JSON.parse(new TextDecoder().decode(section));
const { memory, wasmnn_input_ptr, wasmnn_output_ptr, wasmnn_output_dims, wasmnn_run } = new WebAssembly.Instance(module, {}).exports;
const bytes = (t) => {
  if (!(t.dtype in elementBytes)) throw new Error(`${t.name}: unknown dtype ${t.dtype}`);
  return t.shape.reduce((a, b) => a * b, 1) * elementBytes[t.dtype];
};

meta.inputs.forEach((t, i) => {
  const data = readFileSync(inputPaths[i]);
  if (data.length !== bytes(t)) throw new Error(`input ${t.name} (${t.dtype}): ${data.length} bytes, expected ${bytes(t)}`);
  new Uint8Array(memory.buffer, wasmnn_input_ptr(i), data.length).set(data);
});
const status = wasmnn_run();
if (status !== 0) throw new Error(`wasmnn_run returned ${status}`);
// An output of run-time length (runtime_dims) has the shape this run wrote to its dimension record.
const shapeAfterRun = (t, i) => t.runtime_dims ? Array.from(new Int32Array(memory.buffer, wasmnn_output_dims(i), t.shape.length)) : t.shape;
meta.outputs.forEach((t, i) => {
  const actual = { ...t, shape: shapeAfterRun(t, i) };
  writeFileSync(`${outDir}/output${i}.bin`, new Uint8Array(memory.buffer, wasmnn_output_ptr(i), bytes(actual)));
  writeFileSync(`${outDir}/output${i}.shape.json`, JSON.stringify(actual.shape));
});
