// One worker of a threads build (started by threads.js): instantiates the module over the shared memory it is
// given, then runs wasmnn_run_worker(worker, workers) for every run, started as docs/ABI.md "Starting a run"
// describes: by the generation counter while it watches after a run, by a message once it has parked.
// Web Worker or Node worker_threads.
import { AWAKE, parkedAfter, threadImports } from './threads.js';

const threads = globalThis.process?.versions?.node ? await import('node:worker_threads') : null;
const port = threads?.parentPort ?? globalThis;
const send = (message) => port.postMessage(message);
let runWorker = null;
let share = null;
let control = null; // threads.js: [run generation, one start word per worker]
let watchMs = 0; // how long this worker watches the generation after a run before it parks
let done = 0; // the last generation this worker ran

// Runs the current generation and every later one that starts while it watches; then parks: its start word says
// "parked after `done`", and a generation that started meanwhile is taken back with a CAS unless run() took the
// word first (run() then posts it). The word names the generation, so run() cannot take a parking that belongs to
// a later run than its own.
const serve = () => {
  const word = 1 + share[0];
  for (;;) {
    const generation = Atomics.load(control, 0);
    if (generation !== done) {
      done = generation;
      send({ run: done, status: runWorker(...share) });
      continue;
    }
    // Watch by sleeping on the generation (run() notifies it), not by spinning: a spinning worker took a core from
    // the main thread handling the statuses and from the worker still running the last phase.
    if (watchMs > 0) Atomics.wait(control, 0, done, watchMs);
    if (Atomics.load(control, 0) !== done) continue;
    const parked = parkedAfter(done);
    Atomics.store(control, word, parked);
    if (Atomics.load(control, 0) === done) return;
    if (Atomics.compareExchange(control, word, parked, AWAKE) !== parked) return;
  }
};

const receive = async (message) => {
  try {
    if (message.module) {
      const instance = await WebAssembly.instantiate(message.module, threadImports(message.memory));
      runWorker = instance.exports.wasmnn_run_worker;
      share = [message.worker, message.workers];
      control = message.control;
      watchMs = message.watchMs;
      Atomics.store(control, 1 + share[0], parkedAfter(done));
      send({ ready: true });
    } else if (message.run !== undefined) {
      // run() posts only to a worker parked after the previous generation: anything else is a bug to report, not
      // a message to drop (a dropped one leaves run() waiting for ever).
      if (message.run !== ((done + 1) | 0)) throw new Error(`asked to start run ${message.run} after run ${done}`);
      serve();
    }
  } catch (e) {
    if (control) Atomics.store(control, 1 + share[0], parkedAfter(done)); // parked: the next run() posts to it
    send({ run: done, error: `worker ${share?.[0] ?? '?'}: ${e?.message ?? e}` });
  }
};

if (threads?.parentPort) threads.parentPort.on('message', receive);
else globalThis.onmessage = (event) => receive(event.data);
