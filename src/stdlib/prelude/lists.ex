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

  def any(pred, list) when is_function(pred, 1) and is_list(list), do: Enum.any?(list, pred)
  def all(pred, list) when is_function(pred, 1) and is_list(list), do: Enum.all?(list, pred)
  def takewhile(pred, list) when is_function(pred, 1) and is_list(list), do: Enum.take_while(list, pred)
  def dropwhile(pred, list) when is_function(pred, 1) and is_list(list), do: Enum.drop_while(list, pred)
  def splitwith(pred, list) when is_function(pred, 1) and is_list(list), do: Enum.split_while(list, pred)
  def partition(pred, list) when is_function(pred, 1) and is_list(list), do: Enum.split_with(list, pred)
  def flatmap(fun, list) when is_function(fun, 1) and is_list(list), do: Enum.flat_map(list, fun)
  def zipwith(fun, left, right) when is_function(fun, 2), do: Enum.zip_with(left, right, fun)

  def zipwith3(fun, a, b, c) when is_function(fun, 3),
    do: Enum.zip_with([a, b, c], fn [x, y, z] -> fun.(x, y, z) end)

  def mapfoldl(fun, acc, list) when is_function(fun, 2) and is_list(list), do: Enum.map_reduce(list, acc, fun)

  def mapfoldr(fun, acc, list) when is_function(fun, 2) and is_list(list) do
    {mapped, acc} = Enum.map_reduce(:lists.reverse(list), acc, fun)
    {:lists.reverse(mapped), acc}
  end

  # Erlang's filtermap: `true` keeps, `false` drops, `{true, value}` replaces.
  def filtermap(fun, list) when is_function(fun, 1) and is_list(list) do
    Enum.flat_map(list, fn x ->
      case fun.(x) do
        true -> [x]
        false -> []
        {true, value} -> [value]
      end
    end)
  end

  def sort(fun, list) when is_function(fun, 2) and is_list(list), do: Enum.sort(list, fun)
  def usort(fun, list) when is_function(fun, 2) and is_list(list), do: Enum.dedup(Enum.sort(list, fun))
  def keymap(fun, n, list) when is_function(fun, 1), do: Enum.map(list, fn t -> :erlang.setelement(n, t, fun.(:erlang.element(n, t))) end)

  def search(pred, list) when is_function(pred, 1) and is_list(list) do
    case Enum.find(list, :__lists_none__, pred) do
      :__lists_none__ -> false
      value -> {:value, value}
    end
  end

  def enumerate(list) when is_list(list), do: enumerate(1, list)
  def enumerate(index, list) when is_integer(index) and is_list(list), do: Enum.with_index(list, fn x, i -> {i + index, x} end)
  def uniq(list) when is_list(list), do: Enum.uniq(list)
  def uniq(fun, list) when is_function(fun, 1) and is_list(list), do: Enum.uniq_by(list, fun)
  def droplast([_ | _] = list), do: Enum.drop(list, -1)
  def concat(things) when is_list(things), do: Enum.map_join(things, "", &to_string/1) |> String.to_charlist()
  def zip3(a, b, c), do: Enum.zip([a, b, c])
  def unzip(list) when is_list(list), do: Enum.unzip(list)

  def unzip3(list) when is_list(list) do
    {xs, ys, zs} = Enum.reduce(list, {[], [], []}, fn {x, y, z}, {xs, ys, zs} -> {[x | xs], [y | ys], [z | zs]} end)
    {:lists.reverse(xs), :lists.reverse(ys), :lists.reverse(zs)}
  end

  def keystore(key, n, list, tuple), do: List.keystore(list, key, n - 1, tuple)
  def keyreplace(key, n, list, tuple), do: List.keyreplace(list, key, n - 1, tuple)

  def keytake(key, n, list) do
    case List.keytake(list, key, n - 1) do
      nil -> false
      {found, rest} -> {:value, found, rest}
    end
  end

  def prefix(prefix, list) when is_list(prefix) and is_list(list), do: List.starts_with?(list, prefix)
  def suffix(suffix, list) when is_list(suffix) and is_list(list), do: List.starts_with?(:lists.reverse(list), :lists.reverse(suffix))
  def merge(left, right) when is_list(left) and is_list(right), do: :lists.sort(left ++ right)
end
