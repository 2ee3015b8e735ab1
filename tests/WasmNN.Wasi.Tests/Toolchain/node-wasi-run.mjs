// Runs a WASI command under Node's node:wasi, the independent reference for WasmNN's WASI.
// usage: node --no-warnings node-wasi-run.mjs PROGRAM.wasm CONFIG_JSON
//   CONFIG_JSON = {"args": [...], "env": {"NAME": "VALUE"}, "preopens": {"/guest": "/host"}}
// stdin, stdout and stderr are this process's own; the exit code is the guest's.
import { WASI } from 'node:wasi';
import { readFileSync } from 'node:fs';

const [wasmPath, configJson] = process.argv.slice(2);
const config = JSON.parse(configJson);
const wasi = new WASI({
  version: 'preview1',
  args: config.args,
  env: config.env,
  preopens: config.preopens,
  returnOnExit: true,
});
const module = await WebAssembly.compile(readFileSync(wasmPath));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
