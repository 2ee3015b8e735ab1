#!/usr/bin/env bash
# Model-level benchmark: ONNX Runtime Web (wasm backend, 1 thread, SIMD) vs our compiled module on V8 and on our
# own engine, same model, same input. Builds Release, compiles each model with `wasmnn compile`, then runs ROUNDS
# rounds; each round runs every model once per process (node: ORT-web and ours-on-V8 interleaved; dotnet: our
# engine), so the noise of a shared machine falls on all engines alike. Prints a Markdown table of medians.
#
#   benchmarks/models/run.sh [MODEL...]     models: lenet5 squeezenet1_1 mobilenet_v2 resnet50 bert_base
#                                           (default: all but bert_base, which takes minutes per round)
#   ROUNDS=3 RUNS_SCALE=1 benchmarks/models/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
shared="$root/../shared/models"
out="$here/out"   # git-ignored: compiled modules, the zoo's ResNet-50, results
rounds="${ROUNDS:-3}"
scale="${RUNS_SCALE:-1}"
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(lenet5 squeezenet1_1 mobilenet_v2 resnet50)

"$here/setup.sh"
dotnet build "$root/src/WasmNN.Cli" -c Release --nologo -v q
dotnet build "$here/WasmNN.ModelBench" -c Release --nologo -v q
wasmnn=(dotnet "$root/src/WasmNN.Cli/bin/Release/net10.0/wasmnn.dll")
modelbench=(dotnet "$here/WasmNN.ModelBench/bin/Release/net10.0/WasmNN.ModelBench.dll")
mkdir -p "$out"

declare -A onnx input expected warmup runs flags
for m in "${models[@]}"; do
  flags[$m]=""
  case "$m" in
    bert_base)
      # Exported by export_bert.py (PyTorch, seeded random weights) into the git-ignored out/ on first use.
      onnx[$m]="$out/bert_base.onnx"; expected[$m]="$out/bert_base.output.npy"; flags[$m]="--dim batch=1 --dim seq=128"
      input[$m]="input_ids=$out/bert_base.input_ids.npy,attention_mask=$out/bert_base.attention_mask.npy"
      [ -f "${onnx[$m]}" ] || /usr/bin/python3 "$here/export_bert.py" "$out" ;;
    resnet50)
      onnx[$m]="$out/resnet50.onnx"; input[$m]="$out/resnet50.input.npy"; expected[$m]=""
      [ -f "${onnx[$m]}" ] || "${wasmnn[@]}" zoo resnet50 -o "${onnx[$m]}" --sample-input "${input[$m]}" ;;
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
done

results="$out/results.jsonl"
: > "$results"
for ((r = 1; r <= rounds; r++)); do
  echo "round $r/$rounds"
  for m in "${models[@]}"; do
    exp=(); [ -z "${expected[$m]}" ] || exp=(--expected "${expected[$m]}")
    node --no-liftoff "$here/bench.mjs" --name "$m" --onnx "${onnx[$m]}" --wasm "$out/$m.wasm" --input "${input[$m]}" \
      "${exp[@]}" --warmup "${warmup[$m]}" --runs "${runs[$m]}" --json "$results" --save-ort "$out/$m.ort-web.npy"
    "${modelbench[@]}" --name "$m" --wasm "$out/$m.wasm" --input "${input[$m]}" --expected "$out/$m.ort-web.npy" \
      --warmup "${warmup[$m]}" --runs "${runs[$m]}" --json "$results"
  done
done

echo
node "$here/report.mjs" "$results"
echo "dotnet $(dotnet --version), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
