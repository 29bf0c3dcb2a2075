# Walkthrough: an Agent as a counter (drill agent-counter).
# An Agent is a process that holds one value. Every change is a function the
# Agent runs on its own value, one at a time, so concurrent updates never clash.

defmodule Tally do
  use Agent

  def start_link(initial), do: Agent.start_link(fn -> initial end, name: __MODULE__)
  def increment, do: Agent.update(__MODULE__, &(&1 + 1))
  def get, do: Agent.get(__MODULE__, & &1)
  # Read and change in one step: nobody can slip in between.
  def get_and_increment, do: Agent.get_and_update(__MODULE__, fn n -> {n, n + 1} end)
end

{:ok, _} = Tally.start_link(0)

# 100 processes increment at once; each waits for its update to be applied.
1..100 |> Enum.map(fn _ -> Task.async(&Tally.increment/0) end) |> Task.await_many()
Tally.get()

# The race a counter must avoid: read the value, then write value + 1 from
# outside. Two callers can read the same number and one increment is lost.
lossy = fn -> n = Tally.get(); Process.sleep(1); Agent.update(Tally, fn _ -> n + 1 end) end
1..50 |> Enum.map(fn _ -> Task.async(lossy) end) |> Task.await_many()
IO.puts("after 50 read-then-write increments: #{Tally.get()} (100 + 50 would be 150)")

# get_and_update is the fix: the Agent runs the read and the write together.
Agent.update(Tally, fn _ -> 0 end)
tickets = 1..50 |> Enum.map(fn _ -> Task.async(&Tally.get_and_increment/0) end) |> Task.await_many()
IO.puts("50 distinct tickets: #{length(Enum.uniq(tickets)) == 50}, counter now #{Tally.get()}")

# update waits until the Agent has applied the change; cast does not wait.
:ok = Agent.cast(Tally, fn n -> n + 1000 end)
Tally.get()
