# Extra behaviours not covered by the shared corpus: handle_continue, :sys,
# noreply timeouts, one_for_all / rest_for_one, max_restarts, DynamicSupervisor.
Logger.configure(level: :none)

defmodule Cont do
  use GenServer
  def init(x), do: {:ok, [x], {:continue, :more}}
  def handle_continue(:more, s), do: {:noreply, [:continued | s]}
  def handle_call(:get, _from, s), do: {:reply, s, s, 30}
  def handle_info(:timeout, s), do: {:noreply, [:timeout | s]}
end

{:ok, c} = GenServer.start_link(Cont, :init)
IO.inspect(:sys.get_state(c), label: "after continue")
IO.inspect(GenServer.call(c, :get))
Process.sleep(80)
IO.inspect(:sys.get_state(c), label: "after idle timeout")
:ok = :sys.suspend(c)
r = try do
  GenServer.call(c, :get, 50)
catch
  :exit, {reason, _} -> reason
end
IO.inspect(r, label: "call while suspended")
:ok = :sys.resume(c)
IO.inspect(:sys.replace_state(c, fn s -> Enum.take(s, 1) end), label: "replace_state")

defmodule Member do
  use Agent
  def start_link(id), do: Agent.start_link(fn -> id end, name: id)
end

pids = fn sup -> sup |> Supervisor.which_children() |> Enum.map(fn {id, pid, _, _} -> {id, pid} end) |> Map.new() end
kill = fn name ->
  pid = Process.whereis(name)
  ref = Process.monitor(pid)
  Process.exit(pid, :kill)
  receive do
    {:DOWN, ^ref, _, _, _} -> :ok
  end
  Process.sleep(30)
end

for strategy <- [:one_for_one, :one_for_all, :rest_for_one] do
  children = for id <- [:m1, :m2, :m3], do: Supervisor.child_spec({Member, id}, id: id)
  {:ok, sup} = Supervisor.start_link(children, strategy: strategy)
  before = pids.(sup)
  kill.(:m2)
  later = pids.(sup)
  changed = for id <- [:m1, :m2, :m3], before[id] != later[id], do: id
  IO.inspect(changed, label: "#{strategy} restarted")
  Supervisor.stop(sup)
end

Process.flag(:trap_exit, true)
{:ok, sup} = Supervisor.start_link([{Member, :solo}], strategy: :one_for_one, max_restarts: 1, max_seconds: 5)
kill.(:solo)
IO.inspect(Process.alive?(sup), label: "alive after 1 restart")
kill.(:solo)

receive do
  {:EXIT, ^sup, reason} -> IO.inspect(reason, label: "supervisor gave up")
end

{:ok, dyn} = DynamicSupervisor.start_link(strategy: :one_for_one, max_children: 2)
{:ok, a} = DynamicSupervisor.start_child(dyn, {Agent, fn -> 1 end})
{:ok, _} = DynamicSupervisor.start_child(dyn, %{id: :x, start: {Agent, :start_link, [fn -> 2 end]}, restart: :temporary})
IO.inspect(DynamicSupervisor.start_child(dyn, {Agent, fn -> 3 end}), label: "third child")
IO.inspect(DynamicSupervisor.count_children(dyn))
Process.exit(a, :kill)
Process.sleep(30)
[{:undefined, b, :worker, [Agent]} | _] = DynamicSupervisor.which_children(dyn)
IO.inspect(b != a and is_pid(b), label: "permanent child restarted")
IO.inspect(DynamicSupervisor.terminate_child(dyn, b))
IO.inspect(DynamicSupervisor.terminate_child(dyn, b))
IO.inspect(DynamicSupervisor.count_children(dyn))
IO.inspect(GenServer.stop(c))
r =
  try do
    GenServer.stop(c)
  catch
    :exit, {reason, {mod, fun, [_, why, timeout]}} -> {reason, mod, fun, why, timeout}
  end

IO.inspect(r, label: "stop a stopped server")
