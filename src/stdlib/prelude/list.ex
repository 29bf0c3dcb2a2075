defmodule List do
  @moduledoc "The higher-order half of `List` (the first-order functions are natives)."

  @doc "Folds from the left: `fun.(element, acc)`."
  def foldl(list, acc, fun) when is_list(list), do: Enum.reduce(list, acc, fun)

  @doc "Folds from the right: `fun.(element, acc)`."
  def foldr(list, acc, fun) when is_list(list), do: Enum.reduce(:lists.reverse(list), acc, fun)

  @doc "Replaces the element at `index` (negative counts from the end) with `fun.(element)`."
  def update_at(list, index, fun) when is_list(list) and is_integer(index) and index < 0 do
    size = length(list)
    if index + size < 0, do: list, else: update_at(list, index + size, fun)
  end

  def update_at(list, index, fun) when is_list(list) and is_integer(index), do: update_at_loop(list, index, fun, [])

  defp update_at_loop([head | tail], 0, fun, acc), do: :lists.reverse(acc, [fun.(head) | tail])
  defp update_at_loop([head | tail], index, fun, acc), do: update_at_loop(tail, index - 1, fun, [head | acc])
  defp update_at_loop([], _index, _fun, acc), do: :lists.reverse(acc)

  @doc "Sorts tuples by the element at `position` (0-based), stably; `sorter` as in `Enum.sort/2`."
  def keysort(list, position, sorter \\ :asc) when is_list(list) and is_integer(position) do
    Enum.sort_by(list, fn tuple -> elem(tuple, position) end, sorter)
  end
end
