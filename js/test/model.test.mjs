// loadModel on a real compiled model (lenet5 from `wasmnn zoo`, built with --variants), against PyTorch's outputs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { chooseVariant, detectFeatures, loadModel } from '../src/index.js';
import { assertClose, fixture, readNpy } from './helpers.mjs';

const manifest = () => fixture('lenet5.variants.json');
const input = () => readNpy(fixture('lenet5.input.npy'));
const expected = () => readNpy(fixture('lenet5.output.npy')); // PyTorch's

describe('loadModel', () => {
  test('loadModel_VariantsManifest_ChoosesBestVariantTheHostValidates', async () => {
    const features = detectFeatures();
    const model = await loadModel(manifest());
    const best = features.has('relaxed-simd') ? 'relaxed-simd' : features.has('simd128') ? 'simd128' : 'scalar';
    assert.equal(model.variant, best);
    // The environment can say what this host must choose (scripts/test-js.sh knows each host).
    if (process.env.WASMNN_EXPECT_VARIANT) assert.equal(model.variant, process.env.WASMNN_EXPECT_VARIANT);
  });

  test('loadModel_EachVariantTheHostSupports_MatchesPyTorch', async () => {
    const features = detectFeatures();
    const names = JSON.parse(readFileSync(manifest(), 'utf8')).variants.filter((v) => v.features.every((f) => features.has(f))).map((v) => v.name);
    assert.ok(names.includes('scalar'));
    const { data } = input();
    for (const name of names) {
      const model = await loadModel(manifest(), { variant: name });
      assert.deepEqual(model.inputs, [{ name: 'input', dtype: 'float32', shape: [1, 1, 28, 28] }]);
      const out = await model.run({ input: data });
      assert.deepEqual(out.output.dims, expected().dims);
      assert.equal(out.output.dtype, 'float32');
      // relaxed_madd may fuse where our engine's SIMD128 build rounds twice: a few ulps.
      assertClose(assert, out.output.data, expected().data, 1e-5, `${name} output`);
      model.dispose();
    }
  });

  test('loadModel_BytesResponseAndFileUrl_LoadTheSameModule', async () => {
    const wasm = fixture('lenet5.wasm');
    const bytes = readFileSync(wasm);
    const sources = [bytes, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), pathToFileURL(wasm),
      new Response(bytes, { headers: { 'content-type': 'application/wasm' } }), new WebAssembly.Module(bytes)];
    const { data } = input();
    for (const source of sources) {
      const model = await loadModel(source);
      assert.equal(model.variant, null);
      const out = await model.run({ input: { data, dims: [1, 1, 28, 28] } });
      assertClose(assert, out.output.data, expected().data, 1e-5, `${source.constructor.name} output`);
    }
  });

  test('run_Twice_ReusesTheInstanceAndCopiesOutputs', async () => {
    const model = await loadModel(fixture('lenet5.wasm'));
    const first = await model.run({ input: input().data });
    const second = await model.run({ input: new Float32Array(784) });
    assert.notDeepEqual(first.output.data, second.output.data);
    assertClose(assert, first.output.data, expected().data, 1e-5, 'first output after a second run');
  });

  test('run_WrongFeeds_RejectsNamingTheInput', async () => {
    const model = await loadModel(fixture('lenet5.wasm'));
    const data = input().data;
    await assert.rejects(model.run({ image: data }), /unknown input 'image'; the model's inputs are input/);
    await assert.rejects(model.run({}), /missing input 'input' \(float32 \[1, 1, 28, 28\]\)/);
    await assert.rejects(model.run({ input: new Int32Array(784) }), /input 'input' .*expected a Float32Array, got a Int32Array/);
    await assert.rejects(model.run({ input: new Float32Array(783) }), /input 'input' .*got 783 elements, expected 784/);
    await assert.rejects(model.run({ input: { data, dims: [1, 28, 28] } }), /input 'input' .*got dims \[1, 28, 28\]; the model was compiled for \[1, 1, 28, 28\]/);
    await assert.rejects(model.run(null), /run takes an object/);
  });

  test('run_AfterDispose_Throws', async () => {
    const model = await loadModel(fixture('lenet5.wasm'));
    model.dispose();
    await assert.rejects(model.run({ input: input().data }), /disposed/);
  });

  test('loadModel_NotAModel_RejectsClearly', async () => {
    await assert.rejects(loadModel(fixture('wasm_ops.wasm')), /not a compiled model: the module has no 'wasmnn.meta' custom section/);
    await assert.rejects(loadModel(new Uint8Array([0, 97, 115, 109, 1, 0, 0])), WebAssembly.CompileError);
    await assert.rejects(loadModel(manifest(), { variant: 'avx512' }), /the manifest has no variant 'avx512'/);
    await assert.rejects(loadModel(readFileSync(manifest())), /given as bytes: pass its URL or path/);
    await assert.rejects(loadModel(fixture('lenet5.wasm'), { threads: 0 }), /threads must be 'auto' or a positive integer/);
  });
});

describe('chooseVariant', () => {
  const variants = {
    format: 1, model: 'm', variants: [
      { name: 'relaxed-simd', file: 'm.relaxed.wasm', features: ['simd128', 'relaxed-simd'] },
      { name: 'simd128', file: 'm.wasm', features: ['simd128'] },
      { name: 'scalar', file: 'm.scalar.wasm', features: [] },
    ],
  };

  test('chooseVariant_ByFeatures_TakesTheFirstThatFits', () => {
    assert.equal(chooseVariant(variants, new Set(['simd128', 'relaxed-simd', 'threads'])).name, 'relaxed-simd');
    assert.equal(chooseVariant(variants, new Set(['simd128'])).name, 'simd128');
    assert.equal(chooseVariant(variants, new Set(['relaxed-simd'])).name, 'scalar');
    assert.equal(chooseVariant(variants, new Set()).name, 'scalar');
  });

  test('chooseVariant_NothingFits_ThrowsNamingTheHostFeatures', () => {
    assert.throws(() => chooseVariant({ format: 1, model: 'm', variants: [variants.variants[0]] }, new Set(['simd128'])), /no variant of m runs here: this host supports \[simd128\]/);
    assert.throws(() => chooseVariant({ variants: [] }, new Set()), /not a wasmnn variants manifest/);
  });
});
