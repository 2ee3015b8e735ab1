#!/usr/bin/env bash
# Load test of `wasmnn serve` (docs/SERVING.md, docs/PERFORMANCE.md "Serving"): compiles LeNet-5 (PyTorch export,
# ../shared/models) and the ONNX node test's Add, serves both from one process on a loopback port, sends REQUESTS
# requests from CONNECTIONS concurrent connections alternating the two models (every answer checked against
# PyTorch's output or float addition), then stops the server with SIGTERM and checks it exits 0.
# Usage: benchmarks/serving/load.sh [REQUESTS=20000] [CONNECTIONS=64] [-- extra `wasmnn serve` flags]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
requests=${1:-20000}
connections=${2:-64}
shift $(( $# > 2 ? 2 : $# ))
[[ ${1:-} == "--" ]] && shift
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

dotnet build "$root/src/WasmNN.Cli" -c Release -v q -nologo >/dev/null
dotnet build "$root/benchmarks/serving/WasmNN.ServingLoad" -c Release -v q -nologo >/dev/null
wasmnn() { dotnet "$root/src/WasmNN.Cli/bin/Release/net10.0/wasmnn.dll" "$@"; }
wasmnn compile "$root/../shared/models/lenet5.onnx" -o "$work/lenet5.wasm" >/dev/null
wasmnn compile /usr/share/libonnx-testdata/data/node/test_add/model.onnx -o "$work/add.wasm" >/dev/null

# Not through the wasmnn() function: $! must be the dotnet process itself, which the SIGTERM below is for.
dotnet "$root/src/WasmNN.Cli/bin/Release/net10.0/wasmnn.dll" serve "lenet5=$work/lenet5.wasm" "add=$work/add.wasm" \
  --host 127.0.0.1 --port 0 "$@" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 600); do
  url=$(grep -o 'Now listening on: http://[0-9.:]*' "$work/server.log" | head -1 | sed 's/Now listening on: //') && [[ -n $url ]] && break
  sleep 0.1
done
[[ -n ${url:-} ]] || { echo "server did not start:"; cat "$work/server.log"; exit 1; }
echo "server: $url ($(nproc) cores, $(cat /proc/loadavg | cut -d' ' -f1-3) load)"
status=0
dotnet "$root/benchmarks/serving/WasmNN.ServingLoad/bin/Release/net10.0/WasmNN.ServingLoad.dll" "$url" "$requests" "$connections" \
  add lenet5 "$root/../shared/models/lenet5.input.npy" "$root/../shared/models/lenet5.output.npy" || status=$?
kill -TERM "$server"
server_status=0
wait "$server" || server_status=$?
echo "server exit status after SIGTERM: $server_status"
(( server_status == 0 )) || status=1
grep -o '"Message":"stopped model [^"]*"' "$work/server.log" | sed 's/"Message":/server: /'
exit $status
