defmodule Enum do
  @moduledoc """
  Eager functions over enumerables (see `Enumerable` for what is enumerable).

  Performance conventions: lists are walked with tail-recursive loops that build
  an accumulator and finish with `:lists.reverse/1`; ranges are walked with a
  counting loop and never materialised; everything else goes through
  `Enumerable.reduce/3`, halting as soon as the answer is known.
  """

  # ---------------------------------------------------------------- reducing

  @doc "Folds `fun.(element, acc)` over `enumerable`, starting from `acc`."
  def reduce(enumerable, acc, fun) when is_list(enumerable), do: reduce_list(enumerable, acc, fun)

  def reduce(%Range{first: first, last: last, step: step}, acc, fun) do
    if (step > 0 and first <= last) or (step < 0 and first >= last) do
      reduce_range(first, last, step, acc, fun)
    else
      acc
    end
  end

  def reduce(enumerable, acc, fun) do
    elem(Enumerable.reduce(enumerable, {:cont, acc}, fn x, a -> {:cont, fun.(x, a)} end), 1)
  end

  # `for <<r::8, g::8, b::8 <- pixels>>`: the pieces of `binary` that the generator's
  # pattern takes one after another, in order; `matcher` answers `{:ok, rest}` for a
  # binary that starts with the pattern and `:done` otherwise, and the comprehension
  # matches each piece against the pattern again. As in Elixir, the bytes after the
  # last match are left over; a pattern that takes nothing ends the walk.
  @doc false
  def __bitstring_chunks__(binary, matcher), do: bitstring_chunks(binary, matcher, [])

  defp bitstring_chunks(binary, matcher, acc) do
    case matcher.(binary) do
      {:ok, rest} when byte_size(rest) < byte_size(binary) ->
        taken = byte_size(binary) - byte_size(rest)
        bitstring_chunks(rest, matcher, [binary_part(binary, 0, taken) | acc])

      _ ->
        :lists.reverse(acc)
    end
  end

  defp reduce_list([], acc, _fun), do: acc
  defp reduce_list([head | tail], acc, fun), do: reduce_list(tail, fun.(head, acc), fun)

  # Invariant: `first` has not passed `last` (the range is not empty). The step's
  # sign is settled once, so each element costs one comparison.
  defp reduce_range(first, last, step, acc, fun) when step > 0, do: reduce_range_up(first, last, step, acc, fun)
  defp reduce_range(first, last, step, acc, fun), do: reduce_range_down(first, last, step, acc, fun)

  defp reduce_range_up(first, last, step, acc, fun) do
    acc = fun.(first, acc)
    next = first + step
    if next > last, do: acc, else: reduce_range_up(next, last, step, acc, fun)
  end

  defp reduce_range_down(first, last, step, acc, fun) do
    acc = fun.(first, acc)
    next = first + step
    if next < last, do: acc, else: reduce_range_down(next, last, step, acc, fun)
  end

  @doc "Folds with the first element as the accumulator; raises `Enum.EmptyError` when empty."
  def reduce([head | tail], fun), do: reduce_list(tail, head, fun)
  def reduce([], _fun), do: raise(Enum.EmptyError)

  def reduce(enumerable, fun) do
    result =
      reduce(enumerable, :__enum_empty__, fn
        x, :__enum_empty__ -> {:__enum_acc__, x}
        x, {:__enum_acc__, acc} -> {:__enum_acc__, fun.(x, acc)}
      end)

    case result do
      {:__enum_acc__, acc} -> acc
      :__enum_empty__ -> raise Enum.EmptyError
    end
  end

  @doc "Folds while `fun` returns `{:cont, acc}`; stops at the first `{:halt, acc}`."
  def reduce_while(enumerable, acc, fun) when is_list(enumerable), do: reduce_while_list(enumerable, acc, fun)
  def reduce_while(enumerable, acc, fun), do: elem(Enumerable.reduce(enumerable, {:cont, acc}, fun), 1)

  defp reduce_while_list([], acc, _fun), do: acc

  defp reduce_while_list([head | tail], acc, fun) do
    case fun.(head, acc) do
      {:cont, acc} -> reduce_while_list(tail, acc, fun)
      {:halt, acc} -> acc
    end
  end

  # Walks `enumerable` while `fun.(x, acc)` returns `{:cont, acc}`; the shared loop of
  # every function that may stop early (find, any?, take...).
  defp halting(enumerable, acc, fun), do: reduce_while(enumerable, acc, fun)

  @doc "Maps and reduces in one pass: returns `{mapped_list, acc}`."
  def map_reduce(enumerable, acc, fun) do
    {list, acc} =
      reduce(enumerable, {[], acc}, fn x, {list, acc} ->
        {value, acc} = fun.(x, acc)
        {[value | list], acc}
      end)

    {:lists.reverse(list), acc}
  end

  @doc "Every intermediate accumulator of a reduce that starts from the first element."
  def scan(enumerable, fun) do
    {list, _} =
      reduce(enumerable, {[], :__enum_empty__}, fn
        x, {list, :__enum_empty__} -> {[x | list], {:__enum_acc__, x}}
        x, {list, {:__enum_acc__, acc}} -> acc = fun.(x, acc); {[acc | list], {:__enum_acc__, acc}}
      end)

    :lists.reverse(list)
  end

  @doc "Every intermediate accumulator of a reduce that starts from `acc`."
  def scan(enumerable, acc, fun) do
    {list, _} = reduce(enumerable, {[], acc}, fn x, {list, acc} -> acc = fun.(x, acc); {[acc | list], acc} end)
    :lists.reverse(list)
  end

  # ---------------------------------------------------------------- mapping

  @doc "Applies `fun` to each element; returns the list of results."
  def map(enumerable, fun) when is_list(enumerable), do: map_list(enumerable, fun, [])
  def map(enumerable, fun), do: :lists.reverse(reduce(enumerable, [], fn x, acc -> [fun.(x) | acc] end))

  defp map_list([], _fun, acc), do: :lists.reverse(acc)
  defp map_list([head | tail], fun, acc), do: map_list(tail, fun, [fun.(head) | acc])

  @doc "Calls `fun` on each element for its side effects; returns `:ok`."
  def each(enumerable, fun) when is_list(enumerable), do: each_list(enumerable, fun)

  def each(enumerable, fun) do
    reduce(enumerable, nil, fn x, _ -> fun.(x); nil end)
    :ok
  end

  defp each_list([], _fun), do: :ok
  defp each_list([head | tail], fun), do: (fun.(head); each_list(tail, fun))

  @doc "Maps each element to an enumerable and concatenates the results."
  def flat_map(enumerable, fun) do
    :lists.reverse(reduce(enumerable, [], fn x, acc -> prepend_reversed(fun.(x), acc) end))
  end

  # Prepends the elements of `enumerable` to `acc` in reverse order.
  defp prepend_reversed(list, acc) when is_list(list), do: :lists.reverse(list, acc)
  defp prepend_reversed(enumerable, acc), do: reduce(enumerable, acc, fn x, acc -> [x | acc] end)

  @doc "Maps every `nth` element with `fun`, starting with the first."
  def map_every(enumerable, 0, _fun), do: to_list(enumerable)
  def map_every(enumerable, 1, fun), do: map(enumerable, fun)

  def map_every(enumerable, nth, fun) when is_integer(nth) and nth > 1 do
    {list, _} =
      reduce(enumerable, {[], 0}, fn x, {acc, i} ->
        value = if rem(i, nth) == 0, do: fun.(x), else: x
        {[value | acc], i + 1}
      end)

    :lists.reverse(list)
  end

  @doc "Pairs each element with its index (from `offset`), or maps `fun.(element, index)`."
  def with_index(enumerable, offset_or_fun \\ 0)

  def with_index(enumerable, offset) when is_integer(offset) do
    {list, _} = reduce(enumerable, {[], offset}, fn x, {acc, i} -> {[{x, i} | acc], i + 1} end)
    :lists.reverse(list)
  end

  def with_index(enumerable, fun) when is_function(fun, 2) do
    {list, _} = reduce(enumerable, {[], 0}, fn x, {acc, i} -> {[fun.(x, i) | acc], i + 1} end)
    :lists.reverse(list)
  end

  @doc "Inserts `separator` between elements."
  def intersperse(enumerable, separator) do
    case to_list(enumerable) do
      [] -> []
      [head | tail] -> [head | :lists.reverse(reduce_list(tail, [], fn x, acc -> [x, separator | acc] end))]
    end
  end

  # ---------------------------------------------------------------- filtering

  @doc "The elements for which `fun` returns a truthy value."
  def filter(enumerable, fun) when is_list(enumerable), do: filter_list(enumerable, fun, [])

  def filter(enumerable, fun) do
    :lists.reverse(reduce(enumerable, [], fn x, acc -> if fun.(x), do: [x | acc], else: acc end))
  end

  defp filter_list([], _fun, acc), do: :lists.reverse(acc)

  defp filter_list([head | tail], fun, acc) do
    if fun.(head), do: filter_list(tail, fun, [head | acc]), else: filter_list(tail, fun, acc)
  end

  @doc "The elements for which `fun` returns a falsy value."
  def reject(enumerable, fun), do: filter(enumerable, fn x -> !fun.(x) end)

  @doc "Splits into `{truthy, falsy}` by `fun`, keeping order."
  def split_with(enumerable, fun) do
    {yes, no} = reduce(enumerable, {[], []}, fn x, {yes, no} -> if fun.(x), do: {[x | yes], no}, else: {yes, [x | no]} end)
    {:lists.reverse(yes), :lists.reverse(no)}
  end

  @doc "Removes duplicates, keeping the first occurrence."
  def uniq(enumerable), do: uniq_by(enumerable, fn x -> x end)

  @doc "Removes elements whose `fun` result was already seen, keeping the first."
  def uniq_by(enumerable, fun) do
    {list, _} =
      reduce(enumerable, {[], %{}}, fn x, {acc, seen} ->
        key = fun.(x)
        if :maps.is_key(key, seen), do: {acc, seen}, else: {[x | acc], :maps.put(key, true, seen)}
      end)

    :lists.reverse(list)
  end

  @doc "Removes consecutive duplicates."
  def dedup(enumerable), do: dedup_by(enumerable, fn x -> x end)

  @doc "Removes consecutive elements whose `fun` results are equal."
  def dedup_by(enumerable, fun) do
    {list, _} =
      reduce(enumerable, {[], :__enum_none__}, fn x, {acc, previous} ->
        key = fun.(x)
        if previous === {:__enum_key__, key}, do: {acc, previous}, else: {[x | acc], {:__enum_key__, key}}
      end)

    :lists.reverse(list)
  end

  # ---------------------------------------------------------------- aggregates

  @doc "The sum of the elements (integers stay integers; any float makes a float)."
  def sum(list) when is_list(list), do: :otplab_enum.sum_list(list)

  def sum(%Range{first: first, step: step} = range) do
    count = Range.size(range)
    if count == 0, do: 0, else: div(count * (first + first + (count - 1) * step), 2)
  end

  def sum(enumerable), do: reduce(enumerable, 0, fn x, acc -> acc + x end)

  @doc "The product of the elements."
  def product(enumerable), do: reduce(enumerable, 1, fn x, acc -> acc * x end)

  @doc "The number of elements."
  def count(enumerable) do
    case Enumerable.count(enumerable) do
      {:ok, count} -> count
      :unknown -> reduce(enumerable, 0, fn _, acc -> acc + 1 end)
    end
  end

  @doc "The number of elements for which `fun` is truthy."
  def count(enumerable, fun), do: reduce(enumerable, 0, fn x, acc -> if fun.(x), do: acc + 1, else: acc end)

  @doc "Whether `enumerable` has no elements."
  def empty?(enumerable) do
    case Enumerable.count(enumerable) do
      {:ok, count} -> count == 0
      :unknown -> halting(enumerable, true, fn _, _ -> {:halt, false} end)
    end
  end

  @doc "Whether `value` is an element (compared with `===`, as Elixir does)."
  def member?(enumerable, value) do
    case Enumerable.member?(enumerable, value) do
      {:ok, answer} -> answer
      :unknown -> halting(enumerable, false, fn x, _ -> if x === value, do: {:halt, true}, else: {:cont, false} end)
    end
  end

  @doc "Counts occurrences of each element: `%{element => count}`."
  def frequencies(enumerable), do: frequencies_by(enumerable, fn x -> x end)

  @doc "Counts elements by `fun.(element)`."
  def frequencies_by(enumerable, fun) do
    reduce(enumerable, %{}, fn x, acc ->
      key = fun.(x)
      :maps.put(key, :maps.get(key, acc, 0) + 1, acc)
    end)
  end

  @doc "Groups elements into `%{key_fun.(x) => [value_fun.(x), ...]}`, keeping order."
  def group_by(enumerable, key_fun, value_fun \\ fn x -> x end) do
    reduce(reverse(enumerable), %{}, fn x, acc ->
      key = key_fun.(x)
      :maps.put(key, [value_fun.(x) | :maps.get(key, acc, [])], acc)
    end)
  end

  # ---------------------------------------------------------------- min / max

  @doc "The largest element; see `max/3`."
  def max(enumerable, sorter_or_fallback \\ nil)
  def max(enumerable, fallback) when is_function(fallback, 0), do: max(enumerable, nil, fallback)
  def max(enumerable, sorter), do: max(enumerable, sorter, &raise_empty/0)

  @doc "The largest element by `sorter` (default `>=`); `fallback.()` when empty. Ties keep the first."
  def max(enumerable, sorter, fallback), do: aggregate(enumerable, sort_fun(sorter, :desc), fallback)

  @doc "The smallest element; see `min/3`."
  def min(enumerable, sorter_or_fallback \\ nil)
  def min(enumerable, fallback) when is_function(fallback, 0), do: min(enumerable, nil, fallback)
  def min(enumerable, sorter), do: min(enumerable, sorter, &raise_empty/0)

  @doc "The smallest element by `sorter` (default `<=`); `fallback.()` when empty. Ties keep the first."
  def min(enumerable, sorter, fallback), do: aggregate(enumerable, sort_fun(sorter, :asc), fallback)

  defp aggregate(enumerable, keep_first?, fallback) do
    result =
      reduce(enumerable, :__enum_empty__, fn
        x, :__enum_empty__ -> {:__enum_acc__, x}
        x, {:__enum_acc__, best} -> if keep_first?.(best, x), do: {:__enum_acc__, best}, else: {:__enum_acc__, x}
      end)

    case result do
      {:__enum_acc__, best} -> best
      :__enum_empty__ -> fallback.()
    end
  end

  @doc "The element with the largest `fun` result; see `max/3` for `sorter` and `fallback`."
  def max_by(enumerable, fun, sorter_or_fallback \\ nil, fallback \\ &raise_empty/0)
  def max_by(enumerable, fun, fallback, _) when is_function(fallback, 0), do: aggregate_by(enumerable, fun, sort_fun(nil, :desc), fallback)
  def max_by(enumerable, fun, sorter, fallback), do: aggregate_by(enumerable, fun, sort_fun(sorter, :desc), fallback)

  @doc "The element with the smallest `fun` result; see `min/3` for `sorter` and `fallback`."
  def min_by(enumerable, fun, sorter_or_fallback \\ nil, fallback \\ &raise_empty/0)
  def min_by(enumerable, fun, fallback, _) when is_function(fallback, 0), do: aggregate_by(enumerable, fun, sort_fun(nil, :asc), fallback)
  def min_by(enumerable, fun, sorter, fallback), do: aggregate_by(enumerable, fun, sort_fun(sorter, :asc), fallback)

  defp aggregate_by(enumerable, fun, keep_first?, fallback) do
    result =
      reduce(enumerable, :__enum_empty__, fn
        x, :__enum_empty__ -> {:__enum_acc__, x, fun.(x)}
        x, {:__enum_acc__, _best, best_key} = acc ->
          key = fun.(x)
          if keep_first?.(best_key, key), do: acc, else: {:__enum_acc__, x, key}
      end)

    case result do
      {:__enum_acc__, best, _} -> best
      :__enum_empty__ -> fallback.()
    end
  end

  @doc "`{min, max}` in one pass; `fallback.()` when empty."
  def min_max(enumerable, fallback \\ &raise_empty/0) do
    result =
      reduce(enumerable, :__enum_empty__, fn
        x, :__enum_empty__ -> {x, x}
        x, {low, high} -> {if(x < low, do: x, else: low), if(x > high, do: x, else: high)}
      end)

    if result == :__enum_empty__, do: fallback.(), else: result
  end

  defp raise_empty, do: raise(Enum.EmptyError)

  # ---------------------------------------------------------------- sorting

  @doc "Sorts in ascending term order."
  def sort(enumerable), do: :lists.sort(to_list(enumerable))

  @doc "Sorts with `fun.(a, b)` (true when `a` goes first), `:asc`, `:desc` or a module with `compare/2`. Stable."
  def sort(enumerable, sorter), do: sorted(to_list(enumerable), native_order(sorter))

  @doc "Sorts by `mapper.(element)` with `sorter` (default ascending). Stable."
  def sort_by(enumerable, mapper, sorter \\ :asc) do
    # The sorter is checked before the mapper runs; the mapper sees the elements in order.
    sort_pairs = pair_sort(native_order(sorter))
    pairs = map(enumerable, fn x -> {mapper.(x), x} end)
    map_list(sort_pairs.(pairs), fn {_, x} -> x end, [])
  end

  # `&<=/2` and `&>=/2` order as `:asc` and `:desc` do (a stable merge by them is
  # what those are), so they get the native sort too.
  defp native_order(sorter) do
    cond do
      sorter == (&<=/2) -> :asc
      sorter == (&>=/2) -> :desc
      true -> sorter
    end
  end

  defp sorted(list, :asc), do: :lists.sort(list)
  defp sorted(list, :desc), do: descending(list, &:lists.sort/1)
  defp sorted(list, sorter), do: merge_sort(list, sort_fun(sorter, :asc))

  # How `sort_by` orders its `{key, element}` pairs: by the keys, natively
  # (`:lists.keysort/2` is stable), or merged by the sorter's function.
  defp pair_sort(:asc), do: fn pairs -> :lists.keysort(1, pairs) end
  defp pair_sort(:desc), do: fn pairs -> descending(pairs, &:lists.keysort(1, &1)) end

  defp pair_sort(sorter) do
    first_wins? = sort_fun(sorter, :asc)
    fn pairs -> merge_sort(pairs, fn {a, _}, {b, _} -> first_wins?.(a, b) end) end
  end

  # A stable ascending `sort` made descending with ties in their first order, as a
  # merge by `>=` leaves them: the ascending sort of the reversed list, reversed.
  defp descending(list, sort), do: :lists.reverse(sort.(:lists.reverse(list)))

  # Turns a sorter (nil, :asc, :desc, {:asc | :desc, module}, module or fun/2) into a
  # fun/2 that returns true when its first argument should come first.
  defp sort_fun(nil, :asc), do: fn a, b -> a <= b end
  defp sort_fun(nil, :desc), do: fn a, b -> a >= b end
  defp sort_fun(:asc, _), do: fn a, b -> a <= b end
  defp sort_fun(:desc, _), do: fn a, b -> a >= b end
  defp sort_fun({:asc, module}, _) when is_atom(module), do: fn a, b -> module.compare(a, b) != :gt end
  defp sort_fun({:desc, module}, _) when is_atom(module), do: fn a, b -> module.compare(a, b) != :lt end
  defp sort_fun(fun, _) when is_function(fun, 2), do: fun
  defp sort_fun(module, :desc) when is_atom(module), do: fn a, b -> module.compare(a, b) != :lt end
  defp sort_fun(module, _) when is_atom(module), do: fn a, b -> module.compare(a, b) != :gt end

  # Bottom-up stable merge sort: runs of one element merged pairwise until one is left.
  defp merge_sort([], _fun), do: []
  defp merge_sort([_] = list, _fun), do: list
  defp merge_sort(list, fun), do: merge_passes(map_list(list, fn x -> [x] end, []), fun)

  defp merge_passes([run], _fun), do: run
  defp merge_passes(runs, fun), do: merge_passes(merge_pairs(runs, fun, []), fun)

  defp merge_pairs([a, b | rest], fun, acc), do: merge_pairs(rest, fun, [merge(a, b, fun, []) | acc])
  defp merge_pairs([a], _fun, acc), do: :lists.reverse([a | acc])
  defp merge_pairs([], _fun, acc), do: :lists.reverse(acc)

  # Stability: on a tie (`fun.(a, b)` true) the element of the left run goes first.
  defp merge([], right, _fun, acc), do: :lists.reverse(acc, right)
  defp merge(left, [], _fun, acc), do: :lists.reverse(acc, left)

  defp merge([a | left] = l, [b | right] = r, fun, acc) do
    if fun.(a, b), do: merge(left, r, fun, [a | acc]), else: merge(l, right, fun, [b | acc])
  end

  @doc "Shuffles the elements randomly (`:rand.uniform/1`)."
  def shuffle(enumerable) do
    keyed = map(enumerable, fn x -> {:rand.uniform(4_294_967_296), x} end)
    map_list(:lists.keysort(1, keyed), fn {_, x} -> x end, [])
  end

  @doc "A random element; raises `Enum.EmptyError` when empty."
  def random(enumerable) do
    case to_list(enumerable) do
      [] -> raise Enum.EmptyError
      list -> at(list, :rand.uniform(length(list)) - 1)
    end
  end

  @doc "`count` distinct-position random elements."
  def take_random(enumerable, count) when is_integer(count) and count >= 0, do: take(shuffle(enumerable), count)

  # ---------------------------------------------------------------- finding

  @doc "The first element for which `fun` is truthy, or `default`."
  def find(enumerable, fun), do: find(enumerable, nil, fun)

  @doc "The first element for which `fun` is truthy, or `default`."
  def find(enumerable, default, fun) do
    halting(enumerable, default, fn x, acc -> if fun.(x), do: {:halt, x}, else: {:cont, acc} end)
  end

  @doc "The index of the first element for which `fun` is truthy, or nil."
  def find_index(enumerable, fun) do
    result = halting(enumerable, 0, fn x, i -> if fun.(x), do: {:halt, {:found, i}}, else: {:cont, i + 1} end)
    case result do
      {:found, i} -> i
      _ -> nil
    end
  end

  @doc "The first truthy `fun.(element)`, or `default`."
  def find_value(enumerable, fun), do: find_value(enumerable, nil, fun)

  @doc "The first truthy `fun.(element)`, or `default`."
  def find_value(enumerable, default, fun) do
    halting(enumerable, default, fn x, acc ->
      value = fun.(x)
      if value, do: {:halt, value}, else: {:cont, acc}
    end)
  end

  @doc "Whether any element (or `fun.(element)`) is truthy."
  def any?(enumerable, fun \\ fn x -> x end) do
    halting(enumerable, false, fn x, _ -> if fun.(x), do: {:halt, true}, else: {:cont, false} end)
  end

  @doc "Whether every element (or `fun.(element)`) is truthy."
  def all?(enumerable, fun \\ fn x -> x end) do
    halting(enumerable, true, fn x, _ -> if fun.(x), do: {:cont, true}, else: {:halt, false} end)
  end

  @doc "The element at `index` (negative counts from the end), or `default`."
  def at(enumerable, index, default \\ nil) do
    case fetch(enumerable, index) do
      {:ok, value} -> value
      :error -> default
    end
  end

  @doc "`{:ok, element}` at `index` (negative counts from the end), or `:error`."
  def fetch(enumerable, index) when is_integer(index) and index < 0 do
    fetch_list(reverse(enumerable), -index - 1)
  end

  def fetch(list, index) when is_list(list) and is_integer(index), do: fetch_list(list, index)

  def fetch(%Range{first: first, step: step} = range, index) when is_integer(index) do
    if index < Range.size(range), do: {:ok, first + index * step}, else: :error
  end

  def fetch(enumerable, index) when is_integer(index) do
    halting(enumerable, {:missing, index}, fn
      x, {:missing, 0} -> {:halt, {:ok, x}}
      _, {:missing, i} -> {:cont, {:missing, i - 1}}
    end)
    |> found_or_error()
  end

  defp found_or_error({:ok, _} = found), do: found
  defp found_or_error(_), do: :error

  defp fetch_list([head | _], 0), do: {:ok, head}
  defp fetch_list([_ | tail], index), do: fetch_list(tail, index - 1)
  defp fetch_list([], _index), do: :error

  @doc "The element at `index`; raises `Enum.OutOfBoundsError` when there is none."
  def fetch!(enumerable, index) do
    case fetch(enumerable, index) do
      {:ok, value} -> value
      :error -> raise Enum.OutOfBoundsError
    end
  end

  # ---------------------------------------------------------------- taking and dropping

  @doc "The first `count` elements (the last `-count` when negative)."
  def take(_enumerable, 0), do: []

  def take(enumerable, count) when is_integer(count) and count > 0 do
    {list, _} =
      halting(enumerable, {[], count}, fn
        x, {acc, 1} -> {:halt, {[x | acc], 0}}
        x, {acc, n} -> {:cont, {[x | acc], n - 1}}
      end)

    :lists.reverse(list)
  end

  def take(enumerable, count) when is_integer(count) do
    list = to_list(enumerable)
    drop_list(list, length(list) + count)
  end

  @doc "Drops the first `count` elements (the last `-count` when negative)."
  def drop(enumerable, count) when is_integer(count) and count >= 0 do
    drop_list(to_list(enumerable), count)
  end

  def drop(enumerable, count) when is_integer(count) do
    list = to_list(enumerable)
    take(list, :erlang.max(length(list) + count, 0))
  end

  defp drop_list(list, count) when count <= 0, do: list
  defp drop_list([], _count), do: []
  defp drop_list([_ | tail], count), do: drop_list(tail, count - 1)

  @doc "Every `nth` element, starting with the first."
  def take_every(_enumerable, 0), do: []

  def take_every(enumerable, nth) when is_integer(nth) and nth > 0 do
    {list, _} = reduce(enumerable, {[], 0}, fn x, {acc, i} -> {if(rem(i, nth) == 0, do: [x | acc], else: acc), i + 1} end)
    :lists.reverse(list)
  end

  @doc "Elements from the start while `fun` is truthy."
  def take_while(enumerable, fun) do
    :lists.reverse(halting(enumerable, [], fn x, acc -> if fun.(x), do: {:cont, [x | acc]}, else: {:halt, acc} end))
  end

  @doc "Drops elements from the start while `fun` is truthy."
  def drop_while(enumerable, fun), do: drop_while_list(to_list(enumerable), fun)

  defp drop_while_list([head | tail] = list, fun), do: if(fun.(head), do: drop_while_list(tail, fun), else: list)
  defp drop_while_list([], _fun), do: []

  @doc "`{take(count), drop(count)}` in one pass."
  def split(enumerable, count) when is_integer(count) and count >= 0, do: split_list(to_list(enumerable), count, [])

  def split(enumerable, count) when is_integer(count) do
    list = to_list(enumerable)
    split_list(list, :erlang.max(length(list) + count, 0), [])
  end

  defp split_list(list, 0, acc), do: {:lists.reverse(acc), list}
  defp split_list([], _count, acc), do: {:lists.reverse(acc), []}
  defp split_list([head | tail], count, acc), do: split_list(tail, count - 1, [head | acc])

  @doc "`{take_while(fun), drop_while(fun)}` in one pass."
  def split_while(enumerable, fun), do: split_while_list(to_list(enumerable), fun, [])

  defp split_while_list([head | tail] = list, fun, acc) do
    if fun.(head), do: split_while_list(tail, fun, [head | acc]), else: {:lists.reverse(acc), list}
  end

  defp split_while_list([], _fun, acc), do: {:lists.reverse(acc), []}

  @doc "A slice by index range (negative indexes count from the end)."
  def slice(enumerable, %Range{first: first, last: last, step: step}) do
    # As Elixir 1.14: a decreasing range with step -1 (e.g. `1..-2`) slices forward.
    step = if step == -1 and first > last, do: 1, else: step
    list = to_list(enumerable)
    count = length(list)
    first = if first < 0, do: first + count, else: first
    last = if last < 0, do: last + count, else: last

    if first >= 0 and first < count and last >= first and step > 0 do
      take_every(take(drop_list(list, first), last - first + 1), step)
    else
      []
    end
  end

  @doc "`amount` elements starting at `start` (negative counts from the end)."
  def slice(enumerable, start, amount) when is_integer(start) and is_integer(amount) and amount >= 0 do
    list = to_list(enumerable)
    start = if start < 0, do: :erlang.max(start + length(list), 0), else: start
    take(drop_list(list, start), amount)
  end

  # ---------------------------------------------------------------- chunking

  @doc "Chunks of `count` elements (see `chunk_every/4`)."
  def chunk_every(enumerable, count), do: chunk_every(enumerable, count, count, [])

  @doc "Chunks of `count` elements, each starting `step` after the previous one; `leftover` pads or `:discard`s the last."
  def chunk_every(enumerable, count, step, leftover \\ []) do
    to_list(Stream.chunk_every(enumerable, count, step, leftover))
  end

  @doc "Chunks of consecutive elements with equal `fun` results."
  def chunk_by(enumerable, fun), do: to_list(Stream.chunk_by(enumerable, fun))

  @doc "Chunks with full control (see `Stream.chunk_while/4`)."
  def chunk_while(enumerable, acc, chunk_fun, after_fun) do
    to_list(Stream.chunk_while(enumerable, acc, chunk_fun, after_fun))
  end

  # ---------------------------------------------------------------- zipping

  @doc "Zips two enumerables into tuples; stops at the shorter."
  def zip(left, right) when is_list(left) and is_list(right), do: zip_lists(left, right, [])
  def zip(left, right), do: zip([left, right])

  @doc "Zips a list of enumerables into tuples; stops at the shortest."
  def zip([]), do: []
  def zip(enumerables), do: to_list(Stream.zip(enumerables))

  defp zip_lists([a | left], [b | right], acc), do: zip_lists(left, right, [{a, b} | acc])
  defp zip_lists(_, _, acc), do: :lists.reverse(acc)

  @doc "Zips two enumerables with `fun.(a, b)`."
  def zip_with(left, right, fun), do: map(zip(left, right), fn {a, b} -> fun.(a, b) end)

  @doc "Zips a list of enumerables with `fun.([elements])`."
  def zip_with(enumerables, fun), do: map(zip(enumerables), fn tuple -> fun.(:erlang.tuple_to_list(tuple)) end)

  @doc "Reduces two enumerables in lock-step: `fun.(a, b, acc)`."
  def zip_reduce(left, right, acc, fun), do: reduce(zip(left, right), acc, fn {a, b}, acc -> fun.(a, b, acc) end)

  @doc "Splits `{a, b}` pairs into `{[a], [b]}`."
  def unzip(enumerable) do
    {lefts, rights} = reduce(enumerable, {[], []}, fn {a, b}, {lefts, rights} -> {[a | lefts], [b | rights]} end)
    {:lists.reverse(lefts), :lists.reverse(rights)}
  end

  # ---------------------------------------------------------------- converting

  @doc "The elements as a list."
  def to_list(list) when is_list(list), do: list
  # One native call builds the list, so its size is checked against the session's
  # memory limit before anything is allocated (a huge range is a SystemLimitError).
  def to_list(%Range{first: first, step: step} = range) do
    case Range.size(range) do
      0 -> []
      size -> :lists.seq(first, first + (size - 1) * step, step)
    end
  end
  def to_list(enumerable), do: :lists.reverse(reduce(enumerable, [], fn x, acc -> [x | acc] end))

  @doc "The elements in reverse order."
  def reverse(list) when is_list(list), do: :lists.reverse(list)
  def reverse(enumerable), do: reduce(enumerable, [], fn x, acc -> [x | acc] end)

  @doc "The elements in reverse order, followed by `tail`."
  def reverse(enumerable, tail), do: :lists.reverse(to_list(enumerable), to_list(tail))

  @doc "Concatenates an enumerable of enumerables."
  def concat(enumerables), do: flat_map(enumerables, fn x -> x end)

  @doc "Concatenates two enumerables."
  def concat(left, right) when is_list(left) and is_list(right), do: left ++ right
  def concat(left, right), do: to_list(left) ++ to_list(right)

  @doc "Joins elements (converted with `to_string/1`) with `joiner`."
  def join(enumerable, joiner \\ "") when is_binary(joiner) do
    map_join(enumerable, joiner, fn x -> x end)
  end

  @doc "Maps each element, converts it with `to_string/1`, and joins with `joiner`."
  def map_join(enumerable, mapper), do: map_join(enumerable, "", mapper)

  @doc "Maps each element, converts it with `to_string/1`, and joins with `joiner`."
  def map_join(enumerable, joiner, mapper) when is_binary(joiner) do
    parts =
      reduce(enumerable, [], fn
        x, [] -> [entry_to_string(mapper.(x))]
        x, acc -> [entry_to_string(mapper.(x)), joiner | acc]
      end)

    :erlang.iolist_to_binary(:lists.reverse(parts))
  end

  defp entry_to_string(binary) when is_binary(binary), do: binary
  defp entry_to_string(other), do: to_string(other)

  @doc "Inserts the elements into `collectable`: a list, a map, a `%MapSet{}` or a binary."
  def into(enumerable, collectable), do: into(enumerable, collectable, fn x -> x end)

  @doc "Inserts `transform.(element)` for each element into `collectable`."
  def into(enumerable, list, transform) when is_list(list), do: list ++ map(enumerable, transform)

  def into(enumerable, %MapSet{} = set, transform) do
    reduce(enumerable, set, fn x, acc -> MapSet.put(acc, transform.(x)) end)
  end

  def into(enumerable, %{__struct__: _} = struct, transform) do
    {initial, collector} = Collectable.into(struct)
    acc = reduce(enumerable, initial, fn x, acc -> collector.(acc, {:cont, transform.(x)}) end)
    collector.(acc, :done)
  end

  def into(enumerable, map, transform) when is_map(map) do
    reduce(enumerable, map, fn x, acc ->
      case transform.(x) do
        {key, value} -> :maps.put(key, value, acc)
        other -> raise ArgumentError, "collecting into a map requires {key, value} tuples, got: #{inspect(other)}"
      end
    end)
  end

  def into(enumerable, binary, transform) when is_binary(binary) do
    parts =
      reduce(enumerable, [binary], fn x, acc ->
        case transform.(x) do
          part when is_binary(part) -> [part | acc]
          other -> raise ArgumentError, "collecting into a binary requires a bitstring, got: #{inspect(other)}"
        end
      end)

    :erlang.iolist_to_binary(:lists.reverse(parts))
  end

  def into(_enumerable, other, _transform) do
    raise Protocol.UndefinedError, protocol: Collectable, value: other
  end

  # ---------------------------------------------------------------- 1.12-1.14 additions

  @doc "Counts the elements, stopping at `limit`."
  def count_until(enumerable, limit) when is_integer(limit) and limit > 0 do
    count_until(enumerable, fn _ -> true end, limit)
  end

  @doc "Counts the elements for which `fun` is truthy, stopping at `limit`."
  def count_until(enumerable, fun, limit) when is_integer(limit) and limit > 0 do
    result =
      Enumerable.reduce(enumerable, {:cont, 0}, fn x, n ->
        cond do
          not fun.(x) -> {:cont, n}
          n + 1 == limit -> {:halt, n + 1}
          true -> {:cont, n + 1}
        end
      end)

    elem(result, 1)
  end

  @doc "Drops every `nth` element, starting with the first (0 drops none)."
  def drop_every(enumerable, 0), do: to_list(enumerable)

  def drop_every(enumerable, nth) when is_integer(nth) and nth > 0 do
    {kept, _} = reduce(enumerable, {[], 0}, fn x, {acc, i} -> if rem(i, nth) == 0, do: {acc, i + 1}, else: {[x | acc], i + 1} end)
    :lists.reverse(kept)
  end

  @doc "`fun.(x, acc)` returns `{list, acc}` (concatenated) or `{:halt, acc}`."
  def flat_map_reduce(enumerable, acc, fun) do
    {_, {lists, acc}} =
      Enumerable.reduce(enumerable, {:cont, {[], acc}}, fn x, {lists, acc} ->
        case fun.(x, acc) do
          {:halt, acc} -> {:halt, {lists, acc}}
          {list, acc} -> {:cont, {[to_list(list) | lists], acc}}
        end
      end)

    {:lists.append(:lists.reverse(lists)), acc}
  end

  @doc "Maps with `mapper` and puts `separator` between the results."
  def map_intersperse(enumerable, separator, mapper) do
    reduce(enumerable, [], fn
      x, [] -> [mapper.(x)]
      x, acc -> [mapper.(x), separator | acc]
    end)
    |> :lists.reverse()
  end

  @doc "`{min, max}` of the elements by `fun`; see `min_max/2` and `max/3`. Ties keep the first."
  def min_max_by(enumerable, fun, sorter_or_fallback \\ nil, fallback \\ &raise_empty/0)

  def min_max_by(enumerable, fun, fallback, _) when is_function(fallback, 0),
    do: min_max_by(enumerable, fun, nil, fallback)

  def min_max_by(enumerable, fun, sorter, fallback) do
    less? = min_max_sorter(sorter)

    result =
      reduce(enumerable, :__enum_empty__, fn
        x, :__enum_empty__ ->
          key = fun.(x)
          {x, key, x, key}

        x, {min, min_key, max, max_key} ->
          key = fun.(x)
          {min, min_key} = if less?.(key, min_key), do: {x, key}, else: {min, min_key}
          {max, max_key} = if less?.(max_key, key), do: {x, key}, else: {max, max_key}
          {min, min_key, max, max_key}
      end)

    case result do
      {min, _, max, _} -> {min, max}
      :__enum_empty__ -> fallback.()
    end
  end

  defp min_max_sorter(nil), do: fn a, b -> a < b end
  defp min_max_sorter(fun) when is_function(fun, 2), do: fun
  defp min_max_sorter(module) when is_atom(module), do: fn a, b -> module.compare(a, b) == :lt end

  @doc "Reverses `count` elements from `start_index` on."
  def reverse_slice(enumerable, start_index, count)
      when is_integer(start_index) and start_index >= 0 and is_integer(count) and count >= 0 do
    list = to_list(enumerable)
    {front, rest} = :lists.split(:erlang.min(start_index, length(list)), list)
    {middle, back} = :lists.split(:erlang.min(count, length(rest)), rest)
    front ++ :lists.reverse(middle) ++ back
  end

  @doc "Moves the element (or range of elements) at `range_or_index` to `insertion_index`."
  def slide(enumerable, range_or_index, insertion_index) when is_integer(insertion_index) do
    list = to_list(enumerable)
    size = length(list)
    {first, last} = slide_bounds(range_or_index, size)
    insertion = if insertion_index < 0, do: insertion_index + size, else: insertion_index

    cond do
      first > last or first >= size -> list
      insertion >= first and insertion <= last -> list
      true ->
        last = :erlang.min(last, size - 1)
        {front, rest} = :lists.split(first, list)
        {moved, back} = :lists.split(last - first + 1, rest)
        remaining = front ++ back
        at = if insertion < first, do: insertion, else: insertion - (last - first)
        {before, later} = :lists.split(:erlang.min(:erlang.max(at, 0), length(remaining)), remaining)
        before ++ moved ++ later
    end
  end

  defp slide_bounds(index, size) when is_integer(index) do
    i = if index < 0, do: index + size, else: index
    {i, i}
  end

  defp slide_bounds(%Range{first: first, last: last, step: 1}, size) do
    first = if first < 0, do: first + size, else: first
    last = if last < 0, do: last + size, else: last
    {first, last}
  end

  defp slide_bounds(%Range{first: first, last: last}, size) when first > last do
    slide_bounds(%Range{first: first, last: last, step: 1}, size)
  end

  @doc "Reduces the zipped elements: `fun.(left, right, acc)`."
  def zip_reduce(left, right, acc, fun) when is_function(fun, 3) do
    reduce(zip(left, right), acc, fn {l, r}, acc -> fun.(l, r, acc) end)
  end

  @doc "Reduces the zipped elements of `enumerables`: `fun.(list_of_elements, acc)`."
  def zip_reduce(enumerables, acc, fun) when is_function(fun, 2) do
    reduce(zip(enumerables), acc, fn tuple, acc -> fun.(:erlang.tuple_to_list(tuple), acc) end)
  end
end
