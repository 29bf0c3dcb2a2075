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

  @doc """
  The edit script turning `list1` into `list2`: `eq`, `del` and `ins` runs (Myers'
  algorithm, as Elixir's); with `diff_script`, a deleted and an inserted element may
  become `{:diff, diff_script.(old, new)}` when it returns non-nil.
  """
  def myers_difference(list1, list2) when is_list(list1) and is_list(list2) do
    myers_difference_with_diff_script(list1, list2, nil)
  end

  def myers_difference(list1, list2, diff_script)
      when is_list(list1) and is_list(list2) and is_function(diff_script, 2) do
    myers_difference_with_diff_script(list1, list2, diff_script)
  end

  defp myers_difference_with_diff_script(list1, list2, diff_script) do
    path = {0, list1, list2, []}
    find_script(0, length(list1) + length(list2), [path], diff_script)
  end

  defp find_script(envelope, max, paths, diff_script) do
    case each_diagonal(-envelope, envelope, paths, [], diff_script) do
      {:done, edits} -> compact_reverse(edits, [])
      {:next, paths} -> find_script(envelope + 1, max, paths, diff_script)
    end
  end

  defp compact_reverse([], acc), do: acc
  defp compact_reverse([{:diff, _} = fragment | rest], acc), do: compact_reverse(rest, [fragment | acc])

  defp compact_reverse([{kind, elem} | rest], [{kind, result} | acc]),
    do: compact_reverse(rest, [{kind, [elem | result]} | acc])

  defp compact_reverse(rest, [{:eq, elem}, {:ins, elem}, {:eq, other} | acc]),
    do: compact_reverse(rest, [{:ins, elem}, {:eq, elem ++ other} | acc])

  defp compact_reverse([{kind, elem} | rest], acc), do: compact_reverse(rest, [{kind, [elem]} | acc])

  defp each_diagonal(diag, limit, _paths, next_paths, _diff_script) when diag > limit do
    {:next, :lists.reverse(next_paths)}
  end

  defp each_diagonal(diag, limit, paths, next_paths, diff_script) do
    {path, rest} = proceed_path(diag, limit, paths, diff_script)

    case follow_snake(path) do
      {:cont, path} -> each_diagonal(diag + 2, limit, rest, [path | next_paths], diff_script)
      {:done, edits} -> {:done, edits}
    end
  end

  defp proceed_path(0, 0, [path], _diff_script), do: {path, []}

  defp proceed_path(diag, limit, [path | _] = paths, diff_script) when diag == -limit do
    {move_down(path, diff_script), paths}
  end

  defp proceed_path(diag, limit, [path], diff_script) when diag == limit do
    {move_right(path, diff_script), []}
  end

  defp proceed_path(_diag, _limit, [path1, path2 | rest], diff_script) do
    if elem(path1, 0) > elem(path2, 0) do
      {move_right(path1, diff_script), [path2 | rest]}
    else
      {move_down(path2, diff_script), [path2 | rest]}
    end
  end

  # Moving right takes the next element of `list2` (an insertion); moving down takes
  # the next of `list1` (a deletion, `y` counts them). With a diff script, a pair of
  # heads may become one `:diff` step instead.
  defp move_right({y, [old | rest1] = list1, [new | rest2], edits}, diff_script) when diff_script != nil do
    case diff_script.(old, new) do
      falsy when falsy in [nil, false] -> {y, list1, rest2, [{:ins, new} | edits]}
      diff -> {y + 1, rest1, rest2, [{:diff, diff} | edits]}
    end
  end

  defp move_right({y, list1, [new | rest2], edits}, _diff_script), do: {y, list1, rest2, [{:ins, new} | edits]}
  defp move_right({y, list1, [], edits}, _diff_script), do: {y, list1, [], edits}

  defp move_down({y, [old | rest1], [new | rest2] = list2, edits}, diff_script) when diff_script != nil do
    case diff_script.(old, new) do
      falsy when falsy in [nil, false] -> {y + 1, rest1, list2, [{:del, old} | edits]}
      diff -> {y + 1, rest1, rest2, [{:diff, diff} | edits]}
    end
  end

  defp move_down({y, [old | rest1], list2, edits}, _diff_script), do: {y + 1, rest1, list2, [{:del, old} | edits]}
  defp move_down({y, [], list2, edits}, _diff_script), do: {y + 1, [], list2, edits}

  defp follow_snake({y, [elem | rest1], [elem | rest2], edits}), do: follow_snake({y + 1, rest1, rest2, [{:eq, elem} | edits]})
  defp follow_snake({_y, [], [], edits}), do: {:done, edits}
  defp follow_snake(path), do: {:cont, path}
end
