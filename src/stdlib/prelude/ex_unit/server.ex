defmodule ExUnit.Server do
  @moduledoc """
  The process that outlives the script: it holds ExUnit's configuration, the
  test modules in the order they were defined, the file being loaded, and the
  per-process `on_exit` callbacks and test supervisors. Registered as
  `ExUnit.Server`, started on first use, linked to nobody.
  """

  @doc "The server's pid, starting it if needed."
  def ensure_started do
    case Process.whereis(ExUnit.Server) do
      nil ->
        pid = spawn(fn -> loop(%{config: [], started: false, modules: [], file: nil, on_exit: %{}, sups: %{}}) end)

        try do
          Process.register(pid, ExUnit.Server)
          pid
        rescue
          _ ->
            Process.exit(pid, :kill)
            Process.whereis(ExUnit.Server)
        end

      pid ->
        pid
    end
  end

  defp call(request) do
    server = ensure_started()
    ref = make_ref()
    send(server, {:ex_unit_server, self(), ref, request})

    receive do
      {^ref, reply} -> reply
    end
  end

  @doc "Records a test module just defined (with the file being loaded)."
  def __register__(module), do: call({:register, module})

  @doc "Sets the file whose modules are being defined (for `file:line`)."
  def __file__(path), do: call({:file, path})

  @doc "Marks ExUnit started with `options` merged into the configuration."
  def start(options), do: call({:start, options})

  @doc "Merges `options` into the configuration."
  def configure(options), do: call({:configure, options})

  @doc "The configuration."
  def config, do: call(:config)

  @doc "True once `ExUnit.start/1` ran."
  def started?, do: call(:started?)

  @doc "The registered modules as `{module, file}` in definition order; clears them."
  def take_modules, do: call(:take_modules)

  @doc "Adds an on_exit callback for process `pid`."
  def add_on_exit(pid, name, fun), do: call({:add_on_exit, pid, name, fun})

  @doc "The on_exit callbacks of `pid`, last registered first; forgets them."
  def take_on_exit(pid), do: call({:take_on_exit, pid})

  @doc "The test supervisor of `pid`, or nil."
  def supervisor(pid), do: call({:supervisor, pid})

  @doc "Records the test supervisor of `pid`."
  def put_supervisor(pid, sup), do: call({:put_supervisor, pid, sup})

  @doc "Forgets the test supervisor of `pid`, returning it (or nil)."
  def take_supervisor(pid), do: call({:take_supervisor, pid})

  # `exclude: :pending` is `exclude: [:pending]`.
  defp filters(options) do
    Enum.map(options, fn
      {key, value} when key in [:include, :exclude] and not is_list(value) -> {key, [value]}
      other -> other
    end)
  end

  defp loop(state) do
    receive do
      {:ex_unit_server, from, ref, request} ->
        {reply, state} = handle(request, state)
        send(from, {ref, reply})
        loop(state)
    end
  end

  defp handle({:register, module}, state),
    do: {:ok, %{state | modules: [{module, state.file} | state.modules]}}

  defp handle({:file, path}, state), do: {:ok, %{state | file: path}}

  defp handle({:start, options}, state),
    do: {:ok, %{state | started: true, config: Keyword.merge(state.config, filters(options))}}

  defp handle({:configure, options}, state), do: {:ok, %{state | config: Keyword.merge(state.config, filters(options))}}
  defp handle(:config, state), do: {state.config, state}
  defp handle(:started?, state), do: {state.started, state}
  defp handle(:take_modules, state), do: {Enum.reverse(state.modules), %{state | modules: []}}

  defp handle({:add_on_exit, pid, name, fun}, state) do
    callbacks = Map.get(state.on_exit, pid, [])
    callbacks = [{name, fun} | Enum.reject(callbacks, fn {n, _} -> n == name end)]
    {:ok, %{state | on_exit: Map.put(state.on_exit, pid, callbacks)}}
  end

  defp handle({:take_on_exit, pid}, state),
    do: {Map.get(state.on_exit, pid, []), %{state | on_exit: Map.delete(state.on_exit, pid)}}

  defp handle({:supervisor, pid}, state), do: {Map.get(state.sups, pid), state}
  defp handle({:put_supervisor, pid, sup}, state), do: {:ok, %{state | sups: Map.put(state.sups, pid, sup)}}

  defp handle({:take_supervisor, pid}, state),
    do: {Map.get(state.sups, pid), %{state | sups: Map.delete(state.sups, pid)}}
end
