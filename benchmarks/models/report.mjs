// Aggregates the JSON lines written by bench.mjs and WasmNN.ModelBench into one Markdown table: the median of all
// samples of each engine on each model (over every round), and the ratios ORT-web / ours (> 1: we are faster).
//   node report.mjs results.jsonl
import { readFileSync } from 'node:fs';

const lines = readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l));
const models = [...new Set(lines.map(l => l.model))];
const samples = (model, engine) => lines.filter(l => l.model === model && l.engine === engine).flatMap(l => l.ms);
const median = xs => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = x => Number.isNaN(x) ? 'n/a' : x < 1 ? x.toFixed(3) : x < 100 ? x.toFixed(1) : x.toFixed(0);
const ratio = (a, b) => Number.isNaN(a) || Number.isNaN(b) ? 'n/a' : `${(a / b).toFixed(2)}x`;

console.log('| model | ORT-web wasm (ms) | ours on V8 (ms) | ORT-web / ours-V8 | ours on WasmNN engine (ms) | ORT-web / ours-WasmNN | max rel diff vs ORT-web | samples |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const model of models) {
  const ort = samples(model, 'ort-web'), v8 = samples(model, 'ours-v8'), wn = samples(model, 'wasmnn');
  const check = lines.findLast(l => l.model === model && l.engine === 'check')?.checks?.['ours vs ort-web'];
  const [o, v, w] = [median(ort), median(v8), median(wn)];
  console.log(`| ${model} | ${ms(o)} | ${ms(v)} | ${ratio(o, v)} | ${ms(w)} | ${ratio(o, w)} | ${check ? check.rel.toExponential(1) : 'n/a'} | ${ort.length}/${v8.length}/${wn.length} |`);
}

// The thread dimension (run.sh with THREADS): our default build vs the threads build on N workers, on V8 (the npm
// package's worker_threads driver) and on our engine, beside ORT-web with numThreads = 1 and 2. "speed-up" is the
// default build's median over the 2-worker median; "/ ORT-web 2" is our 2-worker median over ORT-web's with 2.
const counts = [...new Set(lines.map(l => /^(?:ours-v8|wasmnn)-t(\d+)$/.exec(l.engine)?.[1]).filter(Boolean).map(Number))].sort((a, b) => a - b);
if (counts.length > 0) {
  const cols = (prefix) => counts.map(n => `${prefix} ${n}`);
  console.log(`\n| model | ORT-web 1 | ORT-web 2 | V8 default | ${cols('V8 workers').join(' | ')} | V8 speed-up 2 | V8 2 / ORT-web 2 | engine default | ${cols('engine workers').join(' | ')} | engine speed-up 2 |`);
  console.log(`|---|${'---:|'.repeat(8 + 2 * counts.length)}`);
  for (const model of models) {
    const m = (engine) => median(samples(model, engine));
    const v8 = counts.map(n => m(`ours-v8-t${n}`)), wn = counts.map(n => m(`wasmnn-t${n}`));
    const two = counts.indexOf(2);
    const [v8Two, wnTwo] = two < 0 ? [NaN, NaN] : [v8[two], wn[two]];
    console.log(`| ${model} | ${ms(m('ort-web'))} | ${ms(m('ort-web-t2'))} | ${ms(m('ours-v8'))} | ${v8.map(ms).join(' | ')} | ${ratio(m('ours-v8'), v8Two)} | ${ratio(v8Two, m('ort-web-t2'))} | ${ms(m('wasmnn'))} | ${wn.map(ms).join(' | ')} | ${ratio(m('wasmnn'), wnTwo)} |`);
  }
}
// The int8 dimension (run.sh with INT8): our build of the model quantized by `wasmnn quantize` vs our float32 build
// (float / int8 > 1: int8 is faster; issue #12 asks for 2x on V8 and on our engine), and vs ORT-web on the same
// quantized model (ORT-web int8 / ours int8 > 1: we are faster).
const int8Models = models.filter(model => samples(model, 'ours-v8-int8').length > 0 || samples(model, 'wasmnn-int8').length > 0);
if (int8Models.length > 0) {
  console.log('\n| model | ORT-web float | ORT-web int8 | V8 float | V8 int8 | V8 float / int8 | ORT-web int8 / V8 int8 | engine float | engine int8 | engine float / int8 | ORT-web int8 / engine int8 | max rel diff int8 vs ORT-web int8 |');
  console.log(`|---|${'---:|'.repeat(11)}`);
  for (const model of int8Models) {
    const m = (engine) => median(samples(model, engine));
    const check = lines.findLast(l => l.model === model && l.engine === 'check')?.checks?.['ours-int8 vs ort-web-int8'];
    console.log(`| ${model} | ${ms(m('ort-web'))} | ${ms(m('ort-web-int8'))} | ${ms(m('ours-v8'))} | ${ms(m('ours-v8-int8'))} | ${ratio(m('ours-v8'), m('ours-v8-int8'))} | ${ratio(m('ort-web-int8'), m('ours-v8-int8'))} | ${ms(m('wasmnn'))} | ${ms(m('wasmnn-int8'))} | ${ratio(m('wasmnn'), m('wasmnn-int8'))} | ${ratio(m('ort-web-int8'), m('wasmnn-int8'))} | ${check ? check.rel.toExponential(1) : 'n/a'} |`);
  }
}
const versions = lines.find(l => l.versions)?.versions;
if (versions) console.log(`\nnode ${versions.node}, onnxruntime-web ${versions['onnxruntime-web']}`);
