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

/** Resolves with the next message of `worker` (or rejects with its error). */
const reply = (worker) => new Promise((resolve, reject) => {
  worker.next = { resolve, reject };
});

/**
 * Instantiates a threads build: `{ exports, run(), workers, dispose() }`. `run()` starts every worker at once and
 * resolves with worker 0's status once all have returned.
 */
export async function instantiateThreaded(module, meta, threads) {
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
  for (const w of workers) {
    w.listen((message) => {
      const pending = w.next;
      w.next = null;
      if (message.error) pending?.reject(new Error(message.error));
      else pending?.resolve(message);
    });
    w.fail((error) => w.next?.reject(error));
  }
  try {
    await Promise.all(workers.map((w, i) => {
      const ready = reply(w);
      w.post({ module, memory, worker: i, workers: count });
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
      const statuses = await Promise.all(workers.map((w) => {
        const done = reply(w);
        w.post({ run: true });
        return done;
      }));
      return statuses.find((s) => s.status !== 0)?.status ?? 0;
    },
    dispose() {
      for (const w of workers) w.terminate();
    },
  };
}
