# Walkthrough: ETS against a GenServer key-value store (drill ets-performance).
# Every GenServer request is a message and a reply through one process; an ETS
# read or write is a direct call on a shared table. Measure both.

defmodule KV do
  use GenServer
  def start_link, do: GenServer.start_link(__MODULE__, %{}, name: __MODULE__)
  def put(key, value), do: GenServer.call(__MODULE__, {:put, key, value})
  def get(key), do: GenServer.call(__MODULE__, {:get, key})

  @impl true
  def init(map), do: {:ok, map}

  @impl true
  def handle_call({:put, key, value}, _from, map), do: {:reply, :ok, Map.put(map, key, value)}
  def handle_call({:get, key}, _from, map), do: {:reply, Map.get(map, key), map}
end

{:ok, _} = KV.start_link()
:ets.new(:kv, [:set, :public, :named_table, read_concurrency: true])

# The same work through each: 20,000 writes, then 20,000 reads.
n = 20_000
{server_us, _} = :timer.tc(fn -> for i <- 1..n, do: KV.put(i, i * 2); for i <- 1..n, do: KV.get(i) end)
{ets_us, _} = :timer.tc(fn -> for i <- 1..n, do: :ets.insert(:kv, {i, i * 2}); for i <- 1..n, do: :ets.lookup(:kv, i) end)
IO.puts("GenServer: #{div(server_us, 1000)} ms, ETS: #{div(ets_us, 1000)} ms")

# The gap is the point, not the exact figures: ETS is several times faster here.
ets_us < server_us

# Both give the same answers; a missing key is nil in the server, [] in ETS.
{KV.get(7), :ets.lookup(:kv, 7), KV.get(:missing), :ets.lookup(:kv, :missing)}

# Many readers at once: ETS readers never queue behind one another.
readers = for _ <- 1..4, do: Task.async(fn -> Enum.each(1..n, &:ets.lookup(:kv, &1)) end)
Task.await_many(readers, 30_000)
