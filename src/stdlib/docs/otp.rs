//! Process, Task, Agent, GenServer, Supervisor and `:ets`, for `h/1`.

use super::{FunctionDoc, ModuleDoc};

/// The documented OTP modules.
pub static MODULES: &[ModuleDoc] = &[
    ModuleDoc {
        module: "Process",
        about: "Functions on processes: sleeping, linking and monitoring, the process \
dictionary, registered names and exit signals.\n\n    iex> pid = spawn(fn -> Process.sleep(100) end)\n    iex> Process.alive?(pid)\n    true",
        functions: &[
            FunctionDoc { name: "sleep", arity: 1, signature: "sleep(timeout)", text: "Suspends the calling process for timeout milliseconds (or forever with :infinity); its mailbox keeps filling meanwhile.\n\n    iex> Process.sleep(10)\n    :ok" },
            FunctionDoc { name: "monitor", arity: 1, signature: "monitor(pid)", text: "Watches pid without linking: when it exits, the caller receives {:DOWN, ref, :process, pid, reason}. Returns ref.\n\n    iex> pid = spawn(fn -> :ok end)\n    iex> ref = Process.monitor(pid)\n    iex> receive do {:DOWN, ^ref, :process, _, reason} -> reason end\n    :normal" },
            FunctionDoc { name: "exit", arity: 2, signature: "exit(pid, reason)", text: "Sends an exit signal to pid. :kill cannot be trapped; :normal is ignored unless pid traps exits or is the caller.\n\n    iex> pid = spawn(fn -> Process.sleep(:infinity) end)\n    iex> Process.exit(pid, :kill)\n    true" },
            FunctionDoc { name: "alive?", arity: 1, signature: "alive?(pid)", text: "True while the process exists.\n\n    iex> Process.alive?(self())\n    true" },
            FunctionDoc { name: "flag", arity: 2, signature: "flag(flag, value)", text: "Sets a flag of the calling process and returns its old value. With :trap_exit set to true, exit signals from links arrive as {:EXIT, from, reason} messages instead of killing it.\n\n    iex> Process.flag(:trap_exit, true)\n    false" },
        ],
    },
    ModuleDoc {
        module: "Task",
        about: "Runs a function in a new process and collects its result later: \
Task.async/1 then Task.await/2. The task is linked to its caller, so a crash in either \
takes both down.\n\n    iex> task = Task.async(fn -> 6 * 7 end)\n    iex> Task.await(task)\n    42",
        functions: &[
            FunctionDoc { name: "async", arity: 1, signature: "async(fun)", text: "Starts a linked, monitored process running fun and returns a %Task{} to await. Await every task you start.\n\n    iex> Task.async(fn -> :hi end) |> Task.await()\n    :hi" },
            FunctionDoc { name: "await", arity: 2, signature: "await(task, timeout)", text: "Waits up to timeout ms (default 5000) for the task's reply and returns it; exits the caller if the task crashed or the time ran out.\n\n    iex> Task.async(fn -> 1 + 1 end) |> Task.await(1000)\n    2" },
            FunctionDoc { name: "yield", arity: 2, signature: "yield(task, timeout)", text: "Like await/2 but gives back nil after timeout instead of exiting, so the caller can wait again or shut the task down.\n\n    iex> Task.async(fn -> Process.sleep(50); :late end) |> Task.yield(10)\n    nil" },
            FunctionDoc { name: "async_stream", arity: 3, signature: "async_stream(enumerable, fun, options)", text: "A stream that runs fun on each element in its own task, at most max_concurrency at a time, giving {:ok, result} in input order.\n\n    iex> Task.async_stream([1, 2], &(&1 * 10), max_concurrency: 2) |> Enum.to_list()\n    [ok: 10, ok: 20]" },
        ],
    },
    ModuleDoc {
        module: "Agent",
        about: "A process that holds one piece of state, read and changed through \
functions you send it. Every call is served in order, so updates never race.\n\n    iex> {:ok, agent} = Agent.start_link(fn -> 0 end)\n    iex> Agent.update(agent, &(&1 + 1))\n    iex> Agent.get(agent, & &1)\n    1",
        functions: &[
            FunctionDoc { name: "start_link", arity: 1, signature: "start_link(fun)", text: "Starts a linked agent whose state is what fun returns; {:ok, pid}.\n\n    iex> {:ok, pid} = Agent.start_link(fn -> %{} end)\n    iex> is_pid(pid)\n    true" },
            FunctionDoc { name: "get", arity: 2, signature: "get(agent, fun)", text: "Runs fun on the state inside the agent and returns its result; the state is unchanged.\n\n    iex> {:ok, a} = Agent.start_link(fn -> [1, 2] end)\n    iex> Agent.get(a, &length/1)\n    2" },
            FunctionDoc { name: "update", arity: 2, signature: "update(agent, fun)", text: "Replaces the state with fun applied to it, waiting until done; returns :ok.\n\n    iex> {:ok, a} = Agent.start_link(fn -> 1 end)\n    iex> Agent.update(a, &(&1 * 10))\n    :ok" },
            FunctionDoc { name: "get_and_update", arity: 2, signature: "get_and_update(agent, fun)", text: "fun returns {reply, new_state}: the caller gets reply and the agent keeps new_state, in one step.\n\n    iex> {:ok, a} = Agent.start_link(fn -> 5 end)\n    iex> Agent.get_and_update(a, fn n -> {n, n + 1} end)\n    5" },
        ],
    },
    ModuleDoc {
        module: "GenServer",
        about: "A process that keeps state and answers messages through callbacks you write \
in a module: init/1, handle_call/3 for requests that want a reply, handle_cast/2 for \
fire-and-forget ones, handle_info/2 for any other message.\n\n    iex> defmodule Counter do\n    ...>   use GenServer\n    ...>   def init(n), do: {:ok, n}\n    ...>   def handle_call(:next, _from, n), do: {:reply, n, n + 1}\n    ...> end\n    iex> {:ok, pid} = GenServer.start_link(Counter, 0)\n    iex> GenServer.call(pid, :next)\n    0",
        functions: &[
            FunctionDoc { name: "start_link", arity: 3, signature: "start_link(module, init_arg, options)", text: "Starts a linked server running module's callbacks; init/1 receives init_arg. Options include name: to register it. Returns {:ok, pid}.\n\n    iex> {:ok, pid} = GenServer.start_link(Counter, 0, name: :counter)\n    iex> Process.whereis(:counter) == pid\n    true" },
            FunctionDoc { name: "call", arity: 3, signature: "call(server, request, timeout)", text: "Sends request to handle_call/3 and waits up to timeout ms (default 5000) for the reply; exits the caller if the server dies or does not answer in time.\n\n    iex> GenServer.call(pid, :next, 1000)\n    1" },
            FunctionDoc { name: "cast", arity: 2, signature: "cast(server, request)", text: "Sends request to handle_cast/2 and returns :ok at once, without waiting.\n\n    iex> GenServer.cast(pid, :reset)\n    :ok" },
            FunctionDoc { name: "stop", arity: 3, signature: "stop(server, reason, timeout)", text: "Stops the server with reason after its terminate/2 runs, waiting for it; :ok.\n\n    iex> GenServer.stop(pid, :normal, 1000)\n    :ok" },
        ],
    },
    ModuleDoc {
        module: "Supervisor",
        about: "A process that starts child processes and restarts them when they die, \
following a strategy: :one_for_one restarts only the child that died, :one_for_all \
restarts all, :rest_for_one restarts it and those started after it.\n\n    iex> children = [{Agent, fn -> 0 end}]\n    iex> {:ok, sup} = Supervisor.start_link(children, strategy: :one_for_one)\n    iex> Supervisor.count_children(sup).active\n    1",
        functions: &[
            FunctionDoc { name: "start_link", arity: 2, signature: "start_link(children, options)", text: "Starts a linked supervisor with the child specs in children; options must give strategy:.\n\n    iex> {:ok, sup} = Supervisor.start_link([], strategy: :one_for_one)\n    iex> is_pid(sup)\n    true" },
            FunctionDoc { name: "which_children", arity: 1, signature: "which_children(supervisor)", text: "A list of {id, pid, type, modules} for each child.\n\n    iex> Supervisor.which_children(sup)\n    []" },
            FunctionDoc { name: "count_children", arity: 1, signature: "count_children(supervisor)", text: "A map counting the children: specs, active, supervisors and workers.\n\n    iex> Supervisor.count_children(sup)\n    %{active: 0, specs: 0, supervisors: 0, workers: 0}" },
        ],
    },
    ModuleDoc {
        module: ":ets",
        about: "Erlang Term Storage: in-memory tables of tuples, owned by a process and \
shared with others without copying through a mailbox. A table is deleted when its \
owner exits.\n\n    iex> t = :ets.new(:scores, [:set, :public])\n    iex> :ets.insert(t, {:ann, 3})\n    iex> :ets.lookup(t, :ann)\n    [ann: 3]",
        functions: &[
            FunctionDoc { name: "new", arity: 2, signature: "new(name, options)", text: "Creates a table; options choose the type (:set, :ordered_set, :bag, :duplicate_bag), access (:public, :protected, :private) and :named_table.\n\n    iex> :ets.new(:cache, [:named_table, :public])\n    :cache" },
            FunctionDoc { name: "insert", arity: 2, signature: "insert(table, object)", text: "Stores a tuple (or a list of tuples) keyed by its first element; in a set it replaces the row with that key. Returns true.\n\n    iex> :ets.insert(:cache, {:a, 1})\n    true" },
            FunctionDoc { name: "lookup", arity: 2, signature: "lookup(table, key)", text: "The rows with key, as a list ([] when none).\n\n    iex> :ets.lookup(:cache, :a)\n    [a: 1]" },
            FunctionDoc { name: "update_counter", arity: 3, signature: "update_counter(table, key, increment)", text: "Adds increment to the integer in the row's second element, atomically, and returns the new value.\n\n    iex> :ets.insert(:cache, {:hits, 0})\n    iex> :ets.update_counter(:cache, :hits, 1)\n    1" },
            FunctionDoc { name: "delete", arity: 2, signature: "delete(table, key)", text: "Removes the rows with key; true.\n\n    iex> :ets.delete(:cache, :a)\n    true" },
        ],
    },
];
