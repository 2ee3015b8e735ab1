// A `--threads` build (docs/ABI.md) through loadModel: the workers share one memory and give the one-thread build's
// bits. scripts/test-js.sh makes the fixture when the CLI has `compile --threads`; until then these are skipped.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadModel } from '../src/index.js';
import { assertClose, fixtures, readNpy, withDeadline } from './helpers.mjs';

/** A threads run that has not ended by then lost a run start or a status (threads.js): fail, do not hang. */
const RUN_DEADLINE_MS = 10_000;

const threaded = join(fixtures, 'lenet5.threads.wasm');
const skip = !existsSync(threaded) && 'no threads build (the CLI has no compile --threads yet)';

test('run_ThreadsBuildOnSeveralWorkers_GivesTheOneThreadBuildsBitsAndPyTorchsValues', { skip }, async () => {
  const { data } = readNpy(join(fixtures, 'lenet5.input.npy'));
  const single = await loadModel(join(fixtures, 'lenet5.wasm'));
  const reference = (await single.run({ input: data })).output.data;
  assertClose(assert, reference, readNpy(join(fixtures, 'lenet5.output.npy')).data, 1e-5, 'one-thread build');
  for (const threads of [1, 2, 3]) {
    const model = await loadModel(threaded, { threads });
    assert.equal(model.threads, threads);
    // Two calls at once: they take turns on the shared buffers.
    const [a, b] = await withDeadline(Promise.all([model.run({ input: data }), model.run({ input: new Float32Array(784) })]), RUN_DEADLINE_MS, `${threads} workers, two runs at once`);
    assert.deepEqual(a.output.data, reference, `${threads} workers`);
    assert.notDeepEqual(b.output.data, reference);
    if (threads > 1) assert.throws(() => model.runSync({ input: data }), /runs on \d workers: use run\(\)/);
    await assert.rejects(model.run({ input: new Float32Array(3) }), /got 3 elements, expected 784/);
    model.dispose();
    await assert.rejects(model.run({ input: data }), /disposed/);
  }
  const meta = JSON.parse(new TextDecoder().decode(WebAssembly.Module.customSections(new WebAssembly.Module(readFileSync(threaded)), 'wasmnn.meta')[0]));
  const many = await loadModel(threaded, { threads: 64 });
  assert.equal(many.threads, meta.threads.max_workers);
  many.dispose();
});

const profiled = join(fixtures, 'lenet5.profile.wasm');
test('run_PhaseProfileBuild_GetsOneClockForEveryWorkerAndKeepsTheBits', { skip: !existsSync(profiled) && 'no phase-profile build' }, async () => {
  // `compile --threads 4 --phase-profile` imports env.wasmnn_now; the loader gives every worker the same clock.
  const { data } = readNpy(join(fixtures, 'lenet5.input.npy'));
  const reference = (await (await loadModel(threaded, { threads: 1 })).run({ input: data })).output.data;
  const model = await loadModel(profiled, { threads: 2 });
  assert.deepEqual((await withDeadline(model.run({ input: data }), RUN_DEADLINE_MS, 'phase-profile build, 2 workers')).output.data, reference);
  model.dispose();
  assert.ok(model.metadata.threads.profile.sites.length > 0);
  assert.ok(WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(profiled))).some((i) => i.name === 'wasmnn_now'));
});

test('run_BackToBackAndAfterWorkersParked_EveryRunGivesTheOneThreadBuildsBits', { skip }, async () => {
  // Workers watch for the next run for 1 ms, then park in their event loop (threads.js): runs in quick succession
  // start through the first path, runs 20 ms apart through the second; alternating inputs catch a missed or doubled run.
  const { data } = readNpy(join(fixtures, 'lenet5.input.npy'));
  const other = data.map((v) => 1 - v);
  const single = await loadModel(join(fixtures, 'lenet5.wasm'));
  const expected = [(await single.run({ input: data })).output.data, (await single.run({ input: other })).output.data];
  const model = await loadModel(threaded, { threads: 3 });
  for (let i = 0; i < 12; i++) {
    if (i % 4 === 3) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual((await withDeadline(model.run({ input: i % 2 ? other : data }), RUN_DEADLINE_MS, `run ${i}`)).output.data, expected[i % 2], `run ${i}`);
  }
  model.dispose();
});
