#!/usr/bin/env bash
# Runs a bench script on otplab and, when installed, on real Elixir, and prints
# each metric with the ratio otplab/BEAM. Usage: benches/compare.sh [benches/interp.exs]
set -euo pipefail
cd "$(dirname "$0")/.."
script="${1:-benches/interp.exs}"
cargo build --release -q
ours="$(mktemp)"; theirs="$(mktemp)"
./target/release/otplab run "$script" > "$ours"
if command -v elixir >/dev/null 2>&1; then
  elixir "$script" > "$theirs"
else
  echo "(elixir not installed: otplab figures only)" >&2
  : > "$theirs"
fi
printf '%-24s %12s %12s %8s\n' metric otplab beam ratio
while read -r metric value; do
  beam="$(awk -v m="$metric" '$1 == m { print $2 }' "$theirs")"
  if [[ -n "$beam" ]]; then
    ratio="$(awk -v a="$value" -v b="$beam" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }')"
  else
    beam="-"; ratio="-"
  fi
  printf '%-24s %12s %12s %8s\n' "$metric" "$value" "$beam" "$ratio"
done < "$ours"
