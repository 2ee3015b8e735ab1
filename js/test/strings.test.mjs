// String tensors through loadModel (docs/ABI.md, "String tensors"): ONNX's StringNormalizer node test compiled by
// scripts/test-js.sh with a 48-byte input capacity, fed and checked with the ONNX test data's own strings.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadModel } from '../src/index.js';
import { fixture, readTensorProto } from './helpers.mjs';

const name = 'test_strnormalizer_export_monday_insensintive_upper_twodim';
const onnxData = process.env.WASMNN_ONNX_NODE_TESTS ?? '/usr/share/libonnx-testdata/data/node';

test('run_StringNormalizer_MatchesOnnxTestData', async () => {
  const model = await loadModel(fixture('node', `${name}.wasm`));
  const x = readTensorProto(join(onnxData, name, 'test_data_set_0', 'input_0.pb'));
  const y = readTensorProto(join(onnxData, name, 'test_data_set_0', 'output_0.pb'));

  const out = await model.run({ x: { data: x.data, dims: x.dims } });

  assert.equal(model.inputs[0].dtype, 'string');
  assert.equal(model.inputs[0].stringBytes, 48);
  assert.equal(out.y.dtype, 'string');
  assert.deepEqual(out.y.dims, y.dims);
  assert.deepEqual(out.y.data, y.data);
});

test('run_StringsPastTheCapacity_RejectsNamingTheInputAndElement', async () => {
  const model = await loadModel(fixture('node', `${name}.wasm`));
  const long = ['Monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday and sunday too'];

  assert.throws(() => model.runSync({ x: long }), /input 'x'.*48 UTF-8 bytes.*element 5/);
});

test('run_LoneSurrogate_RejectsNamingTheElement', async () => {
  const model = await loadModel(fixture('node', `${name}.wasm`));

  assert.throws(() => model.runSync({ x: ['a', 'b', 'c', '\uD800', 'e', 'f'] }), /element 3/);
});
