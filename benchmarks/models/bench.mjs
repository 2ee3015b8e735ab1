// Model-level benchmark: ONNX Runtime Web's wasm backend vs our compiled module, both on V8, in one Node process.
//
//   node --no-liftoff bench.mjs --name NAME --onnx model.onnx --wasm model.wasm --input input.npy|NAME=x.npy,NAME=y.npy
//        [--expected output.npy] [--warmup 3] [--runs 10] [--json results.jsonl] [--save-ort out.npy] [--ort-threads N]
//        [--threads-wasm model.threads.wasm[,other.threads.wasm] --threads 1,2,4] [--no-default]
//        [--int8-onnx model.int8.onnx --int8-wasm model.int8.wasm [--save-ort-int8 out.npy]]
//
// Run node with --no-liftoff: V8 otherwise compiles every wasm function with its baseline compiler (Liftoff) and
// tiers a function up to TurboFan only when it is called again after it got hot. A model's kernels run a few long
// loops per inference, so the first runs would be timed at baseline speed and the tier-up point would depend on
// call counts; with --no-liftoff both ORT-web's module and ours are TurboFan-compiled from the start.
//
// By default both engines run single-threaded (our default build has no threads; ORT-web gets numThreads = 1) with
// SIMD128. The thread dimension: --ort-threads N gives ORT-web numThreads = N (engine 'ort-web-tN'; ORT-web reads it
// once per process, so each count needs a process of its own), and --threads-wasm with --threads 1,2,4 also times
// our `compile --threads` build on each worker count through the npm package's loader (js/src: loadModel, the
// worker_threads driver users get; engines 'ours-v8-tN'); --no-default leaves out our default build.
// The int8 dimension: --int8-onnx (the model quantized by `wasmnn quantize`) and --int8-wasm (our build of it) add
// ORT-web on the quantized model ('ort-web-int8') and our int8 build ('ours-v8-int8') to the same interleaved runs.
// Timed runs alternate the order of the two engines each repetition; each sample includes the copy of the input in
// and of the output out (session.run does both; for our module: write input buffer, wasmnn_run, read output).
// Prints one line per engine and, with --json, appends one JSON line per engine: { model, engine, ms: [...] }.
import { readFileSync, appendFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { readNpy, writeNpy, readInputs, moduleMeta, writeModuleInputs, ortFeeds } from './npy.mjs';
import { loadModel } from '../../js/src/index.js';

const args = parseArgs(process.argv.slice(2));
const warmup = Number(args.warmup ?? 3);
const runs = Number(args.runs ?? 10);
const name = args.name ?? args.onnx;
const inputs = readInputs(args.input);

// --- ONNX Runtime Web, wasm backend (in Node it loads its .wasm from node_modules) ---
const ort = await import('onnxruntime-web');
const ortThreads = Number(args['ort-threads'] ?? 1);
ort.env.wasm.numThreads = ortThreads; // --ort-threads N: the peer's multi-threaded build
const ortEngine = ortThreads === 1 ? 'ort-web' : `ort-web-t${ortThreads}`;
ort.env.wasm.simd = true; // ignored by builds that ship only the SIMD binary; kept for older versions
ort.env.wasm.proxy = false;
const session = await ort.InferenceSession.create(readFileSync(args.onnx), {
  executionProviders: ['wasm'],
  graphOptimizationLevel: 'all',
});
const feeds = ortFeeds(ort, session.inputNames, inputs);
const runOrt = async () => (await session.run(feeds))[session.outputNames[0]].data;

// --- our compiled module on the same V8 ---
async function oursRunner(path) {
  const bytes = readFileSync(path);
  const { instance } = await WebAssembly.instantiate(bytes, {});
  const ours = instance.exports;
  const meta = moduleMeta(bytes, path);
  const outPtr = ours.wasmnn_output_ptr(0);
  const outCount = meta.outputs[0].shape.reduce((a, b) => a * b, 1);
  return { meta, run: async () => {
    writeModuleInputs(ours, meta, inputs);
    const status = ours.wasmnn_run();
    if (status !== 0) throw new Error(`wasmnn_run returned ${status}`);
    return new Float32Array(ours.memory.buffer, outPtr, outCount).slice();
  } };
}
const { meta, run: runOurs } = await oursRunner(args.wasm);

// --- our threads build through the npm package's loader, once per worker count ---
const runners = { [ortEngine]: runOrt };
if (args['no-default'] === undefined) runners['ours-v8'] = runOurs;
let int8Session = null;
if (args['int8-onnx']) {
  // The int8 dimension: ORT-web and our build on the same quantized model.
  int8Session = await ort.InferenceSession.create(readFileSync(args['int8-onnx']), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const int8Feeds = ortFeeds(ort, int8Session.inputNames, inputs);
  runners['ort-web-int8'] = async () => (await int8Session.run(int8Feeds))[int8Session.outputNames[0]].data;
  runners['ours-v8-int8'] = (await oursRunner(args['int8-wasm'])).run;
}
const threaded = [];
// A comma-separated list of threads builds (an A/B of two builds): the first is 'ours-v8-tN', the others 'ours-v8-tN@FILE'.
for (const [which, path] of (args['threads-wasm'] ? String(args['threads-wasm']).split(',') : []).entries()) {
  const bytes = readFileSync(path);
  const feeds = Object.fromEntries(inputs.map((x, position) => [x.name ?? meta.inputs[position].name, x.data]));
  for (const count of String(args.threads ?? '2').split(',').map(Number)) {
    const model = await loadModel(bytes, { threads: count });
    if (model.threads !== count) throw new Error(`${path}: asked for ${count} workers, got ${model.threads} (the build's max_workers is ${model.metadata.threads.max_workers})`);
    threaded.push(model);
    const suffix = which === 0 ? '' : `@${basename(path, '.wasm')}`;
    runners[`ours-v8-t${count}${suffix}`] = async () => (await model.run(feeds))[meta.outputs[0].name].data;
  }
}

// --- warm-up, then interleaved timed runs (the order rotates each repetition) ---
const engines = Object.keys(runners);
const outputs = {};
for (let i = 0; i < warmup; i++) {
  for (const engine of engines) outputs[engine] = await runners[engine]();
}
const times = Object.fromEntries(engines.map((engine) => [engine, []]));
for (let i = 0; i < runs; i++) {
  for (let j = 0; j < engines.length; j++) {
    const engine = engines[(i + j) % engines.length];
    const t = performance.now();
    outputs[engine] = await runners[engine]();
    times[engine].push(performance.now() - t);
  }
}
for (const model of threaded) model.dispose();
const ortOut = outputs[ortEngine];
const oursOut = outputs['ours-v8'] ?? outputs[engines[1]];

// --- numerical checks: ours vs ORT-web, and both vs onnxruntime-node (native) and the expected output if given ---
const checks = { 'ours vs ort-web': diff(oursOut, ortOut) };
for (const engine of engines.filter((e) => e.startsWith('ours-v8-t'))) {
  // Every worker count must give the one-thread build's bits (docs/ABI.md); the default build is the reference.
  if (outputs['ours-v8'] && !sameBits(outputs[engine], outputs['ours-v8'])) throw new Error(`${name}: ${engine} output differs from the default build's`);
  checks[`${engine} vs ort-web`] = diff(outputs[engine], ortOut);
}
const native = await runNative(args.onnx, inputs);
if (native) {
  checks['ours vs ort-node'] = diff(oursOut, native);
  checks['ort-web vs ort-node'] = diff(ortOut, native);
}
if (args.expected) checks['ours vs expected'] = diff(oursOut, readNpy(args.expected).data);
if (int8Session) {
  checks['ours-int8 vs ort-web-int8'] = diff(outputs['ours-v8-int8'], outputs['ort-web-int8']);
  checks['int8 vs float (ort-web)'] = diff(outputs['ort-web-int8'], ortOut);
}

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
if (args['save-ort-int8']) writeNpy(args['save-ort-int8'], outputs['ort-web-int8'], meta.outputs[0].shape);
await session.release();
await int8Session?.release();

// ---------------------------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) throw new Error(`unexpected argument ${argv[i]}`);
    out[argv[i].slice(2)] = argv[i] === '--no-default' ? true : argv[++i];
  }
  for (const required of ['onnx', 'wasm', 'input']) {
    if (!out[required]) throw new Error(`missing --${required}`);
  }
  if (!out['int8-onnx'] !== !out['int8-wasm']) throw new Error('--int8-onnx and --int8-wasm go together');
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

function sameBits(a, b) {
  const [x, y] = [new Uint32Array(a.buffer, a.byteOffset, a.length), new Uint32Array(b.buffer, b.byteOffset, b.length)];
  return x.length === y.length && x.every((v, i) => v === y[i]);
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
