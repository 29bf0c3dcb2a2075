# Calls the prelude's functions on many inputs. Run as is on real Elixir it prints
# the reference output; renamed (Enum -> PEnum, ...) it prints the prelude's.
show = fn label, thunk ->
  result =
    try do
      thunk.()
    rescue
      e -> {:raised, e.__struct__, Exception.message(e)}
    end

  IO.puts("#{label}: #{inspect(result)}")
end

inputs = [[], [3, 1, 2], [1, 1.0, 2, 2, 1], 1..0//1, 1..10, 10..1//-3, 1..9//2, 5..5, %{b: 2, a: 1}, MapSet.new([3, 1])]

for {input, i} <- Enum.with_index(inputs) do
  show.("#{i} to_list", fn -> Enum.to_list(input) end)
  show.("#{i} count", fn -> Enum.count(input) end)
  show.("#{i} reverse", fn -> Enum.reverse(input) end)
  show.("#{i} take 2", fn -> Enum.take(input, 2) end)
  show.("#{i} take -2", fn -> Enum.take(input, -2) end)
  show.("#{i} drop 1", fn -> Enum.drop(input, 1) end)
  show.("#{i} drop -1", fn -> Enum.drop(input, -1) end)
  show.("#{i} at -1", fn -> Enum.at(input, -1) end)
  show.("#{i} at 1", fn -> Enum.at(input, 1) end)
  show.("#{i} fetch! 7", fn -> Enum.fetch!(input, 7) end)
  show.("#{i} max", fn -> Enum.max(input) end)
  show.("#{i} min_max", fn -> Enum.min_max(input) end)
  show.("#{i} sort desc", fn -> Enum.sort(input, :desc) end)
  show.("#{i} empty?", fn -> Enum.empty?(input) end)
  show.("#{i} member? 2", fn -> Enum.member?(input, 2) end)
  show.("#{i} member? {:a,1}", fn -> Enum.member?(input, {:a, 1}) end)
  show.("#{i} with_index", fn -> Enum.with_index(input, 1) end)
  show.("#{i} chunk 2", fn -> Enum.chunk_every(input, 2) end)
  show.("#{i} chunk 3 2", fn -> Enum.chunk_every(input, 3, 2) end)
  show.("#{i} chunk 3 2 discard", fn -> Enum.chunk_every(input, 3, 2, :discard) end)
  show.("#{i} chunk 2 3 pad", fn -> Enum.chunk_every(input, 2, 3, [:x, :y]) end)
  show.("#{i} slice 1..-1", fn -> Enum.slice(input, 1..-1) end)
  show.("#{i} slice 0..5//2", fn -> if(match?(%Range{step: s} when s != 1, input), do: :skipped_elixir_1_14_bug, else: Enum.slice(input, 0..5//2)) end)
  show.("#{i} slice -2, 5", fn -> Enum.slice(input, -2, 5) end)
  show.("#{i} split -1", fn -> Enum.split(input, -1) end)
  show.("#{i} uniq", fn -> Enum.uniq(input) end)
  show.("#{i} dedup", fn -> Enum.dedup(input) end)
  show.("#{i} intersperse", fn -> Enum.intersperse(input, 0) end)
  show.("#{i} zip self", fn -> Enum.zip(input, input) end)
  show.("#{i} reduce/2", fn -> Enum.reduce(input, fn x, acc -> {x, acc} end) end)
  show.("#{i} scan", fn -> Enum.scan(input, &{&1, &2}) end)
  show.("#{i} stream take 3", fn -> input |> Stream.map(&{&1}) |> Stream.take(3) |> Enum.to_list() end)
  show.("#{i} stream drop -1", fn -> input |> Stream.drop(-1) |> Enum.to_list() end)
  show.("#{i} stream chunk 2", fn -> input |> Stream.chunk_every(2) |> Enum.to_list() end)
  show.("#{i} stream zip cycle", fn -> Stream.zip(input, Stream.cycle([:a, :b])) |> Enum.to_list() end)
  show.("#{i} stream flat_map", fn -> input |> Stream.flat_map(&[&1, &1]) |> Enum.take(3) end)
  show.("#{i} into list", fn -> Enum.into(input, []) end)
  show.("#{i} join", fn -> Enum.map_join(input, ",", &inspect/1) end)
end

show.("sum range", fn -> {Enum.sum(1..5_000_000), Enum.sum(10..1//-3), Enum.sum(1..0//1)} end)
show.("reduce range", fn -> Enum.reduce(1..5_000_000, 0, &+/2) end)
show.("map 1M", fn -> length(Enum.map(Enum.to_list(1..1_000_000), &(&1 + 1))) end)
show.("sort stable", fn -> Enum.sort([{1, :a}, {0, :b}, {1, :c}, {0, :d}], fn {a, _}, {b, _} -> a <= b end) end)
show.("sort_by desc stable", fn -> Enum.sort_by([{1, :a}, {0, :b}, {1, :c}], &elem(&1, 0), :desc) end)
show.("max_by ties", fn -> Enum.max_by([{1, :a}, {1, :b}], &elem(&1, 0)) end)
show.("min_by empty", fn -> Enum.min_by([], & &1, fn -> :none end) end)
show.("max empty", fn -> Enum.max([]) end)
show.("not enumerable", fn -> Enum.map(5, & &1) end)
show.("reduce empty", fn -> Enum.reduce([], &+/2) end)
show.("group_by", fn -> Enum.group_by(~w(ant bee cat ape), &String.first/1, &String.upcase/1) end)
show.("frequencies", fn -> Enum.frequencies(~w(a b a)) end)
show.("into map", fn -> Enum.into([a: 1, b: 2], %{c: 3}) end)
show.("into string", fn -> Enum.into(["a", "b"], "x") end)
show.("into mapset", fn -> Enum.into([2, 1], MapSet.new([3])) |> MapSet.to_list() end)
show.("chunk_by", fn -> Enum.chunk_by([1, 1, 2, 3, 3], &rem(&1, 2)) end)
show.("take_while", fn -> Enum.take_while(1..10, &(&1 < 4)) end)
show.("drop_while", fn -> Enum.drop_while(1..10, &(&1 < 8)) end)
show.("split_while", fn -> Enum.split_while([1, 2, 3, 1], &(&1 < 3)) end)
show.("find_value", fn -> Enum.find_value([1, 2, 3], &(&1 > 1 && &1 * 10)) end)
show.("zip3", fn -> Enum.zip([[1, 2, 3], [:a, :b], ["x", "y", "z"]]) end)
show.("zip_with list", fn -> Enum.zip_with([[1, 2], [3, 4]], &Enum.sum/1) end)
show.("concat", fn -> Enum.concat([[1], 2..3, [4]]) end)
show.("product", fn -> Enum.product(1..5) end)
show.("map_every", fn -> Enum.map_every(1..7, 3, &(&1 * 100)) end)
show.("dedup_by", fn -> Enum.dedup_by([1, 2, 11, 12, 3], &div(&1, 10)) end)
show.("uniq_by", fn -> Enum.uniq_by([1, 2, 11, 12, 3], &div(&1, 10)) end)
show.("reverse/2", fn -> Enum.reverse([1, 2], [3]) end)
show.("take_random", fn -> length(Enum.take_random(1..10, 3)) end)
show.("shuffle", fn -> Enum.sort(Enum.shuffle(1..5)) end)
show.("random", fn -> Enum.member?(1..3, Enum.random(1..3)) end)
show.("stream resource early halt", fn ->
  Stream.resource(fn -> 0 end, fn n -> {[n, n + 1], n + 2} end, fn n -> send(self(), {:closed, n}) end)
  |> Enum.take(3)
  |> then(fn r -> {r, receive(do: (m -> m), after: (0 -> :none))} end)
end)
show.("stream resource raise", fn ->
  try do
    Stream.resource(fn -> 0 end, fn n -> {[n], n + 1} end, fn n -> send(self(), {:closed, n}) end)
    |> Stream.map(fn 2 -> raise "boom"; x -> x end)
    |> Stream.run()
  rescue
    e -> {Exception.message(e), receive(do: (m -> m), after: (0 -> :none))}
  end
end)
show.("transform", fn -> Stream.transform(1..6, 0, fn x, acc -> if acc > 5, do: {:halt, acc}, else: {[x, acc], acc + x} end) |> Enum.to_list() end)
show.("transform/4", fn ->
  Stream.transform(1..3, fn -> 10 end, fn x, acc -> {[x + acc], acc + 1} end, fn acc -> send(self(), {:after, acc}) end)
  |> Enum.to_list()
  |> then(fn r -> {r, receive(do: (m -> m), after: (0 -> :none))} end)
end)
show.("zip of flat_maps", fn -> Stream.zip(Stream.flat_map(1..3, &[&1, &1]), Stream.concat([[:a], [:b, :c], 1..10])) |> Enum.to_list() end)
show.("stream take laziness", fn ->
  Stream.map(1..10, fn x -> send(self(), x); x end) |> Stream.take(2) |> Enum.to_list()
  {:messages, messages} = Process.info(self(), :messages)
  for m <- messages, is_integer(m), do: receive(do: (^m -> m))
end)
show.("stream dedup uniq", fn -> {Stream.dedup([1, 1, 2, 1]) |> Enum.to_list(), Stream.uniq_by([1, 2, 3, 4], &rem(&1, 2)) |> Enum.to_list()} end)
show.("stream with_index offset", fn -> Stream.with_index([:a, :b], 5) |> Enum.to_list() end)
show.("stream drop_while take_while", fn -> 1..20 |> Stream.drop_while(&(&1 < 5)) |> Stream.take_while(&(&1 < 9)) |> Enum.to_list() end)
show.("stream scan", fn -> Stream.scan(1..5, &+/2) |> Enum.to_list() end)
show.("stream chunk_by", fn -> Stream.chunk_by([1, 1, 2, 2, 3], & &1) |> Enum.take(2) end)
show.("stream cycle empty", fn -> Stream.cycle([]) |> Enum.take(1) end)
show.("stream timer", fn -> Stream.timer(1) |> Enum.to_list() end)
show.("stream concat infinite", fn -> Stream.concat([1, 2], Stream.iterate(3, &(&1 + 1))) |> Enum.take(5) end)
show.("stream zip_with", fn -> Stream.zip_with(1..3, 4..6, &*/2) |> Enum.to_list() end)
show.("enum on stream halts", fn -> {Enum.find(Stream.iterate(1, &(&1 * 2)), &(&1 > 100)), Enum.at(Stream.cycle([1, 2]), 5)} end)
show.("any? all? infinite", fn -> {Enum.any?(Stream.iterate(0, &(&1 + 1)), &(&1 == 5)), Enum.all?(Stream.iterate(0, &(&1 + 1)), &(&1 < 5))} end)
show.("Map.update!", fn -> Map.update!(%{a: 1}, :b, & &1) end)
show.("Map.merge/3", fn -> Map.merge(%{a: 1, b: 2}, %{b: 3, c: 4}, fn _, x, y -> x * y end) end)
show.("Map.filter reject", fn -> {Map.filter(%{a: 1, b: 2}, fn {_, v} -> v > 1 end), Map.reject(%{a: 1, b: 2}, fn {_, v} -> v > 1 end)} end)
show.("Map lazy", fn -> {Map.get_lazy(%{}, :a, fn -> 1 end), Map.put_new_lazy(%{a: 0}, :a, fn -> 1 end), Map.pop_lazy(%{a: 0}, :a, fn -> 1 end)} end)
show.("Map.get_and_update", fn -> {Map.get_and_update(%{a: 1}, :a, &{&1, &1 + 1}), Map.get_and_update(%{a: 1}, :a, fn _ -> :pop end)} end)
show.("Map.new/2", fn -> Map.new([1, 2], &{&1, -&1}) end)
show.("List", fn -> {List.foldl([1, 2, 3], [], &[&1 | &2]), List.foldr([1, 2, 3], [], &[&1 | &2]), List.update_at([1, 2, 3], -1, &(&1 * 9)), List.keysort([{:b, 1}, {:a, 2}, {:a, 0}], 0)} end)
show.("Keyword", fn -> {Keyword.update([a: 1, b: 2, a: 3], :a, 0, &(&1 * 10)), Keyword.update([a: 1], :b, 0, & &1), Keyword.get_lazy([], :a, fn -> 7 end)} end)
show.("Keyword.update!", fn -> Keyword.update!([a: 1], :b, & &1) end)
show.("Keyword.merge/3 new/2", fn -> {Keyword.merge([a: 1, b: 2, a: 3], [a: 10, c: 1], fn _, a, b -> a + b end), Keyword.new([a: 1, b: 2, a: 3], & &1)} end)
show.("Kernel", fn -> {then(1, &(&1 + 1)), tap(1, &(&1 + 1))} end)
show.("get_in", fn -> {get_in(%{a: %{b: [c: 1]}}, [:a, :b, :c]), get_in(%{}, [:a, :b]), get_in([%{x: 1}, %{x: 2}], [Access.all(), :x])} end)
show.("put_in update_in", fn -> {put_in(%{a: %{}}, [:a, :b], 1), update_in([a: [b: 1]], [:a, :b], &(&1 + 1)), update_in(%{l: [1, 2]}, [:l, Access.at(-1)], &(&1 * 5))} end)
show.("pop_in", fn -> {pop_in(%{a: %{b: 1, c: 2}}, [:a, :b]), pop_in([a: 1], [:a])} end)
show.("put_in nil", fn -> put_in(%{}, [:a, :b], 1) end)
show.("Access.key elem", fn -> {get_in(%{p: {1, 2}}, [Access.key(:p), Access.elem(1)]), put_in(%{p: {1, 2}}, [Access.key(:p), Access.elem(0)], :x)} end)
show.("Access.get", fn -> {Access.get(%{a: 1}, :a), Access.get([a: 1], :a), Access.get(nil, :a), Access.get(%{}, :a, 0)} end)
show.("Access on struct", fn -> Access.get(1..2, :first) end)
show.("MapSet", fn ->
  a = MapSet.new([1, 2, 3]); b = MapSet.new([2, 3, 4])
  {MapSet.to_list(MapSet.union(a, b)), MapSet.to_list(MapSet.intersection(a, b)), MapSet.to_list(MapSet.difference(a, b)),
   MapSet.subset?(MapSet.new([2]), a), MapSet.equal?(a, MapSet.new([3, 2, 1])), MapSet.member?(a, 2), MapSet.size(MapSet.put(a, 1)),
   MapSet.to_list(MapSet.delete(a, 1)), MapSet.to_list(MapSet.new([1, 2], &(&1 * 2))), Enum.count(a), Enum.sum(a)}
end)
show.("Range", fn -> {Range.new(1, 3), Range.new(3, 1), Range.new(1, 10, 4), Range.size(1..10//3), Range.size(1..0//1), Range.disjoint?(1..3, 4..5)} end)
show.("Function.identity", fn -> Function.identity(:x) end)

show.("File.Stream", fn ->
  path = Path.join(System.tmp_dir!(), "prelude_compare_#{System.unique_integer([:positive])}.txt")
  File.write!(path, "one\ntwo\nthree\n")
  result = {Enum.to_list(File.stream!(path)), File.stream!(path) |> Stream.map(&String.trim/1) |> Enum.take(2)}
  File.rm!(path)
  result
end)
