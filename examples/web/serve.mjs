// A tiny static file server for the example (and its Playwright test): `node serve.mjs SITE_DIR [PORT]`.
// Serves .wasm as application/wasm (so the loader can compile while downloading) and sends the cross-origin
// isolation headers a threaded build needs (docs/WEB.md). Listens on 127.0.0.1 only; PORT 0 (the default) picks a
// free port. Prints "serving http://127.0.0.1:PORT/" once ready.
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';

const [root = '.', port = '0'] = process.argv.slice(2);
const base = resolve(root);
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json', '.wasm': 'application/wasm', '.txt': 'text/plain; charset=utf-8', '.png': 'image/png', '.ts': 'text/plain; charset=utf-8' };

const server = createServer((request, response) => {
  const path = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
  let file = normalize(join(base, path));
  if (file !== base && !file.startsWith(base + sep)) {
    response.writeHead(403).end();
    return;
  }
  try {
    if (statSync(file).isDirectory()) file = join(file, 'index.html');
    const size = statSync(file).size;
    response.writeHead(200, {
      'content-type': types[extname(file)] ?? 'application/octet-stream',
      'content-length': size,
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'cache-control': 'no-store',
    });
    createReadStream(file).pipe(response);
  } catch {
    response.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}\n`);
  }
});
server.listen(Number(port), '127.0.0.1', () => console.log(`serving http://127.0.0.1:${server.address().port}/`));
