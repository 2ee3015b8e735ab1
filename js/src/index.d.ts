// Types of the wasmnn package (src/*.js). docs/WEB.md has the guide.

/** An element type of the ABI (docs/ABI.md). */
export type DType =
  | 'float32' | 'float64' | 'float16' | 'bfloat16'
  | 'int64' | 'int32' | 'int16' | 'int8'
  | 'uint64' | 'uint32' | 'uint16' | 'uint8'
  | 'bool';

export type TypedArray =
  | Float32Array | Float64Array | BigInt64Array | BigUint64Array
  | Int32Array | Int16Array | Int8Array | Uint32Array | Uint16Array | Uint8Array | Uint8ClampedArray;

/** One input or output of a compiled model, from its `wasmnn.meta` metadata (an output of run-time length: its maximum shape). */
export interface TensorInfo {
  name: string;
  /** 'string' for a string tensor (docs/ABI.md, "String tensors"): fed and returned as arrays of strings. */
  dtype: DType | 'string';
  shape: number[];
  /** A string tensor's UTF-8 capacity in bytes, all elements together (its metadata's `string_bytes`). */
  stringBytes?: number;
}

/** What `run` accepts per input: a typed array of its dtype (row-major), a plain array, or data with its dims. */
export type Feed = TypedArray | ArrayLike<number | bigint | boolean> | string[] | { data: TypedArray | ArrayLike<number | bigint | boolean> | string[]; dims: number[] };

/** One output: a copy of its elements (the module reuses its buffers), its dimensions (for an output of run-time length, those the run reported) and dtype. */
export interface OutputTensor {
  data: TypedArray | string[];
  dims: number[];
  dtype: DType | 'string';
}

/** A model source: URL, path (Node, Bun), bytes, a fetch Response, or a compiled module. */
export type ModelSource = string | URL | ArrayBuffer | ArrayBufferView | Response | WebAssembly.Module;

export type Feature = 'simd128' | 'relaxed-simd' | 'threads';

export interface LoadOptions {
  /** Take this build of a variants manifest ('relaxed-simd', 'simd128', 'scalar') whatever the host supports. */
  variant?: string;
  /** Replaces feature detection when choosing a variant. */
  features?: Set<Feature | string>;
  /** Workers for a `--threads` build: 'auto' (the host's cores) or a count, at most the build's max_workers. */
  threads?: 'auto' | number;
  /** A `--weights external` build's weights file: URL, path, bytes or Response (default: the file its metadata names beside the module). */
  weights?: string | URL | ArrayBuffer | ArrayBufferView | Response;
}

export interface Metadata {
  format: number;
  model: string;
  compiler: string;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  operators: string[];
  /** A `--weights external` build: the weights file, where its payload goes in memory, its length and checksum. */
  weights?: { file: string; address: number; bytes: number; checksum: string };
}

export class Model {
  /** Workers running each call: 1, or a threads build's worker count (each a Web Worker or worker_threads thread). */
  readonly threads: number;
  /** Which build of a variants manifest runs, or null for a lone module. */
  readonly variant: string | null;
  readonly inputs: TensorInfo[];
  readonly outputs: TensorInfo[];
  readonly metadata: Metadata;
  /** Runs the model; rejects (before running) on a wrong input name, dtype, length or dims. */
  run(feeds: Record<string, Feed>): Promise<Record<string, OutputTensor>>;
  /** `run` without the promise (one thread only). */
  runSync(feeds: Record<string, Feed>): Record<string, OutputTensor>;
  dispose(): void;
}

/** Loads a compiled model or a variants manifest (`MODEL.variants.json`), choosing the best variant the host validates. */
export function loadModel(source: ModelSource, options?: LoadOptions): Promise<Model>;

/** The `wasmnn.meta` metadata of a compiled module. */
export function readMetadata(module: WebAssembly.Module): Metadata;

/** The proposals this host validates. */
export function detectFeatures(): Set<Feature>;

export interface VariantEntry {
  name: string;
  file: string;
  features: string[];
  bytes: number;
}

/** The first variant of a manifest whose features are all in `features`. */
export function chooseVariant(manifest: { format: number; model: string; variants: VariantEntry[] }, features: Set<string>): VariantEntry;

export interface DTypeInfo {
  bytes: number;
  array: { new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): TypedArray; readonly name: string };
}

/** The ABI's element types: bytes per element and typed array. */
export const dtypes: Readonly<Record<DType, DTypeInfo>>;

/** The element types of the kernel library. */
export type KernelDType = 'float32' | 'int32' | 'int8';

/** A tensor in the kernel library's memory. */
export class Tensor {
  readonly dtype: KernelDType;
  readonly dims: readonly number[];
  readonly size: number;
  readonly address: number;
  /** A copy of the elements. */
  readonly data: Float32Array | Int32Array | Int8Array;
  /** Frees its memory now (else the garbage collector does, eventually). */
  dispose(): void;
}

/** An operand: a tensor, a 1-D typed array, or data with dims. */
export type Operand = Tensor | Float32Array | Int32Array | Int8Array | { data: Float32Array | Int32Array | Int8Array | number[]; dims?: number[] };

export interface KernelRow {
  name: string;
  operation: string;
  input: KernelDType;
  output: KernelDType;
  parameters: string[];
  semantics: string;
}

/** The kernel library with a tensor API: one kernel call per op, NumPy broadcasting, memory reused. */
export class Ops {
  readonly memory: WebAssembly.Memory;
  readonly kernels: KernelRow[];
  readonly allocatedBytes: number;
  readonly liveTensors: number;
  tensor(data: Float32Array | Int32Array | Int8Array | number[], dims?: number[], dtype?: KernelDType): Tensor;
  add(a: Operand, b: Operand): Tensor;
  sub(a: Operand, b: Operand): Tensor;
  mul(a: Operand, b: Operand): Tensor;
  div(a: Operand, b: Operand): Tensor;
  maximum(a: Operand, b: Operand): Tensor;
  minimum(a: Operand, b: Operand): Tensor;
  relu(x: Operand): Tensor;
  neg(x: Operand): Tensor;
  abs(x: Operand): Tensor;
  sigmoid(x: Operand): Tensor;
  tanh(x: Operand): Tensor;
  softmax(x: Operand): Tensor;
  /** `[..., m, k] x [k, n]` (float32; int8 gives int32), or batched with equal batch dimensions. */
  matmul(a: Operand, b: Operand): Tensor;
}

/** Loads wasm_ops.wasm (`wasmnn kernels -o wasm_ops.wasm`). */
export function loadOps(source: ModelSource): Promise<Ops>;
