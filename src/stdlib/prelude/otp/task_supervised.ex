defmodule Task.Supervised do
  @moduledoc """
  The body of every task process, and the engine behind async_stream.

  A replying task (Task.async, Task.Supervisor.async/async_nolink, stream
  items) waits for `{owner, ref}` from its owner before running, then sends
  `{ref, result}` back. A crash is logged ("Task ... terminating") and the
  process exits with the same reason an uncaught crash would give.
  """

  @doc "Starts a task process linked to the caller: `{:ok, pid}`."
  def start_link(owner, mode, mfa) do
    {:ok, spawn_link(fn -> run(owner, mode, mfa) end)}
  end

  @doc "Starts a task process without a link: `{:ok, pid}`."
  def start(owner, mode, mfa) do
    {:ok, spawn(fn -> run(owner, mode, mfa) end)}
  end

  @doc false
  def run(owner, :noreply, mfa) do
    invoke_mfa(owner, mfa)
    :ok
  end

  def run(owner, :reply, mfa) do
    receive do
      {^owner, ref} ->
        result = invoke_mfa(owner, mfa)
        # To the owner's alias: dropped once the owner stopped waiting.
        send(ref, {ref, result})
        :ok
    end
  end

  @doc false
  # Hands a started replying task its reference: monitors it (the monitor
  # reference is the reply tag, and an alias the reply travels through, so a
  # reply after demonitor is dropped, as in Elixir) and tells it to run.
  def connect(pid, owner, {module, fun, args}) do
    ref = :erlang.monitor(:process, pid, alias: :demonitor)
    send(pid, {owner, ref})
    %Task{pid: pid, ref: ref, owner: owner, mfa: {module, fun, length(args)}}
  end

  @doc false
  def invoke_mfa(owner, {module, fun, args} = mfa) do
    try do
      case args do
        # A task of a function (Task.Supervisor.start_child/2, Task.async/1):
        # called directly, as `:erlang.apply/2` would, without two applies.
        [f, []] when module == :erlang and fun == :apply and is_function(f, 0) -> f.()
        _ -> apply(module, fun, args)
      end
    catch
      :exit, reason ->
        Logger.Translator.task_terminating(owner, mfa, reason)
        exit(reason)

      :error, reason ->
        stack = __STACKTRACE__
        Logger.Translator.task_terminating(owner, mfa, {reason, stack})
        exit({reason, stack})

      :throw, value ->
        stack = __STACKTRACE__
        Logger.Translator.task_terminating(owner, mfa, {{:nocatch, value}, stack})
        exit({{:nocatch, value}, stack})
    end
  end

  @doc false
  # Remembers that replies tagged `ref` are no longer wanted (the caller gave
  # up waiting). Real Elixir drops them with process aliases; here yield and
  # await discard them when they show up.
  def forget(ref), do: Process.put({Task.Supervised, :forgotten, ref}, true)

  @doc false
  def forgotten?(ref), do: Process.get({Task.Supervised, :forgotten, ref}) == true

  @doc """
  The lazy stream behind Task.async_stream and the Task.Supervisor variants.
  `spawn` starts one replying task for an input element and returns its
  %Task{}; results are `{:ok, value}` or `{:exit, reason}`.
  """
  def stream(enumerable, spawn, options) do
    config = %{
      spawn: spawn,
      max: Keyword.get(options, :max_concurrency, System.schedulers_online()),
      ordered: Keyword.get(options, :ordered, true),
      timeout: Keyword.get(options, :timeout, 5000),
      on_timeout: Keyword.get(options, :on_timeout, :exit),
      zip: Keyword.get(options, :zip_input_on_exit, false)
    }

    if not (is_integer(config.max) and config.max > 0) do
      raise ArgumentError, ":max_concurrency must be an integer greater than zero"
    end

    if config.on_timeout not in [:exit, :kill_task] do
      raise ArgumentError, ":on_timeout must be either :exit or :kill_task"
    end

    enumerable
    |> Stream.map(&{:item, &1})
    |> Stream.concat([:done])
    |> Stream.transform(
      fn -> %{running: %{}, next: 0, emit: 0, ready: %{}} end,
      fn
        {:item, input}, acc ->
          {out, acc} = wait_below(config, acc, config.max)
          task = config.spawn.(input)
          deadline = deadline(config.timeout)
          running = Map.put(acc.running, task.ref, {acc.next, task, input, deadline})
          {more, acc} = collect(config, %{acc | running: running, next: acc.next + 1}, 0)
          {out ++ more, acc}

        :done, acc ->
          wait_below(config, acc, 1)
      end,
      fn acc -> Enum.each(acc.running, fn {_ref, {_, task, _, _}} -> kill(task) end) end
    )
  end

  defp deadline(:infinity), do: :infinity
  defp deadline(timeout), do: System.monotonic_time(:millisecond) + timeout

  # Collects results until fewer than `limit` tasks run.
  defp wait_below(config, acc, limit) do
    if map_size(acc.running) >= limit and map_size(acc.running) > 0 do
      {out, acc} = collect(config, acc, wait_time(acc.running))
      {more, acc} = wait_below(config, acc, limit)
      {out ++ more, acc}
    else
      flush_ready(config, acc)
    end
  end

  defp wait_time(running) do
    deadlines = for {_, {_, _, _, d}} <- running, d != :infinity, do: d

    case deadlines do
      [] -> :infinity
      _ -> max(Enum.min(deadlines) - System.monotonic_time(:millisecond), 0)
    end
  end

  # Waits up to `wait` ms for one task to finish (0: just poll), then
  # handles expired deadlines. Returns the results that may be emitted.
  defp collect(config, acc, wait) do
    running = acc.running

    acc =
      receive do
        {ref, reply} when is_reference(ref) and is_map_key(running, ref) ->
          Process.demonitor(ref, [:flush])
          finish(acc, ref, {:ok, reply})

        {:DOWN, ref, _, _, reason} when is_map_key(running, ref) ->
          {_, _, input, _} = Map.fetch!(running, ref)
          finish(acc, ref, {:exit, exit_reason(config, input, reason)})
      after
        wait -> expire(config, acc)
      end

    flush_ready(config, acc)
  end

  defp expire(config, acc) do
    now = System.monotonic_time(:millisecond)

    Enum.reduce(acc.running, acc, fn {ref, {_, task, input, deadline}}, acc ->
      if deadline != :infinity and deadline <= now do
        case config.on_timeout do
          :exit ->
            Enum.each(acc.running, fn {_, {_, t, _, _}} -> kill(t) end)
            exit({:timeout, {Task.Supervised, :stream, [config.timeout]}})

          :kill_task ->
            kill(task)
            finish(acc, ref, {:exit, exit_reason(config, input, :timeout)})
        end
      else
        acc
      end
    end)
  end

  defp exit_reason(%{zip: true}, input, reason), do: {input, reason}
  defp exit_reason(_config, _input, reason), do: reason

  defp finish(acc, ref, result) do
    {index, _, _, _} = Map.fetch!(acc.running, ref)
    %{acc | running: Map.delete(acc.running, ref), ready: Map.put(acc.ready, index, result)}
  end

  # Emits finished results: in input order when ordered, else as they came.
  defp flush_ready(%{ordered: false}, acc) do
    out = acc.ready |> Enum.sort() |> Enum.map(fn {_, r} -> r end)
    {out, %{acc | ready: %{}}}
  end

  defp flush_ready(config, acc) do
    case Map.fetch(acc.ready, acc.emit) do
      {:ok, result} ->
        {out, acc} = flush_ready(config, %{acc | ready: Map.delete(acc.ready, acc.emit), emit: acc.emit + 1})
        {[result | out], acc}

      :error ->
        {[], acc}
    end
  end

  defp kill(%Task{pid: pid, ref: ref}) do
    Process.unlink(pid)
    Process.exit(pid, :kill)
    Process.demonitor(ref, [:flush])
    forget(ref)
  end
end
