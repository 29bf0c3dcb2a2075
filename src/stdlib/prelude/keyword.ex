defmodule Keyword do
  @doc "Splits `keywords` into those whose key is in `keys` and the rest, keeping order."
  def split(keywords, keys) when is_list(keywords) and is_list(keys) do
    {taken, rest} =
      List.foldl(keywords, {[], []}, fn {k, _} = pair, {taken, rest} ->
        if k in keys, do: {[pair | taken], rest}, else: {taken, [pair | rest]}
      end)

    {:lists.reverse(taken), :lists.reverse(rest)}
  end

  @moduledoc "The higher-order half of `Keyword` (the first-order functions are natives)."

  @doc """
  Puts `fun.(current)` at the first `key` and drops its duplicates; appends
  `{key, default}` when `key` is absent.
  """
  def update(keywords, key, default, fun) when is_list(keywords) and is_atom(key) do
    update_loop(keywords, key, fun, [], fn -> [{key, default}] end)
  end

  @doc "As `update/4`, raising KeyError when `key` is absent."
  def update!(keywords, key, fun) when is_list(keywords) and is_atom(key) do
    update_loop(keywords, key, fun, [], fn -> raise KeyError, key: key, term: keywords end)
  end

  defp update_loop([{key, value} | rest], key, fun, acc, _missing) do
    :lists.reverse(acc, [{key, fun.(value)} | Keyword.delete(rest, key)])
  end

  defp update_loop([entry | rest], key, fun, acc, missing), do: update_loop(rest, key, fun, [entry | acc], missing)
  defp update_loop([], _key, _fun, acc, missing), do: :lists.reverse(acc, missing.())

  @doc "The value at `key`, or `fun.()` when absent (called only then)."
  def get_lazy(keywords, key, fun) when is_list(keywords) and is_atom(key) do
    case Keyword.fetch(keywords, key) do
      {:ok, value} -> value
      :error -> fun.()
    end
  end

  @doc "Puts `fun.()` at `key` unless `key` is present."
  def put_new_lazy(keywords, key, fun) when is_list(keywords) and is_atom(key) do
    if Keyword.has_key?(keywords, key), do: keywords, else: [{key, fun.()} | keywords]
  end

  @doc "`{first_value, keywords_without_key}`, with `fun.()` as the value when absent."
  def pop_lazy(keywords, key, fun) when is_list(keywords) and is_atom(key) do
    case Keyword.fetch(keywords, key) do
      {:ok, value} -> {value, Keyword.delete(keywords, key)}
      :error -> {fun.(), keywords}
    end
  end

  @doc "`fun.(current)` returns `{get, new}` or `:pop`; updates the first `key` only."
  def get_and_update(keywords, key, fun) when is_list(keywords) and is_atom(key) do
    get_and_update_loop(keywords, key, fun, [])
  end

  defp get_and_update_loop([{key, current} | rest], key, fun, acc) do
    case fun.(current) do
      {get, value} -> {get, :lists.reverse(acc, [{key, value} | rest])}
      :pop -> {current, :lists.reverse(acc, rest)}
    end
  end

  defp get_and_update_loop([entry | rest], key, fun, acc), do: get_and_update_loop(rest, key, fun, [entry | acc])

  defp get_and_update_loop([], key, fun, acc) do
    case fun.(nil) do
      {get, value} -> {get, [{key, value} | :lists.reverse(acc)]}
      :pop -> {nil, :lists.reverse(acc)}
    end
  end

  @doc "The entries for which `fun.({key, value})` is truthy."
  def filter(keywords, fun) when is_list(keywords), do: Enum.filter(keywords, fun)

  @doc "The entries for which `fun.({key, value})` is falsy."
  def reject(keywords, fun) when is_list(keywords), do: Enum.reject(keywords, fun)

  @doc """
  Merges `right` into `left`: each key of `right` found in `left` gets
  `fun.(key, left_value, right_value)` (first occurrences pair up); the merged keys
  move after the untouched entries of `left`, as in Elixir.
  """
  def merge(left, right, fun) when is_list(left) and is_list(right) do
    merge_loop(right, [], left, left, fun)
  end

  defp merge_loop([{key, right_value} | tail], acc, rest, original, fun) do
    case :lists.keyfind(key, 1, original) do
      {^key, left_value} ->
        acc = [{key, fun.(key, left_value, right_value)} | acc]
        merge_loop(tail, acc, Keyword.delete(rest, key), :lists.keydelete(key, 1, original), fun)

      false ->
        merge_loop(tail, [{key, right_value} | acc], rest, original, fun)
    end
  end

  defp merge_loop([], acc, rest, _original, _fun), do: rest ++ :lists.reverse(acc)

  @doc "A keyword list from `transform.(element)` pairs; a later duplicate key wins, in its position."
  def new(enumerable, transform) do
    reversed =
      Enum.reduce(enumerable, [], fn x, acc ->
        {key, value} = transform.(x)
        [{key, value} | Keyword.delete(acc, key)]
      end)

    :lists.reverse(reversed)
  end

  @doc "As `get_and_update/3`, raising KeyError when `key` is absent."
  def get_and_update!(keywords, key, fun) when is_list(keywords) and is_atom(key) do
    if Keyword.has_key?(keywords, key) do
      get_and_update_loop(keywords, key, fun, [])
    else
      raise KeyError, key: key, term: keywords
    end
  end

  @doc "Puts `fun.(value)` at the first `key` and drops its duplicates; unchanged when absent."
  def replace_lazy(keywords, key, fun) when is_list(keywords) and is_atom(key) do
    case Keyword.fetch(keywords, key) do
      {:ok, _} -> update_loop(keywords, key, fun, [], fn -> [] end)
      :error -> keywords
    end
  end

  @doc "Puts `value` at the first `key` and drops its duplicates; unchanged when absent."
  def replace(keywords, key, value) when is_list(keywords) and is_atom(key) do
    replace_lazy(keywords, key, fn _ -> value end)
  end

  @doc "As `replace/3`, raising KeyError when `key` is absent."
  def replace!(keywords, key, value) when is_list(keywords) and is_atom(key) do
    update!(keywords, key, fn _ -> value end)
  end

  @doc "Deletes the first entry for `key` only."
  def delete_first(keywords, key) when is_list(keywords) and is_atom(key) do
    case :lists.keymember(key, 1, keywords) do
      true -> :lists.keydelete(key, 1, keywords)
      false -> keywords
    end
  end

  @doc "`{first_value, keywords_without_that_entry}`; `default` when absent."
  def pop_first(keywords, key, default \\ nil) when is_list(keywords) and is_atom(key) do
    case :lists.keyfind(key, 1, keywords) do
      {^key, value} -> {value, :lists.keydelete(key, 1, keywords)}
      false -> {default, keywords}
    end
  end

  @doc "`{all_values, keywords_without_key}`."
  def pop_values(keywords, key) when is_list(keywords) and is_atom(key) do
    {Keyword.get_values(keywords, key), Keyword.delete(keywords, key)}
  end

  @doc "`{first_value, keywords_without_key}`, raising KeyError when absent."
  def pop!(keywords, key) when is_list(keywords) and is_atom(key) do
    case Keyword.fetch(keywords, key) do
      {:ok, value} -> {value, Keyword.delete(keywords, key)}
      :error -> raise KeyError, key: key, term: keywords
    end
  end

  @doc "Whether both hold the same entries in any order (values compared with `===`)."
  def equal?(left, right) when is_list(left) and is_list(right) do
    :lists.sort(left) === :lists.sort(right)
  end

  @doc "Every key of `keys` paired with `value`."
  def from_keys(keys, value) when is_list(keys), do: :lists.map(fn key -> {key, value} end, keys)

  @doc "The keyword list itself."
  def to_list(keywords) when is_list(keywords), do: keywords

  @doc """
  Checks `keywords` against `values` (atoms, or `{key, default}` pairs): `{:ok, kw}`
  with the defaults filled in, or `{:error, bad_keys}` for unknown or repeated keys.
  The order of the result is Elixir's.
  """
  def validate(keywords, values) when is_list(keywords) and is_list(values) do
    validate_loop(keywords, values, [], [], [])
  end

  @doc "As `validate/2`, raising ArgumentError on bad keys."
  def validate!(keywords, values) when is_list(keywords) and is_list(values) do
    case validate(keywords, values) do
      {:ok, kw} ->
        kw

      {:error, bad_keys} ->
        allowed =
          :lists.map(
            fn
              {key, _} -> key
              key -> key
            end,
            values
          )

        raise ArgumentError,
              "unknown keys #{inspect(bad_keys)} in #{inspect(keywords)}, the allowed keys are: #{inspect(allowed)}"
    end
  end

  # `pending` holds the allowed entries not yet visited; `skipped` those passed over
  # (most recent first). A key found in neither is unknown or repeated.
  defp validate_loop([{key, _} = pair | rest], pending, skipped, acc, bad) when is_atom(key) do
    case validate_find(key, pending, skipped) do
      {pending, skipped} -> validate_loop(rest, pending, skipped, [pair | acc], bad)
      :error ->
        case validate_take(key, skipped, []) do
          {:ok, skipped} -> validate_loop(rest, pending, skipped, [pair | acc], bad)
          :error -> validate_loop(rest, pending, skipped, acc, [key | bad])
        end
    end
  end

  defp validate_loop([], pending, skipped, acc, []) do
    {:ok, validate_defaults(pending, validate_defaults(skipped, acc))}
  end

  defp validate_loop([], _pending, _skipped, _acc, bad), do: {:error, bad}

  defp validate_find(key, [key | rest], skipped), do: {rest, skipped}
  defp validate_find(key, [{key, _} | rest], skipped), do: {rest, skipped}
  defp validate_find(key, [other | rest], skipped), do: validate_find(key, rest, [other | skipped])
  defp validate_find(_key, [], _skipped), do: :error

  defp validate_take(key, [key | rest], seen), do: {:ok, :lists.reverse(seen, rest)}
  defp validate_take(key, [{key, _} | rest], seen), do: {:ok, :lists.reverse(seen, rest)}
  defp validate_take(key, [other | rest], seen), do: validate_take(key, rest, [other | seen])
  defp validate_take(_key, [], _seen), do: :error

  defp validate_defaults([{key, _} = pair | rest], acc) when is_atom(key), do: validate_defaults(rest, [pair | acc])
  defp validate_defaults([key | rest], acc) when is_atom(key), do: validate_defaults(rest, acc)
  defp validate_defaults([], acc), do: acc
end
