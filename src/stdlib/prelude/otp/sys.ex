defmodule :sys do
  @moduledoc """
  The parts of Erlang's `:sys` that work on GenServer-based processes
  (GenServer, Agent, Supervisor, DynamicSupervisor): system messages
  `{:system, {pid, tag}, request}` answered with `{tag, reply}`.
  """

  @doc "The state of the server."
  def get_state(server, timeout \\ 5000), do: system_call(server, :get_state, timeout, :get_state)

  @doc "Replaces the state with `fun.(state)` and returns the new state."
  def replace_state(server, fun, timeout \\ 5000) do
    system_call(server, {:replace_state, fun}, timeout, :replace_state)
  end

  @doc "The status of the server: `{:status, pid, {:module, mod}, [callback_module, state, mode]}`."
  def get_status(server, timeout \\ 5000), do: system_call(server, :get_status, timeout, :get_status)

  @doc "Suspends the server: it handles only system messages until resumed."
  def suspend(server, timeout \\ 5000), do: system_call(server, :suspend, timeout, :suspend)

  @doc "Resumes a suspended server."
  def resume(server, timeout \\ 5000), do: system_call(server, :resume, timeout, :resume)

  @doc "Stops the server with `reason` (same as GenServer.stop/3)."
  def terminate(server, reason, timeout \\ :infinity), do: GenServer.stop(server, reason, timeout)

  defp system_call(server, request, timeout, function) do
    case GenServer.request(server, :system, request, timeout) do
      {:ok, {:error, {:unknown_system_msg, _}} = error} -> error
      {:ok, reply} -> reply
      {:error, reason} -> exit({reason, {:sys, function, [server, timeout]}})
    end
  end
end
