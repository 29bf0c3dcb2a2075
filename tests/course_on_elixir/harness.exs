# Runs one answer against one unit's checks on real Elixir, so the course content
# can be verified before (and independently of) otplab's own engine.
#
# Usage: elixir harness.exs DATA.exs
# DATA.exs evaluates to a map written by tests/course_on_elixir.rs:
#   %{fixtures_dir: path, preload: [source], answer: source,
#     checks: [%{id:, run:, expect:, elapsed:, ratio:, no_leftovers:, timeout:, miss:}]}
# Prints one line per check:  CHECK <id> pass <ms>  |  CHECK <id> fail <kind> <ms> <detail>
#
# Virtual-time windows are measured here on the real clock, so they get a slack
# (a sanity check, not the grader's exact verdict).

defmodule CourseHarness do
  @slack_low 60
  @slack_high 300

  def main([data_path]) do
    {data, _} = Code.eval_file(data_path)
    Enum.each(data.preload, &Code.compile_string/1)

    case load(data.answer) do
      :ok ->
        Enum.each(data.checks, fn check -> report(check, run_check(check, data.fixtures_dir)) end)

      {:error, message} ->
        Enum.each(data.checks, fn check -> report(check, {:fail, "error", 0, message}) end)
    end
  end

  defp load(source) do
    Code.compile_string(source)
    :ok
  rescue
    error -> {:error, Exception.message(error)}
  end

  defp report(check, {:pass, ms}), do: IO.puts("CHECK #{check.id} pass #{ms}")

  defp report(check, {:fail, kind, ms, detail}) do
    detail = detail |> to_string() |> String.replace(~r/\s+/, " ") |> String.slice(0, 300)
    IO.puts("CHECK #{check.id} fail #{kind} #{ms} #{detail}")
  end

  defp run_check(check, fixtures_dir) do
    baseline_procs = MapSet.new(Process.list())
    baseline_tables = MapSet.new(:ets.all())
    parent = self()

    {pid, ref} =
      spawn_monitor(fn ->
        binding = [fixtures_dir: fixtures_dir]
        t0 = System.monotonic_time(:millisecond)
        outcome = evaluate(check.run, binding)
        ms = System.monotonic_time(:millisecond) - t0

        ratio =
          case {outcome, check.ratio} do
            {{:value, _, bound}, {faster, slower, _}} -> {time(faster, bound), time(slower, bound)}
            _ -> nil
          end

        send(parent, {:outcome, self(), outcome, ms, ratio})
        receive do: (:finish -> :ok)
      end)

    verdict =
      receive do
        {:outcome, ^pid, outcome, ms, ratio} ->
          Process.sleep(40)
          leftovers = leftovers(baseline_procs, baseline_tables, pid)
          judge(check, outcome, ms, ratio, leftovers)

        {:DOWN, ^ref, :process, ^pid, reason} ->
          judge(check, {:exit, reason}, 0, nil, {[], []})
      after
        check.timeout + 2_000 ->
          {:fail, "timeout", check.timeout, "no result within #{check.timeout} ms"}
      end

    Process.demonitor(ref, [:flush])
    cleanup(baseline_procs)
    verdict
  end

  defp evaluate(source, binding) do
    {value, bound} = Code.eval_string(source, binding)
    {:value, value, bound}
  rescue
    error -> {:raised, error}
  catch
    :exit, reason -> {:exit, reason}
    :throw, value -> {:thrown, value}
  end

  defp time(source, binding) do
    {us, _} = :timer.tc(fn -> Code.eval_string(source, binding) end)
    max(us, 1)
  end

  defp leftovers(baseline_procs, baseline_tables, check_pid) do
    procs =
      Process.list()
      |> Enum.reject(&(MapSet.member?(baseline_procs, &1) or &1 == check_pid))
    tables = Enum.reject(:ets.all(), &MapSet.member?(baseline_tables, &1))
    {procs, tables}
  end

  defp cleanup(baseline_procs) do
    Process.list()
    |> Enum.reject(&(MapSet.member?(baseline_procs, &1) or &1 == self()))
    |> Enum.each(fn pid ->
      ref = Process.monitor(pid)
      Process.exit(pid, :kill)
      receive do: ({:DOWN, ^ref, _, _, _} -> :ok), after: (1_000 -> :ok)
    end)
  end

  defp judge(check, outcome, ms, ratio, {procs, tables}) do
    with :ok <- expectation(check, outcome),
         :ok <- window(check, ms),
         :ok <- ratio_ok(check, ratio),
         :ok <- clean(check, procs, tables) do
      {:pass, ms}
    else
      {kind, detail} -> {:fail, kind, ms, detail}
    end
  end

  # A broken expectation (bad Elixir in the unit) is reported, not a harness crash.
  defp expectation(check, outcome) do
    compare(check, outcome)
  rescue
    error -> {"error", "the check's expectation failed to evaluate: " <> Exception.message(error)}
  end

  defp compare(check, outcome) do
    case {check.expect, outcome} do
      {:returns, {:value, _, _}} ->
        :ok

      {{:value, source}, {:value, value, _}} ->
        {expected, _} = Code.eval_string(source)
        if value == expected, do: :ok, else: {check.miss, "got #{inspect(value)}, expected #{source}"}

      {{:match, pattern}, {:value, value, bound}} ->
        # Pins in the pattern (^name) see the bindings `run` made.
        {ok, _} = Code.eval_string("match?(#{pattern}, value__)", [{:value__, value} | bound])
        if ok, do: :ok, else: {check.miss, "got #{inspect(value)}, expected #{pattern}"}

      {{:raises, name}, {:raised, error}} ->
        if inspect(error.__struct__) == name, do: :ok, else: {check.miss, "raised #{inspect(error)}"}

      {{:exits, pattern}, {:exit, reason}} ->
        {ok, _} = Code.eval_string("match?(#{pattern}, reason__)", reason__: reason)
        if ok, do: :ok, else: {check.miss, "exited #{inspect(reason)}, expected #{pattern}"}

      {_, {:value, value, _}} ->
        {check.miss, "returned #{inspect(value)}"}

      {_, {:raised, error}} ->
        {"crashed", "raised #{inspect(error)}"}

      {_, {:exit, reason}} ->
        {"crashed", "exited #{inspect(reason)}"}

      {_, {:thrown, value}} ->
        {"crashed", "threw #{inspect(value)}"}
    end
  end

  defp window(%{elapsed: nil}, _ms), do: :ok

  defp window(%{elapsed: {low, high}}, ms) do
    cond do
      ms > high + @slack_high -> {"too_slow", "took #{ms} ms, window #{low}..#{high}"}
      ms < low - @slack_low -> {"too_fast", "took #{ms} ms, window #{low}..#{high}"}
      true -> :ok
    end
  end

  defp ratio_ok(%{ratio: nil}, _), do: :ok
  defp ratio_ok(_check, nil), do: :ok

  defp ratio_ok(%{ratio: {_, _, at_least}} = check, {faster, slower}) do
    if slower / faster >= at_least,
      do: :ok,
      else: {check.miss, "ratio #{Float.round(slower / faster, 2)} below #{at_least}"}
  end

  defp clean(%{no_leftovers: false}, _, _), do: :ok
  defp clean(_, [], []), do: :ok

  defp clean(_, procs, tables),
    do: {"leaked_process", "left #{length(procs)} processes and #{length(tables)} tables"}
end

CourseHarness.main(System.argv())
