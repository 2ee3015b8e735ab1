// Runs every kernel of kernels.json on this JavaScript engine's WebAssembly (Node/V8, Bun/JavaScriptCore) and prints
// one JSON line per kernel: {"name", "gflops", "checksum"} or {"name", "error"}. Same bytes, data, repetitions and
// timing rule (best of `runs` timed calls after a warm-up, in CPU time: process.cpuUsage) as the .NET harness.
// usage: <engine> run.mjs kernels.json wasm-dir [runs]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [specPath, wasmDir, runsText] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(specPath, 'utf8'));
const runs = Number(runsText ?? 5);

function fill(memory, offset) {
  const floats = new Float32Array(memory.buffer, offset, spec.fillBytes / 4);
  for (let i = 0; i < floats.length; i++) floats[i] = ((i * 7) % 23) * 0.125 - 1;
}

function checksum(memory, output, result) {
  let sum = typeof result === 'number' ? result : 0;
  if (output) {
    const floats = new Float32Array(memory.buffer, output.offset, output.floats);
    for (let i = 0; i < floats.length; i++) sum += floats[i];
  }
  return sum;
}

for (const k of spec.kernels) {
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(join(wasmDir, k.wasm))), {});
    const memory = instance.exports.memory;
    const kernel = instance.exports[k.export];
    const args = reps => k.args.map(a => (a === 'reps' ? reps : a));
    fill(memory, k.fillOffset ?? 0);
    const sum = checksum(memory, k.output, kernel(...args(1)));
    // Warm-up: lets tiering engines (JavaScriptCore's BBQ -> OMG) reach their optimising tier.
    for (let i = 0; i < 2; i++) kernel(...args(Math.max(1, Math.floor(k.reps / 10))));
    let best = Infinity;
    for (let i = 0; i < runs; i++) {
      const start = process.cpuUsage();
      kernel(...args(k.reps));
      const used = process.cpuUsage(start);
      best = Math.min(best, (used.user + used.system) / 1000);
    }
    console.log(JSON.stringify({ name: k.name, gflops: (k.flopsPerRep * k.reps) / (best * 1e6), checksum: sum }));
  } catch (e) {
    console.log(JSON.stringify({ name: k.name, error: String(e && e.message || e).split('\n')[0] }));
  }
}
