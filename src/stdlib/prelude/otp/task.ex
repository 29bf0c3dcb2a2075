defmodule Task do
  @moduledoc """
  Task: a process that runs one function. `async` tasks reply to their owner
  with `{ref, result}` where `ref` is the owner's monitor on the task, so
  await/yield wait for that message or the `:DOWN` of the same monitor.
  """

  defstruct [:mfa, :owner, :pid, :ref]

  @doc "Builds the child spec `use Task` injects into `module` (restart: :temporary)."
  def __child_spec__(module, arg, use_opts) do
    Map.merge(%{id: module, start: {module, :start_link, [arg]}, restart: :temporary}, Map.new(use_opts))
  end

  @doc "The child spec of a task running `fun` under a supervisor."
  def child_spec(arg) do
    %{id: Task, start: {Task, :start_link, [arg]}, restart: :temporary}
  end

  @doc "Starts a task linked to the caller and returns its %Task{}."
  def async(fun) when is_function(fun, 0), do: async(:erlang, :apply, [fun, []])

  def async(module, fun, args) when is_atom(module) and is_atom(fun) and is_list(args) do
    owner = self()
    {:ok, pid} = Task.Supervised.start_link(owner, :reply, {module, fun, args})
    Task.Supervised.connect(pid, owner, {module, fun, args})
  end

  @doc "Starts a linked task that does not reply: `{:ok, pid}`."
  def start_link(fun) when is_function(fun, 0), do: start_link(:erlang, :apply, [fun, []])

  def start_link(module, fun, args) do
    Task.Supervised.start_link(self(), :noreply, {module, fun, args})
  end

  @doc "Starts an unlinked task that does not reply: `{:ok, pid}`."
  def start(fun) when is_function(fun, 0), do: start(:erlang, :apply, [fun, []])

  def start(module, fun, args) do
    Task.Supervised.start(self(), :noreply, {module, fun, args})
  end

  @doc "Waits for the task's reply; exits on timeout or when the task dies."
  def await(task, timeout \\ 5000)

  def await(%Task{ref: ref} = task, timeout) do
    check_owner(task, :await)

    if Task.Supervised.forgotten?(ref) do
      discard_until(ref, deadline(timeout))
      exit({:timeout, {Task, :await, [task, timeout]}})
    end

    receive do
      {^ref, reply} ->
        Process.demonitor(ref, [:flush])
        reply

      {:DOWN, ^ref, _, _, reason} ->
        exit({reason, {Task, :await, [task, timeout]}})
    after
      timeout ->
        Process.demonitor(ref, [:flush])
        Task.Supervised.forget(ref)
        exit({:timeout, {Task, :await, [task, timeout]}})
    end
  end

  @doc "Awaits several tasks with one overall timeout; results in task order."
  def await_many(tasks, timeout \\ 5000) when is_list(tasks) do
    Enum.each(tasks, &check_owner(&1, :await_many))
    pending = Map.new(tasks, fn %Task{ref: ref} -> {ref, true} end)
    replies = await_many_loop(tasks, timeout, pending, %{}, deadline(timeout))
    Enum.map(tasks, fn %Task{ref: ref} -> Map.fetch!(replies, ref) end)
  end

  defp await_many_loop(tasks, timeout, pending, replies, deadline) do
    if map_size(pending) == 0 do
      replies
    else
      receive do
        {ref, reply} when is_reference(ref) and is_map_key(pending, ref) ->
          Process.demonitor(ref, [:flush])
          await_many_loop(tasks, timeout, Map.delete(pending, ref), Map.put(replies, ref, reply), deadline)

        {:DOWN, ref, _, _, reason} when is_map_key(pending, ref) ->
          exit({reason, {Task, :await_many, [tasks, timeout]}})
      after
        remaining(deadline) ->
          Enum.each(pending, fn {ref, _} ->
            Process.demonitor(ref, [:flush])
            Task.Supervised.forget(ref)
          end)

          exit({:timeout, {Task, :await_many, [tasks, timeout]}})
      end
    end
  end

  @doc "Waits up to `timeout` ms: `{:ok, reply}`, `{:exit, reason}` or nil."
  def yield(%Task{ref: ref} = task, timeout \\ 5000) do
    check_owner(task, :yield)

    if Task.Supervised.forgotten?(ref) do
      discard_until(ref, deadline(timeout))
      nil
    else
      receive do
        {^ref, reply} ->
          Process.demonitor(ref, [:flush])
          {:ok, reply}

        {:DOWN, ^ref, _, _, reason} ->
          {:exit, reason}
      after
        timeout -> nil
      end
    end
  end

  @doc "A task that has already finished with `result`: its reply is in the caller's mailbox."
  def completed(result) do
    ref = make_ref()
    send(self(), {ref, result})
    %Task{mfa: {Task, :completed, 1}, owner: self(), pid: nil, ref: ref}
  end

  @doc "Stops watching a task that keeps running: `{:ok, reply}`, `{:exit, reason}` or nil."
  def ignore(%Task{ref: ref, pid: pid} = task) do
    check_owner(task, :ignore)

    receive do
      {^ref, reply} ->
        Process.demonitor(ref, [:flush])
        {:ok, reply}

      {:DOWN, ^ref, _, _, reason} ->
        {:exit, reason}
    after
      0 ->
        Process.demonitor(ref, [:flush])
        # Its late reply is discarded like that of a timed-out await.
        Task.Supervised.forget(ref)
        if is_pid(pid), do: Process.unlink(pid)
        nil
    end
  end

  @doc "Yields every task within one overall timeout: `[{task, result | nil}]`."
  def yield_many(tasks, timeout \\ 5000) when is_list(tasks) do
    deadline = deadline(timeout)
    Enum.map(tasks, fn task -> {task, yield(task, remaining(deadline))} end)
  end

  @doc "Stops the task (`:shutdown`, or `:kill` on timeout / `:brutal_kill`)."
  def shutdown(task, shutdown \\ 5000)

  # Shutdown watches the task through a monitor of its own: the task's monitor may
  # already be gone (a timed-out `await` removes it), as in Elixir.
  def shutdown(%Task{pid: pid, ref: ref} = task, :brutal_kill) do
    check_owner(task, :shutdown)
    mon = Process.monitor(pid)
    Process.unlink(pid)
    Process.exit(pid, :kill)
    shutdown_result(task, shutdown_receive(ref, mon, pid, :brutal_kill, :infinity), :brutal_kill)
  end

  def shutdown(%Task{pid: pid, ref: ref} = task, timeout) do
    check_owner(task, :shutdown)
    mon = Process.monitor(pid)
    Process.unlink(pid)
    Process.exit(pid, :shutdown)
    shutdown_result(task, shutdown_receive(ref, mon, pid, :shutdown, timeout), timeout)
  end

  defp shutdown_result(_task, {:down, reason}, _how), do: {:exit, reason}
  defp shutdown_result(_task, result, _how), do: result

  defp shutdown_receive(ref, mon, pid, type, timeout) do
    receive do
      {:DOWN, ^mon, _, _, :shutdown} when type in [:shutdown, :timeout_kill] ->
        flush_reply(ref)

      {:DOWN, ^mon, _, _, :killed} when type in [:brutal_kill, :timeout_kill] ->
        flush_reply(ref)

      {:DOWN, ^mon, _, _, :noproc} ->
        flush_reply(ref)

      {:DOWN, ^mon, _, _, reason} ->
        flush_reply(ref) || {:down, reason}
    after
      timeout ->
        Process.exit(pid, :kill)
        shutdown_receive(ref, mon, pid, :timeout_kill, :infinity)
    end
  end

  defp flush_reply(ref) do
    # The task's own monitor (if still there) fired too: drop its :DOWN.
    Process.demonitor(ref, [:flush])

    if Task.Supervised.forgotten?(ref) do
      nil
    else
      receive do
        {^ref, reply} -> {:ok, reply}
      after
        0 -> nil
      end
    end
  end

  @doc "Runs `fun` on every element concurrently; a lazy stream of `{:ok, v}` / `{:exit, r}`."
  def async_stream(enumerable, fun, options \\ []) when is_function(fun, 1) do
    async_stream(enumerable, :erlang, :apply, [fun], options, :wrap)
  end

  def async_stream(enumerable, module, fun, args, options \\ []) when is_atom(module) do
    async_stream(enumerable, module, fun, args, options, :prepend)
  end

  defp async_stream(enumerable, module, fun, args, options, how) do
    owner = self()

    spawn = fn input ->
      mfa = item_mfa(module, fun, args, input, how)
      {:ok, pid} = Task.Supervised.start_link(owner, :reply, mfa)
      Task.Supervised.connect(pid, owner, mfa)
    end

    Task.Supervised.stream(enumerable, spawn, options)
  end

  @doc false
  def item_mfa(:erlang, :apply, [fun], input, :wrap), do: {:erlang, :apply, [fun, [input]]}
  def item_mfa(module, fun, args, input, :prepend), do: {module, fun, [input | args]}

  defp check_owner(%Task{owner: owner} = task, function) do
    if owner != self() do
      raise ArgumentError,
            "task #{inspect(task)} must be queried from the owner but was queried from #{inspect(self())} (Task.#{function})"
    end
  end

  defp check_owner(other, _function) do
    raise ArgumentError, "expected a %Task{}, got: #{inspect(other)}"
  end

  defp deadline(:infinity), do: :infinity
  defp deadline(timeout), do: System.monotonic_time(:millisecond) + timeout

  defp remaining(:infinity), do: :infinity
  defp remaining(deadline), do: max(deadline - System.monotonic_time(:millisecond), 0)

  # Drops late replies of a forgotten task until the deadline passes.
  defp discard_until(ref, deadline) do
    receive do
      {^ref, _} -> discard_until(ref, deadline)
    after
      remaining(deadline) -> :ok
    end
  end
end
