# One million processes parked in `receive`, then all told to finish.
# 1,000 crew leads each spawn 1,000 workers and keep their pids; every worker waits
# for `:finish`. With all of them parked the script reads memory, then sends each
# worker `:finish` (through its lead) and waits until every one has answered.
# Prints "METRIC VALUE" lines: `idle_process_bytes` from :erlang.memory(:processes),
# `idle_process_rss_bytes` from the growth of the OS resident set (Linux), both per
# process (leads included), and the time to spawn them all.
# Usage: ERL_FLAGS="+P 2000000" benches/compare.sh benches/million.exs
# (BEAM allows 262,144 processes unless `+P` raises the limit; otplab has no limit.)
defmodule Million do
  @crews 1_000
  @crew_size 1_000

  def rss do
    case File.read("/proc/self/statm") do
      {:ok, text} -> text |> String.split() |> Enum.at(1) |> String.to_integer() |> Kernel.*(4096)
      _ -> 0
    end
  end

  def lead(boss) do
    me = self()
    crew = for _ <- 1..@crew_size, do: spawn(fn -> worker(me) end)
    send(boss, {:crew_up, me})

    receive do
      :finish ->
        Enum.each(crew, &send(&1, :finish))
        await_all(:worker_done, @crew_size)
        send(boss, :crew_done)
    end
  end

  def worker(lead) do
    receive do
      :finish -> send(lead, :worker_done)
    end
  end

  # Waits for `n` copies of `msg`.
  defp await_all(_msg, 0), do: :ok

  defp await_all(msg, n) do
    receive do
      ^msg -> await_all(msg, n - 1)
    end
  end

  defp collect_leads(0, leads), do: leads

  defp collect_leads(n, leads) do
    receive do
      {:crew_up, lead} -> collect_leads(n - 1, [lead | leads])
    end
  end

  def run do
    total = @crews * (@crew_size + 1)
    mem0 = :erlang.memory(:processes)
    rss0 = rss()
    me = self()
    {spawn_us, leads} =
      :timer.tc(fn ->
        for _ <- 1..@crews, do: spawn(fn -> lead(me) end)
        collect_leads(@crews, [])
      end)

    count = :erlang.system_info(:process_count)
    if count < total, do: raise("only #{count} processes alive, wanted #{total}")
    mem1 = :erlang.memory(:processes)
    rss1 = rss()
    {finish_us, :ok} =
      :timer.tc(fn ->
        Enum.each(leads, &send(&1, :finish))
        await_all(:crew_done, @crews)
      end)

    IO.puts("processes #{total}")
    IO.puts("spawn_all_ms #{div(spawn_us, 1000)}")
    IO.puts("finish_all_ms #{div(finish_us, 1000)}")
    IO.puts("idle_process_bytes #{div(mem1 - mem0, total)}")
    IO.puts("idle_process_rss_bytes #{div(rss1 - rss0, total)}")
  end
end

Million.run()
