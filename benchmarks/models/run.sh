#!/usr/bin/env bash
# Model-level benchmark: ONNX Runtime Web (wasm backend, SIMD) vs our compiled module on V8 and on our own engine,
# same model, same input. Builds Release, compiles each model with `wasmnn compile` (the default build, and with
# `--threads 4` the threads build), then runs ROUNDS rounds; each round runs every model once per process, so the
# noise of a shared machine falls on all engines alike:
#   node, ORT-web numThreads=1: ORT-web, our default build and our threads build on each of THREADS workers (the npm
#         package's worker_threads driver), interleaved;
#   node, ORT-web numThreads=2 (ORT-web reads it once per process): ORT-web and our threads build on 2 workers;
#   dotnet: our default build on our engine, then the threads build on each of THREADS workers, interleaved.
# The int8 dimension (models in INT8): the model quantized once by `wasmnn quantize` (calibrated on the benchmark
# input, cached in out/ with its build) runs on ORT-web and as our int8 build in the same processes as the float
# runs: V8 (bench.mjs) and our engine (ModelBench), interleaved.
# Prints a Markdown table of medians, one of the thread dimension, and one of the int8 dimension.
#
#   benchmarks/models/run.sh [MODEL...]     models: lenet5 squeezenet1_1 mobilenet_v2 efficientnetb0 resnet50 bert_base
#                                           (default: all but bert_base, which takes minutes per round)
#   ROUNDS=3 RUNS_SCALE=1 THREADS=1,2,4 benchmarks/models/run.sh   (THREADS= leaves the threads builds out)
#   INT8="mobilenet_v2 resnet50" benchmarks/models/run.sh            (the default; INT8= leaves int8 out)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
shared="$root/../shared/models"
out="$here/out"   # git-ignored: compiled modules, the zoo's ResNet-50, results
rounds="${ROUNDS:-3}"
scale="${RUNS_SCALE:-1}"
threads="${THREADS-1,2,4}"
int8_models=" ${INT8-mobilenet_v2 resnet50} "
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(lenet5 squeezenet1_1 mobilenet_v2 efficientnetb0 resnet50)

"$here/setup.sh"
dotnet build "$root/src/WasmNN.Cli" -c Release --nologo -v q
dotnet build "$here/WasmNN.ModelBench" -c Release --nologo -v q
wasmnn=(dotnet "$root/src/WasmNN.Cli/bin/Release/net10.0/wasmnn.dll")
modelbench=(dotnet "$here/WasmNN.ModelBench/bin/Release/net10.0/WasmNN.ModelBench.dll")
mkdir -p "$out"

declare -A onnx input expected warmup runs flags int8
for m in "${models[@]}"; do
  flags[$m]=""; int8[$m]=""
  case "$m" in
    bert_base)
      # Exported by export_bert.py (PyTorch, seeded random weights) into the git-ignored out/ on first use.
      onnx[$m]="$out/bert_base.onnx"; expected[$m]="$out/bert_base.output.npy"; flags[$m]="--dim batch=1 --dim seq=128"
      input[$m]="input_ids=$out/bert_base.input_ids.npy,attention_mask=$out/bert_base.attention_mask.npy"
      [ -f "${onnx[$m]}" ] || /usr/bin/python3 "$here/export_bert.py" "$out" ;;
    resnet50|efficientnetb0)
      # The zoo's seeded random weights; ORT-web's output is the reference.
      onnx[$m]="$out/$m.onnx"; input[$m]="$out/$m.input.npy"; expected[$m]=""
      [ -f "${onnx[$m]}" ] || "${wasmnn[@]}" zoo "$m" -o "${onnx[$m]}" --sample-input "${input[$m]}" ;;
    *)
      onnx[$m]="$shared/$m.onnx"; input[$m]="$shared/$m.input.npy"; expected[$m]="$shared/$m.output.npy" ;;
  esac
  case "$m" in
    lenet5) warmup[$m]=50; runs[$m]=$((200 * scale)) ;;
    resnet50) warmup[$m]=2; runs[$m]=$((5 * scale)) ;;
    bert_base) warmup[$m]=1; runs[$m]=$((4 * scale)) ;;
    *) warmup[$m]=3; runs[$m]=$((10 * scale)) ;;
  esac
  echo "compiling $m"
  # shellcheck disable=SC2086 # flags are words
  "${wasmnn[@]}" compile "${onnx[$m]}" -o "$out/$m.wasm" ${flags[$m]} > "$out/$m.compile.txt"
  # shellcheck disable=SC2086
  [ -z "$threads" ] || "${wasmnn[@]}" compile "${onnx[$m]}" --threads 4 -o "$out/$m.threads.wasm" ${flags[$m]} > "$out/$m.threads.compile.txt"
  if [[ "$int8_models" == *" $m "* ]]; then
    int8[$m]="$out/$m.int8.onnx"
    if [ ! -f "${int8[$m]}" ] || [ "${onnx[$m]}" -nt "${int8[$m]}" ]; then
      echo "quantizing $m"
      rm -rf "$out/$m.calibration"; mkdir -p "$out/$m.calibration"; cp "${input[$m]}" "$out/$m.calibration/0.npy"
      "${wasmnn[@]}" quantize "${onnx[$m]}" -o "${int8[$m]}" --calibration "$out/$m.calibration" > "$out/$m.quantize.txt"
    fi
    # shellcheck disable=SC2086
    "${wasmnn[@]}" compile "${int8[$m]}" -o "$out/$m.int8.wasm" ${flags[$m]} > "$out/$m.int8.compile.txt"
  fi
done

results="$out/results.jsonl"
: > "$results"
for ((r = 1; r <= rounds; r++)); do
  echo "round $r/$rounds"
  for m in "${models[@]}"; do
    exp=(); [ -z "${expected[$m]}" ] || exp=(--expected "${expected[$m]}")
    t=(); [ -z "$threads" ] || t=(--threads-wasm "$out/$m.threads.wasm" --threads "$threads")
    q=(); qe=()
    if [ -n "${int8[$m]}" ]; then
      q=(--int8-onnx "${int8[$m]}" --int8-wasm "$out/$m.int8.wasm" --save-ort-int8 "$out/$m.ort-web.int8.npy")
      qe=(--int8-wasm "$out/$m.int8.wasm" --expected-int8 "$out/$m.ort-web.int8.npy")
    fi
    node --no-liftoff "$here/bench.mjs" --name "$m" --onnx "${onnx[$m]}" --wasm "$out/$m.wasm" --input "${input[$m]}" \
      "${exp[@]}" --warmup "${warmup[$m]}" --runs "${runs[$m]}" --json "$results" --save-ort "$out/$m.ort-web.npy" "${t[@]}" "${q[@]}"
    "${modelbench[@]}" --name "$m" --wasm "$out/$m.wasm" --input "${input[$m]}" --expected "$out/$m.ort-web.npy" \
      --warmup "${warmup[$m]}" --runs "${runs[$m]}" --json "$results" "${qe[@]}"
    if [ -n "$threads" ]; then
      node --no-liftoff "$here/bench.mjs" --name "$m" --onnx "${onnx[$m]}" --wasm "$out/$m.wasm" --input "${input[$m]}" \
        --warmup "${warmup[$m]}" --runs "${runs[$m]}" --json "$results" --ort-threads 2 --no-default \
        --threads-wasm "$out/$m.threads.wasm" --threads 2
      "${modelbench[@]}" --name "$m" --wasm "$out/$m.threads.wasm" --input "${input[$m]}" --expected "$out/$m.ort-web.npy" \
        --warmup "${warmup[$m]}" --runs "${runs[$m]}" --json "$results" --threads "$threads"
    fi
  done
done

echo
node "$here/report.mjs" "$results"
echo "dotnet $(dotnet --version), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
