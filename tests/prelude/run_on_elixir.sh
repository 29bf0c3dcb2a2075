#!/usr/bin/env bash
# Runs the prelude (src/stdlib/prelude/*.ex) on real Elixir, with its modules
# renamed (see rename.pl), against the Enum/Stream/Map conformance cases and
# compare.exs. Prints, per case, how many expected stdout lines it reproduces.
# Skips (exit 0) when `elixir` is not installed: the project's tests never need it.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cases="${CONFORMANCE_CASES:-$root/../../shared/conformance/cases}"
[ -d "$cases" ] || cases=/work/shared/conformance/cases

if ! command -v elixir >/dev/null 2>&1; then
  echo "skipped: elixir is not installed"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The load order comes from prelude.rs (the order otplab compiles them in).
order=$(sed -n 's/^    ("\([a-z_]*\.ex\)", include_str!.*/\1/p' "$root/src/stdlib/prelude.rs")
{
  cat "$here/shims.exs"
  for f in $order; do perl "$here/rename.pl" "$root/src/stdlib/prelude/$f"; done
} > "$work/prelude.exs"

total=0; matched=0; failed=0
run_case() { # name script expected
  local name="$1" script="$2" expected="$3"
  cat "$work/prelude.exs" "$script" > "$work/run.exs"
  (cd "$work" && timeout 60 elixir run.exs > "$work/out.txt" 2> "$work/err.txt")
  local n m
  n=$(wc -l < "$expected")
  m=$(paste -d '\n' "$expected" "$work/out.txt" | awk 'NR % 2 == 1 {e = $0; next} {if ($0 == e) c++} END {print c + 0}')
  total=$((total + n)); matched=$((matched + m))
  printf '%-32s %4d / %4d lines\n' "$name" "$m" "$n"
  if [ "$m" -ne "$n" ]; then
    failed=1
    diff "$expected" "$work/out.txt" | head -20
    head -5 "$work/err.txt"
  fi
}

for c in 004_maps 006_keyword_ranges 007_pipes_fns_captures 011_comprehensions 013_enum 014_stream; do
  RENAME_KERNEL_CALLS=1 perl "$here/rename.pl" "$cases/$c.exs" > "$work/case.exs"
  run_case "$c" "$work/case.exs" "$cases/$c.stdout"
done

# compare.exs checks prelude against real Elixir directly; its expected output is
# produced by running it un-renamed on real Elixir.
RENAME_KERNEL_CALLS=1 perl "$here/rename.pl" "$here/compare.exs" > "$work/compare_p.exs"
(cd "$work" && elixir "$here/compare.exs" > "$work/compare.expected")
run_case "compare.exs" "$work/compare_p.exs" "$work/compare.expected"

echo "total: $matched / $total expected lines reproduced"
exit $failed
