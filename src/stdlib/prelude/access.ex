defmodule Access do
  @moduledoc """
  Key-based access to maps, keyword lists and nil: what `data[key]` compiles to
  (`Access.get/2`) and what `get_in`/`put_in`/`update_in`/`pop_in` walk. Accessor
  functions (`Access.key/2`, `Access.elem/1`, `Access.at/1`, `Access.all/0`) are
  functions of three arguments `(op, data, next)` with op `:get` or `:get_and_update`.
  Structs do not implement Access (as in Elixir): use `struct.field`.
  """

  @doc "`{:ok, value}` or `:error`."
  def fetch(%{__struct__: module} = struct, key), do: no_access(module, struct, key)
  def fetch(map, key) when is_map(map), do: Map.fetch(map, key)

  def fetch(list, key) when is_list(list) and is_atom(key) do
    case :lists.keyfind(key, 1, list) do
      {^key, value} -> {:ok, value}
      false -> :error
    end
  end

  def fetch(list, key) when is_list(list) do
    raise ArgumentError,
          "the Access calls for keywords expect the key to be an atom, got: " <> inspect(key)
  end

  def fetch(nil, _key), do: :error

  def fetch(other, key) do
    raise ArgumentError,
          "the Access module does not support accessing #{inspect(key)} on #{inspect(other)}"
  end

  @doc "The value at `key`, or `default`."
  def get(container, key, default \\ nil) do
    case fetch(container, key) do
      {:ok, value} -> value
      :error -> default
    end
  end

  @doc "The value at `key`; raises KeyError when absent."
  def fetch!(container, key) do
    case fetch(container, key) do
      {:ok, value} -> value
      :error -> raise KeyError, key: key, term: container
    end
  end

  @doc "`fun.(current)` returns `{get, new}` or `:pop`; returns `{get, updated}`."
  def get_and_update(%{__struct__: module} = struct, key, _fun), do: no_access(module, struct, key)
  def get_and_update(map, key, fun) when is_map(map), do: Map.get_and_update(map, key, fun)
  def get_and_update(list, key, fun) when is_list(list), do: Keyword.get_and_update(list, key, fun)

  def get_and_update(nil, key, _fun) do
    raise ArgumentError, "could not put/update key #{inspect(key)} on a nil value"
  end

  def get_and_update(other, key, _fun) do
    raise ArgumentError,
          "the Access module does not support accessing #{inspect(key)} on #{inspect(other)}"
  end

  @doc "`{value, container_without_key}`."
  def pop(%{__struct__: module} = struct, key), do: no_access(module, struct, key)

  def pop(map, key) when is_map(map) do
    case Map.fetch(map, key) do
      {:ok, value} -> {value, Map.delete(map, key)}
      :error -> {nil, map}
    end
  end

  def pop(list, key) when is_list(list), do: {Keyword.get(list, key), Keyword.delete(list, key)}
  def pop(nil, _key), do: {nil, nil}

  defp no_access(module, struct, key) do
    _ = struct
    _ = key
    raise UndefinedFunctionError,
      module: module,
      function: :fetch,
      arity: 2,
      reason:
        "#{inspect(module)} does not implement the Access behaviour. If you are using " <>
          "get_in/put_in/update_in, you can specify the field to be accessed using Access.key!/1"
  end

  @doc "Accessor for a map or struct field, with `default` when absent."
  def key(key, default \\ nil) do
    fn
      :get, data, next -> next.(Map.get(data, key, default))
      :get_and_update, data, next ->
        value = Map.get(data, key, default)

        case next.(value) do
          {get, update} -> {get, Map.put(data, key, update)}
          :pop -> {value, Map.delete(data, key)}
        end
    end
  end

  @doc "Accessor for a map or struct field that must exist (KeyError otherwise)."
  def key!(key) do
    fn
      :get, data, next -> next.(Map.fetch!(data, key))
      :get_and_update, data, next ->
        value = Map.fetch!(data, key)

        case next.(value) do
          {get, update} -> {get, Map.put(data, key, update)}
          :pop -> raise "cannot pop key #{inspect(key)} with Access.key!/1"
        end
    end
  end

  @doc "Accessor for the tuple element at 0-based `index`."
  def elem(index) when is_integer(index) and index >= 0 do
    pos = index + 1

    fn
      :get, data, next when is_tuple(data) -> next.(:erlang.element(pos, data))
      :get_and_update, data, next when is_tuple(data) ->
        value = :erlang.element(pos, data)

        case next.(value) do
          {get, update} -> {get, :erlang.setelement(pos, data, update)}
          :pop -> raise "cannot pop data from a tuple"
        end
    end
  end

  @doc "Accessor for the list element at `index` (negative counts from the end)."
  def at(index) when is_integer(index) do
    fn
      :get, data, next when is_list(data) -> next.(Enum.at(data, index))
      :get_and_update, data, next when is_list(data) -> at_update(data, index, next)
    end
  end

  defp at_update(list, index, next) when index < 0 do
    size = length(list)
    if index + size < 0, do: {nil, list}, else: at_update(list, index + size, next)
  end

  defp at_update(list, index, next) do
    case Enum.split(list, index) do
      {before, [value | rest]} ->
        case next.(value) do
          {get, update} -> {get, before ++ [update | rest]}
          :pop -> {value, before ++ rest}
        end

      {_, []} ->
        {nil, list}
    end
  end

  @doc "Accessor for every element of a list."
  def all do
    fn
      :get, data, next when is_list(data) -> Enum.map(data, next)
      :get_and_update, data, next when is_list(data) -> all_update(data, next, [], [])
    end
  end

  defp all_update([head | tail], next, gets, updates) do
    case next.(head) do
      {get, update} -> all_update(tail, next, [get | gets], [update | updates])
      :pop -> all_update(tail, next, [head | gets], updates)
    end
  end

  defp all_update([], _next, gets, updates), do: {:lists.reverse(gets), :lists.reverse(updates)}

  @doc "Accessor for the list elements for which `fun` is truthy."
  def filter(fun) do
    fn
      :get, data, next when is_list(data) -> Enum.map(Enum.filter(data, fun), next)
      :get_and_update, data, next when is_list(data) -> filter_update(data, fun, next, [], [])
    end
  end

  defp filter_update([head | tail], fun, next, gets, updates) do
    if fun.(head) do
      case next.(head) do
        {get, update} -> filter_update(tail, fun, next, [get | gets], [update | updates])
        :pop -> filter_update(tail, fun, next, [head | gets], updates)
      end
    else
      filter_update(tail, fun, next, gets, [head | updates])
    end
  end

  defp filter_update([], _fun, _next, gets, updates), do: {:lists.reverse(gets), :lists.reverse(updates)}

  @doc "Accessor for the list elements at the indices of `range` (a positive step)."
  def slice(%Range{step: step} = range) when step > 0 do
    fn
      :get, data, next when is_list(data) -> Enum.map(Enum.slice(data, range), next)
      :get_and_update, data, next when is_list(data) ->
        picked = :maps.from_list(Enum.map(Enum.slice(Enum.with_index(data), range), fn {_, i} -> {i, true} end))
        slice_update(data, 0, picked, next, [], [])
    end
  end

  def slice(%Range{} = range) do
    raise ArgumentError, "Access.slice/1 does not accept ranges with negative steps, got: #{inspect(range)}"
  end

  defp slice_update([head | tail], i, picked, next, gets, updates) do
    if :maps.is_key(i, picked) do
      case next.(head) do
        {get, update} -> slice_update(tail, i + 1, picked, next, [get | gets], [update | updates])
        :pop -> slice_update(tail, i + 1, picked, next, [head | gets], updates)
      end
    else
      slice_update(tail, i + 1, picked, next, gets, [head | updates])
    end
  end

  defp slice_update([], _i, _picked, _next, gets, updates), do: {:lists.reverse(gets), :lists.reverse(updates)}
end
