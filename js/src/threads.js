// The host side of a threads build (docs/ABI.md "--threads N"): one shared memory from the metadata, an instance on
// this thread for the buffer pointers (its start function copies the weights in), and N workers that each
// instantiate the module over the same memory and run wasmnn_run_worker(i, N) together. Every worker is a thread
// of its own (a Web Worker, or worker_threads in Node and Bun): a browser's main thread may not block in the barrier.
const isNodeLike = !!globalThis.process?.versions?.node; // Node and Bun
const nodeThreads = isNodeLike ? await import('node:worker_threads') : null;
const nodeCores = isNodeLike ? (await import('node:os')).availableParallelism?.() : undefined;

/**
 * The imports of a threads build: the shared memory, and the clock a phase-profile build (`compile --phase-profile`,
 * benchmarks only) imports: milliseconds on one time line for every thread.
 */
export const threadImports = (memory) => ({ env: { memory, wasmnn_now: clock } });

// Node's and Bun's hrtime is one monotonic clock for every thread; a worker's timeOrigin may be off by milliseconds.
const hrtime = globalThis.process?.hrtime?.bigint;
const clock = hrtime ? () => Number(hrtime()) / 1e6 : () => performance.timeOrigin + performance.now();

/** How many workers `threads` ('auto': the host's cores, or a count) means for a build with `maxWorkers`. */
export function workerCount(threads, maxWorkers) {
  const cores = nodeCores ?? globalThis.navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(threads === 'auto' ? cores : threads, maxWorkers));
}

function startWorker(url) {
  if (nodeThreads) {
    const worker = new nodeThreads.Worker(url);
    worker.unref(); // an idle model does not keep the process alive
    return {
      post: (m) => worker.postMessage(m),
      listen: (f) => worker.on('message', f),
      fail: (f) => worker.on('error', f),
      terminate: () => worker.terminate(),
    };
  }
  const worker = new Worker(url, { type: 'module' });
  return {
    post: (m) => worker.postMessage(m),
    listen: (f) => worker.addEventListener('message', (e) => f(e.data)),
    fail: (f) => worker.addEventListener('error', (e) => f(e.error ?? new Error(e.message))),
    terminate: () => worker.terminate(),
  };
}

/**
 * The run start (docs/ABI.md "Starting a run"): a start word per worker is AWAKE, or "parked after generation d"
 * (odd, so never AWAKE, and different for every generation modulo 2^31).
 */
export const AWAKE = 0;
export const parkedAfter = (generation) => (generation << 1) | 1;

/** How long a worker that finished a run watches for the next before it parks in its event loop (ms). */
const WATCH_MS = 1;

/**
 * Resolves with `worker`'s reply to `expected` (its `ready`, or the status of run `expected.run`), or rejects with
 * its error; a reply to anything else rejects too (a protocol bug must fail the run, not hang it).
 */
const reply = (worker, expected) => new Promise((resolve, reject) => {
  worker.next = { expected, resolve, reject };
});

/**
 * Instantiates a threads build: `{ exports, run(), workers, dispose() }`. `run()` starts every worker at once and
 * resolves with the first non-zero status (0 when every worker succeeded) once all have returned. `watchMs`
 * (benchmarks only): how long a worker watches for the next run before parking; 0 starts every run by a message.
 */
export async function instantiateThreaded(module, meta, threads, watchMs = WATCH_MS) {
  if (typeof SharedArrayBuffer !== 'function') {
    throw new Error(`${meta.model} is a threads build: this host has no SharedArrayBuffer (a page must be cross-origin isolated: COOP/COEP headers, docs/WEB.md)`);
  }
  const pages = meta.threads.memory_pages;
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  // First instance, on this thread: its start function copies the weights in (later ones find them there).
  const instance = await WebAssembly.instantiate(module, threadImports(memory));
  const count = workerCount(threads, meta.threads.max_workers);
  if (count === 1) {
    // Worker 0 of 1 never waits at a barrier: this thread runs it, even a browser's main thread.
    return { exports: instance.exports, workers: 1, run: () => instance.exports.wasmnn_run(), dispose: () => {} };
  }
  const url = new URL('./thread-worker.js', import.meta.url);
  const workers = Array.from({ length: count }, () => startWorker(url));
  // [run generation, one start word per worker] (thread-worker.js).
  const control = new Int32Array(new SharedArrayBuffer(4 * (1 + count)));
  workers.forEach((w, i) => {
    w.listen((message) => {
      const pending = w.next;
      w.next = null;
      if (!pending) return; // none: every message answers the one request run() or instantiation made
      if (message.error) pending.reject(new Error(message.error));
      else if (pending.expected.ready ? message.ready : message.run === pending.expected.run) pending.resolve(message);
      else pending.reject(new Error(`${meta.model}: worker ${i} replied ${JSON.stringify(message)} to ${JSON.stringify(pending.expected)}`));
    });
    w.fail((error) => w.next?.reject(error));
  });
  try {
    await Promise.all(workers.map((w, i) => {
      const ready = reply(w, { ready: true });
      w.post({ module, memory, worker: i, workers: count, control, watchMs });
      return ready;
    }));
  } catch (e) {
    for (const w of workers) w.terminate();
    throw e;
  }
  return {
    exports: instance.exports,
    workers: count,
    async run() {
      // Every worker ran the previous generation (its status came back), so each is watching, or parked after it.
      const previous = Atomics.load(control, 0);
      const generation = (previous + 1) | 0;
      const statuses = workers.map((w) => reply(w, { run: generation }));
      Atomics.store(control, 0, generation);
      if (watchMs > 0) Atomics.notify(control, 0);
      workers.forEach((w, i) => {
        if (Atomics.compareExchange(control, 1 + i, parkedAfter(previous), AWAKE) === parkedAfter(previous)) w.post({ run: generation });
      });
      return (await Promise.all(statuses)).find((s) => s.status !== 0)?.status ?? 0;
    },
    dispose() {
      for (const w of workers) w.terminate();
    },
  };
}
