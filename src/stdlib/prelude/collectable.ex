defprotocol Collectable do
  @moduledoc """
  Elixir's Collectable protocol: `into(collectable)` returns `{initial, collector}`
  where `collector.(acc, {:cont, element})` adds an element, `collector.(acc, :done)`
  gives the result and `collector.(acc, :halt)` cleans up after an error.
  `Enum.into/2,3` and `for ... into:` use it for structs; lists, maps, `%MapSet{}`
  and binaries have faster paths in `Enum.into/3`, and implementations here.
  """

  @doc "Returns the initial accumulator and the collector function."
  def into(collectable)
end

defimpl Collectable, for: List do
  def into(list) do
    fun = fn
      acc, {:cont, x} -> [x | acc]
      acc, :done -> list ++ :lists.reverse(acc)
      _acc, :halt -> :ok
    end

    {[], fun}
  end
end

defimpl Collectable, for: Map do
  def into(map) do
    fun = fn
      acc, {:cont, {key, value}} -> :maps.put(key, value, acc)
      acc, :done -> acc
      _acc, :halt -> :ok
    end

    {map, fun}
  end
end

defimpl Collectable, for: BitString do
  def into(binary) do
    fun = fn
      acc, {:cont, x} when is_binary(x) -> [acc | x]
      acc, :done -> :erlang.iolist_to_binary(acc)
      _acc, :halt -> :ok
    end

    {[binary], fun}
  end
end

defimpl Collectable, for: MapSet do
  def into(set) do
    fun = fn
      acc, {:cont, x} -> MapSet.put(acc, x)
      acc, :done -> acc
      _acc, :halt -> :ok
    end

    {set, fun}
  end
end
