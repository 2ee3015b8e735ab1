// loadModel on a `--weights external` build (lenet5.external.wasm + lenet5.external.weights): the same outputs as the
// embedded SIMD128 build, bit for bit, whichever way the weights arrive; a wrong or damaged file is refused.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { loadModel } from '../src/index.js';
import { fixture, readNpy } from './helpers.mjs';

const input = () => readNpy(fixture('lenet5.input.npy')).data;
const run = async (source, options) => (await loadModel(source, options)).runSync({ input: input() }).output.data;

describe('external weights', () => {
  test('loadModel_ExternalWeightsBesideTheModule_MatchesTheEmbeddedBuild', async () => {
    const embedded = await run(fixture('lenet5.wasm'));
    assert.deepEqual(await run(fixture('lenet5.external.wasm')), embedded);
  });

  test('loadModel_WeightsAsBytesOrResponse_MatchesTheEmbeddedBuild', async () => {
    const embedded = await run(fixture('lenet5.wasm'));
    const weights = readFileSync(fixture('lenet5.external.weights'));
    const module = readFileSync(fixture('lenet5.external.wasm'));
    assert.deepEqual(await run(module, { weights }), embedded);
    assert.deepEqual(await run(module, { weights: new Response(weights) }), embedded);
  });

  test('loadModel_ModuleAsBytesWithoutWeights_SaysWhereTheyAre', async () => {
    await assert.rejects(loadModel(readFileSync(fixture('lenet5.external.wasm'))), /weights are in 'lenet5\.external\.weights'/);
  });

  test('loadModel_FlippedPayloadByte_RejectedAsCorrupt', async () => {
    const weights = new Uint8Array(readFileSync(fixture('lenet5.external.weights')));
    weights[65536 + 123] ^= 1;
    await assert.rejects(loadModel(fixture('lenet5.external.wasm'), { weights }), /corrupt/);
  });

  test('loadModel_NotAWeightsFile_Rejected', async () => {
    await assert.rejects(loadModel(fixture('lenet5.external.wasm'), { weights: readFileSync(fixture('lenet5.wasm')) }), /not a wasmnn weights file/);
  });
});
