// One worker of a threads build (started by threads.js): instantiates the module over the shared memory it is
// given, then runs wasmnn_run_worker(worker, workers) each time it is asked. Web Worker or Node worker_threads.
import { threadImports } from './threads.js';

const threads = globalThis.process?.versions?.node ? await import('node:worker_threads') : null;
const port = threads?.parentPort ?? globalThis;
const send = (message) => port.postMessage(message);
let runWorker = null;
let share = null;
let control = null; // threads.js: [run generation, parked flag per worker]
let done = 0; // the last generation this worker ran

/** How long a worker that finished a run watches for the next before it parks in its event loop (ms). */
const SPIN_MS = 1;

// Runs every generation up to the current one as it appears, spinning SPIN_MS after each; then parks (flag set,
// generation checked again so a run started meanwhile is not missed: whoever clears the flag starts it).
const serve = () => {
  const index = 1 + share[0];
  for (;;) {
    if (Atomics.load(control, 0) > done) {
      done = Atomics.load(control, 0);
      send({ status: runWorker(...share) });
      continue;
    }
    const until = performance.now() + SPIN_MS;
    while (Atomics.load(control, 0) === done && performance.now() < until) { /* spin */ }
    if (Atomics.load(control, 0) > done) continue;
    Atomics.store(control, index, 1);
    if (Atomics.load(control, 0) === done || Atomics.compareExchange(control, index, 1, 0) !== 1) return;
  }
};

const receive = async (message) => {
  try {
    if (message.module) {
      const instance = await WebAssembly.instantiate(message.module, threadImports(message.memory));
      runWorker = instance.exports.wasmnn_run_worker;
      share = [message.worker, message.workers];
      control = message.control;
      Atomics.store(control, 1 + share[0], 1);
      send({ ready: true });
    } else if (message.run > done) {
      serve();
    }
  } catch (e) {
    if (control) Atomics.store(control, 1 + share[0], 1); // parked again: the next run() posts to it
    send({ error: `worker ${share?.[0] ?? '?'}: ${e?.message ?? e}` });
  }
};

if (threads?.parentPort) threads.parentPort.on('message', receive);
else globalThis.onmessage = (event) => receive(event.data);
