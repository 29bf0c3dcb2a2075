# Walkthrough: dynamic task supervision (drill tasks-supervised).
# A Task.Supervisor starts tasks on demand. They are not linked to the caller,
# so a crashing job takes down neither the caller nor the other jobs.

{:ok, _} = Task.Supervisor.start_link(name: Jobs)

defmodule Job do
  def run("bad"), do: raise "this job is broken"

  def run(name) do
    Process.sleep(500)
    IO.puts("done: #{name}")
  end
end

# Ten jobs at once: they all finish after about half a second, not five.
{micros, _} =
  :timer.tc(fn ->
    pids = for i <- 1..10, do: elem(Task.Supervisor.start_child(Jobs, fn -> Job.run("job #{i}") end), 1)
    Enum.each(pids, fn pid ->
      ref = Process.monitor(pid)
      receive do
        {:DOWN, ^ref, _, _, _} -> :ok
      end
    end)
  end)
IO.puts("ten jobs took #{div(micros, 1000)} ms")

# One job crashes (its report is logged); the others and the caller carry on.
Logger.configure(level: :none)
{:ok, bad} = Task.Supervisor.start_child(Jobs, fn -> Job.run("bad") end)
{:ok, good} = Task.Supervisor.start_child(Jobs, fn -> Job.run("survivor") end)
Process.sleep(600)
IO.puts("caller alive: #{Process.alive?(self())}, bad alive: #{Process.alive?(bad)}, good finished: #{not Process.alive?(good)}")

# When the caller does want the result, async_nolink plus yield keeps it safe.
task = Task.Supervisor.async_nolink(Jobs, fn -> Job.run("bad") end)
case Task.yield(task, 1000) do
  {:exit, {exception, _stacktrace}} -> {:exit, exception}
  other -> other
end

# Supervised tasks are temporary: the supervisor does not restart them.
Task.Supervisor.children(Jobs)
