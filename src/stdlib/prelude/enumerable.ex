defmodule Enumerable do
  @moduledoc """
  Dispatch over everything otplab can enumerate (Elixir's Enumerable protocol,
  written as plain functions because the prelude has no defprotocol/defimpl).

  `reduce/3` speaks Elixir's reducer protocol: the accumulator is tagged
  `{:cont, acc}`, `{:halt, acc}` or `{:suspend, acc}`, the reducer returns one of
  those, and the result is `{:done, acc}`, `{:halted, acc}` or
  `{:suspended, acc, continuation}` where `continuation.(tagged_acc)` resumes.
  Suspension is what lets `Stream.zip/2` and `Stream.flat_map/2` pull one element
  at a time from any enumerable.

  Supported: lists, maps (as `{key, value}` pairs in key order), ranges,
  `%MapSet{}`, `%Stream{}`, functions of arity 2 (reducer functions, as in Elixir)
  and `%File.Stream{}` (its lines, read with the native `File.__read_lines__/1`),
  and any struct with a `defimpl Enumerable, for: ...` (module `Enumerable.<Struct>`,
  whose `count/1` and `member?/2` may answer `{:error, module}` to mean "walk it").
  Anything else raises `Protocol.UndefinedError`.
  """

  @doc "Reduces `enumerable` with the reducer protocol (see the module doc)."
  def reduce(list, acc, fun) when is_list(list), do: reduce_list(list, acc, fun)

  def reduce(%Range{first: first, last: last, step: step}, acc, fun) do
    if (step > 0 and first <= last) or (step < 0 and first >= last) do
      reduce_range(first, last, step, acc, fun)
    else
      reduce_list([], acc, fun)
    end
  end

  def reduce(%Stream{reduce: nil, enum: enum}, acc, fun), do: reduce(enum, acc, fun)
  def reduce(%Stream{reduce: reducer}, acc, fun), do: reducer.(acc, fun)
  def reduce(%MapSet{map: map}, acc, fun), do: reduce_list(:maps.keys(map), acc, fun)
  def reduce(%File.Stream{path: path}, acc, fun), do: reduce_list(:otplab_file.read_lines(path), acc, fun)

  def reduce(%Date.Range{first_in_iso_days: first, last_in_iso_days: last, step: step}, acc, fun) do
    reduce(%Range{first: first, last: last, step: step}, acc, fn day, acc -> fun.(Date.from_gregorian_days(day), acc) end)
  end

  def reduce(%{__struct__: _} = struct, acc, fun), do: impl_for!(struct).reduce(struct, acc, fun)
  def reduce(map, acc, fun) when is_map(map), do: reduce_list(:maps.to_list(map), acc, fun)
  def reduce(function, acc, fun) when is_function(function, 2), do: function.(acc, fun)
  def reduce(other, _acc, _fun), do: not_enumerable(other)

  @doc "The reducer protocol over a list."
  def reduce_list(_list, {:halt, acc}, _fun), do: {:halted, acc}
  def reduce_list(list, {:suspend, acc}, fun), do: {:suspended, acc, &reduce_list(list, &1, fun)}
  def reduce_list([], {:cont, acc}, _fun), do: {:done, acc}
  def reduce_list([head | tail], {:cont, acc}, fun), do: reduce_list(tail, fun.(head, acc), fun)

  # Invariant: the range is not empty and `first` has not passed `last`.
  defp reduce_range(_first, _last, _step, {:halt, acc}, _fun), do: {:halted, acc}

  defp reduce_range(first, last, step, {:suspend, acc}, fun) do
    {:suspended, acc, &reduce_range(first, last, step, &1, fun)}
  end

  defp reduce_range(first, last, step, {:cont, acc}, fun) do
    next = first + step

    if (step > 0 and next > last) or (step < 0 and next < last) do
      case fun.(first, acc) do
        {:suspend, acc} -> {:suspended, acc, &reduce_list([], &1, fun)}
        {:halt, acc} -> {:halted, acc}
        {:cont, acc} -> {:done, acc}
      end
    else
      reduce_range(next, last, step, fun.(first, acc), fun)
    end
  end

  @doc """
  The number of elements when it is known without walking the enumerable:
  `{:ok, count}`, or `:unknown` for streams and reducer functions.
  """
  def count(list) when is_list(list), do: {:ok, length(list)}
  def count(%Range{} = range), do: {:ok, Range.size(range)}
  def count(%MapSet{map: map}), do: {:ok, map_size(map)}
  def count(%Date.Range{first_in_iso_days: first, last_in_iso_days: last, step: step}),
    do: {:ok, Range.size(%Range{first: first, last: last, step: step})}
  def count(%Stream{}), do: :unknown
  def count(%File.Stream{}), do: :unknown
  def count(%{__struct__: _} = struct) do
    case impl_for!(struct).count(struct) do
      {:ok, count} -> {:ok, count}
      {:error, _module} -> :unknown
    end
  end
  def count(map) when is_map(map), do: {:ok, map_size(map)}
  def count(function) when is_function(function, 2), do: :unknown
  def count(other), do: not_enumerable(other)

  @doc """
  Membership when it can be answered without walking the enumerable:
  `{:ok, boolean}`, or `:unknown`.
  """
  def member?(list, value) when is_list(list), do: {:ok, :lists.member(value, list)}

  def member?(%Range{first: first, last: last, step: step}, value) when is_integer(value) do
    in_bounds = if step > 0, do: first <= value and value <= last, else: last <= value and value <= first
    {:ok, in_bounds and rem(value - first, step) == 0}
  end

  def member?(%Range{}, _value), do: {:ok, false}
  def member?(%MapSet{map: map}, value), do: {:ok, :maps.is_key(value, map)}

  def member?(%Date.Range{first_in_iso_days: first, last_in_iso_days: last, step: step}, %Date{} = date) do
    member?(%Range{first: first, last: last, step: step}, Date.to_gregorian_days(date))
  end

  def member?(%Date.Range{}, _value), do: {:ok, false}
  def member?(%Stream{}, _value), do: :unknown
  def member?(%File.Stream{}, _value), do: :unknown
  def member?(%{__struct__: _} = struct, value) do
    case impl_for!(struct).member?(struct, value) do
      {:ok, answer} -> {:ok, answer}
      {:error, _module} -> :unknown
    end
  end

  def member?(map, {key, value}) when is_map(map) do
    case :maps.find(key, map) do
      {:ok, found} -> {:ok, found === value}
      :error -> {:ok, false}
    end
  end

  def member?(map, _value) when is_map(map), do: {:ok, false}
  def member?(function, _value) when is_function(function, 2), do: :unknown
  def member?(other, _value), do: not_enumerable(other)

  @doc """
  The module implementing Enumerable for a struct (`defimpl Enumerable, for: MyStruct`),
  or nil. Other values are enumerated by the clauses above.
  """
  def impl_for(%{__struct__: _} = struct) do
    case :otplab_protocol.impl_for(Enumerable, struct, false) do
      nil -> nil
      impl -> impl.__impl__(:target)
    end
  end

  def impl_for(_other), do: nil

  defp impl_for!(struct) do
    case impl_for(struct) do
      nil -> not_enumerable(struct)
      impl -> impl
    end
  end

  @doc "Raises the error Elixir raises for a value that is not enumerable."
  def not_enumerable(value) do
    raise Protocol.UndefinedError, protocol: Enumerable, value: value
  end
end

# The implementations for built-in types under their Elixir names, so that a learner's
# implementation can delegate (`Enumerable.List.reduce(list, acc, fun)`).
defimpl Enumerable, for: List do
  def count(list), do: {:ok, length(list)}
  def member?(list, value), do: {:ok, :lists.member(value, list)}
  def reduce(list, acc, fun), do: Enumerable.reduce_list(list, acc, fun)
  def slice(_list), do: {:error, __MODULE__}
end

defimpl Enumerable, for: Map do
  def count(map), do: {:ok, map_size(map)}
  def member?(map, value), do: Enumerable.member?(map, value)
  def reduce(map, acc, fun), do: Enumerable.reduce_list(:maps.to_list(map), acc, fun)
  def slice(_map), do: {:error, __MODULE__}
end

defimpl Enumerable, for: [Range, MapSet, Stream, Function] do
  def count(enumerable), do: Enumerable.count(enumerable) |> unknown_as_error()
  def member?(enumerable, value), do: Enumerable.member?(enumerable, value) |> unknown_as_error()
  def reduce(enumerable, acc, fun), do: Enumerable.reduce(enumerable, acc, fun)
  def slice(_enumerable), do: {:error, __MODULE__}
  defp unknown_as_error(:unknown), do: {:error, __MODULE__}
  defp unknown_as_error(answer), do: answer
end
