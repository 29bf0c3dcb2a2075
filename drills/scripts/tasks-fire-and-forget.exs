# Walkthrough: fire-and-forget tasks (drill tasks-fire-and-forget).
# Task.start_link/1 runs a function in a linked process and sends nothing back:
# right for periodic work that nobody waits for, like a metrics reporter.

defmodule Reporter do
  # `use Task` gives child_spec/1, so a supervisor can start and restart us.
  use Task

  def start_link(interval) do
    Task.start_link(fn -> loop(interval) end)
  end

  defp loop(interval) do
    report()
    Process.sleep(interval)
    loop(interval)
  end

  defp report do
    IO.puts("report: #{:erlang.system_info(:process_count) > 0} processes counted, memory #{:erlang.memory(:total) > 0}")
  end
end

# The child spec `use Task` wrote for us: restart is :temporary by default.
Reporter.child_spec(200)

# Under a supervisor the reporter is one child among others.
children = [%{Reporter.child_spec(200) | restart: :permanent}]
{:ok, sup} = Supervisor.start_link(children, strategy: :one_for_one)

# Let it report a few times.
Process.sleep(450)

# Crash it: the supervisor starts a fresh reporter and the reports go on.
[{_, old, _, _}] = Supervisor.which_children(sup)
Process.exit(old, :kill)
Process.sleep(50)
[{_, new, _, _}] = Supervisor.which_children(sup)
IO.puts("restarted: #{old != new}")

# A graceful stop: stopping the supervisor stops its children with it.
Supervisor.stop(sup)
Process.alive?(new)
