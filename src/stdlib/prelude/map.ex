defmodule Map do
  @moduledoc """
  The higher-order half of `Map`. The first-order functions (get, put, delete,
  fetch, merge/2, new/0,1, ...) are Rust natives; the VM looks here first, then
  there, so nothing below redefines a native.
  """

  @doc "Puts `fun.(current)` at `key`, or `default` when `key` is absent."
  def update(map, key, default, fun) do
    case Map.fetch(map, key) do
      {:ok, value} -> Map.put(map, key, fun.(value))
      :error -> Map.put(map, key, default)
    end
  end

  @doc "Puts `fun.(current)` at `key`; raises KeyError when `key` is absent."
  def update!(map, key, fun), do: Map.put(map, key, fun.(Map.fetch!(map, key)))

  @doc "The value at `key`, or `fun.()` when absent (called only then)."
  def get_lazy(map, key, fun) do
    case Map.fetch(map, key) do
      {:ok, value} -> value
      :error -> fun.()
    end
  end

  @doc "Puts `fun.()` at `key` unless `key` is present."
  def put_new_lazy(map, key, fun) do
    if Map.has_key?(map, key), do: map, else: Map.put(map, key, fun.())
  end

  @doc "`{value, map_without_key}`, with `fun.()` as the value when absent."
  def pop_lazy(map, key, fun) do
    case Map.fetch(map, key) do
      {:ok, value} -> {value, Map.delete(map, key)}
      :error -> {fun.(), map}
    end
  end

  @doc "Replaces the value at `key` with `fun.(current)`; does nothing when absent."
  def replace_lazy(map, key, fun) do
    case Map.fetch(map, key) do
      {:ok, value} -> Map.put(map, key, fun.(value))
      :error -> map
    end
  end

  @doc "`fun.(current)` returns `{get, new}` or `:pop`; returns `{get, updated_map}`."
  def get_and_update(map, key, fun) do
    current = Map.get(map, key)

    case fun.(current) do
      {get, update} -> {get, Map.put(map, key, update)}
      :pop -> {current, Map.delete(map, key)}
      other -> raise "the given function must return a two-element tuple or :pop, got: #{inspect(other)}"
    end
  end

  @doc "As `get_and_update/3`, raising KeyError when `key` is absent."
  def get_and_update!(map, key, fun) do
    current = Map.fetch!(map, key)

    case fun.(current) do
      {get, update} -> {get, Map.put(map, key, update)}
      :pop -> {current, Map.delete(map, key)}
      other -> raise "the given function must return a two-element tuple or :pop, got: #{inspect(other)}"
    end
  end

  @doc "Merges `right` into `left`, resolving shared keys with `fun.(key, left_value, right_value)`."
  def merge(left, right, fun) do
    Enum.reduce(Map.to_list(right), left, fn {key, value}, acc ->
      case Map.fetch(acc, key) do
        {:ok, existing} -> Map.put(acc, key, fun.(key, existing, value))
        :error -> Map.put(acc, key, value)
      end
    end)
  end

  @doc "A map from `transform.(element)` `{key, value}` pairs."
  def new(enumerable, transform), do: Enum.into(enumerable, %{}, transform)

  @doc "The entries for which `fun.({key, value})` is truthy."
  def filter(map, fun) when is_map(map) do
    :maps.from_list(Enum.filter(Map.to_list(map), fun))
  end

  @doc "The entries for which `fun.({key, value})` is falsy."
  def reject(map, fun) when is_map(map) do
    :maps.from_list(Enum.reject(Map.to_list(map), fun))
  end
end
