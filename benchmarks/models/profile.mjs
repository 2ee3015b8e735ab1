// Where does our compiled model spend its time? Runs the module on V8 under the sampling CPU profiler and sums the
// self time of each wasm function: the compiler emits one function per kernel, named after the ONNX node it starts
// from (the name section), so this is a per-layer profile. With --ort, also asks ONNX Runtime Web for its own
// per-node profile (session profiling) on the same input and prints both summed by operator type.
//
//   node --no-liftoff profile.mjs --wasm model.wasm --input input.npy|NAME=x.npy,NAME=y.npy [--runs 20] [--top 15] [--onnx model.onnx --ort]
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readInputs, moduleMeta, writeModuleInputs, ortFeeds } from './npy.mjs';

const args = {};
for (let i = 2; i < process.argv.length; i++) {
  const key = process.argv[i].slice(2);
  args[key] = key === 'ort' ? true : process.argv[++i];
}
const runs = Number(args.runs ?? 20);
const top = Number(args.top ?? 15);
const inputs = readInputs(args.input);
if (args['ort-child']) {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = 1;
  const s = await ort.InferenceSession.create(readFileSync(args.onnx), { executionProviders: ['wasm'], enableProfiling: true });
  const feeds = ortFeeds(ort, s.inputNames, inputs);
  for (let i = 0; i < 3; i++) await s.run(feeds);
  s.startProfiling();
  for (let i = 0; i < runs; i++) await s.run(feeds);
  s.endProfiling();
  process.exit(0);
}

const wasmBytes = readFileSync(args.wasm);
const { instance } = await WebAssembly.instantiate(wasmBytes, {});
const x = instance.exports;
writeModuleInputs(x, moduleMeta(wasmBytes, args.wasm), inputs);
for (let i = 0; i < 3; i++) x.wasmnn_run();

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 }); // microseconds
await session.post('Profiler.start');
for (let i = 0; i < runs; i++) x.wasmnn_run();
const { profile } = await session.post('Profiler.stop');
session.disconnect();

const selfTime = new Map();
const dt = new Map();
for (let i = 0; i < profile.samples.length; i++) dt.set(i, profile.timeDeltas[i] ?? 0);
const byId = new Map(profile.nodes.map(n => [n.id, n]));
const totals = new Map();
profile.samples.forEach((id, i) => totals.set(id, (totals.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0)));
for (const [id, us] of totals) {
  const name = byId.get(id).callFrame.functionName || '(anonymous)';
  selfTime.set(name, (selfTime.get(name) ?? 0) + us);
}
const rows = [...selfTime].filter(([n]) => !n.startsWith('(')).sort((a, b) => b[1] - a[1]);
const total = rows.reduce((s, [, us]) => s + us, 0);
console.log(`ours on V8: ${(total / 1000 / runs).toFixed(2)} ms per run in wasm functions, top ${top}:`);
if (!args.ort) {
  for (const [name, us] of rows.slice(0, top)) {
    console.log(`  ${(us / 1000 / runs).toFixed(2).padStart(8)} ms  ${(100 * us / total).toFixed(1).padStart(5)}%  ${name}`);
  }
}
console.log('ours by operator type (the kernel\'s first node):');
printByType(rows.map(([name, us]) => [opType(name), us / 1000 / runs]));

if (args.ort) {
  // ORT-web's native code prints its profile (JSON events) to stdout; run it in a child process and read that.
  const child = spawnSync(process.execPath, ['--no-liftoff', fileURLToPath(import.meta.url), '--ort-child', '1',
    '--onnx', args.onnx, '--input', args.input, '--runs', String(runs)], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (child.status !== 0) throw new Error(`ORT-web profiling failed: ${child.stderr}`);
  const captured = child.stdout;
  const events = [];
  collect(captured, events);
  // Profiling starts at session creation: keep only the node events inside the last `runs` model_run windows.
  const windows = events.filter(e => e.name === 'model_run').sort((a, b) => a.ts - b.ts).slice(-runs);
  const inWindow = e => windows.some(w => e.ts >= w.ts && e.ts <= w.ts + w.dur);
  const nodes = events.filter(e => e.cat === 'Node' && e.name?.endsWith('_kernel_time') && inWindow(e));
  const ortTime = new Map();
  for (const e of nodes) {
    const name = e.name.slice(0, -'_kernel_time'.length);
    ortTime.set(name, (ortTime.get(name) ?? 0) + e.dur / 1000 / windows.length);
  }
  const ortTotal = [...ortTime.values()].reduce((a, b) => a + b, 0);
  console.log(`ORT-web: ${ortTotal.toFixed(2)} ms per run in kernels. Our ${top} slowest kernels beside ORT-web's time for the same node (ORT fuses differently: its Conv time may include an Add/Clip):`);
  console.log(`  ${'ours'.padStart(8)}    ${'ORT-web'.padStart(8)}    ORT/ours  kernel`);
  for (const [name, us] of rows.slice(0, top)) {
    const o = ortTime.get(name);
    const mine = us / 1000 / runs;
    console.log(`  ${mine.toFixed(2).padStart(8)} ms ${o === undefined ? '       -   ' : o.toFixed(2).padStart(8) + ' ms'}  ${o === undefined ? '     ' : (o / mine).toFixed(2).padStart(5) + 'x'}  ${name}`);
  }
  console.log('ORT-web by operator type (after its fusions):');
  printByType(nodes.map(e => [e.args?.op_name ?? '?', e.dur / 1000 / windows.length]));
}

function collect(v, events) {
  if (typeof v !== 'string') return;
  for (const line of v.split('\n')) {
    const t = line.trim().replace(/^\[/, '').replace(/,$/, '');
    if (!t.startsWith('{')) continue;
    try { events.push(JSON.parse(t)); } catch { /* not an event */ }
  }
}

function printByType(pairs) {
  const sums = new Map();
  for (const [type, ms] of pairs) sums.set(type, (sums.get(type) ?? 0) + ms);
  const all = [...sums.values()].reduce((a, b) => a + b, 0);
  for (const [type, ms] of [...sums].sort((a, b) => b[1] - a[1])) {
    console.log(`  ${ms.toFixed(2).padStart(8)} ms  ${(100 * ms / all).toFixed(1).padStart(5)}%  ${type}`);
  }
}

function opType(name) {
  const last = name.split('/').pop();
  return last.replace(/[_.:]?\d+$/, '') || name;
}
