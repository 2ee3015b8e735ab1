// Serves compiled models to `wasmnn onnxtest --host node` over stdin/stdout: one Node process loads and runs many
// modules through the npm package's loader (./wasmnn/index.js, written beside this file), so V8 judges the same
// modules our engine runs. Framing and messages: NodeHostExecutor (src/WasmNN.Runtime/Conformance).
import { dtypes, loadModel, readMetadata } from './wasmnn/index.js';

let model = null;

async function* frames(stream) {
  let buffer = Buffer.alloc(0);
  let pending = null; // { header, need }
  for await (const chunk of stream) {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    for (;;) {
      if (!pending) {
        if (buffer.length < 4) break;
        const length = buffer.readUInt32LE(0);
        if (buffer.length < 4 + length) break;
        const header = JSON.parse(buffer.subarray(4, 4 + length).toString('utf8'));
        buffer = buffer.subarray(4 + length);
        const sizes = header.op === 'load' ? [header.bytes] : header.inputs;
        pending = { header, sizes, need: sizes.reduce((a, b) => a + b, 0) };
      }
      if (buffer.length < pending.need) break;
      const payloads = [];
      let offset = 0;
      for (const size of pending.sizes) {
        // A copy each: typed arrays need their own aligned buffer.
        payloads.push(new Uint8Array(buffer.subarray(offset, offset + size)));
        offset += size;
      }
      buffer = buffer.subarray(offset);
      yield { header: pending.header, payloads };
      pending = null;
    }
  }
}

function reply(header, payloads = []) {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length, 0);
  process.stdout.write(Buffer.concat([length, json, ...payloads.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))]));
}

async function load(bytes) {
  model?.dispose();
  model = null;
  let module;
  try {
    module = await WebAssembly.compile(bytes);
  } catch (e) {
    return { error: `V8 rejects the module: ${e.message}` };
  }
  try {
    readMetadata(module);
  } catch (e) {
    return { error: `the npm loader cannot run it: ${e.message}`, unsupported: true };
  }
  model = await loadModel(module);
  return {};
}

function run(payloads) {
  const feeds = {};
  model.inputs.forEach((input, i) => {
    const bytes = payloads[i];
    // A string tensor comes and goes as the UTF-8 JSON array of its strings.
    feeds[input.name] = input.dtype === 'string' ? JSON.parse(Buffer.from(bytes).toString('utf8'))
      : new dtypes[input.dtype].array(bytes.buffer, bytes.byteOffset, bytes.byteLength / dtypes[input.dtype].bytes);
  });
  const results = model.runSync(feeds);
  const outputs = model.outputs.map((t) => results[t.name]);
  const views = outputs.map((o) => o.dtype === 'string' ? new Uint8Array(Buffer.from(JSON.stringify(o.data), 'utf8'))
    : new Uint8Array(o.data.buffer, o.data.byteOffset, o.data.byteLength));
  return [{ outputs: outputs.map((o, i) => ({ dims: o.dims, bytes: views[i].length })) }, views];
}

for await (const { header, payloads } of frames(process.stdin)) {
  try {
    if (header.op === 'load') {
      reply(await load(payloads[0]));
    } else if (header.op === 'run') {
      if (!model) throw new Error('no module loaded');
      reply(...run(payloads));
    } else {
      throw new Error(`unknown request '${header.op}'`);
    }
  } catch (e) {
    reply({ error: `${e.name}: ${e.message}` });
  }
}
