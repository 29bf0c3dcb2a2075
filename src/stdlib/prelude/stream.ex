defmodule Stream do
  @moduledoc """
  Lazy enumerables. As in Elixir, a stage (`map`, `filter`, `take`, ...) returns a
  `%Stream{}` and a source or a combinator (`unfold`, `resource`, `zip`,
  `transform`, ...) returns a reducer function: a function of two arguments
  implementing Elixir's reducer protocol (see `Enumerable`):
  `reducer.({:cont | :halt | :suspend, acc}, fun)` returns `{:done, acc}`,
  `{:halted, acc}` or `{:suspended, acc, continuation}`. A `%Stream{}` runs its
  `reduce` field, the reducer of its newest stage (nil: the stream is its `enum`
  as is). Nothing runs until an `Enum` function (or `Stream.run/1`) reduces it.

  Three building blocks, each written once:
  - element-wise stages (`map`, `filter`, ...) wrap the downstream reducer;
  - stateful stages (`take`, `with_index`, `chunk_while`, ...) use `stateful/4`,
    which threads a state through the accumulator and can stop early or emit a
    final chunk;
  - stages that emit several elements per input or combine sources (`transform`,
    `flat_map`, `zip`, `resource`) pull one element at a time from their
    source with a suspending "puller" (`pull/1`).
  """

  # Elixir's fields, then `reduce`. `enum` and `funs` hold what Elixir's hold — the
  # source under every stage, and one function per stage, newest first — so a
  # stream inspects as Elixir's (`#Stream<[enum: 1..3, funs: [...]]>`).
  defstruct enum: nil, funs: [], accs: [], done: nil, reduce: nil

  # A new stage over `enumerable` whose reducer is `reducer`.
  defp lazy(%Stream{enum: enum, funs: funs}, reducer), do: %Stream{enum: enum, funs: [reducer | funs], reduce: reducer}
  defp lazy(enumerable, reducer), do: %Stream{enum: enumerable, funs: [reducer], reduce: reducer}

  # ---------------------------------------------------------------- element-wise stages

  @doc "Lazily maps `fun` over the elements."
  def map(enumerable, fun) do
    lazy(enumerable, fn acc, down -> Enumerable.reduce(enumerable, acc, fn x, a -> down.(fun.(x), a) end) end)
  end

  @doc "Lazily keeps the elements for which `fun` is truthy."
  def filter(enumerable, fun) do
    lazy(enumerable, fn acc, down ->
      Enumerable.reduce(enumerable, acc, fn x, a -> if fun.(x), do: down.(x, a), else: {:cont, a} end)
    end)
  end

  @doc "Lazily drops the elements for which `fun` is truthy."
  def reject(enumerable, fun), do: filter(enumerable, fn x -> !fun.(x) end)

  @doc "Lazily calls `fun` on each element as it passes."
  def each(enumerable, fun) do
    lazy(enumerable, fn acc, down -> Enumerable.reduce(enumerable, acc, fn x, a -> fun.(x); down.(x, a) end) end)
  end

  @doc "Runs the stream for its side effects; returns `:ok`."
  def run(stream) do
    Enumerable.reduce(stream, {:cont, nil}, fn _, _ -> {:cont, nil} end)
    :ok
  end

  # ---------------------------------------------------------------- stateful stages

  # A stage with a state. `step.(x, acc, state, down)` returns `{tag, acc, state}` where
  # tag is the downstream answer (`:cont`, `:halt`, `:suspend`; `:cont` when `down` was
  # not called) or `:stop` (this stage is finished and `down` did not ask to halt).
  # `finish`, when not nil, maps the final state to the elements still to emit after
  # the source ended or the stage stopped (never after downstream halted).
  defp stateful(enumerable, initial, step, finish) do
    lazy(enumerable, fn acc, down ->
      reducer = fn x, {a, state} ->
        case step.(x, a, state, down) do
          {:stop, a, state} -> {:halt, {a, {:__stream_stopped__, state}}}
          {tag, a, state} -> {tag, {a, state}}
        end
      end

      stateful_result(Enumerable.reduce(enumerable, with_state(acc, initial), reducer), finish, down)
    end)
  end

  defp with_state({tag, acc}, state), do: {tag, {acc, state}}

  defp stateful_result({:done, {acc, state}}, finish, down), do: finish_stage(acc, state, finish, down)
  defp stateful_result({:halted, {acc, {:__stream_stopped__, state}}}, finish, down), do: finish_stage(acc, state, finish, down)
  defp stateful_result({:halted, {acc, _state}}, _finish, _down), do: {:halted, acc}

  defp stateful_result({:suspended, {acc, state}, continuation}, finish, down) do
    {:suspended, acc, fn cmd -> stateful_result(continuation.(with_state(cmd, state)), finish, down) end}
  end

  defp finish_stage(acc, _state, nil, _down), do: {:done, acc}
  defp finish_stage(acc, state, finish, down), do: Enumerable.reduce_list(finish.(state), {:cont, acc}, down)

  @doc "Lazily takes the first `count` elements (the last `-count` when negative)."
  def take(_enumerable, 0), do: %Stream{enum: []}

  def take(enumerable, count) when is_integer(count) and count > 0 do
    stateful(enumerable, count, fn
      # Only reached after downstream suspended on the last element (as in Elixir).
      _x, acc, 0, _down -> {:stop, acc, 0}
      x, acc, left, down ->
        case down.(x, acc) do
          {:cont, acc} when left == 1 -> {:stop, acc, 0}
          {tag, acc} -> {tag, acc, left - 1}
        end
    end, nil)
  end

  def take(enumerable, count) when is_integer(count) do
    fn acc, down -> Enumerable.reduce_list(Enum.take(enumerable, count), acc, down) end
  end

  @doc "Lazily takes elements while `fun` is truthy."
  def take_while(enumerable, fun) do
    stateful(enumerable, nil, fn x, acc, state, down ->
      if fun.(x), do: tag3(down.(x, acc), state), else: {:stop, acc, state}
    end, nil)
  end

  defp tag3({tag, acc}, state), do: {tag, acc, state}

  @doc "Lazily drops the first `count` elements (the last `-count` when negative)."
  def drop(enumerable, count) when is_integer(count) and count >= 0 do
    stateful(enumerable, count, fn
      _x, acc, left, _down when left > 0 -> {:cont, acc, left - 1}
      x, acc, 0, down -> tag3(down.(x, acc), 0)
    end, nil)
  end

  def drop(enumerable, count) when is_integer(count) do
    # Keep the last -count elements in a FIFO ({front, back}); emit what falls out.
    keep = -count

    stateful(enumerable, {0, [], []}, fn x, acc, {size, front, back}, down ->
      if size < keep do
        {:cont, acc, {size + 1, front, [x | back]}}
      else
        {oldest, front, back} = fifo_out(front, [x | back])
        tag3(down.(oldest, acc), {size, front, back})
      end
    end, nil)
  end

  defp fifo_out([head | front], back), do: {head, front, back}
  defp fifo_out([], back), do: fifo_out(:lists.reverse(back), [])

  @doc "Lazily drops elements while `fun` is truthy."
  def drop_while(enumerable, fun) do
    stateful(enumerable, true, fn x, acc, dropping, down ->
      if dropping and fun.(x), do: {:cont, acc, true}, else: tag3(down.(x, acc), false)
    end, nil)
  end

  @doc "Lazily keeps every `nth` element, starting with the first."
  def take_every(_enumerable, 0), do: %Stream{enum: []}

  def take_every(enumerable, nth) when is_integer(nth) and nth > 0 do
    stateful(enumerable, 0, fn x, acc, i, down ->
      if rem(i, nth) == 0, do: tag3(down.(x, acc), i + 1), else: {:cont, acc, i + 1}
    end, nil)
  end

  @doc "Lazily drops every `nth` element, starting with the first (0 drops none)."
  def drop_every(enumerable, 0), do: %Stream{enum: enumerable}

  def drop_every(enumerable, nth) when is_integer(nth) and nth > 0 do
    stateful(enumerable, 0, fn x, acc, i, down ->
      if rem(i, nth) == 0, do: {:cont, acc, i + 1}, else: tag3(down.(x, acc), i + 1)
    end, nil)
  end

  @doc "Lazily puts `separator` between consecutive elements."
  def intersperse(enumerable, separator) do
    transform(enumerable, false, fn
      x, false -> {[x], true}
      x, true -> {[separator, x], true}
    end)
  end

  @doc "Lazily maps every `nth` element with `fun`, starting with the first."
  def map_every(enumerable, 0, _fun), do: %Stream{enum: enumerable}

  def map_every(enumerable, nth, fun) when is_integer(nth) and nth > 0 do
    stateful(enumerable, 0, fn x, acc, i, down ->
      value = if rem(i, nth) == 0, do: fun.(x), else: x
      tag3(down.(value, acc), i + 1)
    end, nil)
  end

  @doc "Lazily pairs elements with their index, counting from `offset` (Elixir 1.14 takes no function here)."
  def with_index(enumerable, offset \\ 0) when is_integer(offset) do
    stateful(enumerable, offset, fn x, acc, i, down -> tag3(down.({x, i}, acc), i + 1) end, nil)
  end

  @doc "Lazily removes consecutive duplicates."
  def dedup(enumerable), do: dedup_by(enumerable, fn x -> x end)

  @doc "Lazily removes consecutive elements whose `fun` results are equal."
  def dedup_by(enumerable, fun) do
    stateful(enumerable, :__stream_none__, fn x, acc, previous, down ->
      key = {:__stream_key__, fun.(x)}
      if key === previous, do: {:cont, acc, previous}, else: tag3(down.(x, acc), key)
    end, nil)
  end

  @doc "Lazily removes duplicates, keeping the first occurrence."
  def uniq(enumerable), do: uniq_by(enumerable, fn x -> x end)

  @doc "Lazily removes elements whose `fun` result was already seen."
  def uniq_by(enumerable, fun) do
    stateful(enumerable, %{}, fn x, acc, seen, down ->
      key = fun.(x)
      if :maps.is_key(key, seen), do: {:cont, acc, seen}, else: tag3(down.(x, acc), :maps.put(key, true, seen))
    end, nil)
  end

  @doc "Lazily emits every intermediate accumulator, starting from the first element."
  def scan(enumerable, fun) do
    stateful(enumerable, :__stream_none__, fn
      x, acc, :__stream_none__, down -> tag3(down.(x, acc), {:__stream_acc__, x})
      x, acc, {:__stream_acc__, previous}, down -> next = fun.(x, previous); tag3(down.(next, acc), {:__stream_acc__, next})
    end, nil)
  end

  @doc "Lazily emits every intermediate accumulator, starting from `initial`."
  def scan(enumerable, initial, fun) do
    stateful(enumerable, initial, fn x, acc, previous, down ->
      next = fun.(x, previous)
      tag3(down.(next, acc), next)
    end, nil)
  end

  @doc """
  Lazily chunks with full control: `chunk_fun.(x, acc)` returns `{:cont, chunk, acc}`
  (emit), `{:cont, acc}` or `{:halt, acc}`; at the end `after_fun.(acc)` returns
  `{:cont, chunk, acc}` or `{:cont, acc}`.
  """
  def chunk_while(enumerable, initial, chunk_fun, after_fun) do
    step = fn x, acc, state, down ->
      case chunk_fun.(x, state) do
        {:cont, chunk, state} -> tag3(down.(chunk, acc), state)
        {:cont, state} -> {:cont, acc, state}
        {:halt, state} -> {:stop, acc, state}
      end
    end

    finish = fn state ->
      case after_fun.(state) do
        {:cont, chunk, _} -> [chunk]
        {:cont, _} -> []
      end
    end

    stateful(enumerable, initial, step, finish)
  end

  @doc "Lazily chunks into lists of `count` elements."
  def chunk_every(enumerable, count), do: chunk_every(enumerable, count, count, [])

  @doc """
  Lazily chunks into lists of `count`, each starting `step` after the previous one.
  The last, incomplete chunk is padded from `leftover` (a list), or dropped when
  `leftover` is `:discard`. Same algorithm as Elixir's, so the same chunks.
  """
  def chunk_every(enumerable, count, step, leftover \\ [])
      when is_integer(count) and count > 0 and is_integer(step) and step > 0 do
    limit = :erlang.max(count, step)

    chunk_fun = fn x, {buffer, size} ->
      buffer = [x | buffer]
      size = size + 1

      state =
        if size >= limit do
          remaining = size - step
          {Enum.take(buffer, remaining), remaining}
        else
          {buffer, size}
        end

      if size == count, do: {:cont, :lists.reverse(buffer), state}, else: {:cont, state}
    end

    after_fun = fn {buffer, size} ->
      if leftover == :discard or size == 0 or size >= count do
        {:cont, {[], 0}}
      else
        {:cont, :lists.reverse(buffer, Enum.take(leftover, count - size)), {[], 0}}
      end
    end

    chunk_while(enumerable, {[], 0}, chunk_fun, after_fun)
  end

  @doc "Lazily chunks consecutive elements with equal `fun` results."
  def chunk_by(enumerable, fun) do
    chunk_fun = fn
      x, :__stream_none__ -> {:cont, {fun.(x), [x]}}
      x, {key, buffer} ->
        case fun.(x) do
          same when same === key -> {:cont, {key, [x | buffer]}}
          other -> {:cont, :lists.reverse(buffer), {other, [x]}}
        end
    end

    after_fun = fn
      :__stream_none__ -> {:cont, :__stream_none__}
      {_, buffer} -> {:cont, :lists.reverse(buffer), :__stream_none__}
    end

    chunk_while(enumerable, :__stream_none__, chunk_fun, after_fun)
  end

  # ---------------------------------------------------------------- pulling from a source

  # A puller yields the elements of `enumerable` one at a time by suspending after each.
  defp puller(enumerable), do: fn cmd -> Enumerable.reduce(enumerable, cmd, fn x, _ -> {:suspend, x} end) end

  # `{:ok, element, next_puller}` or `:done`.
  defp pull(puller) do
    case puller.({:cont, nil}) do
      {:suspended, x, next} -> {:ok, x, next}
      {:done, _} -> :done
      {:halted, _} -> :done
    end
  end

  # Lets a source that will not be pulled again clean up (e.g. a resource's after_fun).
  defp release(puller) do
    puller.({:halt, nil})
    :ok
  end

  # Runs `thunk`; if it raises, throws or exits, runs `cleanup.()` first, then re-raises.
  defp guarded(thunk, cleanup) do
    try do
      thunk.()
    rescue
      error ->
        cleanup.()
        raise error
    catch
      :throw, value ->
        cleanup.()
        throw(value)

      :exit, reason ->
        cleanup.()
        exit(reason)
    end
  end

  # ---------------------------------------------------------------- transform, flat_map, concat

  @doc """
  Lazily transforms each element into zero or more: `reducer.(x, acc)` returns
  `{enumerable, acc}` (emit its elements) or `{:halt, acc}`.
  """
  def transform(enumerable, acc, reducer), do: do_transform(enumerable, fn -> acc end, reducer, nil, fn _ -> :ok end)

  @doc "As `transform/3`, with the accumulator from `start_fun.()` and `after_fun.(acc)` run at the end, even on error."
  def transform(enumerable, start_fun, reducer, after_fun), do: do_transform(enumerable, start_fun, reducer, nil, after_fun)

  @doc "As `transform/4`, with `last_fun.(acc)` returning `{enumerable, acc}` to emit when the source ends."
  def transform(enumerable, start_fun, reducer, last_fun, after_fun) do
    do_transform(enumerable, start_fun, reducer, last_fun, after_fun)
  end

  defp do_transform(enumerable, start_fun, reducer, last_fun, after_fun) do
    funs = {reducer, last_fun, after_fun}
    fn cmd, down -> transform_start(enumerable, start_fun, funs, cmd, down) end
  end

  # The accumulator is created (`start_fun.()`) only once the stream really runs.
  defp transform_start(_enumerable, _start_fun, _funs, {:halt, acc}, _down), do: {:halted, acc}

  defp transform_start(enumerable, start_fun, funs, {:suspend, acc}, down) do
    {:suspended, acc, &transform_start(enumerable, start_fun, funs, &1, down)}
  end

  defp transform_start(enumerable, start_fun, funs, cmd, down), do: tr_loop(puller(enumerable), start_fun.(), funs, cmd, down)

  defp tr_loop(source, state, {_, _, after_fun}, {:halt, acc}, _down) do
    release(source)
    after_fun.(state)
    {:halted, acc}
  end

  defp tr_loop(source, state, funs, {:suspend, acc}, down) do
    {:suspended, acc, &tr_loop(source, state, funs, &1, down)}
  end

  defp tr_loop(source, state, {reducer, _last_fun, after_fun} = funs, {:cont, acc}, down) do
    cleanup = fn -> after_fun.(state) end

    case guarded(fn -> pull(source) end, cleanup) do
      :done ->
        tr_last(state, funs, acc, down)

      {:ok, x, source} ->
        case guarded(fn -> reducer.(x, state) end, fn -> release(source); after_fun.(state) end) do
          {:halt, state} ->
            release(source)
            tr_last(state, funs, acc, down)

          {items, state} ->
            emitted = guarded(fn -> Enumerable.reduce(items, {:cont, acc}, down) end, fn -> release(source); after_fun.(state) end)
            tr_emitted(emitted, source, state, funs, down)
        end
    end
  end

  defp tr_emitted({:done, acc}, source, state, funs, down), do: tr_loop(source, state, funs, {:cont, acc}, down)

  defp tr_emitted({:halted, acc}, source, state, {_, _, after_fun}, _down) do
    release(source)
    after_fun.(state)
    {:halted, acc}
  end

  defp tr_emitted({:suspended, acc, continuation}, source, state, funs, down) do
    {:suspended, acc, fn cmd -> tr_emitted(continuation.(cmd), source, state, funs, down) end}
  end

  # The source is finished: emit what `last_fun` gives, then run `after_fun`.
  defp tr_last(state, {_, nil, after_fun}, acc, _down) do
    after_fun.(state)
    {:done, acc}
  end

  defp tr_last(state, {_, last_fun, after_fun}, acc, down) do
    {items, state} = guarded(fn -> last_fun.(state) end, fn -> after_fun.(state) end)
    emitted = guarded(fn -> Enumerable.reduce(items, {:cont, acc}, down) end, fn -> after_fun.(state) end)
    tr_final(emitted, state, after_fun)
  end

  defp tr_final({:suspended, acc, continuation}, state, after_fun) do
    {:suspended, acc, fn cmd -> tr_final(continuation.(cmd), state, after_fun) end}
  end

  defp tr_final({tag, acc}, state, after_fun) do
    after_fun.(state)
    {tag, acc}
  end

  @doc "Lazily maps each element to an enumerable and emits its elements."
  def flat_map(enumerable, fun), do: transform(enumerable, nil, fn x, nil -> {fun.(x), nil} end)

  @doc "Lazily concatenates an enumerable of enumerables."
  def concat(enumerables), do: flat_map(enumerables, fn x -> x end)

  @doc "Lazily concatenates two enumerables."
  def concat(first, second), do: concat([first, second])

  # ---------------------------------------------------------------- zip

  @doc "Lazily zips two enumerables into tuples; stops at the shorter."
  def zip(left, right), do: zip([left, right])

  @doc "Lazily zips a list of enumerables into tuples; stops at the shortest."
  def zip(enumerables) do
    fn
      {:halt, acc}, _down -> {:halted, acc}
      cmd, down -> zip_loop(Enum.map(enumerables, &puller/1), cmd, down)
    end
  end

  @doc "Lazily zips two enumerables with `fun.(a, b)`."
  def zip_with(left, right, fun), do: map(zip(left, right), fn {a, b} -> fun.(a, b) end)

  @doc "Lazily zips a list of enumerables with `fun.([elements])`."
  def zip_with(enumerables, fun), do: map(zip(enumerables), fn tuple -> fun.(:erlang.tuple_to_list(tuple)) end)

  defp zip_loop(sources, {:halt, acc}, _down) do
    Enum.each(sources, &release/1)
    {:halted, acc}
  end

  defp zip_loop(sources, {:suspend, acc}, down), do: {:suspended, acc, &zip_loop(sources, &1, down)}

  defp zip_loop(sources, {:cont, acc}, down) do
    case zip_pull(sources, [], []) do
      {:ok, items, sources} -> zip_loop(sources, down.(:erlang.list_to_tuple(items), acc), down)
      :done -> {:done, acc}
    end
  end

  # Pulls one element from every source; on the first exhausted one, releases the rest.
  defp zip_pull([], items, sources), do: {:ok, :lists.reverse(items), :lists.reverse(sources)}

  defp zip_pull([source | rest], items, sources) do
    case pull(source) do
      {:ok, x, source} ->
        zip_pull(rest, [x | items], [source | sources])

      :done ->
        Enum.each(sources, &release/1)
        Enum.each(rest, &release/1)
        :done
    end
  end

  # ---------------------------------------------------------------- sources

  @doc "An infinite stream: `start`, `fun.(start)`, `fun.(fun.(start))`, ..."
  def iterate(start, fun) do
    unfold({:first, start}, fn
      {:first, value} -> {value, {:next, value}}
      {:next, value} -> next = fun.(value); {next, {:next, next}}
    end)
  end

  @doc "Emits `x` for each `{x, acc} = fun.(acc)` until `fun` returns nil."
  def unfold(acc, fun), do: fn cmd, down -> unfold_loop(acc, fun, cmd, down) end

  defp unfold_loop(_state, _fun, {:halt, acc}, _down), do: {:halted, acc}
  defp unfold_loop(state, fun, {:suspend, acc}, down), do: {:suspended, acc, &unfold_loop(state, fun, &1, down)}

  defp unfold_loop(state, fun, {:cont, acc}, down) do
    case fun.(state) do
      nil -> {:done, acc}
      {x, state} -> unfold_loop(state, fun, down.(x, acc), down)
    end
  end

  @doc "An infinite stream of `fun.()` results."
  def repeatedly(fun), do: unfold(nil, fn nil -> {fun.(), nil} end)

  @doc "Repeats the elements of `enumerable` forever; raises ArgumentError when it is empty."
  def cycle(enumerable) do
    fn cmd, down -> cycle_pass(enumerable, cmd, down) end
  end

  defp cycle_pass(_enumerable, {:halt, acc}, _down), do: {:halted, acc}
  defp cycle_pass(enumerable, {:suspend, acc}, down), do: {:suspended, acc, &cycle_pass(enumerable, &1, down)}

  defp cycle_pass(enumerable, {:cont, acc}, down) do
    reducer = fn x, {a, _emitted} -> with_state(down.(x, a), true) end
    cycle_result(Enumerable.reduce(enumerable, {:cont, {acc, false}}, reducer), enumerable, down)
  end

  defp cycle_result({:done, {_acc, false}}, _enumerable, _down) do
    raise ArgumentError, "cannot cycle over an empty enumerable"
  end

  defp cycle_result({:done, {acc, true}}, enumerable, down), do: cycle_pass(enumerable, {:cont, acc}, down)
  defp cycle_result({:halted, {acc, _}}, _enumerable, _down), do: {:halted, acc}

  defp cycle_result({:suspended, {acc, emitted}, continuation}, enumerable, down) do
    {:suspended, acc, fn cmd -> cycle_result(continuation.(with_state(cmd, emitted)), enumerable, down) end}
  end

  @doc """
  A stream over an external resource: `start_fun.()` opens it, `next_fun.(res)`
  returns `{elements, res}` or `{:halt, res}`, and `after_fun.(res)` always runs at
  the end (also when the consumer stops early or raises).
  """
  def resource(start_fun, next_fun, after_fun) do
    funs = {next_fun, after_fun}
    fn cmd, down -> resource_start(start_fun, funs, cmd, down) end
  end

  # The resource is opened (`start_fun.()`) only once the stream really runs.
  defp resource_start(_start_fun, _funs, {:halt, acc}, _down), do: {:halted, acc}
  defp resource_start(start_fun, funs, {:suspend, acc}, down), do: {:suspended, acc, &resource_start(start_fun, funs, &1, down)}
  defp resource_start(start_fun, funs, cmd, down), do: resource_loop([], start_fun.(), funs, cmd, down)

  defp resource_loop(_pending, state, {_, after_fun}, {:halt, acc}, _down) do
    after_fun.(state)
    {:halted, acc}
  end

  defp resource_loop(pending, state, funs, {:suspend, acc}, down) do
    {:suspended, acc, &resource_loop(pending, state, funs, &1, down)}
  end

  defp resource_loop([x | pending], state, {_, after_fun} = funs, {:cont, acc}, down) do
    cmd = guarded(fn -> down.(x, acc) end, fn -> after_fun.(state) end)
    resource_loop(pending, state, funs, cmd, down)
  end

  defp resource_loop([], state, {next_fun, after_fun} = funs, {:cont, acc}, down) do
    case guarded(fn -> next_fun.(state) end, fn -> after_fun.(state) end) do
      {:halt, state} ->
        after_fun.(state)
        {:done, acc}

      {items, state} when is_list(items) ->
        resource_loop(items, state, funs, {:cont, acc}, down)

      {items, state} ->
        resource_loop(Enum.to_list(items), state, funs, {:cont, acc}, down)
    end
  end

  @doc "Emits 0, 1, 2, ... sleeping `ms` milliseconds before each element."
  def interval(ms) when is_integer(ms) and ms >= 0 do
    unfold(0, fn count ->
      Process.sleep(ms)
      {count, count + 1}
    end)
  end

  @doc "Emits 0 once, after `ms` milliseconds."
  def timer(ms), do: take(interval(ms), 1)
end
