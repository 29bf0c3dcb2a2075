#!/usr/bin/env bash
# Scaling mode: runs benches/scaling.exs at N = 10^3, 10^4, 10^5 on otplab and on real
# Elixir, and prints per workload the growth exponent on each (the least-squares slope
# of log time over log N: 1.0 is linear, 2.0 quadratic), their difference, and the
# cost ratio otplab/BEAM at each N. A workload whose exponent exceeds BEAM's by more
# than 0.15 is marked "GROWS". Timings are best-of-reps inside each run; the host is
# shared, so the load average is printed with the table.
# Usage: benches/scaling.sh                 (OTPLAB defaults to target/release/otplab)
#        OTPLAB=/path/to/otplab NS="1000 10000" benches/scaling.sh
# Exit: 0 when every workload's exponent is within 0.15 of BEAM's, 1 otherwise
# (2 when a run failed). A benchmark, never a test: nothing here runs in CI.
set -uo pipefail
cd "$(dirname "$0")/.."
OTPLAB=${OTPLAB:-target/release/otplab}
NS=${NS:-"1000 10000 100000"}
tmp=$(mktemp -d /tmp/otplab_scaling.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

echo "scaling: start loadavg=[$(cut -d' ' -f1-3 /proc/loadavg)] nproc=$(nproc)" >&2
for n in $NS; do
  for side in beam otplab; do
    if [ "$side" = beam ]; then cmd=(elixir benches/scaling.exs "$n"); else cmd=("$OTPLAB" run benches/scaling.exs "$n"); fi
    echo "scaling: $side N=$n" >&2
    if ! "${cmd[@]}" > "$tmp/out" 2> "$tmp/err"; then
      echo "scaling: $side N=$n failed:" >&2; tail -5 "$tmp/err" >&2; exit 2
    fi
    awk -v s="$side" -v n="$n" 'NF == 3 { print s, n, $1, $2 }' "$tmp/out" >> "$tmp/all"
  done
done
echo "scaling: end loadavg=[$(cut -d' ' -f1-3 /proc/loadavg)]" >&2

awk -v ns="$NS" '
  { t[$1, $3, $2] = $4; if (!($3 in seen)) { seen[$3] = 1; order[++k] = $3 } }
  function slope(side, m,    i, x, y, sx, sy, sxx, sxy, c) {
    for (i = 1; i <= nn; i++) {
      if (!((side, m, n[i]) in t) || t[side, m, n[i]] <= 0) continue
      x = log(n[i]) / log(10); y = log(t[side, m, n[i]]) / log(10)
      sx += x; sy += y; sxx += x * x; sxy += x * y; c++
    }
    if (c < 2) return "nan"
    return (c * sxy - sx * sy) / (c * sxx - sx * sx)
  }
  BEGIN { nn = split(ns, n, " ") }
  END {
    printf "| workload | BEAM exp | otplab exp | diff |"
    for (i = 1; i <= nn; i++) printf " cost N=%s |", n[i]
    printf " verdict |\n|---|---|---|---|"
    for (i = 1; i <= nn; i++) printf "---|"
    printf "---|\n"
    bad = 0
    for (j = 1; j <= k; j++) {
      m = order[j]; b = slope("beam", m); o = slope("otplab", m)
      d = o - b; verdict = (d > 0.15) ? "GROWS" : "ok"
      if (d > 0.15) bad = 1
      printf "| %s | %.2f | %.2f | %+.2f |", m, b, o, d
      for (i = 1; i <= nn; i++) {
        if (t["beam", m, n[i]] > 0) printf " %.2fx |", t["otplab", m, n[i]] / t["beam", m, n[i]]
        else printf " - |"
      }
      printf " %s |\n", verdict
    }
    exit bad
  }
' "$tmp/all"
