# Walkthrough: the same stack as an Agent and as a GenServer (drill agent-vs-genserver).
# An Agent is a GenServer whose callbacks are written for you: you pass functions.
# A GenServer names its messages and can handle plain messages and shutdown.

defmodule PileAgent do
  use Agent
  def start_link(initial \\ []), do: Agent.start_link(fn -> initial end, name: __MODULE__)
  def push(item), do: Agent.update(__MODULE__, &[item | &1])

  def pop do
    Agent.get_and_update(__MODULE__, fn
      [] -> {{:error, :empty}, []}
      [top | rest] -> {{:ok, top}, rest}
    end)
  end
end

defmodule PileServer do
  use GenServer
  def start_link(initial \\ []), do: GenServer.start_link(__MODULE__, initial, name: __MODULE__)
  def push(item), do: GenServer.cast(__MODULE__, {:push, item})
  def pop, do: GenServer.call(__MODULE__, :pop)

  @impl true
  def init(initial), do: {:ok, initial}

  @impl true
  def handle_cast({:push, item}, stack), do: {:noreply, [item | stack]}

  @impl true
  def handle_call(:pop, _from, []), do: {:reply, {:error, :empty}, []}
  def handle_call(:pop, _from, [top | rest]), do: {:reply, {:ok, top}, rest}

  # Only a GenServer can react to a plain message.
  @impl true
  def handle_info({:push_many, items}, stack), do: {:noreply, Enum.reverse(items) ++ stack}
end

{:ok, _} = PileAgent.start_link([:b, :a])
{:ok, _} = PileServer.start_link([:b, :a])

# Same behaviour through both: the head of the list is the top.
PileAgent.push(:c)
PileServer.push(:c)
{[PileAgent.pop(), PileAgent.pop(), PileAgent.pop(), PileAgent.pop()],
 [PileServer.pop(), PileServer.pop(), PileServer.pop(), PileServer.pop()]}

# Popping an empty stack is an answer, not a crash: both are still alive.
{Process.alive?(Process.whereis(PileAgent)), Process.alive?(Process.whereis(PileServer))}

# A plain message: the GenServer handles it.
send(PileServer, {:push_many, [1, 2]})
PileServer.pop()

# An Agent is a GenServer underneath: it answers :sys.get_state like one.
:sys.get_state(PileAgent)
