defmodule Range do
  @moduledoc """
  Ranges are `%Range{first: f, last: l, step: s}` structs built by the VM for
  `f..l` and `f..l//s`; `Enumerable` walks them without building a list.
  """

  @doc "`first..last`, stepping 1 upwards or -1 downwards (as Elixir 1.14 does)."
  def new(first, last) when is_integer(first) and is_integer(last) do
    step = if first <= last, do: 1, else: -1
    %Range{first: first, last: last, step: step}
  end

  def new(first, last) do
    raise ArgumentError,
          "ranges (first..last) expect both sides to be integers, got: #{inspect(first)}..#{inspect(last)}"
  end

  @doc "`first..last//step`; `step` must be a non-zero integer."
  def new(first, last, step) when is_integer(first) and is_integer(last) and is_integer(step) and step != 0 do
    %Range{first: first, last: last, step: step}
  end

  def new(first, last, step) do
    raise ArgumentError,
          "ranges (first..last//step) expect both sides to be integers and the step to be a " <>
            "non-zero integer, got: #{inspect(first)}..#{inspect(last)}//#{inspect(step)}"
  end

  @doc "The number of elements, without enumerating."
  def size(%Range{first: first, last: last, step: step}) when step > 0 and first > last, do: 0
  def size(%Range{first: first, last: last, step: step}) when step < 0 and first < last, do: 0
  def size(%Range{first: first, last: last, step: step}), do: div(last - first, step) + 1

  @doc "Whether the two ranges share no element."
  def disjoint?(%Range{} = left, %Range{} = right) do
    {small, large} = if Range.size(left) <= Range.size(right), do: {left, right}, else: {right, left}
    not Enum.any?(small, fn x -> Enum.member?(large, x) end)
  end
end
