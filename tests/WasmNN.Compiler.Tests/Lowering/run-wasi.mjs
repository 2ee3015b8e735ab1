// Runs a --wasi model build on Node's WASI with the current directory preopened:
//   node run-wasi.mjs MODEL.wasm INPUT.npy... OUTPUT.npy...
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
const [wasmPath, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: [wasmPath, ...args], preopens: { '.': '.' } });
const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasmPath)), { wasi_snapshot_preview1: wasi.wasiImport });
process.exitCode = wasi.start(instance);
