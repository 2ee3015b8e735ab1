#!/usr/bin/env bash
# Compile-time memory benchmark (issue 17): peak resident memory and wall time of `wasmnn compile` on VGG-16
# (torchvision, random weights: 528 MB of float32) and ResNet-50 (`wasmnn zoo resnet50`, 98 MB), against the target
# peak RSS <= 1.5 x the ONNX file size + 300 MB. Measured with /usr/bin/time -v on the built CLI; one compile per
# model per round, the median of ROUNDS rounds. Prints a Markdown table (results recorded in docs/PERFORMANCE.md).
#
#   benchmarks/compile-memory.sh [MODEL...]      models: vgg16 resnet50 (default: both)
#   ROUNDS=3 FLAGS="--weights external" benchmarks/compile-memory.sh vgg16
#   WASMNN_DLL=../other/src/WasmNN.Cli/bin/Release/net10.0/wasmnn.dll benchmarks/compile-memory.sh   # another build (before/after)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="$here/models/out"   # git-ignored: the exported models and the compiled modules
rounds="${ROUNDS:-3}"
flags=(${FLAGS:-})
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(vgg16 resnet50)
[ -x /usr/bin/time ] || { echo "compile-memory.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

if [ -z "${WASMNN_DLL:-}" ]; then
  dotnet build "$root/src/WasmNN.Cli" -c Release --nologo -v q >/dev/null
fi
wasmnn=(dotnet "${WASMNN_DLL:-$root/src/WasmNN.Cli/bin/Release/net10.0/wasmnn.dll}")
mkdir -p "$out"

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "| model | ONNX MB | module MB | peak RSS MB | target MB | wall s |"
echo "|---|---:|---:|---:|---:|---:|"
for m in "${models[@]}"; do
  onnx="$out/$m.onnx"
  case "$m" in
    vgg16) [ -f "$onnx" ] || /usr/bin/python3 "$here/compile/export_vgg16.py" "$onnx" >/dev/null 2>&1 ;;
    resnet50) [ -f "$onnx" ] || "${wasmnn[@]}" zoo resnet50 -o "$onnx" --sample-input "$out/resnet50.input.npy" >/dev/null ;;
    *) echo "compile-memory.sh: unknown model '$m' (vgg16, resnet50)" >&2; exit 2 ;;
  esac
  rss=(); wall=()
  for ((r = 0; r < rounds; r++)); do
    log="$out/$m.compile-memory.txt"
    /usr/bin/time -v "${wasmnn[@]}" compile "$onnx" -o "$out/$m.compile-memory.wasm" "${flags[@]}" >/dev/null 2>"$log"
    rss+=("$(awk -F': ' '/Maximum resident set size/ { print int($2 / 1024) }' "$log")")
    wall+=("$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.1f", s }' "$log")")
  done
  size_mb=$(( $(stat -c %s "$onnx") / 1048576 ))
  module_mb=$(( $(stat -c %s "$out/$m.compile-memory.wasm") / 1048576 ))
  echo "| $m | $size_mb | $module_mb | $(printf '%s\n' "${rss[@]}" | median) | $(( size_mb * 3 / 2 + 300 )) | $(printf '%s\n' "${wall[@]}" | median) |"
done
