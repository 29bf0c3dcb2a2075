#!/usr/bin/env bash
# Runs a bench script on otplab and, when installed, on real Elixir, and prints each
# metric with the ratio "how many times BEAM's cost otplab pays": for times and sizes
# (`*_ms`, `*_us`, `*_bytes`, `*_kb`) otplab/BEAM, for rates (`*_per_s`) BEAM/otplab.
# So 1.0x is parity, above 1 otplab is slower (or bigger), below 1 it is ahead.
# Usage: benches/compare.sh [SCRIPT.exs ...]   (default: benches/interp.exs)
# A script prints one `METRIC VALUE` line per figure (see benches/interp.exs).
set -euo pipefail
cd "$(dirname "$0")/.."
(($# > 0)) || set -- benches/interp.exs
cargo build --release -q
printf '%-44s %14s %14s %8s\n' metric otplab beam cost
for script in "$@"; do
  ours="$(mktemp)"; theirs="$(mktemp)"
  ./target/release/otplab run "$script" > "$ours"
  if command -v elixir >/dev/null 2>&1; then
    elixir "$script" > "$theirs"
  else
    echo "(elixir not installed: otplab figures only)" >&2
    : > "$theirs"
  fi
  while read -r metric value _; do
    [[ -z "$metric" ]] && continue
    beam="$(awk -v m="$metric" '$1 == m { print $2 }' "$theirs")"
    if [[ -n "$beam" ]]; then
      ratio="$(awk -v m="$metric" -v a="$value" -v b="$beam" 'BEGIN {
        if (m ~ /_per_s$/) { if (a > 0) printf "%.2fx", b / a; else print "-" }
        else { if (b > 0) printf "%.2fx", a / b; else print "-" } }')"
    else
      beam="-"; ratio="-"
    fi
    printf '%-44s %14s %14s %8s\n' "$metric" "$value" "$beam" "$ratio"
  done < "$ours"
  rm -f "$ours" "$theirs"
done
