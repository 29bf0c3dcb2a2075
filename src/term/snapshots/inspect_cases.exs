# The reference for src/term/inspect_tests.rs: run with real Elixir 1.14,
#   elixir src/term/snapshots/inspect_cases.exs > src/term/snapshots/inspect_elixir.txt
# Each case prints "== name" and then what Elixir prints. `:plain` cases use
# inspect/2 (one line); `:pretty` cases use IO.inspect/2 (80 columns).
defmodule JobQueue.Metrics do
  defstruct jobs_enqueued: 0, jobs_started: 0, jobs_completed: 0, jobs_failed: 0,
            total_processing_time_ms: 0, errors: []
end

stats = %{avg_processing_time_ms: 152.5, completed: 2, enqueued: 4, failed: 1, in_progress: 0, started: 3}
zero_stats = %{avg_processing_time_ms: 0, completed: 0, enqueued: 0, failed: 0, in_progress: 0, started: 0}
people = for i <- 1..4, do: %{id: i, name: "person number #{i}", email: "person#{i}@example.com"}

cases = [
  {"integers", :plain, [0, -5, 1_000_000, Integer.pow(2, 100), -Integer.pow(3, 50)], []},
  {"floats", :plain, [3.0, 1.0e10, 1.0e16, 0.1 + 0.2, 2.5e-5, -0.5, 100.0, 1 / 3, 1.0e-10, 123.456], []},
  {"atoms", :plain, [:ok, :"quoted atom", :"$end_of_table", :"$1", :ok?, nil, true, false, Foo.Bar, :+, :"Elixir", :"::", :foo@bar, :Foo], []},
  {"strings", :plain, ["string", "a\n\t\"\\\#{x}\a\e\r", "olá", ""], []},
  {"binaries", :plain, [<<1, 2, 3>>, <<"abc", 255>>, <<0>>], []},
  {"charlists", :plain, ['hi', [104, 105], 'it\'s "q"\n', [?a, 127], [?a, 233], []], []},
  {"keyword", :plain, [a: 1, b: "two", "my key": :x, +: 1, nil: 2], []},
  {"not keyword", :plain, [[{:a, 1}, {Foo, 2}], [{:a, 1}, {"b", 2}], [{:a, 1}, 3]], []},
  {"improper", :plain, [[1 | 2], [1, 2 | 3], [?a | ?b], [[1] | [2 | :x]]], []},
  {"tuples", :plain, [{1, "two", :three}, {}, {{1, 2}, [3]}], []},
  {"maps", :plain, [%{a: 1, b: 2}, %{"k" => 1, 1 => :one, :a => 2}, %{}, %{Foo => 1, :a => 2}, %{Foo: 1, "quoted key": 3}, %{{1, 2} => [3], [4] => %{}}], []},
  {"structs", :plain, [%RuntimeError{message: "x"}, struct(JobQueue.Metrics), %ArgumentError{message: "bad"}], []},
  {"ranges", :plain, [1..5, 1..10//3, 5..1, 1..1, -3..-1], []},
  {"dates", :plain, [~D[2020-07-10], ~D[0001-01-01]], []},
  {"mapsets", :plain, [MapSet.new([1, 2]), MapSet.new([3, 1, 2]), MapSet.new(['ab']), MapSet.new()], []},
  {"pids and exports", :plain, [:c.pid(0, 96, 0), &String.upcase/1, &:erlang.+/2, &Enum.map/2], []},
  {"limit 60", :plain, Enum.to_list(1..60), []},
  {"nested limit", :plain, [Enum.to_list(1..60)], []},
  {"tuple of lists limit", :plain, {Enum.to_list(1..60), Enum.to_list(1..60)}, []},
  {"limit 2 list", :plain, [1, 2, 3], [limit: 2]},
  {"limit 2 tuple", :plain, {1, 2, 3}, [limit: 2]},
  {"limit 2 map", :plain, %{a: 1, b: 2, c: 3}, [limit: 2]},
  {"limit 2 binary", :plain, <<1, 2, 3>>, [limit: 2]},
  {"limit 1 improper", :plain, [1, 2 | 3], [limit: 1]},
  {"limit 2 improper", :plain, [1, 2 | 3], [limit: 2]},
  {"binary 51 bytes", :plain, :binary.copy(<<0>>, 51), []},
  {"charlists as lists", :plain, 'abc', [charlists: :as_lists]},
  {"printable limit", :plain, String.duplicate("ab", 10), [printable_limit: 5]},
  {"charlist printable limit", :plain, 'abcdefgh', [printable_limit: 3]},
  {"pretty 1..60", :pretty, Enum.to_list(1..60), []},
  {"pretty wide map", :pretty, %{alpha: "aaaaaaaaaaaaaaaa", beta: "bbbbbbbbbbbbbbbbbbb", gamma: "ccccccccccccccccc"}, []},
  {"pretty ok tuple", :pretty, {:ok, Enum.to_list(1..30)}, []},
  {"pretty stats", :pretty, stats, []},
  {"pretty zero stats", :pretty, zero_stats, []},
  {"pretty short list", :pretty, [1, 2, 3], [limit: 2]},
  {"pretty recent", :pretty, ["e105", "e104", "e103", "e102", "e101", "e100", "e99", "e98", "e97", "e96"], []},
  {"pretty people", :pretty, people, []},
  {"pretty struct", :pretty, struct(JobQueue.Metrics, errors: [%{job_id: "job-3", reason: "Intentional job failure", timestamp: 1_700_000_000}]), []},
  {"pretty keyword", :pretty, [name: "a fairly long name here", value: 123_456_789, description: "and a description"], []},
  {"pretty tuple strings", :pretty, {"a string that is quite long", "another string that is long", "third one"}, []},
  {"pretty nested", :pretty, %{config: %{retries: 3, backoff: [100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200]}, name: :worker}, []},
  {"pretty improper", :pretty, Enum.to_list(1..25) ++ 26, []},
  {"pretty 1..100 infinity", :pretty, Enum.to_list(1..100), [limit: :infinity]},
  {"pretty tuples list", :pretty, Enum.map(1..12, &{:item, &1, "value #{&1}"}), []},
  {"pretty width 20", :pretty, %{a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], b: {:ok, "text"}}, [width: 20]},
  {"pretty width 0", :pretty, [1, [2, 3], {4, 5}], [width: 0]},
  {"pretty mapset", :pretty, MapSet.new(1..30), [width: 40]},
  {"pretty binary", :pretty, :binary.copy(<<1, 2, 3>>, 30), []},
  {"pretty string list", :pretty, List.duplicate("éééééééééé", 5), []},
  {"pretty deep", :pretty, Enum.reduce(1..6, :leaf, fn i, acc -> %{level: i, child: acc, tag: "level #{i}"} end), []}
]

for {name, mode, value, opts} <- cases do
  IO.puts("== " <> name)

  case mode do
    :plain -> IO.puts(inspect(value, opts))
    :pretty -> IO.inspect(value, opts)
  end
end
