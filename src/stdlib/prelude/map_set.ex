defmodule MapSet do
  @moduledoc """
  Sets as `%MapSet{map: %{element => []}, version: 2}`, the same shape as Elixir
  1.14 (so pattern matches and equality agree). Elements iterate in term order.
  """

  defstruct map: %{}, version: 2

  @doc "The empty set."
  def new, do: %MapSet{}

  @doc "A set of the elements of `enumerable`."
  def new(%MapSet{} = set), do: set
  def new(enumerable), do: %MapSet{map: :maps.from_list(Enum.map(enumerable, fn x -> {x, []} end))}

  @doc "A set of `transform.(element)` for each element."
  def new(enumerable, transform), do: new(Enum.map(enumerable, transform))

  @doc "Adds `value`."
  def put(%MapSet{map: map} = set, value), do: %{set | map: :maps.put(value, [], map)}

  @doc "Removes `value`."
  def delete(%MapSet{map: map} = set, value), do: %{set | map: :maps.remove(value, map)}

  @doc "Whether `value` is in the set."
  def member?(%MapSet{map: map}, value), do: :maps.is_key(value, map)

  @doc "The number of elements."
  def size(%MapSet{map: map}), do: map_size(map)

  @doc "The elements in term order."
  def to_list(%MapSet{map: map}), do: :maps.keys(map)

  @doc "The elements of either set."
  def union(%MapSet{map: left} = set, %MapSet{map: right}), do: %{set | map: :maps.merge(left, right)}

  @doc "The elements of both sets."
  def intersection(%MapSet{map: left} = set, %MapSet{map: right}) do
    {small, large} = if map_size(left) <= map_size(right), do: {left, right}, else: {right, left}
    kept = Enum.filter(:maps.keys(small), fn x -> :maps.is_key(x, large) end)
    %{set | map: :maps.from_list(Enum.map(kept, fn x -> {x, []} end))}
  end

  @doc "The elements of `left` that are not in `right`."
  def difference(%MapSet{map: left} = set, %MapSet{map: right}) do
    %{set | map: Enum.reduce(:maps.keys(right), left, fn x, acc -> :maps.remove(x, acc) end)}
  end

  @doc "The elements in exactly one of the sets."
  def symmetric_difference(%MapSet{} = left, %MapSet{} = right) do
    union(difference(left, right), difference(right, left))
  end

  @doc "Whether every element of `left` is in `right`."
  def subset?(%MapSet{map: left}, %MapSet{map: right}) do
    map_size(left) <= map_size(right) and Enum.all?(:maps.keys(left), fn x -> :maps.is_key(x, right) end)
  end

  @doc "Whether the sets have no element in common."
  def disjoint?(%MapSet{map: left}, %MapSet{map: right}) do
    not Enum.any?(:maps.keys(left), fn x -> :maps.is_key(x, right) end)
  end

  @doc "Whether both sets have the same elements."
  def equal?(%MapSet{map: left}, %MapSet{map: right}), do: left === right

  @doc "The elements for which `fun` is truthy."
  def filter(%MapSet{} = set, fun), do: new(Enum.filter(to_list(set), fun))

  @doc "The elements for which `fun` is falsy."
  def reject(%MapSet{} = set, fun), do: new(Enum.reject(to_list(set), fun))
end
