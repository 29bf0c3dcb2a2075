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

  @doc """
  Whether the two ranges share no element. Stepped ranges use the first common
  term of the two progressions, with Elixir 1.14's formula (so the answer is the
  one 1.14 gives).
  """
  def disjoint?(%Range{first: first1, last: last1, step: step1} = range1, %Range{first: first2, last: last2, step: step2} = range2) do
    if Range.size(range1) == 0 or Range.size(range2) == 0 do
      true
    else
      {first1, last1, step1} = normalize(first1, last1, step1)
      {first2, last2, step2} = normalize(first2, last2, step2)

      cond do
        last2 < first1 or last1 < first2 ->
          true

        abs(step1) == 1 and abs(step2) == 1 ->
          false

        true ->
          {gcd, u, v} = Integer.extended_gcd(-step1, step2)
          c = first1 - first2 + step2 - step1
          t1 = -c / step1 * u
          t2 = -c / step2 * v
          t = :erlang.max(trunc(Float.floor(t1)) + 1, trunc(Float.floor(t2)) + 1)
          x = div(c * u + t * step2, gcd) - 1
          y = div(c * v + t * step1, gcd) - 1
          x < 0 or first1 + x * step1 > last1 or y < 0 or first2 + y * step2 > last2
      end
    end
  end

  defp normalize(first, last, step) when first > last, do: {last, first, -step}
  defp normalize(first, last, step), do: {first, last, step}

  @doc "The range moved by `steps` steps."
  def shift(%Range{first: first, last: last, step: step}, steps) when is_integer(steps) do
    %Range{first: first + steps * step, last: last + steps * step, step: step}
  end
end
