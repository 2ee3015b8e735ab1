// The run-start protocol of the npm loader's threads build (docs/ABI.md "Starting a run"), hammered: hundreds of
// back-to-back runs on 2-4 workers, with no gap (workers still watching for the next run), gaps around the watch
// window (some start by the watch, some by a message) and gaps past it (every worker parked). A lost run start or
// status is a run that never resolves: each run has a deadline, so the test fails with one line instead of hanging.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadModel } from '../src/index.js';
import { fixtures, readNpy, withDeadline } from './helpers.mjs';

const threaded = join(fixtures, 'lenet5.threads.wasm');
const skip = !existsSync(threaded) && 'no threads build (the CLI has no compile --threads yet)';

/** Busy-waits `ms` on this thread (a timer cannot wait a fraction of a millisecond). */
const pause = (ms) => {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* wait */ }
};

const RUNS = 300;
const RUN_DEADLINE_MS = 10_000;

test('run_HundredsOfRunsAroundTheWatchWindow_EveryRunEndsWithTheOneThreadBuildsBits', { skip }, async () => {
  const { data } = readNpy(join(fixtures, 'lenet5.input.npy'));
  const other = data.map((v) => 1 - v);
  const single = await loadModel(join(fixtures, 'lenet5.wasm'));
  const expected = [(await single.run({ input: data })).output.data, (await single.run({ input: other })).output.data];
  // A fixed sequence of gaps (a linear congruential generator), so a failure names a run that can be replayed.
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (const threads of [2, 3, 4]) {
    const model = await loadModel(threaded, { threads });
    try {
      for (let i = 0; i < RUNS; i++) {
        // A third back to back, a third 0.5-1.5 ms (around the 1 ms watch), a third 1.5-2.5 ms (past it).
        const kind = i % 3;
        const gap = kind === 0 ? 0 : kind === 1 ? 0.5 + random() : 1.5 + random();
        if (gap > 0) pause(gap);
        const what = `${threads} workers, run ${i} of ${RUNS} after a ${gap.toFixed(2)} ms gap`;
        const result = await withDeadline(model.run({ input: i % 2 ? other : data }), RUN_DEADLINE_MS, what);
        assert.deepEqual(result.output.data, expected[i % 2], what);
      }
      // A few runs with the event loop free between them (a timer), as an application would.
      for (let i = 0; i < 6; i++) {
        await new Promise((resolve) => setTimeout(resolve, i % 2 ? 0 : 3));
        const what = `${threads} workers, run ${i} after a timer`;
        assert.deepEqual((await withDeadline(model.run({ input: data }), RUN_DEADLINE_MS, what)).output.data, expected[0], what);
      }
    } finally {
      model.dispose();
    }
  }
});
