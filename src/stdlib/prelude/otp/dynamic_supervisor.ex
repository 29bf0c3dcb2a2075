defmodule DynamicSupervisor do
  @moduledoc """
  DynamicSupervisor: a supervisor that starts with no children and adds them
  on demand with start_child/2 (strategy :one_for_one only). Children are
  known by pid; which_children reports `:undefined` as their id.
  """

  @doc "Builds the child spec `use DynamicSupervisor` injects into `module`."
  def __child_spec__(module, arg, use_opts) do
    Map.merge(%{id: module, start: {module, :start_link, [arg]}, type: :supervisor}, Map.new(use_opts))
  end

  @doc "The child spec of a DynamicSupervisor started with `options`."
  def child_spec(options) when is_list(options) do
    %{id: Keyword.get(options, :name, DynamicSupervisor), start: {DynamicSupervisor, :start_link, [options]}, type: :supervisor}
  end

  @doc "Starts a dynamic supervisor from options (strategy:, name:, max_restarts:, ...)."
  def start_link(options) when is_list(options) do
    {flags, start_options} =
      Keyword.split(options, [:strategy, :max_restarts, :max_seconds, :max_children, :extra_arguments])

    start_link(DynamicSupervisor.Default, init(flags), start_options)
  end

  @doc "Starts a module-based dynamic supervisor (module.init/1 returns init/1's result)."
  def start_link(module, init_arg, options \\ []) when is_atom(module) do
    GenServer.start_link(DynamicSupervisor.Server, {module, init_arg}, options)
  end

  @doc "Builds the `{:ok, flags}` a module's init/1 returns."
  def init(options) when is_list(options) do
    strategy = Keyword.get(options, :strategy, :one_for_one)

    if strategy != :one_for_one do
      raise ArgumentError, "DynamicSupervisor only supports :one_for_one strategy, got: #{inspect(strategy)}"
    end

    {:ok,
     %{
       strategy: strategy,
       intensity: Keyword.get(options, :max_restarts, 3),
       period: Keyword.get(options, :max_seconds, 5),
       max_children: Keyword.get(options, :max_children, :infinity),
       extra_arguments: Keyword.get(options, :extra_arguments, [])
     }}
  end

  @doc "Starts a child: `{:ok, pid}`, `:ignore` or `{:error, reason}`."
  def start_child(supervisor, spec) do
    case validate_child(Supervisor.child_spec(spec, [])) do
      {:ok, child} -> GenServer.call(supervisor, {:start_child, child}, :infinity)
      error -> {:error, error}
    end
  end

  # The spec `use GenServer` (or Agent, Task, Supervisor) builds with no
  # overrides, `%{id: _, start: {m, f, args}}`: every default applies and every
  # check below passes, so it is accepted as the general clause would accept it,
  # without reading the four defaults one by one.
  defp validate_child(%{id: _, start: {module, fun, args} = start} = child)
       when map_size(child) == 2 and is_atom(module) and is_atom(fun) and is_list(args) do
    {:ok, {start, :permanent, 5000, :worker, [module]}}
  end

  # The checks Elixir makes in the caller before a child reaches the supervisor,
  # in its order; the first that fails is the error. A valid child travels as
  # Elixir's `{start, restart, shutdown, type, modules}`, which the supervisor
  # keeps as it is: nothing is looked up or checked twice.
  defp validate_child(%{id: _, start: {module, _, _} = start} = child) do
    type = Map.get(child, :type, :worker)
    restart = Map.get(child, :restart, :permanent)
    modules = Map.get(child, :modules, [module])

    # (A type neither :worker nor :supervisor raises CaseClauseError here, as it
    # does in Elixir 1.14.)
    shutdown =
      case type do
        :worker -> Map.get(child, :shutdown, 5000)
        :supervisor -> Map.get(child, :shutdown, :infinity)
      end

    if usual_child?(start, restart, shutdown, type, modules) do
      {:ok, {start, restart, shutdown, type, modules}}
    else
      with :ok <- validate_start(start),
           :ok <- validate_restart(restart),
           :ok <- validate_shutdown(shutdown),
           :ok <- validate_type(type),
           :ok <- validate_modules(modules) do
        {:ok, {start, restart, shutdown, type, modules}}
      end
    end
  end

  defp validate_child(other), do: {:invalid_child_spec, other}

  # The child every start_child of a module passes, accepted in one test (a call
  # where the checks below take five, and the modules' scan no Enum.all?/2); any
  # other goes through those checks, which name the first failure.
  defp usual_child?({m, f, args}, restart, shutdown, type, modules)
       when is_atom(m) and is_atom(f) and is_list(args) and restart in [:permanent, :temporary, :transient] and
              type in [:worker, :supervisor] and
              ((is_integer(shutdown) and shutdown > 0) or shutdown in [:infinity, :brutal_kill]),
       do: atoms?(modules)

  defp usual_child?(_start, _restart, _shutdown, _type, _modules), do: false

  defp atoms?([]), do: true
  defp atoms?([module | rest]) when is_atom(module), do: atoms?(rest)
  defp atoms?(_modules), do: false

  defp validate_start({m, f, args}) when is_atom(m) and is_atom(f) and is_list(args), do: :ok
  defp validate_start(mfa), do: {:invalid_mfa, mfa}

  defp validate_restart(restart) when restart in [:permanent, :temporary, :transient], do: :ok
  defp validate_restart(restart), do: {:invalid_restart_type, restart}

  defp validate_shutdown(shutdown) when is_integer(shutdown) and shutdown > 0, do: :ok
  defp validate_shutdown(shutdown) when shutdown in [:infinity, :brutal_kill], do: :ok
  defp validate_shutdown(shutdown), do: {:invalid_shutdown, shutdown}

  defp validate_type(type) when type in [:supervisor, :worker], do: :ok
  defp validate_type(type), do: {:invalid_child_type, type}

  defp validate_modules(:dynamic), do: :ok

  defp validate_modules(modules) do
    if is_list(modules) and Enum.all?(modules, &is_atom/1), do: :ok, else: {:invalid_modules, modules}
  end

  @doc "Stops the child with this pid."
  def terminate_child(supervisor, pid) when is_pid(pid) do
    GenServer.call(supervisor, {:terminate_child, pid}, :infinity)
  end

  @doc "`[{:undefined, pid, type, modules}]`."
  def which_children(supervisor), do: GenServer.call(supervisor, :which_children, :infinity)

  @doc "`%{specs:, active:, supervisors:, workers:}`."
  def count_children(supervisor), do: GenServer.call(supervisor, :count_children, :infinity)

  @doc "Stops the supervisor and all its children."
  def stop(supervisor, reason \\ :normal, timeout \\ :infinity), do: GenServer.stop(supervisor, reason, timeout)
end

defmodule DynamicSupervisor.Default do
  @moduledoc "The callback module of option-based dynamic supervisors."
  def init(flags), do: flags
end

defmodule DynamicSupervisor.Server do
  @moduledoc """
  The GenServer callbacks of a DynamicSupervisor. Children are kept as OTP's
  are, in a map from pid to the child checked by the caller,
  `{{m, f, args}, restart, shutdown, type, modules}` (`args` with the
  supervisor's extra arguments in front), so starting, finding and forgetting a
  child cost O(log n) however many run; pids grow with time, so the map's pid
  order is start order (which_children lists and terminate/2 stops in that
  order). `supervisors` counts the children of type :supervisor as they come and
  go, so count_children/1 reads sizes instead of rescanning the children.
  """

  def init({module, init_arg}) do
    Process.flag(:trap_exit, true)

    case module.init(init_arg) do
      {:ok, flags} when is_map(flags) ->
        {:ok,
         %{
           intensity: Map.get(flags, :intensity, 3),
           period: Map.get(flags, :period, 5),
           max_children: Map.get(flags, :max_children, :infinity),
           extra_arguments: Map.get(flags, :extra_arguments, []),
           restarts: [],
           children: %{},
           supervisors: 0
         }}

      :ignore ->
        :ignore

      other ->
        {:stop, {:bad_return, {module, :init, other}}}
    end
  end

  # Every start goes through this one process, so its steps are spelled out
  # here rather than in helpers: a supervisor with no extra arguments starts
  # `{m, f, args}` as the caller sent it, and the child is recorded in the same
  # clause (`add_child/3` is the restart path's).
  def handle_call({:start_child, {{m, f, args} = start, restart, shutdown, type, modules}}, _from, state) do
    %{max_children: max, extra_arguments: extra, children: children} = state

    if max != :infinity and map_size(children) >= max do
      {:reply, {:error, :max_children}, state}
    else
      start = if extra == [], do: start, else: {m, f, extra ++ args}

      case Supervisor.Server.start_mfa(start) do
        {:ok, pid} = reply ->
          child = {start, restart, shutdown, type, modules}

          if type == :supervisor do
            {:reply, reply, %{state | children: Map.put(children, pid, child), supervisors: state.supervisors + 1}}
          else
            {:reply, reply, %{state | children: Map.put(children, pid, child)}}
          end

        other ->
          {:reply, other, state}
      end
    end
  end

  def handle_call({:terminate_child, pid}, _from, state) do
    case Map.fetch(state.children, pid) do
      :error ->
        {:reply, {:error, :not_found}, state}

      {:ok, child} ->
        stop_child(pid, child)
        {:reply, :ok, drop_child(state, pid, child)}
    end
  end

  def handle_call(:which_children, _from, state) do
    {:reply, for({pid, {_, _, _, type, modules}} <- state.children, do: {:undefined, pid, type, modules}), state}
  end

  def handle_call(:count_children, _from, state) do
    specs = map_size(state.children)
    {:reply, %{specs: specs, active: specs, supervisors: state.supervisors, workers: specs - state.supervisors}, state}
  end

  def handle_info({:EXIT, pid, reason}, %{children: children} = state) do
    case Map.fetch(children, pid) do
      :error ->
        {:noreply, state}

      # A temporary worker (every task) is forgotten, whatever its reason:
      # the commonest exit, in one clause.
      {:ok, {_, :temporary, _, :worker, _}} ->
        {:noreply, %{state | children: Map.delete(children, pid)}}

      {:ok, {_, restart, _, _, _} = child} ->
        state = drop_child(state, pid, child)

        if Supervisor.Server.restart?(restart, reason) do
          restart(state, child)
        else
          {:noreply, state}
        end
    end
  end

  def handle_info(_message, state), do: {:noreply, state}

  defp add_child(state, pid, child) do
    %{state | children: Map.put(state.children, pid, child), supervisors: state.supervisors + supervisor_count(child)}
  end

  defp drop_child(state, pid, child) do
    %{state | children: Map.delete(state.children, pid), supervisors: state.supervisors - supervisor_count(child)}
  end

  defp supervisor_count({_, _, _, :supervisor, _}), do: 1
  defp supervisor_count(_child), do: 0

  defp stop_child(pid, {_, _, shutdown, _, _}), do: Supervisor.Server.stop_pid(pid, shutdown)

  defp restart(state, {start, _, _, _, _} = child) do
    case Supervisor.Server.add_restart(state) do
      {:shutdown, state} ->
        {:stop, :shutdown, state}

      {:ok, state} ->
        case Supervisor.Server.start_mfa(start) do
          {:ok, pid} -> {:noreply, add_child(state, pid, child)}
          :ignore -> {:noreply, state}
          {:error, _} -> restart(state, child)
        end
    end
  end

  def terminate(_reason, state) do
    state.children |> Map.to_list() |> Enum.reverse() |> Enum.each(fn {pid, child} -> stop_child(pid, child) end)
    :ok
  end
end
