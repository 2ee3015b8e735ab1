#!/usr/bin/env bash
# Runs the fuzz tests for longer than the test command does: N cases per kind (default 2000), a new time-based seed
# per run (or WASMNN_FUZZ_SEED=S to replay), then prints each test's seed, counts and failures. Failing cases are saved
# under tests/*/Fuzz/regressions/ and replay first in every later run. See docs/RELIABILITY.md.
#   scripts/fuzz.sh [N]
set -uo pipefail
cd "$(dirname "$0")/.."
cases=${1:-2000}
export WASMNN_FUZZ_CASES=$cases

dotnet build WasmNN.slnx -c Release -v q -nologo >/dev/null || { echo "build failed"; exit 1; }
status=0
for proj in tests/WasmNN.Engine.Tests tests/WasmNN.Compiler.Tests; do
  out=$(dotnet test "$proj" -c Release --no-build -nologo --filter "FullyQualifiedName~.Fuzz." \
        --logger "console;verbosity=detailed" 2>&1)
  rc=$?
  # The seed and counts each test prints, its verdict, and any failure message.
  echo "$out" | grep -E "^\s*(seed |Passed |Failed |Error Message|.*differ|.*case seed|.*saved as)" | sed 's/^ *//'
  [ $rc -ne 0 ] && status=1
done
echo "fuzz: $cases cases per kind, $([ $status -eq 0 ] && echo "no failures" || echo "FAILURES (saved under tests/*/Fuzz/regressions/)")"
exit $status
