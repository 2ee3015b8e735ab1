// Model-level benchmark: ONNX Runtime Web's wasm backend vs our compiled module, both on V8, in one Node process.
//
//   node --no-liftoff bench.mjs --name NAME --onnx model.onnx --wasm model.wasm --input input.npy|NAME=x.npy,NAME=y.npy
//        [--expected output.npy] [--warmup 3] [--runs 10] [--json results.jsonl] [--save-ort out.npy] [--ort-threads N]
//
// Run node with --no-liftoff: V8 otherwise compiles every wasm function with its baseline compiler (Liftoff) and
// tiers a function up to TurboFan only when it is called again after it got hot. A model's kernels run a few long
// loops per inference, so the first runs would be timed at baseline speed and the tier-up point would depend on
// call counts; with --no-liftoff both ORT-web's module and ours are TurboFan-compiled from the start.
//
// Both engines run single-threaded (our module has no threads; ORT-web gets numThreads = 1) with SIMD128.
// Timed runs alternate the order of the two engines each repetition; each sample includes the copy of the input in
// and of the output out (session.run does both; for our module: write input buffer, wasmnn_run, read output).
// Prints one line per engine and, with --json, appends one JSON line per engine: { model, engine, ms: [...] }.
import { readFileSync, appendFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { readNpy, writeNpy, readInputs, moduleMeta, writeModuleInputs, ortFeeds } from './npy.mjs';

const args = parseArgs(process.argv.slice(2));
const warmup = Number(args.warmup ?? 3);
const runs = Number(args.runs ?? 10);
const name = args.name ?? args.onnx;
const inputs = readInputs(args.input);

// --- ONNX Runtime Web, wasm backend (in Node it loads its .wasm from node_modules) ---
const ort = await import('onnxruntime-web');
ort.env.wasm.numThreads = Number(args['ort-threads'] ?? 1); // --ort-threads N: the peer's multi-threaded build
ort.env.wasm.simd = true; // ignored by builds that ship only the SIMD binary; kept for older versions
ort.env.wasm.proxy = false;
const session = await ort.InferenceSession.create(readFileSync(args.onnx), {
  executionProviders: ['wasm'],
  graphOptimizationLevel: 'all',
});
const feeds = ortFeeds(ort, session.inputNames, inputs);
const runOrt = async () => (await session.run(feeds))[session.outputNames[0]].data;

// --- our compiled module on the same V8 ---
const { instance } = await WebAssembly.instantiate(readFileSync(args.wasm), {});
const ours = instance.exports;
const meta = moduleMeta(readFileSync(args.wasm), args.wasm);
const outPtr = ours.wasmnn_output_ptr(0);
const outCount = meta.outputs[0].shape.reduce((a, b) => a * b, 1);
const runOurs = () => {
  writeModuleInputs(ours, meta, inputs);
  const status = ours.wasmnn_run();
  if (status !== 0) throw new Error(`wasmnn_run returned ${status}`);
  return new Float32Array(ours.memory.buffer, outPtr, outCount).slice();
};

// --- warm-up, then interleaved timed runs ---
let ortOut, oursOut;
for (let i = 0; i < warmup; i++) {
  ortOut = await runOrt();
  oursOut = runOurs();
}
const times = { 'ort-web': [], 'ours-v8': [] };
const timeOrt = async () => { const t = performance.now(); ortOut = await runOrt(); times['ort-web'].push(performance.now() - t); };
const timeOurs = async () => { const t = performance.now(); oursOut = runOurs(); times['ours-v8'].push(performance.now() - t); };
for (let i = 0; i < runs; i++) {
  if (i % 2 === 0) { await timeOrt(); await timeOurs(); } else { await timeOurs(); await timeOrt(); }
}

// --- numerical checks: ours vs ORT-web, and both vs onnxruntime-node (native) and the expected output if given ---
const checks = { 'ours vs ort-web': diff(oursOut, ortOut) };
const native = await runNative(args.onnx, inputs);
if (native) {
  checks['ours vs ort-node'] = diff(oursOut, native);
  checks['ort-web vs ort-node'] = diff(ortOut, native);
}
if (args.expected) checks['ours vs expected'] = diff(oursOut, readNpy(args.expected).data);

for (const [engine, ms] of Object.entries(times)) {
  console.log(`${name.padEnd(16)} ${engine.padEnd(8)} median ${median(ms).toFixed(2).padStart(9)} ms  min ${Math.min(...ms).toFixed(2).padStart(9)} ms  (${ms.length} runs)`);
}
for (const [what, d] of Object.entries(checks)) {
  console.log(`${name.padEnd(16)} ${what.padEnd(22)} max abs ${d.abs.toExponential(2)}  max rel ${d.rel.toExponential(2)}`);
}
if (args.json) {
  const versions = { node: process.version, 'onnxruntime-web': packageVersion('onnxruntime-web') };
  for (const [engine, ms] of Object.entries(times)) {
    appendFileSync(args.json, JSON.stringify({ model: name, engine, ms, versions }) + '\n');
  }
  appendFileSync(args.json, JSON.stringify({ model: name, engine: 'check', checks }) + '\n');
}
if (args['save-ort']) writeNpy(args['save-ort'], ortOut, meta.outputs[0].shape); // for the engine's check
await session.release();

// ---------------------------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) throw new Error(`unexpected argument ${argv[i]}`);
    out[argv[i].slice(2)] = argv[++i];
  }
  for (const required of ['onnx', 'wasm', 'input']) {
    if (!out[required]) throw new Error(`missing --${required}`);
  }
  return out;
}

/** onnxruntime-node on one thread, as a numerical cross-check; null if it is not installed or cannot load. */
async function runNative(onnxPath, inputs) {
  try {
    const native = createRequire(import.meta.url)('onnxruntime-node');
    const s = await native.InferenceSession.create(onnxPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    const result = await s.run(ortFeeds(native, s.inputNames, inputs));
    const out = result[s.outputNames[0]].data;
    await s.release();
    return out;
  } catch (e) {
    console.error(`onnxruntime-node cross-check skipped: ${e.message}`);
    return null;
  }
}

function diff(a, b) {
  if (a.length !== b.length) throw new Error(`output lengths differ: ${a.length} vs ${b.length}`);
  let abs = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    abs = Math.max(abs, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  // Relative to the largest reference magnitude: element-wise ratios blow up on near-zero logits.
  return { abs, rel: scale === 0 ? abs : abs / scale };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function packageVersion(pkg) {
  return JSON.parse(readFileSync(new URL(`./node_modules/${pkg}/package.json`, import.meta.url), 'utf8')).version;
}
