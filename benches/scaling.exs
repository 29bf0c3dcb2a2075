# Scaling: how the cost of N operations grows with N, one N per run.
#   otplab run benches/scaling.exs 10000      elixir benches/scaling.exs 10000
# Prints "scale_WORKLOAD_ms VALUE ms" lines: the best of a few repetitions of N
# operations. benches/scaling.sh runs this at N = 10^3, 10^4, 10^5 on both runtimes
# and reports each workload's growth exponent (the log-log slope: 1.0 is linear).
# Every workload checks its result, so a fast but wrong run raises.

defmodule ScaleWorker do
  use GenServer
  def start_link(arg), do: GenServer.start_link(__MODULE__, arg)
  @impl true
  def init(arg), do: {:ok, arg}
end

defmodule ScaleMapServer do
  use GenServer
  def start_link, do: GenServer.start_link(__MODULE__, %{})
  @impl true
  def init(m), do: {:ok, m}
  @impl true
  def handle_cast({:put, k, v}, m), do: {:noreply, Map.put(m, k, v)}
  @impl true
  def handle_call({:get, k}, _from, m), do: {:reply, Map.get(m, k), m}
end

defmodule Scale do
  def check(true, _what), do: :ok
  def check(_, what), do: raise("scaling self-check failed: #{what}")

  def time_us(fun) do
    {us, _} = :timer.tc(fun)
    max(us, 1)
  end

  # N children started under one DynamicSupervisor, counted, listed, stopped. The
  # stop is timed up to N = 10^4 only: BEAM's own DynamicSupervisor shutdown grows
  # quadratically (201 s for 10^5 children on the 2-core bench box).
  def dynsup(n) do
    {:ok, sup} = DynamicSupervisor.start_link(strategy: :one_for_one)
    start = time_us(fn -> for i <- 1..n, do: {:ok, _} = DynamicSupervisor.start_child(sup, {ScaleWorker, i}) end)
    check(DynamicSupervisor.count_children(sup).active == n, "dynsup count")
    which = time_us(fn -> check(length(DynamicSupervisor.which_children(sup)) == n, "dynsup which") end)
    times = %{dynsup_start: start, dynsup_which_children: which}

    if n <= 10_000 do
      Map.put(times, :dynsup_stop, time_us(fn -> DynamicSupervisor.stop(sup) end))
    else
      Process.unlink(sup)
      Process.exit(sup, :kill)
      times
    end
  end

  # N tasks under one Task.Supervisor, each waiting for :go, listed and released.
  def task_sup(n) do
    {:ok, sup} = Task.Supervisor.start_link()
    me = self()

    us =
      time_us(fn ->
        for i <- 1..n, do: Task.Supervisor.start_child(sup, fn -> receive do: (:go -> send(me, {:done, i})) end)
        for pid <- Task.Supervisor.children(sup), do: send(pid, :go)
        for _ <- 1..n, do: (receive do {:done, _} -> :ok end)
      end)

    Supervisor.stop(sup)
    %{task_sup: us}
  end

  # N casts into a GenServer whose state map grows to N keys.
  def map_state(n) do
    {:ok, s} = ScaleMapServer.start_link()

    us =
      time_us(fn ->
        for i <- 1..n, do: GenServer.cast(s, {:put, i, i})
        check(GenServer.call(s, {:get, n}) == n, "map server")
      end)

    GenServer.stop(s)
    %{genserver_map_state: us}
  end

  # A trap_exit process links N children and collects their N exits.
  def links(n) do
    parent = self()

    us =
      time_us(fn ->
        spawn(fn ->
          Process.flag(:trap_exit, true)
          kids = for _ <- 1..n, do: spawn_link(fn -> receive do: (:stop -> :ok) end)
          Enum.each(kids, &send(&1, :stop))
          for _ <- 1..n, do: (receive do {:EXIT, _, :normal} -> :ok end)
          send(parent, :linked_done)
        end)

        receive do: (:linked_done -> :ok)
      end)

    %{trap_exit_links: us}
  end

  # One process monitors N processes and receives their N :DOWNs.
  def monitors(n) do
    us =
      time_us(fn ->
        kids = for _ <- 1..n, do: spawn(fn -> receive do: (:stop -> :ok) end)
        refs = for k <- kids, do: Process.monitor(k)
        Enum.each(kids, &send(&1, :stop))
        for r <- refs, do: (receive do {:DOWN, ^r, :process, _, :normal} -> :ok end)
      end)

    %{monitors: us}
  end

  # N keys registered in a unique Registry by one process, then looked up. A task
  # registers (it is linked to the partition, so it must be gone before the stop).
  def registry(n, rep) do
    name = String.to_atom("ScaleRegistry#{rep}")
    {:ok, reg} = Registry.start_link(keys: :unique, name: name)

    us =
      Task.async(fn ->
        time_us(fn ->
          for i <- 1..n, do: {:ok, _} = Registry.register(name, {:key, i}, i)
          for i <- 1..n, do: [{_, ^i}] = Registry.lookup(name, {:key, i})
        end)
      end)
      |> Task.await(:infinity)

    Supervisor.stop(reg)
    %{registry: us}
  end

  # N timers armed (distinct deadlines, all in the future), then cancelled.
  def timers(n) do
    me = self()

    us =
      time_us(fn ->
        refs = for i <- 1..n, do: Process.send_after(me, {:tick, i}, 600_000 + i)
        for r <- refs, do: check(is_integer(Process.cancel_timer(r)), "timer pending")
      end)

    %{timers: us}
  end

  # N processes that each wait for one message, then get it.
  def spawn_wait(n) do
    me = self()

    us =
      time_us(fn ->
        pids = for _ <- 1..n, do: spawn(fn -> receive do: (:go -> send(me, :done)) end)
        Enum.each(pids, &send(&1, :go))
        for _ <- 1..n, do: (receive do: (:done -> :ok))
      end)

    %{spawn_wait: us}
  end

  # N rows inserted into one ETS set and N into one ordered_set, each read back.
  def ets(n) do
    set = :ets.new(:scale_set, [:set])
    ord = :ets.new(:scale_ord, [:ordered_set])
    s = time_us(fn -> for i <- 1..n, do: (true = :ets.insert(set, {i, i}); [{^i, ^i}] = :ets.lookup(set, i)) end)
    o = time_us(fn -> for i <- 1..n, do: (true = :ets.insert(ord, {i, i}); [{^i, ^i}] = :ets.lookup(ord, i)) end)
    :ets.delete(set)
    :ets.delete(ord)
    %{ets_set: s, ets_ordered_set: o}
  end

  def run(n) do
    reps = if n <= 1_000, do: 5, else: if(n <= 10_000, do: 3, else: 2)

    workloads = [
      &dynsup/1,
      &task_sup/1,
      &map_state/1,
      &links/1,
      &monitors/1,
      &timers/1,
      &spawn_wait/1,
      &ets/1
    ]

    runs =
      for rep <- 1..reps do
        Enum.reduce(workloads, registry(n, rep), fn w, acc -> Map.merge(acc, w.(n)) end)
      end

    for name <- runs |> hd() |> Map.keys() |> Enum.sort() do
      best = runs |> Enum.map(&Map.fetch!(&1, name)) |> Enum.min()
      h = div(best + 5, 10)
      frac = String.pad_leading(Integer.to_string(rem(h, 100)), 2, "0")
      IO.puts("scale_#{name}_ms #{div(h, 100)}.#{frac} ms")
    end
  end
end

n =
  case System.argv() do
    [arg | _] -> String.to_integer(arg)
    [] -> 10_000
  end

Scale.run(n)
