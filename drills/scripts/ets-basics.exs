# Walkthrough: ETS basics (drill ets-basics).
# An ETS table is an in-memory store of tuples owned by a process. Reads and
# writes do not go through the owner, so many processes can use it at once.

# A named, public set: keys are unique, any process may read and write.
:ets.new(:people, [:set, :public, :named_table])
:ets.insert(:people, [{:alice, 30, "engineer"}, {:bob, 25, "designer"}, {:carol, 35, "manager"}])
:ets.lookup(:people, :alice)

# Inserting an existing key replaces the row in a set.
:ets.insert(:people, {:alice, 31, "senior engineer"})
:ets.lookup(:people, :alice)

# Delete a row; a missing key gives an empty list, never an error.
:ets.delete(:people, :bob)
:ets.lookup(:people, :bob)

# Match patterns: :"$1" binds, :_ ignores. select adds guards and a result shape.
:ets.match(:people, {:"$1", :_, "manager"})
:ets.select(:people, [{{:"$1", :"$2", :_}, [{:>, :"$2", 30}], [:"$1"]}]) |> Enum.sort()

# Counters update in place, atomically, without a read-modify-write race.
:ets.insert(:people, {:visits, 0})
for _ <- 1..10, do: :ets.update_counter(:people, :visits, 1)
:ets.lookup_element(:people, :visits, 2)

# The four kinds: set, ordered_set (sorted by key), bag and duplicate_bag.
sorted = :ets.new(:sorted, [:ordered_set])
:ets.insert(sorted, [{3, :c}, {1, :a}, {2, :b}])
:ets.tab2list(sorted)

bag = :ets.new(:bag, [:bag])
:ets.insert(bag, [{:tag, :red}, {:tag, :red}, {:tag, :blue}])
dup = :ets.new(:dup, [:duplicate_bag])
:ets.insert(dup, [{:tag, :red}, {:tag, :red}, {:tag, :blue}])
{length(:ets.lookup(bag, :tag)), length(:ets.lookup(dup, :tag))}

# Access: a protected table (the default) can be read by anyone but written
# only by its owner. Here another process tries to write to ours.
guarded = :ets.new(:guarded, [:set, :protected])
Task.async(fn ->
  try do
    :ets.insert(guarded, {:x, 1})
  rescue
    ArgumentError -> :not_allowed
  end
end)
|> Task.await()

# A table dies with its owner. This one belongs to a short-lived process.
owner = spawn(fn -> :ets.new(:short_lived, [:named_table, :public]); receive do: (:stop -> :ok) end)
Process.sleep(50)
before = :ets.whereis(:short_lived) != :undefined
send(owner, :stop)
Process.sleep(50)
{before, :ets.whereis(:short_lived)}
