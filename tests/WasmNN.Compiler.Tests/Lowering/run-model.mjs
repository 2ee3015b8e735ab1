// Runs a compiled model on Node's V8 through the raw-buffer ABI alone (docs/ABI.md), with no WasmNN code:
//   node run-model.mjs MODEL.wasm OUT_DIR INPUT0.f32 [INPUT1.f32 ...]
// Inputs are raw little-endian float32 files in input order; writes OUT_DIR/output<i>.f32 for each output.
import { readFileSync, writeFileSync } from 'node:fs';

const [wasmPath, outDir, ...inputPaths] = process.argv.slice(2);
const module = new WebAssembly.Module(readFileSync(wasmPath));
const [section] = WebAssembly.Module.customSections(module, 'wasmnn.meta');
const meta = JSON.parse(new TextDecoder().decode(section));
const { memory, wasmnn_input_ptr, wasmnn_output_ptr, wasmnn_run } = new WebAssembly.Instance(module, {}).exports;
const count = (t) => t.shape.reduce((a, b) => a * b, 1);

meta.inputs.forEach((t, i) => {
  const data = readFileSync(inputPaths[i]);
  if (data.length !== count(t) * 4) throw new Error(`input ${t.name}: ${data.length} bytes, expected ${count(t) * 4}`);
  new Uint8Array(memory.buffer, wasmnn_input_ptr(i), data.length).set(data);
});
const status = wasmnn_run();
if (status !== 0) throw new Error(`wasmnn_run returned ${status}`);
meta.outputs.forEach((t, i) => {
  writeFileSync(`${outDir}/output${i}.f32`, new Uint8Array(memory.buffer, wasmnn_output_ptr(i), count(t) * 4));
});
