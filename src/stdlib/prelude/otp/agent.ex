defmodule Agent do
  @moduledoc """
  Agent: a GenServer (`Agent.Server`) whose state is changed by the functions
  the clients send. Exits come from GenServer.call, as in Elixir.
  """

  @doc "Builds the child spec `use Agent` injects into `module`."
  def __child_spec__(module, arg, use_opts) do
    Map.merge(%{id: module, start: {module, :start_link, [arg]}}, Map.new(use_opts))
  end

  @doc "The child spec of an Agent started with `start_link(arg)` (arg: a fn)."
  def child_spec(arg), do: %{id: Agent, start: {Agent, :start_link, [arg]}}

  @doc "Starts an agent linked to the caller; `fun` computes the initial state."
  def start_link(fun, options \\ []) when is_function(fun, 0) do
    GenServer.start_link(Agent.Server, fun, options)
  end

  def start_link(module, fun, args, options \\ []) do
    GenServer.start_link(Agent.Server, {module, fun, args}, options)
  end

  @doc "Starts an agent without a link."
  def start(fun, options \\ []) when is_function(fun, 0) do
    GenServer.start(Agent.Server, fun, options)
  end

  def start(module, fun, args, options \\ []) do
    GenServer.start(Agent.Server, {module, fun, args}, options)
  end

  @doc "Returns `fun.(state)`."
  def get(agent, fun, timeout \\ 5000) when is_function(fun, 1) do
    GenServer.call(agent, {:get, fun}, timeout)
  end

  def get(agent, module, fun, args, timeout \\ 5000) do
    GenServer.call(agent, {:get, {module, fun, args}}, timeout)
  end

  @doc "`fun.(state)` returns `{reply, new_state}`; returns reply."
  def get_and_update(agent, fun, timeout \\ 5000) when is_function(fun, 1) do
    GenServer.call(agent, {:get_and_update, fun}, timeout)
  end

  def get_and_update(agent, module, fun, args, timeout \\ 5000) do
    GenServer.call(agent, {:get_and_update, {module, fun, args}}, timeout)
  end

  @doc "Replaces the state with `fun.(state)`, synchronously; returns :ok."
  def update(agent, fun, timeout \\ 5000) when is_function(fun, 1) do
    GenServer.call(agent, {:update, fun}, timeout)
  end

  def update(agent, module, fun, args, timeout \\ 5000) do
    GenServer.call(agent, {:update, {module, fun, args}}, timeout)
  end

  @doc "Replaces the state with `fun.(state)`, asynchronously; returns :ok."
  def cast(agent, fun) when is_function(fun, 1), do: GenServer.cast(agent, {:cast, fun})
  def cast(agent, module, fun, args), do: GenServer.cast(agent, {:cast, {module, fun, args}})

  @doc "Stops the agent with `reason`."
  def stop(agent, reason \\ :normal, timeout \\ :infinity), do: GenServer.stop(agent, reason, timeout)
end

defmodule Agent.Server do
  @moduledoc "The GenServer callbacks behind every Agent."

  def init(fun), do: {:ok, start(fun)}

  # The clauses are tried in order and match disjoint requests: the two that
  # come most often (get, update) first.
  def handle_call({:get, fun}, _from, state), do: {:reply, run(fun, state), state}

  def handle_call({:update, fun}, _from, state), do: {:reply, :ok, run(fun, state)}

  def handle_call({:get_and_update, fun}, _from, state) do
    case run(fun, state) do
      {reply, new_state} -> {:reply, reply, new_state}
      other -> {:stop, {:bad_return_value, other}, state}
    end
  end

  def handle_cast({:cast, fun}, state), do: {:noreply, run(fun, state)}

  def code_change(_old, state, fun), do: {:ok, run(fun, state)}

  # `fun` on the state. A function of arity 1 is called directly (apply/2 would
  # build and unpack an argument list on every request); anything else goes
  # through apply/2, which raises what Elixir's Agent raises.
  defp run(fun, state) when is_function(fun, 1), do: fun.(state)
  defp run({module, fun, args}, state), do: apply(module, fun, [state | args])
  defp run(fun, state), do: apply(fun, [state])

  defp start(fun) when is_function(fun, 0), do: fun.()
  defp start({module, fun, args}), do: apply(module, fun, args)
  defp start(fun), do: apply(fun, [])
end
