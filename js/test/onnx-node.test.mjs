// Compiled ONNX node tests (scripts/test-js.sh compiles their model.onnx) run through loadModel with the ONNX test
// data's own inputs and expected outputs: one model per ABI dtype the loader must read and write.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadModel } from '../src/index.js';
import { assertClose, fixture, fixtures, readTensorProto } from './helpers.mjs';

// Kept in step with the list in scripts/test-js.sh, which compiles them.
const cases = ['test_add', 'test_add_uint8', 'test_and2d', 'test_argmax_default_axis_example', 'test_cast_FLOAT_to_DOUBLE',
  'test_clip_default_int8_inbounds', 'test_equal', 'test_gather_0', 'test_not_2d', 'test_where_example'];
// Outputs of run-time length (wasmnn_output_dims): test-js.sh compiles these when the compiler supports them; skipped
// until then.
const runtimeLengthCases = ['test_nonzero_example', 'test_compress_0'];
const onnxData = process.env.WASMNN_ONNX_NODE_TESTS ?? '/usr/share/libonnx-testdata/data/node';

for (const name of [...cases, ...runtimeLengthCases]) {
  const skip = runtimeLengthCases.includes(name) && !existsSync(join(fixtures, 'node', `${name}.wasm`)) && 'the compiler cannot build it yet';
  test(`run_OnnxNodeTest_${name}_MatchesOnnxTestData`, { skip }, async () => {
    const model = await loadModel(fixture('node', `${name}.wasm`));
    const dataSet = join(onnxData, name, 'test_data_set_0');
    const files = readdirSync(dataSet);
    const feeds = {};
    model.inputs.forEach((info, i) => {
      const t = readTensorProto(join(dataSet, `input_${i}.pb`));
      assert.equal(t.dtype, info.dtype, `input ${info.name}`);
      feeds[info.name] = { data: t.data, dims: t.dims };
    });
    const out = await model.run(feeds);
    model.outputs.forEach((info, i) => {
      assert.ok(files.includes(`output_${i}.pb`));
      const t = readTensorProto(join(dataSet, `output_${i}.pb`));
      const actual = out[info.name];
      assert.equal(actual.dtype, t.dtype);
      assert.deepEqual(actual.dims, t.dims);
      assertClose(assert, actual.data, t.data, 1e-6, `${name} ${info.name}`);
    });
  });
}
