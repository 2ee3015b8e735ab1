// Runs a WASI preview1 command module under this JS engine's node:wasi (Node or Bun):
//   node --no-liftoff run-wasi.mjs prog.wasm [args...]
// Uses wasi.wasiImport rather than getImportObject(): Bun's node:wasi only has the former, Node has both.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';

const [file, ...rest] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: [file, ...rest], env: {} });
const { instance } = await WebAssembly.instantiate(await readFile(file), { wasi_snapshot_preview1: wasi.wasiImport });
process.exitCode = wasi.start(instance);
