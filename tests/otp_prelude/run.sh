#!/usr/bin/env bash
# Runs the OTP prelude sources (src/stdlib/prelude/otp/*.ex) on real Elixir
# against the conformance cases that use the behaviours.
#
# The prelude defines modules named like Elixir's own (GenServer, Task, ...),
# which real Elixir will not let us redefine, so both the sources and copies
# of the cases are renamed (GenServer -> OGenServer, :sys -> OSys, ...);
# `use X, opts` in a case becomes the child_spec/1 definition the otplab
# compiler injects; `:otplab_logger` is a small shim. Output is renamed back
# before being compared with the recorded stdout (and first stderr line).
#
# Usage: tests/otp_prelude/run.sh [CASE_GLOB]   (skips when elixir is absent)
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# The shared corpus plus this folder's own cases (expected output recorded
# from real Elixir running the same script unrenamed).
if [[ -n "${CASES_DIR:-}" ]]; then
  dirs=("$CASES_DIR")
else
  shared="$root/../../shared/conformance/cases"
  [[ -d "$shared" ]] || shared=/work/shared/conformance/cases
  dirs=("$shared" "$here/cases")
fi
glob="${1:-*}"
[[ "$glob" == *.exs ]] || glob="${glob}*.exs"

if ! command -v elixir >/dev/null 2>&1; then
  echo "SKIP: elixir is not installed"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

rename() {
  sed -E \
    -e 's/(^|[^A-Za-z0-9_.])GenServer\b/\1OGenServer/g' \
    -e 's/(^|[^A-Za-z0-9_.])Agent\b/\1OAgent/g' \
    -e 's/(^|[^A-Za-z0-9_.])Task\b/\1OTask/g' \
    -e 's/(^|[^A-Za-z0-9_.])DynamicSupervisor\b/\1ODynamicSupervisor/g' \
    -e 's/(^|[^A-Za-z0-9_.])Supervisor\b/\1OSupervisor/g' \
    -e 's/(^|[^A-Za-z0-9_.])Logger\b/\1OLogger/g' \
    -e 's/(^|[^A-Za-z0-9_])defmodule :sys do/\1defmodule OSys do/g' \
    -e 's/(^|[^A-Za-z0-9_]):sys\./\1OSys./g'
}

unrename() {
  sed -E -e 's/\bO(GenServer|Agent|Task|DynamicSupervisor|Supervisor|Logger)\b/\1/g' -e 's/\bOSys\./:sys./g'
}

# `use Mod` / `use Mod, opts` -> the child_spec/1 the otplab compiler injects.
inject_use() {
  sed -E \
    -e 's/^( *)use (OGenServer|OAgent|OTask|OSupervisor|ODynamicSupervisor), (.*)$/\1def child_spec(arg), do: \2.__child_spec__(__MODULE__, arg, [\3])/' \
    -e 's/^( *)use (OGenServer|OAgent|OTask|OSupervisor|ODynamicSupervisor)$/\1def child_spec(arg), do: \2.__child_spec__(__MODULE__, arg, [])/' \
    -e 's/@impl (true|OGenServer|OSupervisor)$//'
}

{
  cat <<'SHIM'
defmodule :otplab_logger do
  # Real Elixir's own Logger is set too: it reports crashes of plain
  # spawned processes, which otplab's runtime reports through this level.
  def set_level(level) do
    Logger.configure(level: level)
    :persistent_term.put(:otplab_logger_level, level)
  end

  def level, do: :persistent_term.get(:otplab_logger_level, :debug)
end
SHIM
  for f in logger gen_server sys agent task task_supervised supervisor dynamic_supervisor task_supervisor; do
    rename <"$root/src/stdlib/prelude/otp/$f.ex"
  done
} >"$work/otp.exs"

pass=0
fail=0
for cases_dir in "${dirs[@]}"; do
for case_file in "$cases_dir"/$glob; do
  [[ -f "$case_file" ]] || continue
  name="$(basename "$case_file" .exs)"
  grep -qE '\b(GenServer|Agent|Task|Supervisor|DynamicSupervisor|Logger)\b|:sys\.' "$case_file" || continue
  rename <"$case_file" | inject_use >"$work/$name.exs"
  (cd "$work" && timeout 30 elixir -r otp.exs "$name.exs" >"$name.out" 2>"$name.err")
  status=$?
  unrename <"$work/$name.out" >"$work/$name.out2"
  why=""
  if ! cmp -s "$work/$name.out2" "$cases_dir/$name.stdout"; then
    why="stdout differs"
  fi
  expected_status="$(cat "$cases_dir/$name.status")"
  if [[ ( "$expected_status" == 0 && $status != 0 ) || ( "$expected_status" != 0 && $status == 0 ) ]]; then
    why="$why status $status"
  fi
  if [[ -f "$cases_dir/$name.stderr1" ]]; then
    norm='s/#PID<[0-9.]*>/#PID<X>/g; s/#Reference<[0-9.]*>/#Reference<X>/g; s/[[:space:]]*$//'
    got="$(grep -v '^[[:space:]]*$' "$work/$name.err" | grep -v '^warning\|^  [a-z].*\.exs:' | head -1 | unrename | sed -E "$norm")"
    want="$(grep -v '^[[:space:]]*$' "$cases_dir/$name.stderr1" | head -1 | sed -E "$norm")"
    [[ "$got" == "$want" ]] || why="$why stderr1: got [$got]"
  fi
  if [[ -z "$why" ]]; then
    echo "PASS $name"
    pass=$((pass + 1))
  else
    echo "FAIL $name: $why"
    if [[ -n "${VERBOSE:-}" ]]; then
      diff "$work/$name.out2" "$cases_dir/$name.stdout" | head -20
      grep -v '^warning' "$work/$name.err" | head -20
    fi
    fail=$((fail + 1))
  fi
done
done
echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
