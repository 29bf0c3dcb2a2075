# Process runtime speed and size: the same workloads on otplab and on real Elixir.
# Prints "METRIC VALUE" lines: rates (`*_per_s`) and the median of several timed
# repetitions after one warm-up; `idle_process_bytes` is memory per process blocked
# in `receive`, from :erlang.memory(:processes). Every workload checks its result, so
# a fast but wrong run raises instead of printing a number.
# Usage: benches/compare.sh benches/runtime.exs
defmodule Counter do
  use GenServer

  def init(n), do: {:ok, n}

  def handle_call(:bump, _from, n), do: {:reply, n + 1, n + 1}
  def handle_call(:value, _from, n), do: {:reply, n, n}
end

defmodule RuntimeBench do
  # Runs `work` once to warm up, then `reps` times; `work` returns how many
  # operations it did. Prints the median rate.
  def rate(name, reps, work) do
    work.()

    times =
      for _ <- 1..reps do
        {us, ops} = :timer.tc(work)
        {max(us, 1), ops}
      end

    {us, ops} = times |> Enum.sort() |> Enum.at(div(reps, 2))
    IO.puts("#{name} #{div(ops * 1_000_000, us)}")
  end

  def expect(value, value, _what), do: :ok
  def expect(got, want, what), do: raise("#{what}: expected #{inspect(want)}, got #{inspect(got)}")

  # Spawn n processes; each answers its parent once. Collect every answer.
  def spawn_and_reply(n) do
    me = self()
    Enum.each(1..n, fn i -> spawn(fn -> send(me, {:hi, i}) end) end)
    expect(gather(n, 0), div(n * (n + 1), 2), "spawn replies")
    n
  end

  defp gather(0, sum), do: sum

  defp gather(left, sum) do
    receive do
      {:hi, i} -> gather(left - 1, sum + i)
    end
  end

  # A partner echoes every ball back; n round trips.
  def ping_pong(n) do
    partner = spawn(fn -> echo() end)
    rally(partner, n)
    send(partner, :done)
    n
  end

  defp echo do
    receive do
      {ball, from} ->
        send(from, ball + 1)
        echo()

      :done ->
        :ok
    end
  end

  defp rally(_partner, 0), do: :ok

  defp rally(partner, n) do
    send(partner, {n, self()})

    receive do
      back when back == n + 1 -> rally(partner, n - 1)
    end
  end

  # A producer floods a consumer with n messages; the consumer reports their sum.
  def one_way(n) do
    me = self()
    sink = spawn(fn -> send(me, {:total, drain(n, 0)}) end)
    spawn(fn -> flood(sink, n) end)

    receive do
      {:total, total} -> expect(total, div(n * (n + 1), 2), "one-way sum")
    end

    n
  end

  defp flood(_sink, 0), do: :ok

  defp flood(sink, n) do
    send(sink, n)
    flood(sink, n - 1)
  end

  defp drain(0, acc), do: acc

  defp drain(left, acc) do
    receive do
      x -> drain(left - 1, acc + x)
    end
  end

  def tasks(n) do
    results = 1..n |> Enum.map(fn i -> Task.async(fn -> i + i end) end) |> Task.await_many()
    expect(Enum.sum(results), n * (n + 1), "task results")
    n
  end

  def agent_updates(n) do
    {:ok, agent} = Agent.start_link(fn -> 0 end)
    bump_agent(agent, n)
    expect(Agent.get(agent, & &1), n, "agent count")
    Agent.stop(agent)
    n
  end

  defp bump_agent(_agent, 0), do: :ok

  defp bump_agent(agent, n) do
    Agent.update(agent, &(&1 + 1))
    bump_agent(agent, n - 1)
  end

  def genserver_calls(n) do
    {:ok, server} = GenServer.start_link(Counter, 0)
    call_server(server, n)
    expect(GenServer.call(server, :value), n, "server count")
    GenServer.stop(server)
    n
  end

  defp call_server(_server, 0), do: :ok

  defp call_server(server, n) do
    GenServer.call(server, :bump)
    call_server(server, n - 1)
  end

  # Bytes per process parked in receive: n processes form a chain, each holding the
  # next one's pid, so the measuring process keeps no per-process data of its own.
  def idle_bytes(n) do
    before = :erlang.memory(:processes)
    me = self()
    head = spawn(fn -> link_in_chain(n - 1, me) end)

    receive do
      :chain_ready -> :ok
    end

    parked = :erlang.memory(:processes)
    send(head, :unwind)

    receive do
      :chain_done -> :ok
    end

    div(parked - before, n)
  end

  def link_in_chain(0, origin) do
    send(origin, :chain_ready)

    receive do
      :unwind -> send(origin, :chain_done)
    end
  end

  def link_in_chain(left, origin) do
    next = spawn(fn -> link_in_chain(left - 1, origin) end)

    receive do
      :unwind -> send(next, :unwind)
    end
  end

  def run do
    rate("spawn_reply_100k_per_s", 5, fn -> spawn_and_reply(100_000) end)
    rate("ping_pong_200k_round_trips_per_s", 5, fn -> ping_pong(200_000) end)
    rate("one_way_1m_msgs_per_s", 5, fn -> one_way(1_000_000) end)
    rate("task_async_await_many_10k_per_s", 7, fn -> tasks(10_000) end)
    rate("agent_update_100k_per_s", 5, fn -> agent_updates(100_000) end)
    rate("genserver_call_100k_per_s", 5, fn -> genserver_calls(100_000) end)
    sizes = Enum.map(1..3, fn _ -> idle_bytes(100_000) end)
    IO.puts("idle_process_bytes #{sizes |> Enum.sort() |> Enum.at(1)}")
  end
end

RuntimeBench.run()
