defmodule Kernel do
  @moduledoc """
  The higher-order part of `Kernel` (functions here, macros in Elixir): `then/2`,
  `tap/2` and the nested-access family `get_in`/`put_in`/`update_in`/`pop_in`/
  `get_and_update_in`, whose key lists hold keys (via `Access`) or accessor
  functions such as `Access.key/2`.
  """

  @doc "`fun.(value)`, for pipelines."
  def then(value, fun), do: fun.(value)

  @doc "Calls `fun.(value)` for its side effects and returns `value`."
  def tap(value, fun) do
    _ = fun.(value)
    value
  end

  @doc "The value at the nested `keys` path (nil once a level is nil)."
  def get_in(data, keys) when is_list(keys), do: get_path(data, keys)

  defp get_path(data, []), do: data
  # Nothing is found below nil, whatever the accessors (as Elixir's get_in).
  defp get_path(nil, _keys), do: nil
  defp get_path(data, [accessor]) when is_function(accessor, 3), do: accessor.(:get, data, fn x -> x end)
  defp get_path(data, [accessor | rest]) when is_function(accessor, 3), do: accessor.(:get, data, fn x -> get_path(x, rest) end)
  defp get_path(data, [key | rest]), do: get_path(Access.get(data, key), rest)

  @doc "`fun.(current)` returns `{get, new}` or `:pop` at the nested `keys` path."
  def get_and_update_in(data, [_ | _] = keys, fun), do: get_and_update_path(data, keys, fun)

  defp get_and_update_path(data, [accessor], fun) when is_function(accessor, 3), do: accessor.(:get_and_update, data, fun)

  defp get_and_update_path(data, [accessor | rest], fun) when is_function(accessor, 3) do
    accessor.(:get_and_update, data, fn x -> get_and_update_path(x, rest, fun) end)
  end

  defp get_and_update_path(data, [key], fun), do: Access.get_and_update(data, key, fun)

  defp get_and_update_path(data, [key | rest], fun) do
    Access.get_and_update(data, key, fn x -> get_and_update_path(x, rest, fun) end)
  end

  @doc "Puts `value` at the nested `keys` path."
  def put_in(data, [_ | _] = keys, value) do
    elem(get_and_update_path(data, keys, fn _ -> {nil, value} end), 1)
  end

  @doc "Replaces the value at the nested `keys` path with `fun.(current)`."
  def update_in(data, [_ | _] = keys, fun) do
    elem(get_and_update_path(data, keys, fn x -> {nil, fun.(x)} end), 1)
  end

  @doc "`{value, data_without_it}` for the nested `keys` path."
  def pop_in(nil, [key | _]) do
    raise ArgumentError, "could not pop key #{inspect(key)} on a nil value"
  end

  def pop_in(data, [_ | _] = keys), do: pop_path(data, keys)

  defp pop_path(nil, [_ | _]), do: :pop
  defp pop_path(data, [accessor]) when is_function(accessor, 3), do: accessor.(:get_and_update, data, fn _ -> :pop end)
  defp pop_path(data, [accessor | rest]) when is_function(accessor, 3), do: accessor.(:get_and_update, data, fn x -> pop_path(x, rest) end)
  defp pop_path(data, [key]), do: Access.pop(data, key)
  defp pop_path(data, [key | rest]), do: Access.get_and_update(data, key, fn x -> pop_path(x, rest) end)
end
