defmodule ExUnit.Callbacks do
  @moduledoc """
  What a test or a setup may call: `on_exit/1,2` and the test supervisor
  (`start_supervised/1,2`, `start_supervised!/1,2`, `stop_supervised/1`,
  `stop_supervised!/1`). The callbacks of a test run after its process exits,
  in another process, last registered first; its supervised children are
  stopped before them.
  """

  @doc "Runs `fun` after the test (or, in setup_all, after the module) ends."
  def on_exit(name_or_ref \\ make_ref(), fun) when is_function(fun, 0) do
    ExUnit.Server.add_on_exit(self(), name_or_ref, fun)
    :ok
  end

  @doc "Starts `child_spec` under the test supervisor: `{:ok, pid}` or `{:error, reason}`."
  def start_supervised(child_spec, options \\ []) do
    sup = test_supervisor()
    spec = Supervisor.child_spec(child_spec, options)

    case Supervisor.start_child(sup, spec) do
      {:ok, pid} -> {:ok, pid}
      {:ok, pid, _info} -> {:ok, pid}
      {:error, {:already_started, pid}} -> {:error, {:already_started, pid}}
      {:error, {{:already_started, pid}, _}} -> {:error, {:already_started, pid}}
      {:error, reason} -> {:error, reason}
    end
  end

  @doc "Like `start_supervised/2`, returning the pid or raising."
  def start_supervised!(child_spec, options \\ []) do
    case start_supervised(child_spec, options) do
      {:ok, pid} ->
        pid

      {:error, reason} ->
        raise RuntimeError,
          message:
            "failed to start child with the spec #{inspect(child_spec)}.\nReason: " <>
              start_error(reason)
    end
  end

  defp start_error({:already_started, pid}), do: "process is already started with pid #{inspect(pid)}"
  defp start_error(reason), do: Exception.format_exit(reason)

  @doc "Stops the child `id` started with `start_supervised/2`."
  def stop_supervised(id) do
    case ExUnit.Server.supervisor(self()) do
      nil ->
        {:error, :not_found}

      sup ->
        case Supervisor.terminate_child(sup, id) do
          :ok ->
            Supervisor.delete_child(sup, id)
            :ok

          error ->
            error
        end
    end
  end

  @doc "Like `stop_supervised/1`, raising when there is no such child."
  def stop_supervised!(id) do
    case stop_supervised(id) do
      :ok -> :ok
      {:error, _} -> raise RuntimeError, message: "could not stop child ID #{inspect(id)} because it was not found"
    end
  end

  defp test_supervisor do
    case ExUnit.Server.supervisor(self()) do
      nil ->
        {:ok, sup} = Supervisor.start_link([], strategy: :one_for_one)
        ExUnit.Server.put_supervisor(self(), sup)
        sup

      sup ->
        sup
    end
  end

  @doc false
  def __merge__(_module, context, :ok, _kind), do: context
  def __merge__(_module, context, {:ok, value}, kind), do: merge_value(context, value, kind, {:ok, value})
  def __merge__(_module, context, value, kind) when is_map(value) or is_list(value), do: merge_value(context, value, kind, value)

  def __merge__(module, _context, other, kind) do
    raise RuntimeError,
      message:
        "expected ExUnit #{kind} callback in #{inspect(module)} to return :ok | keyword | map, " <>
          "got #{inspect(other)} instead"
  end

  defp merge_value(context, value, kind, original) do
    cond do
      is_map(value) and not is_struct(value) ->
        Map.merge(context, value)

      is_list(value) and Keyword.keyword?(value) ->
        Map.merge(context, Map.new(value))

      true ->
        raise RuntimeError,
          message: "expected ExUnit #{kind} callback to return :ok | keyword | map, got #{inspect(original)} instead"
    end
  end
end
