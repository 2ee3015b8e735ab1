#!/usr/bin/env bash
# Installs the peers for the model benchmark into benchmarks/models/node_modules (git-ignored; idempotent):
#   onnxruntime-web   the peer we measure against (its wasm backend, single-threaded, SIMD)
#   onnxruntime-node  a native numerical cross-check only (its CUDA/TensorRT download is skipped)
# Versions are pinned so numbers stay comparable; override with ORT_VERSION=x.y.z.
set -euo pipefail
cd "$(dirname "$0")"
version="${ORT_VERSION:-1.30.0}"
installed() { node -e "process.exit(require('./node_modules/$1/package.json').version === '$version' ? 0 : 1)" 2>/dev/null; }
if installed onnxruntime-web && installed onnxruntime-node; then
  echo "onnxruntime-web and onnxruntime-node $version already installed"
  exit 0
fi
[ -f package.json ] || echo '{ "private": true, "type": "module" }' > package.json
ONNXRUNTIME_NODE_INSTALL=skip ONNXRUNTIME_NODE_INSTALL_CUDA=skip \
  npm install --no-audit --no-fund --no-save --loglevel=error \
  "onnxruntime-web@$version" "onnxruntime-node@$version"
echo "installed onnxruntime-web and onnxruntime-node $version"
