// Turns what a caller gives (a URL, a path, bytes, a Response, a compiled Module) into a compiled module or the
// bytes of a variants manifest, streaming where the host can.

const isNodeLike = typeof process !== 'undefined' && !!process.versions?.node; // Node and Bun

const isUrlString = (s) => /^[a-z][a-z0-9+.-]*:/i.test(s) && !/^[a-z]:[\\/]/i.test(s); // not a Windows drive
const isFileUrl = (s) => s instanceof URL ? s.protocol === 'file:' : typeof s === 'string' && s.startsWith('file:');

/** Where relative names in a manifest resolve: a URL string, a file path, or null (bytes have no location). */
export function locationOf(source) {
  if (source instanceof URL) return source.href;
  if (typeof source === 'string') return source;
  if (typeof Response !== 'undefined' && source instanceof Response) return source.url || null;
  return null;
}

/** `name` relative to the location of `base` (a URL or a file path). */
export function resolveBeside(base, name) {
  if (base === null) throw new Error(`the manifest names '${name}' but was given as bytes: pass its URL or path instead`);
  if (isUrlString(base)) return new URL(name, base).href;
  if (!isNodeLike) return new URL(name, new URL(base, globalThis.location?.href)).href;
  const slash = Math.max(base.lastIndexOf('/'), base.lastIndexOf('\\'));
  return slash < 0 ? name : base.slice(0, slash + 1) + name;
}

const looksLikeJson = (bytes) => {
  for (const b of bytes) {
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
    return b === 0x7b; // '{'
  }
  return false;
};

async function readFile(source) {
  const { readFile } = await import('node:fs/promises');
  const path = isFileUrl(source) ? new URL(source) : source;
  return new Uint8Array(await readFile(path));
}

/**
 * Opens a source: `{ bytes }`, `{ response }` or `{ module }`; with `local`, a file (Node, Bun) comes back as
 * `{ path }` for the caller to read as it likes.
 */
export async function openSource(source, { local: keepPath = false } = {}) {
  if (typeof source === 'string' || source instanceof URL) {
    const local = isNodeLike && (isFileUrl(source) || (typeof source === 'string' && !isUrlString(source)));
    if (local && keepPath) return { path: isFileUrl(source) ? new URL(source) : source };
    if (local) return { bytes: await readFile(source) };
    const response = await fetch(source);
    if (!response.ok) throw new Error(`${source}: HTTP ${response.status} ${response.statusText}`);
    return { response };
  }
  if (typeof Response !== 'undefined' && source instanceof Response) return { response: source };
  if (source instanceof ArrayBuffer) return { bytes: new Uint8Array(source) };
  if (ArrayBuffer.isView(source)) return { bytes: new Uint8Array(source.buffer, source.byteOffset, source.byteLength) };
  if (source instanceof WebAssembly.Module) return { module: source };
  throw new TypeError('a model source is a URL, a path, an ArrayBuffer or typed array, a Response or a WebAssembly.Module');
}

/**
 * Opens `source`: `{ module }` for a WebAssembly module (compiled with compileStreaming when it arrives as an
 * application/wasm Response) or `{ manifest }` for the parsed JSON of a variants manifest.
 */
export async function compileOrManifest(source) {
  const opened = await openSource(source);
  if (opened.module) return { module: opened.module };
  let { bytes, response } = opened;
  if (response) {
    const type = response.headers.get('content-type') ?? '';
    if (type.startsWith('application/wasm') && WebAssembly.compileStreaming) {
      return { module: await WebAssembly.compileStreaming(response) };
    }
    bytes = new Uint8Array(await response.arrayBuffer());
  }
  if (looksLikeJson(bytes)) return { manifest: JSON.parse(new TextDecoder().decode(bytes)) };
  return { module: await WebAssembly.compile(bytes) };
}
