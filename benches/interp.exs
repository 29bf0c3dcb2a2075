# Interpreter speed: the same workloads on otplab and on real Elixir.
# Prints "METRIC MS" lines (median of 5 runs, after one warm-up).
defmodule Bench do
  def fib(0), do: 0
  def fib(1), do: 1
  def fib(n), do: fib(n - 1) + fib(n - 2)

  def loop(0, acc), do: acc
  def loop(n, acc), do: loop(n - 1, acc + 1)

  def time(name, fun) do
    fun.()
    runs =
      for _ <- 1..5 do
        {us, _} = :timer.tc(fun)
        us
      end

    median = runs |> Enum.sort() |> Enum.at(2)
    IO.puts("#{name} #{Float.round(median / 1000, 2)}")
  end

  def run do
    time("fib27_ms", fn -> 196_418 = fib(27) end)
    time("enum_reduce_5m_ms", fn -> Enum.reduce(1..5_000_000, 0, &(&1 + &2)) end)
    time("tail_loop_10m_ms", fn -> 10_000_000 = loop(10_000_000, 0) end)
    list = Enum.to_list(1..1_000_000)
    time("enum_map_sum_1m_ms", fn -> list |> Enum.map(&(&1 * 2)) |> Enum.sum() end)
  end
end

Bench.run()
