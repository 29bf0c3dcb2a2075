# Walkthrough: awaited tasks (drill tasks-awaited).
# A task is a process that computes one value and sends it back to whoever
# started it. Task.async/1 returns at once; Task.await/2 blocks for the value.

defmodule Slow do
  # Stands for any slow job: a second of waiting, then a square.
  def square(n) do
    Process.sleep(1000)
    n * n
  end
end

# One after another: five jobs cost five seconds.
{micros, results} = :timer.tc(fn -> Enum.map(1..5, &Slow.square/1) end)
IO.puts("sequential: #{div(micros, 1000)} ms -> #{inspect(results)}")

# Start all five first, then wait for all five: about one second in total.
{micros, results} =
  :timer.tc(fn ->
    tasks = Enum.map(1..5, fn n -> Task.async(fn -> Slow.square(n) end) end)
    Enum.map(tasks, &Task.await/1)
  end)
IO.puts("parallel: #{div(micros, 1000)} ms -> #{inspect(results)}")

# The classic mistake: awaiting inside the same pass that starts the tasks.
# Each task is awaited before the next one starts, so nothing overlaps.
{micros, _} = :timer.tc(fn -> Enum.map(1..3, fn n -> Task.await(Task.async(fn -> Slow.square(n) end)) end) end)
IO.puts("await inside the map: #{div(micros, 1000)} ms")

# Results come back in the order the tasks were started, whichever ends first.
[300, 100, 200]
|> Enum.map(fn ms -> Task.async(fn -> Process.sleep(ms); ms end) end)
|> Task.await_many()

# A timeout: await gives up after 500 ms and exits the caller. Catch it to look.
slow = Task.async(fn -> Process.sleep(2000); :too_late end)
try do
  Task.await(slow, 500)
catch
  :exit, reason -> IO.puts("await gave up: #{inspect(elem(reason, 0))}")
end
# The task itself runs on after a timeout; stop it (unlink first, or the kill
# would travel back along the link to us).
Process.unlink(slow.pid)
Process.exit(slow.pid, :kill)

# A task is linked to its caller: when it crashes, the caller goes down too.
# Here we watch it from a separate process that traps exits.
parent = self()
spawn(fn ->
  Process.flag(:trap_exit, true)
  task = Task.async(fn -> raise "the job failed" end)
  task_pid = task.pid
  receive do
    {:EXIT, ^task_pid, {%RuntimeError{message: message}, _stack}} ->
      send(parent, {:crashed, message})
  end
end)
receive do
  {:crashed, message} -> IO.puts("the caller received the crash: #{message}")
after
  1000 -> IO.puts("no crash seen")
end
