#!/usr/bin/env bash
# Side by side with llama.cpp: alternates rounds of llama.cpp and `lfm4j bench` on the same GGUF and thread count,
# then prints each round and lfm4j's share of llama.cpp's mean.
#
#   bench/scripts/side-by-side.sh MODEL.gguf [ROUNDS] [THREADS]      (defaults: 3 rounds, 2 threads)
#   LLAMA_BENCH=/path/to/llama-bench bench/scripts/side-by-side.sh ...  (a native llama.cpp build: the reference)
#   DEPTHS=4096,16384 CACHE=f16 LLAMA_BENCH=... bench/scripts/side-by-side.sh MODEL.gguf [ROUNDS] [THREADS]
#       at depth instead: pp512 and tg32 with DEPTHS tokens already in a CACHE-typed KV cache (f32, f16, q8_0), as
#       llama-bench -p 512 -n 32 -d DEPTHS -ctk CACHE -ctv CACHE and lfm4j bench --context-sweep DEPTHS
#       --sweep-prompt 512 --sweep-tokens 32 -ctk CACHE -ctv CACHE --warmup 3 (three JIT warm-up runs: after a long
#       prefill the decode path is barely compiled; native llama-bench only; -r 1 per round: filling
#       a 16k context takes minutes)
#
# llama.cpp is a native `llama-bench` when LLAMA_BENCH names one (shared/BENCHMARKS.md says which commit to build;
# `-p 512 -n 128 -r 3`), else the one node-llama-cpp ships (llama-cpp-node-bench.mjs), which may be slower.
#
# Why rounds, interleaved: on shared or virtual machines the speed of both programs drifts by 10-20 % over minutes
# (measured on the project's build machines), so one run of each, minutes apart, compares the machine's moods as much
# as the engines. node-llama-cpp is installed once into LLAMA_NODE_DIR (default ~/.cache/lfm4j/node-llama-cpp).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
root="$(cd "$here/../.." && pwd -P)"
model="${1:?usage: side-by-side.sh MODEL.gguf [ROUNDS] [THREADS]}"
rounds="${2:-3}" threads="${3:-2}"
[ -f "$model" ] || { echo "side-by-side: no such file: $model" >&2; exit 2; }
native="${LLAMA_BENCH:-}"
if [ -n "$native" ]; then
  [ -x "$native" ] || { echo "side-by-side: LLAMA_BENCH is not an executable: $native" >&2; exit 2; }
  echo "llama.cpp: native llama-bench at $native"
else
  command -v node >/dev/null || { echo "side-by-side: node is needed for llama.cpp (node-llama-cpp), or set LLAMA_BENCH" >&2; exit 2; }
  dir="${LLAMA_NODE_DIR:-$HOME/.cache/lfm4j/node-llama-cpp}"
  if [ ! -d "$dir/node_modules/node-llama-cpp" ]; then
    echo "installing node-llama-cpp 3.22.1 into $dir" >&2
    mkdir -p "$dir" && npm install --silent --prefix "$dir" node-llama-cpp@3.22.1 >&2
  fi
  # an ES module resolves its imports next to itself, so the script runs from the directory that has node_modules
  cp "$here/llama-cpp-node-bench.mjs" "$dir/"
  echo "llama.cpp: node-llama-cpp 3.22.1's build"
fi

# lfm4j bench's Markdown: the t/s mean of the row whose test cell is exactly $1 (columns found by the header)
lfm_cell() {
  awk -F'|' -v want="$1" '
    NR == 1 { for (i = 2; i < NF; i++) { h = $i; gsub(/^ +| +$/, "", h); if (h == "test") tc = i; if (h == "t/s") sc = i } next }
    { t = $tc; gsub(/^ +| +$/, "", t); if (t == want) { split($sc, a, " "); print a[1]; exit } }'
}

if [ -n "${DEPTHS:-}" ]; then
  [ -n "$native" ] || { echo "side-by-side: the depth comparison needs a native llama-bench (LLAMA_BENCH)" >&2; exit 2; }
  cache="${CACHE:-f16}"
  IFS=, read -r -a depths <<<"$DEPTHS"
  declare -A sums=()
  for ((r = 1; r <= rounds; r++)); do
    lj="$("$native" -m "$model" -t "$threads" -p 512 -n 32 -d "$DEPTHS" -ctk "$cache" -ctv "$cache" -r 1 -o json 2>/dev/null)"
    lm="$("$root/lfm4j" bench -m "$model" -t "$threads" -p 0 -n 0 --context-sweep "$DEPTHS" --sweep-prompt 512 \
          --sweep-tokens 32 -ctk "$cache" -ctv "$cache" -r 1 --warmup 3 --progress none)"
    for d in "${depths[@]}"; do
      for kind in pp512 tg32; do
        if [ "$kind" = pp512 ]; then np=512 ng=0; else np=0 ng=32; fi
        l="$(jq -r --argjson d "$d" --argjson p "$np" --argjson g "$ng" \
              '.[] | select(.n_depth == $d and .n_prompt == $p and .n_gen == $g) | .avg_ts' <<<"$lj")"
        m="$(lfm_cell "$kind @ d$d" <<<"$lm")"
        printf 'round %d: %s @ d%s (%s cache): llama.cpp %.2f | lfm4j %.2f tok/s\n' "$r" "$kind" "$d" "$cache" "$l" "$m"
        sums[$kind.$d.l]="${sums[$kind.$d.l]:-} $l" sums[$kind.$d.m]="${sums[$kind.$d.m]:-} $m"
      done
    done
    peak="$(awk -F'|' 'NR > 1 && $2 ~ /cpu/ && $4 ~ /[0-9]/ { print $7; exit }' <<<"$(sed -n '/^| device/,$p' <<<"$lm")")"
    echo "round $r: lfm4j peak RSS$peak"
  done
  for d in "${depths[@]}"; do
    for kind in pp512 tg32; do
      awk -v t="$kind @ d$d" -v c="$cache" -v n="$rounds" -v th="$threads" -v a="${sums[$kind.$d.l]}" -v b="${sums[$kind.$d.m]}" '
        BEGIN { na = split(a, x, " "); nb = split(b, y, " "); sa = 0; sb = 0
                for (i = 1; i <= na; i++) sa += x[i]; for (i = 1; i <= nb; i++) sb += y[i]
                printf "%s, %s cache (%d threads, %d rounds): llama.cpp %.2f, lfm4j %.2f tok/s = %.0f %%\n", t, c, th, n, sa / na, sb / nb, 100 * (sb / nb) / (sa / na) }'
    done
  done
  exit 0
fi

# "pp512 M ± S tok/s, tg128 M ± S tok/s", from either llama.cpp
llama_round() {
  if [ -n "$native" ]; then
    "$native" -m "$model" -t "$threads" -p 512 -n 128 -r 3 -o md 2>/dev/null | awk -F'|' '
      NF > 3 && $(NF-2) ~ /pp512/ { split($(NF-1), a, " "); pp = a[1] " ± " a[3] }
      NF > 3 && $(NF-2) ~ /tg128/ { split($(NF-1), a, " "); tg = a[1] " ± " a[3] }
      END { printf "pp512 %s tok/s, tg128 %s tok/s\n", pp, tg }'
  else
    (cd "$dir" && node llama-cpp-node-bench.mjs "$model" "$threads" 3)
  fi
}

# "pp512 M ± S tok/s, tg128 M ± S tok/s" from the node script; "| pp512 | M ± S |" rows from lfm4j bench
llama_pp=() llama_tg=() lfm_pp=() lfm_tg=()
for ((r = 1; r <= rounds; r++)); do
  out="$(llama_round)"
  llama_pp+=("$(sed -n 's/.*pp512 \([0-9.]*\) ±.*/\1/p' <<<"$out")")
  llama_tg+=("$(sed -n 's/.*tg128 \([0-9.]*\) ±.*/\1/p' <<<"$out")")
  out="$("$root/lfm4j" bench -m "$model" -t "$threads" -p 512 -n 128 -r 3 --progress none 2>/dev/null)"
  lfm_pp+=("$(lfm_cell pp512 <<<"$out")")
  lfm_tg+=("$(lfm_cell tg128 <<<"$out")")
  printf 'round %d: llama.cpp pp512 %s tg128 %s | lfm4j pp512 %s tg128 %s tok/s\n' "$r" \
    "${llama_pp[-1]}" "${llama_tg[-1]}" "${lfm_pp[-1]}" "${lfm_tg[-1]}"
done
mean() { awk '{ s = 0; for (i = 1; i <= NF; i++) s += $i; printf "%.2f", s / NF }' <<<"$*"; }
report() { # label, llama.cpp's numbers, lfm4j's numbers (array names)
  local -n a="$2" b="$3"
  awk -v t="$1" -v a="$(mean "${a[@]}")" -v b="$(mean "${b[@]}")" -v n="$rounds" -v th="$threads" \
    'BEGIN { printf "%s (%d threads, %d rounds): llama.cpp %.2f, lfm4j %.2f tok/s = %.0f %%\n", t, th, n, a, b, 100 * b / a }'
}
report "prefill pp512" llama_pp lfm_pp
report "decode tg128" llama_tg lfm_tg
