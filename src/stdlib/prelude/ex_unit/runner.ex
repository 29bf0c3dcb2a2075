defmodule ExUnit.Runner do
  @moduledoc """
  Runs the registered test modules: async modules all at once, each in its own
  process, then the others one after another. Every test runs in a process of
  its own, monitored, with its `:timeout`; a crash or a timeout fails that test
  alone. Results come back to the calling process, which prints them as they
  arrive (`ExUnit.Formatter`) and returns the counts.
  """

  @doc "Runs `modules` (`{module, file}`) with `config`; returns the stats map."
  def run(modules, config) do
    seed = Keyword.get(config, :seed, 0)
    formatter = ExUnit.Formatter.start(config)
    start = System.monotonic_time(:microsecond)
    ordered = order(Enum.reverse(modules), seed)
    {async, sync} = Enum.split_with(ordered, fn {m, _} -> m.__ex_unit__().async == true end)
    state = %{stats: %{total: 0, failures: 0, skipped: 0, excluded: 0, invalid: 0}, formatter: formatter, halted: false}
    state = run_group(async, config, state, true)
    async_us = if async == [], do: nil, else: System.monotonic_time(:microsecond) - start
    state = run_group(sync, config, state, false)
    run_us = System.monotonic_time(:microsecond) - start
    load_us =
      case Keyword.get(config, :load_start) do
        nil -> nil
        t -> start - t
      end

    ExUnit.Formatter.suite_finished(state.formatter, state.stats, %{run: run_us, async: async_us, load: load_us}, state.halted)
    state.stats
  end

  defp order(list, 0), do: list

  defp order(list, seed) do
    :rand.seed(:exsss, {seed, seed, seed})
    Enum.shuffle(list)
  end

  # Async modules start together; sync ones wait for each other.
  defp run_group(modules, config, state, concurrent) do
    # --trace runs one module at a time (ExUnit's max_cases: 1).
    if concurrent and not Keyword.get(config, :trace, false) do
      runner = self()

      pids =
        Enum.map(modules, fn {m, file} ->
          {pid, _ref} = spawn_monitor(fn -> run_module(m, file, config, runner) end)
          {pid, m}
        end)

      collect(pids, state)
    else
      Enum.reduce(modules, state, fn {m, file}, acc ->
        if acc.halted do
          acc
        else
          runner = self()
          {pid, _ref} = spawn_monitor(fn -> run_module(m, file, config, runner) end)
          collect([{pid, m}], acc)
        end
      end)
    end
  end

  defp collect([], state), do: state

  defp collect(pids, state) do
    receive do
      {:ex_unit_module_done, pid} ->
        collect(List.keydelete(pids, pid, 0), state)

      # A module process that died (a linked process crashed in setup_all, or
      # the module's metadata could not be read): its failure is reported.
      {:DOWN, _ref, :process, pid, reason} ->
        case List.keyfind(pids, pid, 0) do
          {^pid, module} when reason != :normal ->
            failure = %{name: module, state: {:failed, [{{:EXIT, pid}, reason, nil}]}}
            state = handle_event({:module_finished, failure}, state)
            collect(List.keydelete(pids, pid, 0), state)

          _ ->
            collect(pids, state)
        end

      {:ex_unit_event, _pid, event} ->
        state = handle_event(event, state)
        max = state.formatter.max_failures

        if max != :infinity and state.stats.failures >= max and not state.halted do
          Enum.each(pids, fn {p, _} -> Process.exit(p, :kill) end)
          %{state | halted: true}
        else
          collect(pids, state)
        end
    end
  end

  defp handle_event({:test_finished, test}, state) do
    stats = state.stats
    stats = %{stats | total: stats.total + 1}

    stats =
      case test.state do
        nil -> stats
        {:failed, _} -> %{stats | failures: stats.failures + 1}
        {:skipped, _} -> %{stats | skipped: stats.skipped + 1}
        {:excluded, _} -> %{stats | excluded: stats.excluded + 1}
        {:invalid, _} -> %{stats | invalid: stats.invalid + 1}
      end

    formatter = ExUnit.Formatter.test_finished(state.formatter, test, stats.failures)
    %{state | stats: stats, formatter: formatter}
  end

  defp handle_event({:module_finished, module_test}, state) do
    formatter = ExUnit.Formatter.module_finished(state.formatter, module_test, state.stats.failures)
    %{state | formatter: formatter}
  end

  defp handle_event({:module_started, module, file}, state) do
    %{state | formatter: ExUnit.Formatter.module_started(state.formatter, module, file)}
  end

  ## One module, in its own process

  defp run_module(module, file, config, runner) do
    meta = module.__ex_unit__()
    file = file || "nofile"
    send(runner, {:ex_unit_event, self(), {:module_started, module, file}})
    tests = Enum.map(meta.tests, fn t -> build_test(module, file, meta, t) end)
    tests = select(tests, config)
    {not_run, to_run} = Enum.split_with(tests, fn t -> t.state != nil end)
    Enum.each(not_run, fn t -> send(runner, {:ex_unit_event, self(), {:test_finished, t}}) end)
    to_run = order(to_run, Keyword.get(config, :seed, 0))

    if to_run != [] do
      run_module_tests(module, file, meta, to_run, config, runner)
    end

    send(runner, {:ex_unit_module_done, self()})
  end

  defp run_module_tests(module, file, meta, tests, config, runner) do
    context = %{module: module, case: module, file: file, async: meta.async}
    context = Map.merge(context, Map.new(meta.moduletags))

    case run_setup_all(module, meta.setup_all, context) do
      {:ok, context} ->
        Enum.each(tests, fn test ->
          test = run_test(test, context, config)
          send(runner, {:ex_unit_event, self(), {:test_finished, test}})
        end)

        failures = run_on_exit(self())

        if failures != [] do
          send(runner, {:ex_unit_event, self(), {:module_finished, %{name: module, state: {:failed, failures}}}})
        end

      {:error, failures} ->
        Enum.each(tests, fn test ->
          send(runner, {:ex_unit_event, self(), {:test_finished, %{test | state: {:invalid, module}}}})
        end)

        send(runner, {:ex_unit_event, self(), {:module_finished, %{name: module, state: {:failed, failures}}}})
    end
  end

  # setup_all runs in the module's process, as in ExUnit: what it starts (an ETS
  # table, a linked process) lives until the module's tests are done, and its
  # on_exit callbacks run after them.
  defp run_setup_all(module, setups, context) do
    try do
      ctx =
        Enum.reduce(setups, context, fn fun, ctx ->
          ExUnit.Callbacks.__merge__(module, ctx, apply(module, fun, [ctx]), "setup_all")
        end)

      {:ok, ctx}
    catch
      kind, reason -> {:error, [{kind, reason, Process.get(:"$ex_unit_line")}]}
    end
  end

  defp build_test(module, file, meta, t) do
    tags =
      Map.new(meta.moduletags)
      |> Map.merge(Map.new(t.describetags))
      |> Map.merge(Map.new(t.tags))
      |> Map.merge(%{
        module: module,
        case: module,
        test: t.name,
        file: file,
        line: t.line,
        describe: t.describe,
        describe_line: t.describe_line,
        async: meta.async,
        test_type: t.test_type,
        registered: %{}
      })

    %{name: t.name, module: module, tags: tags, setups: meta.setup ++ t.setups, state: nil, time: 0, line: t.line, file: file, implemented: t.implemented}
  end

  # Tag filters (`:include`, `:exclude`, `:only` via config) and `@tag :skip`.
  defp select(tests, config) do
    include = Keyword.get(config, :include, [])
    exclude = Keyword.get(config, :exclude, [])

    Enum.map(tests, fn test ->
      cond do
        test.state != nil ->
          test

        excluded?(test.tags, include, exclude) ->
          %{test | state: {:excluded, "due to tag filter"}}

        skip = Map.get(test.tags, :skip) ->
          %{test | state: {:skipped, if(is_binary(skip), do: skip, else: "due to skip tag")}}

        true ->
          test
      end
    end)
  end

  defp excluded?(tags, include, exclude) do
    Enum.any?(exclude, fn f -> filter_matches?(tags, f) end) and
      not Enum.any?(include, fn f -> filter_matches?(tags, f) end)
  end

  @doc false
  def filter_matches?(tags, {:line, line}) when is_binary(line) do
    filter_matches?(tags, {:line, String.to_integer(line)})
  end

  def filter_matches?(tags, {:line, line}) when is_integer(line) do
    # `path:line` selects the test whose definition is the closest one at or
    # above `line` (the runner fills `:selected_line` per module).
    Map.get(tags, :ex_unit_selected_line) == line or tags.line == line
  end

  def filter_matches?(tags, {key, value}) do
    case Map.fetch(tags, key) do
      {:ok, ^value} -> true
      {:ok, other} -> to_string(other) == to_string(value)
      :error -> false
    end
  end

  def filter_matches?(tags, key) when is_atom(key) do
    key == :test or Map.has_key?(tags, key) and Map.get(tags, key) != nil and Map.get(tags, key) != false
  end

  ## One test, in its own process

  # A test written without a body fails as ExUnit's does, without running.
  defp run_test(%{implemented: false} = test, _context, _config) do
    %{test | state: {:failed, [{:error, %ExUnit.AssertionError{message: "Not implemented"}, nil}]}}
  end

  defp run_test(test, module_context, config) do
    parent = self()
    context = Map.merge(module_context, test.tags)
    start = System.monotonic_time(:microsecond)

    {pid, ref} =
      spawn_monitor(fn ->
        result =
          try do
            ctx =
              Enum.reduce(test.setups, context, fn fun, ctx ->
                ExUnit.Callbacks.__merge__(test.module, ctx, apply(test.module, fun, [ctx]), "setup")
              end)

            apply(test.module, test.name, [ctx])
            nil
          catch
            kind, reason -> {:failed, [{kind, reason, Process.get(:"$ex_unit_line")}]}
          end

        {:links, links} = Process.info(self(), :links)
        send(parent, {self(), :test_done, result, links})
        exit(:shutdown)
      end)

    timeout = Map.get(test.tags, :timeout, Keyword.get(config, :timeout, 60_000))

    state =
      receive do
        {^pid, :test_done, result, links} ->
          receive do
            {:DOWN, ^ref, :process, ^pid, _} -> :ok
          end

          await_linked(links -- [parent])
          result

        {:DOWN, ^ref, :process, ^pid, reason} ->
          {:failed, [{{:EXIT, pid}, reason, nil}]}
      after
        timeout ->
          # Where the test was: the line its last statement recorded.
          line =
            case Process.info(pid, :dictionary) do
              {:dictionary, dictionary} -> Keyword.get(dictionary, :"$ex_unit_line")
              _ -> nil
            end

          Process.exit(pid, :kill)

          receive do
            {:DOWN, ^ref, :process, ^pid, _} -> :ok
          end

          {:failed, [{:error, %ExUnit.TimeoutError{timeout: timeout, type: "test"}, line}]}
      end

    elapsed = System.monotonic_time(:microsecond) - start
    stop_supervisor(pid)

    state =
      case {state, run_on_exit(pid)} do
        {state, []} -> state
        {nil, failures} -> {:failed, failures}
        {{:failed, earlier}, failures} -> {:failed, earlier ++ failures}
      end

    %{test | state: state, time: elapsed}
  end

  # The processes the test linked to die with its `:shutdown` exit (unless
  # they trap exits); wait for them (briefly) so that the next test does not
  # find their registered names still taken, as it does not on BEAM.
  defp await_linked(links) do
    refs = for p <- links, is_pid(p), do: {p, Process.monitor(p)}
    deadline = System.monotonic_time(:millisecond) + 100

    Enum.each(refs, fn {p, ref} ->
      left = max(deadline - System.monotonic_time(:millisecond), 0)

      receive do
        {:DOWN, ^ref, :process, ^p, _} -> :ok
      after
        left -> Process.demonitor(ref, [:flush])
      end
    end)
  end

  defp stop_supervisor(pid) do
    case ExUnit.Server.take_supervisor(pid) do
      nil ->
        :ok

      sup ->
        if Process.alive?(sup) do
          ref = Process.monitor(sup)
          Process.unlink(sup)
          Process.exit(sup, :shutdown)

          receive do
            {:DOWN, ^ref, :process, ^sup, _} -> :ok
          end
        end
    end
  end

  # The on_exit callbacks of `pid`, last registered first, each in a process.
  defp run_on_exit(pid) do
    ExUnit.Server.take_on_exit(pid)
    |> Enum.flat_map(fn {_name, fun} ->
      parent = self()

      {runner, ref} =
        spawn_monitor(fn ->
          result =
            try do
              fun.()
              []
            catch
              kind, reason -> [{kind, reason, Process.get(:"$ex_unit_line")}]
            end

          send(parent, {self(), :on_exit_done, result})
        end)

      receive do
        {^runner, :on_exit_done, result} ->
          Process.demonitor(ref, [:flush])
          result

        {:DOWN, ^ref, :process, ^runner, reason} ->
          [{{:EXIT, runner}, reason, nil}]
      end
    end)
  end
end
