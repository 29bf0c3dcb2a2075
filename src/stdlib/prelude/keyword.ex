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
end
