defmodule Task.Supervisor do
  @moduledoc """
  Task.Supervisor: a DynamicSupervisor whose children are tasks
  (`Task.Supervised` processes, :temporary unless told otherwise).
  """

  @doc "The child spec of a Task.Supervisor started with `options`."
  def child_spec(options) when is_list(options) do
    %{id: Keyword.get(options, :name, Task.Supervisor), start: {Task.Supervisor, :start_link, [options]}, type: :supervisor}
  end

  @doc "Starts a task supervisor (options: name:, max_restarts:, max_seconds:, max_children:)."
  def start_link(options \\ []) do
    DynamicSupervisor.start_link(Keyword.put(options, :strategy, :one_for_one))
  end

  @doc "Starts a task that does not reply: `{:ok, pid}`."
  def start_child(supervisor, fun, options \\ []) when is_function(fun, 0) do
    start_task(supervisor, :noreply, {:erlang, :apply, [fun, []]}, options)
  end

  def start_child(supervisor, module, fun, args, options \\ []) do
    start_task(supervisor, :noreply, {module, fun, args}, options)
  end

  @doc "Starts a task linked to the caller and returns its %Task{}."
  def async(supervisor, fun, options \\ []) when is_function(fun, 0) do
    async(supervisor, :erlang, :apply, [fun, []], options)
  end

  def async(supervisor, module, fun, args, options \\ []) do
    async_task(supervisor, :link, {module, fun, args}, options)
  end

  @doc "Starts a task not linked to the caller: a crash reaches the caller as `:DOWN`."
  def async_nolink(supervisor, fun, options \\ []) when is_function(fun, 0) do
    async_nolink(supervisor, :erlang, :apply, [fun, []], options)
  end

  def async_nolink(supervisor, module, fun, args, options \\ []) do
    async_task(supervisor, :nolink, {module, fun, args}, options)
  end

  @doc "Task.async_stream with tasks started under `supervisor`, linked to the caller."
  def async_stream(supervisor, enumerable, fun, options \\ []) when is_function(fun, 1) do
    stream(supervisor, :link, enumerable, :erlang, :apply, [fun], options, :wrap)
  end

  def async_stream(supervisor, enumerable, module, fun, args, options) do
    stream(supervisor, :link, enumerable, module, fun, args, options, :prepend)
  end

  @doc "Task.async_stream with unlinked supervised tasks: crashes become `{:exit, reason}`."
  def async_stream_nolink(supervisor, enumerable, fun, options \\ []) when is_function(fun, 1) do
    stream(supervisor, :nolink, enumerable, :erlang, :apply, [fun], options, :wrap)
  end

  def async_stream_nolink(supervisor, enumerable, module, fun, args, options) do
    stream(supervisor, :nolink, enumerable, module, fun, args, options, :prepend)
  end

  @doc "The pids of the running tasks."
  def children(supervisor) do
    for {_, pid, _, _} <- DynamicSupervisor.which_children(supervisor), is_pid(pid), do: pid
  end

  @doc "Stops the task with this pid."
  def terminate_child(supervisor, pid), do: DynamicSupervisor.terminate_child(supervisor, pid)

  # No options (start_child/2, and /3 given []): the defaults, without two
  # Keyword.get/3 calls on an empty list (async always passes :restart).
  defp start_task(supervisor, mode, mfa, []) do
    child = {{Task.Supervised, :start_link, [self(), mode, mfa]}, :temporary, 5000, :worker, [Task.Supervised]}
    GenServer.call(supervisor, {:start_child, child}, :infinity)
  end

  defp start_task(supervisor, mode, mfa, options) do
    # A child as DynamicSupervisor.start_child/2 hands it over once checked; built
    # here, so not checked again (Elixir's :start_task call skips the checks too).
    child =
      {{Task.Supervised, :start_link, [self(), mode, mfa]}, Keyword.get(options, :restart, :temporary),
       Keyword.get(options, :shutdown, 5000), :worker, [Task.Supervised]}

    GenServer.call(supervisor, {:start_child, child}, :infinity)
  end

  defp async_task(supervisor, link, mfa, options) do
    owner = self()

    case start_task(supervisor, :reply, mfa, Keyword.put(options, :restart, :temporary)) do
      {:ok, pid} ->
        if link == :link, do: Process.link(pid)
        Task.Supervised.connect(pid, owner, mfa)

      other ->
        raise ArgumentError, "could not start a task under #{inspect(supervisor)}: #{inspect(other)}"
    end
  end

  defp stream(supervisor, link, enumerable, module, fun, args, options, how) do
    spawn = fn input ->
      async_task(supervisor, link, Task.item_mfa(module, fun, args, input, how), Keyword.take(options, [:shutdown]))
    end

    Task.Supervised.stream(enumerable, spawn, options)
  end
end
