#!/usr/bin/env bash
# The main job: write a ResNet-50 (seeded weights) as ONNX, compile it into one standalone .wasm, and run it on
# the embedded engine, printing the timing and the top-5 classes. Output goes to ./out (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
out=out/demo
mkdir -p "$out"

dotnet build src/WasmNN.Cli -c Release -v q -nologo
wasmnn() { dotnet src/WasmNN.Cli/bin/Release/net10.0/wasmnn.dll "$@"; }

model=${1:-resnet50}
wasmnn zoo "$model" -o "$out/$model.onnx" --sample-input "$out/$model.input.npy"
wasmnn compile "$out/$model.onnx" -o "$out/$model.wasm"
wasmnn inspect "$out/$model.wasm"
# Zoo models name their input "input".
wasmnn run "$out/$model.wasm" --input "input=$out/$model.input.npy" --output "$out" --repeat 10 "${@:2}"
