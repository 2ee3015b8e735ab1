// A build with external weights (`wasmnn compile --weights external`, docs/ABI.md): the .weights file's header must
// name this module's weights; its payload goes into linear memory at the metadata's address, streamed from the file
// or the response without a whole copy in between; then the module checks it (wasmnn_weights_check).
import { locationOf, openSource, resolveBeside } from './source.js';

const headerBytes = 65536;
const magic = 'WASMNNWT';

function checkHeader(header, info, where) {
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  if (header.byteLength < 44 || new TextDecoder().decode(header.subarray(0, 8)) !== magic) throw new Error(`${where}: not a wasmnn weights file (no ${magic} header)`);
  const version = view.getUint32(8, true);
  if (version !== 1) throw new Error(`${where}: weights file format ${version} is not supported (expected 1)`);
  const checksum = view.getUint32(12, true).toString(16).padStart(8, '0');
  const offset = Number(view.getBigUint64(16, true));
  const bytes = Number(view.getBigUint64(24, true));
  const address = Number(view.getBigUint64(32, true));
  if (checksum !== info.checksum || bytes !== info.bytes || address !== info.address) {
    const nameLength = view.getUint32(40, true);
    const model = new TextDecoder().decode(header.subarray(44, 44 + Math.min(nameLength, header.byteLength - 44)));
    throw new Error(`${where}: the weights of model '${model}' (checksum ${checksum}, ${bytes} bytes at ${address}), not of this module (checksum ${info.checksum}, ${info.bytes} bytes at ${info.address})`);
  }
  return offset;
}

/** Reads `count` bytes at `position` of a Node file handle into `target`. */
async function readExactly(handle, target, position, where) {
  for (let done = 0; done < target.byteLength;) {
    const { bytesRead } = await handle.read(target, done, target.byteLength - done, position + done);
    if (bytesRead === 0) throw new Error(`${where}: truncated (${target.byteLength} bytes expected from byte ${position})`);
    done += bytesRead;
  }
}

/** Copies a byte stream's range [offset, offset + target.length) into `target`, checking the header on the way. */
async function streamInto(reader, info, target, where) {
  const header = new Uint8Array(headerBytes);
  let position = 0;
  let offset = null;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    let chunk = value;
    if (offset === null) {
      const take = Math.min(chunk.byteLength, headerBytes - position);
      header.set(chunk.subarray(0, take), position);
      if (position + take < 44) { position += take; continue; }
      offset = checkHeader(header.subarray(0, position + take), info, where);
    }
    const start = Math.max(0, offset - position);
    const end = Math.min(chunk.byteLength, offset + target.byteLength - position);
    if (end > start) target.set(chunk.subarray(start, end), position + start - offset);
    position += chunk.byteLength;
  }
  if (offset === null || position < offset + target.byteLength) throw new Error(`${where}: truncated (${info.bytes} bytes of weights expected)`);
}

/**
 * Loads the weights of a `--weights external` build into `exports.memory`: from `weights` (a URL, path, bytes or a
 * Response) or else the file its metadata names beside the module's `source`.
 */
export async function loadWeights(exports, meta, source, weights) {
  const info = meta.weights;
  if (weights === undefined && locationOf(source) === null) {
    throw new Error(`the module's weights are in '${info.file}' but the module was given as bytes: pass its URL or path, or options.weights`);
  }
  const where = typeof weights === 'string' || weights instanceof URL ? String(weights)
    : weights === undefined ? resolveBeside(locationOf(source), info.file) : info.file;
  const target = new Uint8Array(exports.memory.buffer, info.address, info.bytes);
  const opened = await openSource(weights ?? where, { local: true });
  if (opened.path) {
    const { open } = await import('node:fs/promises');
    const handle = await open(opened.path);
    try {
      const header = new Uint8Array(4096);
      const { bytesRead } = await handle.read(header, 0, header.byteLength, 0);
      const offset = checkHeader(header.subarray(0, bytesRead), info, where);
      await readExactly(handle, target, offset, where);
    } finally {
      await handle.close();
    }
  } else if (opened.response) {
    await streamInto(opened.response.body.getReader(), info, target, where);
  } else if (opened.bytes) {
    const offset = checkHeader(opened.bytes.subarray(0, headerBytes), info, where);
    if (opened.bytes.byteLength < offset + info.bytes) throw new Error(`${where}: truncated (${info.bytes} bytes of weights expected)`);
    target.set(opened.bytes.subarray(offset, offset + info.bytes));
  } else {
    throw new TypeError('weights are a URL, a path, an ArrayBuffer or typed array, or a Response');
  }
  if (exports.wasmnn_weights_check() !== 0) throw new Error(`${where}: the weights are corrupt (their checksum is not ${info.checksum})`);
}
