defmodule :lists do
  # The higher-order functions of Erlang's `:lists` (a native cannot call a fun
  # once per element); the rest of `:lists` is native (src/stdlib/lists.rs).
  # `:ets.foldl/3` and `:ets.foldr/3` hand their rows to `foldl/3` and `foldr/3`.
  def foldl(fun, acc, list) when is_function(fun, 2) and is_list(list), do: foldl_list(fun, acc, list)

  def foldr(fun, acc, list) when is_function(fun, 2) and is_list(list),
    do: foldl_list(fun, acc, :lists.reverse(list))

  def map(fun, list) when is_function(fun, 1) and is_list(list), do: Enum.map(list, fun)
  def filter(pred, list) when is_function(pred, 1) and is_list(list), do: Enum.filter(list, pred)

  def foreach(fun, list) when is_function(fun, 1) and is_list(list) do
    Enum.each(list, fun)
    :ok
  end

  defp foldl_list(_fun, acc, []), do: acc
  defp foldl_list(fun, acc, [head | tail]), do: foldl_list(fun, fun.(head, acc), tail)
end
