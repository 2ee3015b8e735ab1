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
const versions = lines.find(l => l.versions)?.versions;
if (versions) console.log(`\nnode ${versions.node}, onnxruntime-web ${versions['onnxruntime-web']}`);
