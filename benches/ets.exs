# ETS speed: the same workloads on otplab and on real Elixir (issue 4).
# Prints "METRIC VALUE" lines: the median of several runs, after one warm-up.
# Units are in the metric names: `_per_s` rates, `_ms` totals, `_us` per operation.
# Every workload checks its own result, so a fast but wrong run raises instead.
defmodule EtsBench.Clock do
  # The median of `runs` runs of `workload` after one warm-up run. A workload returns
  # the microseconds of its measured part (`time/1`), so creating and deleting its
  # table stays outside the figure.
  def median_us(runs, workload) do
    workload.()
    times = for _ <- 1..runs, do: workload.()
    times |> Enum.sort() |> Enum.at(div(runs, 2)) |> max(1)
  end

  def time(fun), do: elem(:timer.tc(fun), 0)

  def rate(name, ops, us), do: IO.puts("#{name} #{div(ops * 1_000_000, us)}")
  def ms(name, us), do: IO.puts("#{name} #{Float.round(us / 1000, 2)}")
  def per_op(name, ops, us), do: IO.puts("#{name} #{Float.round(us / ops, 3)}")

  def expect(true, _what), do: :ok
  def expect(false, what), do: raise("ets bench: wrong result in #{what}")
end

# The Drill 7 contender: a key-value store behind one process.
defmodule EtsBench.Store do
  use GenServer

  def start, do: GenServer.start(__MODULE__, %{})
  def put(pid, k, v), do: GenServer.cast(pid, {:put, k, v})
  def get(pid, k), do: GenServer.call(pid, {:get, k})

  @impl true
  def init(map), do: {:ok, map}

  @impl true
  def handle_cast({:put, k, v}, map), do: {:noreply, Map.put(map, k, v)}

  @impl true
  def handle_call({:get, k}, _from, map), do: {:reply, Map.get(map, k), map}
end

defmodule EtsBench do
  alias EtsBench.Clock
  alias EtsBench.Store

  @n 100_000
  @big 1_000_000
  @probes 20_000

  # Drill 7 as the course writes it: a comprehension doing insert + lookup per key.
  def drill7_ets do
    t = :ets.new(:drill7, [:set, :public, write_concurrency: true])

    us =
      Clock.time(fn ->
        for i <- 1..@n do
          :ets.insert(t, {i, i * 2})
          :ets.lookup(t, i)
        end
      end)

    Clock.expect(:ets.lookup(t, @n) == [{@n, @n * 2}], "drill7_ets")
    :ets.delete(t)
    us
  end

  def drill7_genserver do
    {:ok, pid} = Store.start()

    us =
      Clock.time(fn ->
        for i <- 1..@n do
          Store.put(pid, i, i * 2)
          Store.get(pid, i)
        end
      end)

    Clock.expect(Store.get(pid, @n) == @n * 2, "drill7_genserver")
    GenServer.stop(pid)
    us
  end

  def two_tasks do
    t = :ets.new(:shared, [:set, :public, write_concurrency: true])
    work = fn offset ->
      for i <- 1..@n do
        :ets.insert(t, {i + offset, i})
        :ets.lookup(t, i + offset)
      end

      :done
    end

    us =
      Clock.time(fn ->
        tasks = Enum.map([0, @n], fn offset -> Task.async(fn -> work.(offset) end) end)
        [:done, :done] = Enum.map(tasks, &Task.await(&1, :infinity))
      end)

    Clock.expect(:ets.info(t, :size) == 2 * @n, "two_tasks")
    :ets.delete(t)
    us
  end

  # Keys arrive out of order (i * 7919 mod a prime larger than @n is one-to-one).
  def ordered_insert do
    t = :ets.new(:ordered, [:ordered_set, :public])
    us = Clock.time(fn -> fill_scrambled(t, 1) end)
    Clock.expect(:ets.info(t, :size) == @n and :ets.first(t) == 1, "ordered_insert")
    :ets.delete(t)
    us
  end

  defp fill_scrambled(_t, i) when i > @n, do: :ok

  defp fill_scrambled(t, i) do
    :ets.insert(t, {rem(i * 7919, 100_003), i})
    fill_scrambled(t, i + 1)
  end

  # 100k bumps over 10 counters, created on first use by the default object.
  def counters do
    t = :ets.new(:counters, [:set, :public])
    us = Clock.time(fn -> bump(t, 0) end)
    Clock.expect(:ets.lookup(t, 3) == [{3, div(@n, 10)}], "counters")
    :ets.delete(t)
    us
  end

  defp bump(_t, @n), do: :ok

  defp bump(t, i) do
    key = rem(i, 10)
    :ets.update_counter(t, key, {2, 1}, {key, 0})
    bump(t, i + 1)
  end

  def missing(t), do: miss(t, @n + 1, 0)

  defp miss(_t, _k, @n), do: :ok

  defp miss(t, k, done) do
    [] = :ets.lookup(t, k)
    miss(t, k + 1, done + 1)
  end

  # One select over every row; the guard keeps the rows whose value is a multiple of 3.
  def select_guard(t) do
    spec = [{{:"$1", :"$2"}, [{:==, {:rem, :"$2", 3}, 0}], [:"$1"]}]
    hits = :ets.select(t, spec)
    Clock.expect(length(hits) == div(@n, 3), "select_guard")
  end

  def filled(name, count) do
    t = :ets.new(name, [:set, :public])
    fill(t, 1, count)
    t
  end

  defp fill(_t, i, count) when i > count, do: :ok

  defp fill(t, i, count) do
    :ets.insert(t, {i, i})
    fill(t, i + 1, count)
  end

  # @probes selects of one bound key each, then as many lookups of the same keys.
  def bound_selects(t), do: probe(t, 1, fn t, k -> :ets.select(t, [{{k, :"$1"}, [], [:"$1"]}]) end)
  def lookups(t), do: probe(t, 1, fn t, k -> :ets.lookup(t, k) end)

  defp probe(_t, k, _op) when k > @probes * 50, do: :ok

  defp probe(t, k, op) do
    [_] = op.(t, k)
    probe(t, k + 50, op)
  end

  def run do
    Clock.rate("ets_insert_lookup_ops_per_s", @n, Clock.median_us(5, &drill7_ets/0))
    Clock.rate("genserver_kv_put_get_ops_per_s", @n, Clock.median_us(5, &drill7_genserver/0))
    Clock.rate("ets_2tasks_insert_lookup_ops_per_s", 2 * @n, Clock.median_us(5, &two_tasks/0))
    Clock.ms("ets_ordered_set_insert_100k_ms", Clock.median_us(5, &ordered_insert/0))
    Clock.ms("ets_update_counter_100k_ms", Clock.median_us(5, &counters/0))

    t = filled(:rows, @n)
    Clock.ms("ets_lookup_missing_100k_ms", Clock.median_us(5, fn -> Clock.time(fn -> missing(t) end) end))
    Clock.ms("ets_select_guard_100k_rows_ms", Clock.median_us(7, fn -> Clock.time(fn -> select_guard(t) end) end))
    :ets.delete(t)

    big = filled(:big, @big)
    Clock.per_op("ets_select_bound_key_1m_rows_us", @probes, Clock.median_us(5, fn -> Clock.time(fn -> bound_selects(big) end) end))
    Clock.per_op("ets_lookup_1m_rows_us", @probes, Clock.median_us(5, fn -> Clock.time(fn -> lookups(big) end) end))
    :ets.delete(big)
  end
end

EtsBench.run()
