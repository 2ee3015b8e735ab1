// Runs an ONNX model on onnxruntime-node (the reference) with .npy inputs and writes each output as .npy.
// usage: node run-ort.mjs ORT_NODE_MODULES MODEL.onnx OUT_DIR NAME=IN.npy...   (writes OUT_DIR/<output index>.npy)
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [modules, modelPath, outDir, ...inputArgs] = process.argv.slice(2);
const ort = createRequire(join(modules, 'x.js'))('onnxruntime-node');

// .npy version 1-3, little-endian float32 or int64, C order.
function readNpy(path) {
  const bytes = readFileSync(path);
  const major = bytes[6];
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const offset = (major === 1 ? 10 : 12) + headerLength;
  const header = bytes.subarray(major === 1 ? 10 : 12, offset).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map(s => s.trim()).filter(s => s).map(Number);
  const data = bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + bytes.length);
  if (descr === '<f4') return new ort.Tensor('float32', new Float32Array(data), shape);
  if (descr === '<i8') return new ort.Tensor('int64', new BigInt64Array(data), shape);
  throw new Error(`${path}: unsupported dtype ${descr}`);
}

// float32 outputs, and the 8-bit activations a quantized model's test exposes.
const descrs = { float32: '<f4', uint8: '|u1', int8: '|i1' };

function writeNpy(path, tensor) {
  const descr = descrs[tensor.type];
  if (!descr) throw new Error(`output of type ${tensor.type} is not supported`);
  const shape = tensor.dims.length === 1 ? `(${tensor.dims[0]},)` : `(${tensor.dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const prefix = Buffer.alloc(10);
  Buffer.from('\x93NUMPY', 'latin1').copy(prefix, 0);
  prefix[6] = 1; prefix[7] = 0; prefix.writeUInt16LE(header.length, 8);
  writeFileSync(path, Buffer.concat([prefix, Buffer.from(header, 'latin1'), Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength)]));
}

const feeds = {};
for (const arg of inputArgs) {
  const at = arg.lastIndexOf('=');
  feeds[arg.slice(0, at)] = readNpy(arg.slice(at + 1));
}
// One thread and no graph rewrites beyond the basic ones: the plainest reference.
const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'basic' });
const results = await session.run(feeds);
session.outputNames.forEach((name, i) => writeNpy(join(outDir, `${i}.npy`), results[name]));
