// The tensor frontend over wasm_ops.wasm (`wasmnn kernels`), against plain JavaScript written from the kernels'
// semantics (docs/KERNELS.md). tests/WasmNN.Kernels.Tests/JsFrontendTests compares it with the C# frontend.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadOps, Tensor } from '../src/index.js';
import { assertClose, fixture } from './helpers.mjs';

const random = (seed) => () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const floats = (n, next) => Float32Array.from({ length: n }, () => next() * 4 - 2);

const matmulReference = (a, b, m, k, n) => {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let sum = 0;
    for (let p = 0; p < k; p++) sum += a[i * k + p] * b[p * n + j];
    c[i * n + j] = sum;
  }
  return c;
};

describe('ops', () => {
  test('loadOps_KernelLibrary_BindsEveryKernelOfItsTable', async () => {
    const ops = await loadOps(fixture('wasm_ops.wasm'));
    const names = ops.kernels.map((k) => k.name);
    for (const name of ['add_f32', 'add_i8', 'relu_f32', 'matmul_f32', 'matmul_i8_i32', 'conv2d_f32', 'softmax_f32']) assert.ok(names.includes(name), name);
    assert.deepEqual(ops.kernels.find((k) => k.name === 'matmul_f32').parameters, ['a', 'b', 'c', 'm', 'k', 'n', 'scratch']);
  });

  test('add_BroadcastRowColumnAndScalar_MatchesElementwiseReference', async () => {
    const ops = await loadOps(fixture('wasm_ops.wasm'));
    const next = random(7);
    const a = floats(3 * 5 * 7, next);
    for (const dims of [[3, 5, 7], [7], [5, 1], [1], [3, 1, 7]]) {
      const b = floats(dims.reduce((x, y) => x * y, 1), next);
      const y = ops.add({ data: a, dims: [3, 5, 7] }, { data: b, dims });
      assert.deepEqual([...y.dims], [3, 5, 7]);
      const expected = new Float32Array(a.length);
      for (let i = 0; i < 3; i++) for (let j = 0; j < 5; j++) for (let l = 0; l < 7; l++) {
        // NumPy broadcasting: b's dims align right; a size-1 dim repeats its one element.
        const padded = [1, 1, 1].slice(dims.length).concat(dims);
        const [bi, bj, bl] = [i, j, l].map((v, axis) => (padded[axis] === 1 ? 0 : v));
        const bIndex = (bi * padded[1] + bj) * padded[2] + bl;
        expected[(i * 5 + j) * 7 + l] = a[(i * 5 + j) * 7 + l] + b[bIndex];
      }
      assert.deepEqual(y.data, expected, `dims [${dims}]`);
      y.dispose();
    }
    assert.throws(() => ops.add({ data: a, dims: [3, 5, 7] }, { data: new Float32Array(4), dims: [4] }), /shapes \[3,5,7\] and \[4\] do not broadcast/);
  });

  test('matmul_OddSizesFloat32_MatchesFloat64Reference', async () => {
    const ops = await loadOps(fixture('wasm_ops.wasm'));
    const next = random(11);
    for (const [m, k, n] of [[1, 1, 1], [5, 13, 9], [17, 33, 23], [4, 64, 8]]) {
      const a = floats(m * k, next);
      const b = floats(k * n, next);
      const c = ops.matmul({ data: a, dims: [m, k] }, { data: b, dims: [k, n] });
      assert.deepEqual([...c.dims], [m, n]);
      assertClose(assert, c.data, matmulReference(a, b, m, k, n), 1e-5, `matmul ${m}x${k}x${n}`);
      c.dispose();
    }
    assert.throws(() => ops.matmul({ data: new Float32Array(6), dims: [2, 3] }, { data: new Float32Array(8), dims: [4, 2] }), /a has 3 columns but b has 4 rows/);
  });

  test('matmul_Int8_AccumulatesExactInt32', async () => {
    const ops = await loadOps(fixture('wasm_ops.wasm'));
    const next = random(5);
    const [m, k, n] = [3, 70, 11];
    const a = Int8Array.from({ length: m * k }, () => Math.floor(next() * 256) - 128);
    const b = Int8Array.from({ length: k * n }, () => Math.floor(next() * 256) - 128);
    const c = ops.matmul({ data: a, dims: [m, k] }, { data: b, dims: [k, n] });
    assert.equal(c.dtype, 'int32');
    assert.deepEqual(c.data, Int32Array.from(matmulReference(a, b, m, k, n)));
  });

  test('relu_MlpLayer_MatchesReferenceAndKeepsTensorsInMemory', async () => {
    const ops = await loadOps(fixture('wasm_ops.wasm'));
    const next = random(3);
    const x = ops.tensor(floats(2 * 6, next), [2, 6]);
    const w = ops.tensor(floats(6 * 4, next), [6, 4]);
    const bias = ops.tensor(floats(4, next), [4]);
    const h = ops.matmul(x, w);
    const z = ops.add(h, bias);
    const y = ops.relu(z);
    assert.ok(y instanceof Tensor);
    const reference = matmulReference(x.data, w.data, 2, 6, 4).map((v, i) => Math.max(0, Math.fround(v) + bias.data[i % 4]));
    assertClose(assert, y.data, reference, 1e-5, 'relu(x w + b)');
    assert.ok(y.data.every((v) => v >= 0));
  });

  test('dispose_FreedBlocks_AreReusedAndNothingLeaks', async () => {
    const ops = await loadOps(fixture('wasm_ops.wasm'));
    const before = ops.allocatedBytes;
    const a = ops.tensor(new Float32Array(1000).fill(1), [1000]);
    const address = a.address;
    const b = ops.relu(a);
    a.dispose();
    b.dispose();
    assert.equal(ops.allocatedBytes, before);
    assert.equal(ops.liveTensors, 0);
    const c = ops.tensor(new Float32Array(1000).fill(2), [1000]);
    assert.equal(c.address, address);
    // Typed arrays in: copied in for the call and freed after, the result alone stays.
    const d = ops.add(new Float32Array([1, 2, 3]), new Float32Array([10, 20, 30]));
    assert.deepEqual(d.data, new Float32Array([11, 22, 33]));
    assert.equal(ops.liveTensors, 2);
    assert.throws(() => a.address, /disposed/);
  });

  test('div_Int32ByZero_TrapsAndFreesTheOutput', async () => {
    const ops = await loadOps(fixture('wasm_ops.wasm'));
    assert.throws(() => ops.div(new Int32Array([1, 2]), new Int32Array([1, 0])), WebAssembly.RuntimeError);
    assert.equal(ops.liveTensors, 0);
  });

  test('tensor_LargerThanMemory_GrowsIt', async () => {
    const ops = await loadOps(fixture('wasm_ops.wasm'));
    const pages = ops.memory.buffer.byteLength / 65536;
    const big = ops.tensor(new Float32Array(300_000).fill(-1), [300_000]);
    assert.ok(ops.memory.buffer.byteLength / 65536 > pages);
    const y = ops.relu(big);
    assert.ok(y.data.every((v) => v === 0));
  });
});
