#!/usr/bin/env bash
# Load cost of external weights (issue 17): `wasmnn run` on VGG-16 (torchvision, random weights, 528 MB of float32)
# built with `--weights external`, the weights mapped (default) and read (--no-map-weights), beside the embedded
# build. Per process: wall time, the load time `wasmnn run` prints, and from /proc/PID/status sampled every 10 ms
# the peak resident set (VmHWM) and the peaks of its anonymous (RssAnon: private, counted against the machine) and
# file-backed (RssFile: page-cache pages, shared with every other mapper and reclaimable) parts. The page cache is
# warm (the files were just written or read). Medians of ROUNDS rounds; prints a Markdown table.
#
#   benchmarks/weights-load.sh                      # ROUNDS=3
#   WASMNN_DLL=../other/src/WasmNN.Cli/bin/Release/net10.0/wasmnn.dll MODES="read embedded" benchmarks/weights-load.sh
#     (a build from before --no-map-weights existed: its "read" mode runs without the flag)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="$here/models/out"   # git-ignored: the exported model and its builds
rounds="${ROUNDS:-3}"
modes=(${MODES:-mapped read embedded})

if [ -z "${WASMNN_DLL:-}" ]; then
  dotnet build "$root/src/WasmNN.Cli" -c Release --nologo -v q >/dev/null
fi
dll="${WASMNN_DLL:-$root/src/WasmNN.Cli/bin/Release/net10.0/wasmnn.dll}"
mkdir -p "$out"
onnx="$out/vgg16.onnx"
[ -f "$onnx" ] || /usr/bin/python3 "$here/compile/export_vgg16.py" "$onnx" >/dev/null 2>&1
[ -f "$out/vgg16.input.npy" ] || /usr/bin/python3 -c "import numpy as np; np.random.seed(0); np.save('$out/vgg16.input.npy', np.random.rand(1, 3, 224, 224).astype(np.float32))"
# Builds of the CLI under test, so a before/after pair runs the modules each build makes.
dotnet "$dll" compile "$onnx" -o "$out/vgg16.external.wasm" --weights external >/dev/null
dotnet "$dll" compile "$onnx" -o "$out/vgg16.embedded.wasm" >/dev/null
# A build that knows --no-map-weights lists it when refusing an unknown argument.
supports_flag=$(dotnet "$dll" run "$out/vgg16.external.wasm" --bogus 2>&1 | grep -c -- "--no-map-weights" || true)

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
kb() { awk -v k="$1" '$1 == k":" { print $2 }' "/proc/$2/status" 2>/dev/null || true; }

# One process: prints "wall_ms load_ms hwm_mb anon_mb file_mb".
measure() {
  local log; log=$(mktemp)
  local start; start=$(date +%s%N)
  dotnet "$dll" run "$@" --input "input=$out/vgg16.input.npy" >"$log" 2>&1 &
  local pid=$! hwm=0 anon=0 file=0 v
  while kill -0 "$pid" 2>/dev/null; do
    v=$(kb VmHWM "$pid"); [ -n "$v" ] && [ "$v" -gt "$hwm" ] && hwm=$v
    v=$(kb RssAnon "$pid"); [ -n "$v" ] && [ "$v" -gt "$anon" ] && anon=$v
    v=$(kb RssFile "$pid"); [ -n "$v" ] && [ "$v" -gt "$file" ] && file=$v
    sleep 0.01
  done
  wait "$pid" || { cat "$log" >&2; exit 1; }
  local wall=$(( ($(date +%s%N) - start) / 1000000 ))
  local load; load=$(awk '/^loaded / { for (i = 1; i <= NF; i++) if ($i == "ms") print $(i - 1) }' "$log")
  rm -f "$log"
  echo "$wall ${load:-?} $((hwm / 1024)) $((anon / 1024)) $((file / 1024))"
}

echo "| build | wall ms | load ms | peak RSS MB | peak anon MB | peak file MB |"
echo "|---|---:|---:|---:|---:|---:|"
for mode in "${modes[@]}"; do
  case "$mode" in
    mapped) args=("$out/vgg16.external.wasm") ;;
    read) args=("$out/vgg16.external.wasm"); [ "$supports_flag" = 0 ] || args+=(--no-map-weights) ;;
    embedded) args=("$out/vgg16.embedded.wasm") ;;
    *) echo "weights-load.sh: unknown mode '$mode' (mapped, read, embedded)" >&2; exit 2 ;;
  esac
  rows=()
  for ((r = 0; r < rounds; r++)); do rows+=("$(measure "${args[@]}")"); done
  col() { printf '%s\n' "${rows[@]}" | awk -v c="$1" '{ print $c }' | median; }
  echo "| $mode | $(col 1) | $(col 2) | $(col 3) | $(col 4) | $(col 5) |"
done
