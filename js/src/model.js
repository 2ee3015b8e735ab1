// A compiled model (docs/ABI.md) behind a promise-based API: named, typed, shape-checked inputs in, typed outputs out.
import { dtypeOf, elementCount } from './dtypes.js';
import { instantiateThreaded } from './threads.js';
import { compileVariant } from './variants.js';
import { decodeStrings, encodeStrings } from './strings.js';
import { loadWeights } from './weights.js';

const metadataSection = 'wasmnn.meta';

/** The `wasmnn.meta` JSON of a compiled module. */
export function readMetadata(module) {
  const [section] = WebAssembly.Module.customSections(module, metadataSection);
  if (!section) throw new Error(`not a compiled model: the module has no '${metadataSection}' custom section`);
  const meta = JSON.parse(new TextDecoder().decode(section));
  for (const t of [...meta.inputs, ...meta.outputs]) {
    if (t.dtype !== 'string') dtypeOf(t.dtype, t.name);
    else if (!Number.isInteger(t.string_bytes) || t.string_bytes < 0) throw new Error(`${t.name}: a string tensor without a valid string_bytes`);
  }
  return meta;
}

const describe = (t) => ({ name: t.name, dtype: t.dtype, shape: [...t.shape], ...(t.dtype === 'string' ? { stringBytes: t.string_bytes } : {}) });
const dimsText = (dims) => `[${dims.join(', ')}]`;

/**
 * The shape the last run reported for an output of run-time length (docs/ABI.md): one little-endian i32 per axis at
 * `wasmnn_output_dims(index)`; the output's metadata `shape` is its maximum.
 */
function runDims(memory, outputDims, index, output) {
  if (typeof outputDims !== 'function') throw new Error(`output '${output.name}' has run-time dims but the module exports no wasmnn_output_dims`);
  const view = new DataView(memory.buffer, outputDims(index), 4 * output.shape.length);
  const dims = output.shape.map((_, axis) => view.getInt32(4 * axis, true));
  if (dims.some((d, axis) => d < 0 || d > output.shape[axis])) throw new Error(`output '${output.name}': the run reported dims [${dims}] beyond its maximum [${output.shape}]`);
  return dims;
}

/** Checks one feed against its input and returns the typed array to copy; throws naming the input otherwise. */
function feedData(input, value) {
  const where = `input '${input.name}' (${input.dtype} ${dimsText(input.shape)})`;
  if (input.dtype === 'string') {
    const values = value !== null && typeof value === 'object' && !Array.isArray(value) && 'data' in value ? value.data : value;
    return encodeStrings(input, input.stringBytes, values, where);
  }
  const info = dtypeOf(input.dtype, `input '${input.name}'`);
  let data = value;
  let dims = null;
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value) && !Array.isArray(value) && 'data' in value) {
    ({ data, dims } = value);
    if (!Array.isArray(dims) || dims.some((d) => !Number.isInteger(d) || d < 0)) throw new TypeError(`${where}: dims must be an array of sizes`);
    if (dims.length !== input.shape.length || dims.some((d, i) => d !== input.shape[i])) {
      throw new RangeError(`${where}: got dims ${dimsText(dims)}; the model was compiled for ${dimsText(input.shape)}`);
    }
  }
  if (Array.isArray(data)) {
    data = info.array.from(data, info.from);
  } else if (!ArrayBuffer.isView(data) || data instanceof DataView) {
    throw new TypeError(`${where}: expected a ${info.array.name}, an array or { data, dims }`);
  } else if (!info.accepts.some((type) => data instanceof type)) {
    throw new TypeError(`${where}: expected a ${info.array.name}, got a ${data.constructor.name}`);
  }
  const count = elementCount(input.shape);
  if (data.length !== count) throw new RangeError(`${where}: got ${data.length} elements, expected ${count}`);
  if (input.dtype === 'bool' && data.some((v) => v > 1)) throw new RangeError(`${where}: a bool element must be 0 or 1`);
  return data;
}

/** A model instantiated in this thread. Create it with `loadModel`. */
export class Model {
  #exports;
  #meta;
  #backend;
  #queue = Promise.resolve();
  #disposed = false;

  /** `backend`: `{ exports, workers, run(), dispose() }`, one instance or a threads build's workers (threads.js). */
  constructor(backend, meta, variant) {
    this.#backend = backend;
    this.#exports = backend.exports;
    this.#meta = meta;
    /** Workers running each call: 1, or a threads build's worker count. */
    this.threads = backend.workers;
    /** Which build of a variants manifest runs ('relaxed-simd', 'simd128', 'scalar'), or null for a lone module. */
    this.variant = variant;
    /** The model's inputs in ABI order: `{ name, dtype, shape }`. */
    this.inputs = meta.inputs.map(describe);
    /** The model's outputs in ABI order. */
    this.outputs = meta.outputs.map(describe);
    /** The whole `wasmnn.meta` metadata (model name, compiler, operators). */
    this.metadata = meta;
  }

  /**
   * Runs the model. `feeds` maps every input name to a typed array of its dtype (or an array, or `{ data, dims }`;
   * a string input takes an array of strings, and a string output's data is one);
   * wrong names, dtypes, lengths or dims are rejected before anything runs. Resolves to `{ [output]: { data, dims,
   * dtype } }` with copies of the outputs (the module reuses its buffers on the next run).
   */
  async run(feeds) {
    if (this.threads === 1) return this.runSync(feeds);
    // Workers share the buffers: one call at a time, each checked before it waits its turn.
    this.#check(feeds);
    const turn = this.#queue.then(async () => {
      this.#write(feeds);
      this.#status(await this.#backend.run());
      return this.#read();
    });
    this.#queue = turn.catch(() => {});
    return turn;
  }

  /** `run` without the promise, for callers in a worker or a loop that want no microtask per call (one thread only). */
  runSync(feeds) {
    if (this.threads !== 1) throw new Error(`${this.#meta.model} runs on ${this.threads} workers: use run()`);
    this.#write(feeds);
    this.#status(this.#backend.run());
    return this.#read();
  }

  #check(feeds) {
    if (this.#disposed) throw new Error('the model was disposed');
    if (feeds === null || typeof feeds !== 'object') throw new TypeError('run takes an object mapping input names to data');
    const known = new Set(this.inputs.map((t) => t.name));
    const unknown = Object.keys(feeds).filter((name) => !known.has(name));
    if (unknown.length > 0) {
      throw new Error(`unknown input '${unknown[0]}'; the model's inputs are ${this.inputs.map((t) => t.name).join(', ')}`);
    }
    const missing = this.inputs.filter((t) => !(t.name in feeds));
    if (missing.length > 0) throw new Error(`missing input '${missing[0].name}' (${missing[0].dtype} ${dimsText(missing[0].shape)})`);
    return this.inputs.map((t) => feedData(t, feeds[t.name]));
  }

  #write(feeds) {
    const checked = this.#check(feeds);
    const { memory, wasmnn_input_ptr: inputPtr } = this.#exports;
    checked.forEach((data, i) => {
      new Uint8Array(memory.buffer, inputPtr(i), data.byteLength).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    });
  }

  #status(status) {
    if (status !== 0) throw new Error(`${this.#meta.model}: the run returned ${status}`);
  }

  #read() {
    const { memory, wasmnn_output_ptr: outputPtr, wasmnn_output_dims: outputDims } = this.#exports;
    const results = {};
    this.#meta.outputs.forEach((t, i) => {
      const dims = t.runtime_dims ? runDims(memory, outputDims, i, t) : [...t.shape];
      const count = elementCount(dims);
      if (t.dtype === 'string') {
        results[t.name] = { data: decodeStrings(memory, outputPtr(i), t, count), dims, dtype: t.dtype };
        return;
      }
      const info = dtypeOf(t.dtype, `output '${t.name}'`);
      const bytes = new Uint8Array(memory.buffer, outputPtr(i), count * info.bytes).slice();
      results[t.name] = { data: new info.array(bytes.buffer, 0, count), dims, dtype: t.dtype };
    });
    return results;
  }

  /** Drops the instance (and stops a threads build's workers); later runs throw. */
  dispose() {
    if (!this.#disposed) this.#backend.dispose();
    this.#disposed = true;
  }
}

/**
 * Loads a compiled model from a URL, a path (Node, Bun), bytes, a Response or a WebAssembly.Module, or from a
 * variants manifest (MODEL.variants.json), choosing the best variant this host validates.
 *
 * Options: `variant` (take that build), `features` (a Set replacing detection), `threads` ('auto': the host's
 * cores, or a count; used by a `--threads` build, which runs on that many workers, at most its `max_workers`),
 * `weights` (a `--weights external` build's weights file as a URL, path, bytes or Response; by default the file its
 * metadata names beside the module).
 */
export async function loadModel(source, options = {}) {
  const { threads = 'auto' } = options;
  if (threads !== 'auto' && !(Number.isInteger(threads) && threads >= 1)) throw new RangeError(`threads must be 'auto' or a positive integer, got ${threads}`);
  const { module, variant } = await compileVariant(source, options);
  const meta = readMetadata(module);
  if (meta.threads) return new Model(await instantiateThreaded(module, meta, threads), meta, variant);
  const { exports } = await WebAssembly.instantiate(module, {});
  if (meta.weights) await loadWeights(exports, meta, source, options.weights);
  return new Model({ exports, workers: 1, run: () => exports.wasmnn_run(), dispose: () => {} }, meta, variant);
}
