// Where does a threads build's time go? Runs a phase-profile build (`wasmnn compile --threads N --phase-profile`) on
// V8 through the npm package's worker driver and prints, per worker, the time spent computing chunks, spinning and
// sleeping at the end of phases and waking late after a phase ended, and per phase site the same split (the sites
// that waited most first). With 1 first in --threads, later counts also print their work summed over workers against
// the 1-worker run and the chunks that took over 3x their 1-worker time (a worker descheduled while holding one).
// Every count prints its sites' fastest runs summed (per site the minimum over runs of its longest worker's time in
// it): on a loaded machine the medians move with the load, this sum with the code (two builds compare by it, and with 1
// first in --threads it names the sites furthest from 1/N of their 1-worker time), as long as some runs had the cores:
// when another process holds a core for the whole count, its 2-worker sum is the 1-worker one (seen at load 5).
// `--from FILE` prints the same report for runs recorded on our engine by WasmNN.ModelBench --phases FILE.
//
//   node --no-liftoff phases.mjs --wasm model.profile.wasm --input input.npy [--threads 2,4] [--warmup 3] [--runs 20] [--top 15]
//   node phases.mjs --from engine-phases.json [--top 15]
//
// The profile area (docs/PERFORMANCE.md "Threads, part 4"): per worker a header (entry, exit of wasmnn_run_worker in
// ms), then per site and worker seven f64: work, spin, sleep, late (ms), chunks, entries, hand-off (ms). The host zeroes it before
// each run; this script reads it after each run.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { readInputs, moduleMeta, writeModuleInputs } from './npy.mjs';
import { instantiateThreaded } from '../../js/src/threads.js';

const args = {};
for (let i = 2; i < process.argv.length; i++) args[process.argv[i].slice(2)] = process.argv[++i];
const top = Number(args.top ?? 15);

// The 1-worker profile of the same build, when the counts include 1 and it came first: per site the median time of a
// chunk, and the work of a run. Other counts are read against it: a worker's chunks that took far longer than their
// 1-worker time were descheduled while they held them (docs/PERFORMANCE.md "Threads, part 6").
let oneWorker = null;

if (args.from) {
  for (const line of readFileSync(args.from, 'utf8').split('\n').filter(Boolean)) {
    const recorded = JSON.parse(line);
    report(recorded.model, recorded.engine, recorded.profile, recorded.workers, recorded.runs, recorded.ms);
  }
} else {
  const bytes = readFileSync(args.wasm);
  const meta = moduleMeta(bytes, args.wasm);
  const profile = meta.threads?.profile;
  if (!profile) throw new Error(`${args.wasm}: not a phase-profile build (compile it with --threads N --phase-profile)`);
  const module = new WebAssembly.Module(bytes);
  const inputs = readInputs(args.input);
  for (const count of String(args.threads ?? '2').split(',').map(Number)) {
    const backend = await instantiateThreaded(module, meta, count);
    const area = new Float64Array(backend.exports.memory.buffer, profile.address, profile.bytes / 8);
    const runs = [];
    const ms = [];
    for (let i = 0; i < Number(args.warmup ?? 3) + Number(args.runs ?? 20); i++) {
      writeModuleInputs(backend.exports, meta, inputs);
      area.fill(0);
      const t = performance.now();
      const status = await backend.run();
      if (status !== 0) throw new Error(`run returned ${status}`);
      if (i >= Number(args.warmup ?? 3)) {
        ms.push(performance.now() - t);
        runs.push(Array.from(area));
      }
    }
    backend.dispose();
    report(meta.model, `v8-t${backend.workers}`, profile, backend.workers, runs, ms);
  }
}

/** Prints the per-worker and per-site split of `runs` (one array of the profile area per run). */
function report(model, engine, profile, workers, runs, ms) {
  // The area holds a header per worker the build allows and a record per site and worker.
  const maxWorkers = profile.bytes / (profile.header_bytes + profile.sites.length * profile.record_bytes);
  const headerFloats = profile.header_bytes / 8;
  const recordFloats = profile.record_bytes / 8;
  const record = (run, site, worker) => {
    const at = maxWorkers * headerFloats + (site * maxWorkers + worker) * recordFloats;
    return { work: run[at], spin: run[at + 1], sleep: run[at + 2], late: run[at + 3], chunks: run[at + 4], entries: run[at + 5], handoff: run[at + 6] };
  };
  const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
  const n = runs.length;
  const perWorker = Array.from({ length: workers }, () => ({ total: 0, skew: 0, work: 0, handoff: 0, spin: 0, sleep: 0, wake: 0, arrived: 0, chunks: 0 }));
  const sites = profile.sites.map((s) => ({ ...s, minSpan: Infinity, span: 0, work: 0, wait: 0, handoff: 0, sleep: 0, wake: 0, arrived: 0, entries: 0, byWorker: Array(workers).fill(0) }));
  let stalled = 0;
  let stalledExcess = 0;
  for (const run of runs) {
    const entries = Array.from({ length: workers }, (_, w) => run[w * headerFloats]);
    const first = Math.min(...entries);
    for (let w = 0; w < workers; w++) {
      perWorker[w].total += (run[w * headerFloats + 1] - first) / n;
      perWorker[w].skew += (entries[w] - first) / n;
    }
    sites.forEach((site, s) => {
      let span = 0;
      for (let w = 0; w < workers; w++) {
        const r = record(run, s, w);
        const p = perWorker[w];
        // Late after sleeping is a wake-up; late without a chunk or a sleep is arriving after the phase ended.
        const wake = r.sleep > 0 ? r.late : 0;
        const arrived = r.sleep === 0 && r.chunks === 0 ? r.late : 0;
        p.work += r.work / n; p.handoff += r.handoff / n; p.spin += r.spin / n; p.sleep += r.sleep / n; p.wake += wake / n; p.arrived += arrived / n; p.chunks += r.chunks / n;
        site.work += r.work / n; site.wait += (r.spin + r.sleep) / n; site.handoff += r.handoff / n; site.sleep += r.sleep / n; site.wake += wake / n; site.arrived += arrived / n;
        const expected = oneWorker && workers > 1 ? oneWorker.chunk[s] * r.chunks : 0;
        if (r.chunks > 0 && expected > 0 && r.work > 3 * expected && r.work - expected > 0.05) {
          stalled += 1 / n;
          stalledExcess += (r.work - expected) / n;
        }
        site.byWorker[w] += r.work / n;
        span = Math.max(span, r.work + r.spin + r.sleep);
        if (w === 0) site.entries += r.entries / n;
      }
      site.span += span / n;
      site.minSpan = Math.min(site.minSpan, span);
    });
  }
  const f = (x) => x.toFixed(3).padStart(8);
  const sorted = [...ms].sort((a, b) => a - b);
  console.log(`\n${model} ${engine}: ${n} runs, median ${sorted[sorted.length >> 1].toFixed(2)} ms (host's wall time per run)`);
  console.log(`sites ${sites.length} (${sites.filter((s) => s.serial).length} serial segments), phases per run ${sites.reduce((a, s) => a + s.entries, 0).toFixed(0)}`);
  console.log('worker    total     work  handoff     spin    sleep     wake  arrived    other  start skew  chunks   (ms per run)');
  perWorker.forEach((p, w) => console.log(`${String(w).padStart(6)} ${f(p.total)} ${f(p.work)} ${f(p.handoff)} ${f(p.spin)} ${f(p.sleep)} ${f(p.wake)} ${f(p.arrived)} ${f(p.total - p.skew - p.work - p.handoff - p.spin - p.sleep)} ${f(p.skew)}    ${p.chunks.toFixed(0).padStart(5)}`));
  // Phase sizes: a phase's span is its longest worker's time in it (work + spin + sleep), per entry.
  const buckets = [[0, 0.025], [0.025, 0.1], [0.1, 0.5], [0.5, Infinity]];
  console.log('phase span per entry    phases     span      work     wait    sleep     wake  arrived');
  for (const [lo, hi] of buckets) {
    const inside = sites.filter((s) => s.entries > 0 && s.span / s.entries >= lo && s.span / s.entries < hi);
    const sum = (key) => inside.reduce((a, s) => a + s[key], 0);
    console.log(`${`${lo * 1000}-${hi === Infinity ? '' : hi * 1000} us`.padEnd(22)} ${inside.reduce((a, s) => a + s.entries, 0).toFixed(0).padStart(7)} ${f(sum('span'))} ${f(sum('work'))} ${f(sum('wait'))} ${f(sum('sleep'))} ${f(sum('wake'))} ${f(sum('arrived'))}`);
  }
  const totalWork = perWorker.reduce((a, p) => a + p.work, 0);
  if (workers === 1) {
    oneWorker = { work: totalWork, minSpan: sites.map((s) => s.minSpan), chunk: profile.sites.map((_, s) => median(runs.map((run) => { const r = record(run, s, 0); return r.chunks ? r.work / r.chunks : 0; }))) };
  } else if (oneWorker) {
    console.log(`work summed over workers ${totalWork.toFixed(3)} ms per run (1 worker: ${oneWorker.work.toFixed(3)}, ${((totalWork / oneWorker.work - 1) * 100).toFixed(1)}%); ` +
      `chunks over 3x their 1-worker time: ${stalled.toFixed(1)} worker-phases per run, ${stalledExcess.toFixed(3)} ms beyond it`);
  }
  // The fastest run of each site, summed: what a run takes when every phase meets a quiet moment. A loaded machine
  // slows some runs of every site but rarely all of them, so this sum moves with the code, not with the load; read
  // against the 1-worker run it says which sites do not scale (or, equal to it, that no run had a second core).
  const sumMin = (list) => list.reduce((a, s) => a + s.minSpan, 0);
  if (oneWorker && workers > 1) {
    const base = oneWorker.minSpan.reduce((a, x) => a + x, 0);
    const serialBase = sites.reduce((a, s, i) => a + (s.serial ? oneWorker.minSpan[i] : 0), 0);
    console.log(`sites' fastest runs summed ${sumMin(sites).toFixed(3)} ms (1 worker: ${base.toFixed(3)}, ${(base / sumMin(sites)).toFixed(2)}x); serial segments ${sumMin(sites.filter((s) => s.serial)).toFixed(3)} (1 worker: ${serialBase.toFixed(3)})`);
    const excess = sites.map((s, i) => ({ s, one: oneWorker.minSpan[i], over: s.minSpan - oneWorker.minSpan[i] / workers })).sort((a, b) => b.over - a.over);
    if (top > 0) console.log(`sites furthest from 1/${workers} of their 1-worker time (fastest runs, ms): ` +
      excess.slice(0, Math.min(top, 8)).map((e) => `${e.s.serial ? 'serial ' : ''}${e.s.node} ${e.one.toFixed(3)} -> ${e.s.minSpan.toFixed(3)}`).join(', '));
  } else {
    console.log(`sites' fastest runs summed ${sumMin(sites).toFixed(3)} ms; serial segments ${sumMin(sites.filter((s) => s.serial)).toFixed(3)}`);
  }
  const serial = sites.filter((s) => s.serial);
  console.log(`serial segments: span ${serial.reduce((a, s) => a + s.span, 0).toFixed(3)} ms, others waiting ${serial.reduce((a, s) => a + s.wait, 0).toFixed(3)} ms (sleeping ${serial.reduce((a, s) => a + s.sleep, 0).toFixed(3)})`);
  console.log(`top ${top} sites by wait and hand-off (all workers):`);
  console.log('      span     work     wait  handoff    sleep     wake  arrived  chunks x rep  site');
  for (const s of [...sites].sort((a, b) => b.wait + b.handoff - a.wait - a.handoff).slice(0, top)) {
    console.log(`${f(s.span)} ${f(s.work)} ${f(s.wait)} ${f(s.handoff)} ${f(s.sleep)} ${f(s.wake)} ${f(s.arrived)}  ${String(s.chunks).padStart(6)} x ${String(s.repeat).padEnd(3)} ${s.serial ? 'serial ' : ''}${s.node} [${s.byWorker.map((x) => x.toFixed(3)).join(' ')}]`);
  }
}
