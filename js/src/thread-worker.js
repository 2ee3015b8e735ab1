// One worker of a threads build (started by threads.js): instantiates the module over the shared memory it is
// given, then runs wasmnn_run_worker(worker, workers) each time it is asked. Web Worker or Node worker_threads.
import { threadImports } from './threads.js';

const threads = globalThis.process?.versions?.node ? await import('node:worker_threads') : null;
const port = threads?.parentPort ?? globalThis;
const send = (message) => port.postMessage(message);
let runWorker = null;
let share = null;

const receive = async (message) => {
  try {
    if (message.module) {
      const instance = await WebAssembly.instantiate(message.module, threadImports(message.memory));
      runWorker = instance.exports.wasmnn_run_worker;
      share = [message.worker, message.workers];
      send({ ready: true });
    } else if (message.run) {
      send({ status: runWorker(...share) });
    }
  } catch (e) {
    send({ error: `worker ${share?.[0] ?? '?'}: ${e?.message ?? e}` });
  }
};

if (threads?.parentPort) threads.parentPort.on('message', receive);
else globalThis.onmessage = (event) => receive(event.data);
