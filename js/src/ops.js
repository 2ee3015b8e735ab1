// The tensor frontend over the kernel library wasm_ops.wasm (`wasmnn kernels -o wasm_ops.wasm`, docs/KERNELS.md):
// tensors live in the library's linear memory, each op is one kernel call (or one per outer index of a broadcast),
// freed blocks are reused. Kernels are bound by the library's own table (the `wasmnn.ops` custom section).
import { dtypeOf, elementCount } from './dtypes.js';
import { compileOrManifest } from './source.js';

const tableSection = 'wasmnn.ops';
const suffix = { float32: 'f32', int32: 'i32', int8: 'i8' };
const align = 16;

/** First-fit free list over linear memory, 16-byte aligned, merging freed neighbours; grows the memory when full. */
class Allocator {
  #memory;
  #free = []; // [{ start, size }] sorted by start
  #used = new Map(); // start -> size
  #top = align; // address 0 means "no buffer" to the kernels

  constructor(memory) {
    this.#memory = memory;
  }

  get allocatedBytes() {
    let total = 0;
    for (const size of this.#used.values()) total += size;
    return total;
  }

  get liveBlocks() {
    return this.#used.size;
  }

  allocate(bytes) {
    const size = Math.max(align, Math.ceil(bytes / align) * align);
    const index = this.#free.findIndex((b) => b.size >= size);
    let start;
    if (index >= 0) {
      const block = this.#free[index];
      start = block.start;
      if (block.size === size) this.#free.splice(index, 1);
      else Object.assign(block, { start: block.start + size, size: block.size - size });
    } else {
      start = this.#top;
      const needed = start + size - this.#memory.buffer.byteLength;
      if (needed > 0) {
        const pages = Math.max(Math.ceil(needed / 65536), Math.ceil(this.#memory.buffer.byteLength / 2 / 65536));
        this.#memory.grow(pages);
      }
      this.#top += size;
    }
    this.#used.set(start, size);
    return start;
  }

  free(start) {
    const size = this.#used.get(start);
    if (size === undefined) return;
    this.#used.delete(start);
    let i = this.#free.findIndex((b) => b.start > start);
    if (i < 0) i = this.#free.length;
    this.#free.splice(i, 0, { start, size });
    // Merge with the following and the preceding block.
    if (i + 1 < this.#free.length && start + size === this.#free[i + 1].start) {
      this.#free[i].size += this.#free[i + 1].size;
      this.#free.splice(i + 1, 1);
    }
    if (i > 0 && this.#free[i - 1].start + this.#free[i - 1].size === start) {
      this.#free[i - 1].size += this.#free[i].size;
      this.#free.splice(i, 1);
    }
  }
}

/** A tensor in the library's memory. `data` copies it out; `dispose()` frees it (else the GC does, eventually). */
export class Tensor {
  #ops;
  #address;

  constructor(ops, address, dtype, dims) {
    this.#ops = ops;
    this.#address = address;
    this.dtype = dtype;
    this.dims = Object.freeze([...dims]);
  }

  get address() {
    if (this.#address === 0) throw new Error('the tensor was disposed');
    return this.#address;
  }

  get size() {
    return elementCount(this.dims);
  }

  /** A copy of the elements as a typed array of the dtype. */
  get data() {
    const info = dtypeOf(this.dtype, 'tensor');
    const bytes = new Uint8Array(this.#ops.memory.buffer, this.address, this.size * info.bytes).slice();
    return new info.array(bytes.buffer, 0, this.size);
  }

  dispose() {
    if (this.#address !== 0) this.#ops._release(this, this.#address);
    this.#address = 0;
  }
}

/** NumPy broadcasting reduced to the binary kernels' 2-D form (as the C# frontend's BroadcastPlan). */
function broadcastPlan(a, b) {
  const rank = Math.max(a.length, b.length);
  const output = new Array(rank);
  const aStrides = new Array(rank);
  const bStrides = new Array(rank);
  let aStride = 1;
  let bStride = 1;
  for (let i = rank - 1; i >= 0; i--) {
    const aDim = a[i - (rank - a.length)] ?? 1;
    const bDim = b[i - (rank - b.length)] ?? 1;
    if (aDim !== bDim && aDim !== 1 && bDim !== 1) throw new RangeError(`shapes [${a}] and [${b}] do not broadcast`);
    output[i] = aDim === 1 ? bDim : aDim;
    aStrides[i] = aDim === 1 ? 0 : aStride;
    bStrides[i] = bDim === 1 ? 0 : bStride;
    aStride *= aDim;
    bStride *= bDim;
  }
  const dims = [];
  const sa = [];
  const sb = [];
  for (let i = 0; i < rank; i++) {
    if (output[i] === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && sa[last] === aStrides[i] * output[i] && sb[last] === bStrides[i] * output[i]) {
      dims[last] *= output[i];
      sa[last] = aStrides[i];
      sb[last] = bStrides[i];
      continue;
    }
    dims.push(output[i]);
    sa.push(aStrides[i]);
    sb.push(bStrides[i]);
  }
  while (dims.length < 2) {
    dims.unshift(1);
    sa.unshift(0);
    sb.unshift(0);
  }
  return { output, dims, sa, sb };
}

/** The kernel library instantiated here, with a tensor API. Create it with `loadOps`. */
export class Ops {
  #kernels = new Map();
  #allocator;
  #registry;

  constructor(instance, table) {
    this.memory = instance.exports.memory;
    /** The library's operator table: `{ name, operation, input, output, parameters, semantics }` per kernel. */
    this.kernels = table.kernels;
    for (const kernel of table.kernels) {
      const fn = instance.exports[kernel.name];
      if (typeof fn !== 'function' || fn.length !== kernel.parameters.length) {
        throw new Error(`the kernel library does not export ${kernel.name} with ${kernel.parameters.length} parameters`);
      }
      this.#kernels.set(kernel.name, { ...kernel, fn });
    }
    this.#allocator = new Allocator(this.memory);
    this.#registry = new FinalizationRegistry((address) => this.#allocator.free(address));
  }

  /** Bytes held by live tensors. */
  get allocatedBytes() {
    return this.#allocator.allocatedBytes;
  }

  /** Live tensors (and scratch blocks during a call). */
  get liveTensors() {
    return this.#allocator.liveBlocks;
  }

  /** A tensor of `dtype` (float32, int32 or int8) holding `data` (a typed array or array) with dimensions `dims`. */
  tensor(data, dims = [data.length], dtype = undefined) {
    dtype ??= Object.keys(suffix).find((d) => data instanceof dtypeOf(d, 'tensor').array) ?? 'float32';
    const info = this.#info(dtype);
    if (!Array.isArray(dims) || dims.some((d) => !Number.isInteger(d) || d < 0)) throw new TypeError('dims must be an array of sizes');
    if (Array.isArray(data)) data = info.array.from(data, info.from);
    if (!(data instanceof info.array)) throw new TypeError(`a ${dtype} tensor takes a ${info.array.name}, got a ${data?.constructor?.name}`);
    if (data.length !== elementCount(dims)) throw new RangeError(`${data.length} elements do not fill dims [${dims}]`);
    const t = this.#empty(dtype, dims);
    new Uint8Array(this.memory.buffer, t.address, data.byteLength).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return t;
  }

  add(a, b) { return this.#binary('add', a, b); }
  sub(a, b) { return this.#binary('sub', a, b); }
  mul(a, b) { return this.#binary('mul', a, b); }
  div(a, b) { return this.#binary('div', a, b); }
  maximum(a, b) { return this.#binary('max', a, b); }
  minimum(a, b) { return this.#binary('min', a, b); }
  relu(x) { return this.#unary('relu', x); }
  neg(x) { return this.#unary('neg', x); }
  abs(x) { return this.#unary('abs', x); }
  sigmoid(x) { return this.#unary('sigmoid', x); }
  tanh(x) { return this.#unary('tanh', x); }

  /** Softmax over the last axis (float32). */
  softmax(x) {
    return this.#withInputs([x], 'float32', ([t]) => {
      if (t.dims.length === 0) throw new RangeError('softmax needs at least one axis');
      const y = this.#empty('float32', t.dims);
      const cols = t.dims.at(-1);
      return this.#call(y, () => this.#kernel('softmax_f32').fn(t.address, y.address, cols === 0 ? 0 : t.size / cols, cols));
    });
  }

  /** `[..., m, k] x [k, n]` (float32, or int8 giving int32), or batched with equal batch dimensions. */
  matmul(a, b) {
    return this.#withInputs([a, b], undefined, ([x, w]) => {
      if (x.dtype !== w.dtype) throw new TypeError(`matmul: ${x.dtype} and ${w.dtype} operands`);
      const name = x.dtype === 'int8' ? 'matmul_i8_i32' : `matmul_${suffix[x.dtype]}`;
      const kernel = this.#kernel(name);
      if (x.dims.length < 1 || w.dims.length < 2) throw new RangeError(`matmul needs a of rank >= 1 and b of rank >= 2, got [${x.dims}] and [${w.dims}]`);
      const k = x.dims.at(-1);
      const m = x.dims.length === 1 ? 1 : x.dims.at(-2);
      const n = w.dims.at(-1);
      if (w.dims.at(-2) !== k) throw new RangeError(`matmul: a has ${k} columns but b has ${w.dims.at(-2)} rows`);
      const inBytes = this.#info(x.dtype).bytes;
      const outBytes = this.#info(kernel.output).bytes;
      const scratch = this.#allocator.allocate(8 * k * inBytes); // the kernel packs 8 columns of b at a time
      try {
        if (w.dims.length === 2) {
          const dims = x.dims.length === 1 ? [n] : [...x.dims.slice(0, -1), n];
          const rows = x.dims.length === 1 ? 1 : elementCount(dims) / Math.max(n, 1);
          const y = this.#empty(kernel.output, dims);
          return this.#call(y, () => kernel.fn(x.address, w.address, y.address, rows, k, n, scratch));
        }
        if (x.dims.length !== w.dims.length || x.dims.slice(0, -2).some((d, i) => d !== w.dims[i])) {
          throw new RangeError(`matmul: batch dimensions differ: [${x.dims}] and [${w.dims}]`);
        }
        const y = this.#empty(kernel.output, [...x.dims.slice(0, -1), n]);
        const batches = elementCount(x.dims.slice(0, -2));
        return this.#call(y, () => {
          for (let i = 0; i < batches; i++) {
            kernel.fn(x.address + i * m * k * inBytes, w.address + i * k * n * inBytes, y.address + i * m * n * outBytes, m, k, n, scratch);
          }
        });
      } finally {
        this.#allocator.free(scratch);
      }
    });
  }

  _release(tensor, address) {
    this.#registry.unregister(tensor);
    this.#allocator.free(address);
  }

  #info(dtype) {
    if (!(dtype in suffix)) throw new TypeError(`the kernel library has no ${dtype} kernels (float32, int32, int8)`);
    return dtypeOf(dtype, 'tensor');
  }

  #kernel(name) {
    const kernel = this.#kernels.get(name);
    if (!kernel) throw new TypeError(`the kernel library has no kernel '${name}'`);
    return kernel;
  }

  #empty(dtype, dims) {
    const address = this.#allocator.allocate(elementCount(dims) * this.#info(dtype).bytes);
    const t = new Tensor(this, address, dtype, dims);
    this.#registry.register(t, address, t);
    return t;
  }

  /** Runs `body` on Tensor operands: typed arrays and `{ data, dims }` are copied in first and freed after. */
  #withInputs(values, dtype, body) {
    const temporaries = [];
    try {
      const tensors = values.map((v) => {
        if (v instanceof Tensor) return v;
        const t = ArrayBuffer.isView(v) ? this.tensor(v, [v.length], dtype) : this.tensor(v.data, v.dims ?? [v.data.length], dtype);
        temporaries.push(t);
        return t;
      });
      return body(tensors);
    } finally {
      for (const t of temporaries) t.dispose();
    }
  }

  /** Calls the kernel(s) writing `y`; frees `y` when they trap (integer division by zero). */
  #call(y, calls) {
    try {
      calls();
      return y;
    } catch (e) {
      y.dispose();
      throw e;
    }
  }

  #binary(operation, a, b) {
    return this.#withInputs([a, b], undefined, ([x, z]) => {
      if (x.dtype !== z.dtype) throw new TypeError(`${operation}: ${x.dtype} and ${z.dtype} operands`);
      const kernel = this.#kernel(`${operation}_${suffix[x.dtype]}`);
      const plan = broadcastPlan(x.dims, z.dims);
      const y = this.#empty(x.dtype, plan.output);
      const bytes = this.#info(x.dtype).bytes;
      const { dims, sa, sb } = plan;
      const outer = dims.length - 2;
      const rows = dims[outer];
      const cols = dims[outer + 1];
      const calls = elementCount(dims.slice(0, outer));
      return this.#call(y, () => {
        // Outer axes beyond the kernel's two: one call per index, stepping the operands' offsets like an odometer.
        const index = new Array(outer).fill(0);
        let ao = 0;
        let bo = 0;
        let yo = 0;
        for (let call = 0; call < calls; call++) {
          kernel.fn(x.address + ao * bytes, z.address + bo * bytes, y.address + yo * bytes, rows, cols, sa[outer], sa[outer + 1], sb[outer], sb[outer + 1]);
          yo += rows * cols;
          for (let axis = outer - 1; axis >= 0; axis--) {
            ao += sa[axis];
            bo += sb[axis];
            if (++index[axis] < dims[axis]) break;
            ao -= sa[axis] * dims[axis];
            bo -= sb[axis] * dims[axis];
            index[axis] = 0;
          }
        }
      });
    });
  }

  #unary(operation, x) {
    return this.#withInputs([x], undefined, ([t]) => {
      const y = this.#empty(t.dtype, t.dims);
      return this.#call(y, () => this.#kernel(`${operation}_${suffix[t.dtype]}`).fn(t.address, y.address, t.size));
    });
  }
}

/** Loads wasm_ops.wasm from a URL, a path (Node, Bun), bytes, a Response or a WebAssembly.Module. */
export async function loadOps(source) {
  const { module } = await compileOrManifest(source);
  if (!module) throw new Error('the kernel library must be a WebAssembly module');
  const [section] = WebAssembly.Module.customSections(module, tableSection);
  if (!section) throw new Error(`not the kernel library: the module has no '${tableSection}' custom section (write it with 'wasmnn kernels -o wasm_ops.wasm')`);
  const table = JSON.parse(new TextDecoder().decode(section));
  const instance = await WebAssembly.instantiate(module, {});
  return new Ops(instance, table);
}
