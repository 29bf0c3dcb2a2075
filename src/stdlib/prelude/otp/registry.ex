defmodule Registry do
  @moduledoc """
  Registry: a local key-value process registry on ETS, as Elixir's.

  A registry is a supervisor (registered under the registry's name) that owns a
  named, public ETS table of metadata, and one `Registry.Partition` server per
  partition. Each partition owns two public tables:

    * the key table, `{key, {pid, value}}` rows (`:set` for unique keys,
      `:duplicate_bag` for duplicate keys);
    * the pid table, `{pid, key, key_table}` rows (`:duplicate_bag`), so the
      entries of a process that dies are found by its pid, never by a scan.

  Registering writes the rows from the calling process itself (reads and writes
  never go through a server) and links the caller to the partition server, which
  traps exits and deletes the rows of a linked process when it dies.

  Unique keys are spread over partitions by `:erlang.phash2(key, partitions)`,
  duplicate keys by the registering pid, as Elixir does.
  """

  # Metadata rows the registry keeps beside the user's `meta:` entries. Integer
  # keys never collide with meta keys, which must be atoms or tuples.
  @info_key -1

  @doc "The child spec of a registry started with `options` (a supervisor)."
  def child_spec(options) when is_list(options) do
    %{id: Keyword.get(options, :name, Registry), start: {Registry, :start_link, [options]}, type: :supervisor}
  end

  @doc "Starts a registry: `keys: :unique | :duplicate`, `name:`, `partitions:`, `listeners:`, `meta:`."
  def start_link(options) when is_list(options) do
    keys = Keyword.get(options, :keys)

    unless keys in [:unique, :duplicate] do
      raise ArgumentError, "expected :keys to be given and be one of :unique or :duplicate, got: #{inspect(keys)}"
    end

    name = Keyword.get(options, :name)

    unless is_atom(name) and name != nil do
      raise ArgumentError, "expected :name to be given and to be an atom, got: #{inspect(name)}"
    end

    meta = Keyword.get(options, :meta, [])

    unless Keyword.keyword?(meta) do
      raise ArgumentError, "expected :meta to be a keyword list, got: #{inspect(meta)}"
    end

    partitions = Keyword.get(options, :partitions, 1)

    unless is_integer(partitions) and partitions >= 1 do
      raise ArgumentError, "expected :partitions to be a positive integer, got: #{inspect(partitions)}"
    end

    listeners = Keyword.get(options, :listeners, [])

    unless is_list(listeners) and Enum.all?(listeners, &is_atom/1) do
      raise ArgumentError, "expected :listeners to be a list of named processes, got: #{inspect(listeners)}"
    end

    arg = {keys, name, partitions, listeners, meta}
    Supervisor.start_link(Registry.Supervisor, arg, name: name)
  end

  @doc false
  # The pre-1.4 form `start_link(keys, name, options)`.
  def start_link(keys, name, options \\ []) when is_atom(keys) and is_list(options) do
    start_link([keys: keys, name: name] ++ options)
  end

  ## Registering

  @doc "Registers the caller under `key` with `value`: `{:ok, owner}` or `{:error, {:already_registered, pid}}`."
  def register(registry, key, value) when is_atom(registry) do
    me = self()
    {kind, partitions, listeners} = info!(registry)
    key_table = key_table(registry, kind, key, me, partitions)
    {server, pid_table} = pid_table(registry, me, partitions)
    # The pid row goes first: if the caller dies between the two writes, the
    # partition still finds and removes the key row.
    Process.link(server)
    row = {me, key, key_table}
    true = :ets.insert(pid_table, row)

    case register_key(kind, key_table, key, {key, {me, value}}) do
      :ok ->
        for listener <- listeners, do: Kernel.send(listener, {:register, registry, key, me, value})
        {:ok, server}

      {:error, {:already_registered, ^me}} = error ->
        # The caller already holds the key: its pid row stays.
        :ets.delete_object(pid_table, row)
        true = :ets.insert(pid_table, row)
        error

      {:error, _} = error ->
        :ets.delete_object(pid_table, row)
        unlink_if_unregistered(server, pid_table, me)
        error
    end
  end

  defp register_key(:duplicate, key_table, _key, row) do
    true = :ets.insert(key_table, row)
    :ok
  end

  defp register_key(:unique, key_table, key, row) do
    if :ets.insert_new(key_table, row) do
      :ok
    else
      case :ets.lookup(key_table, key) do
        [{_, {pid, _}} = current] ->
          if Process.alive?(pid) do
            {:error, {:already_registered, pid}}
          else
            # Its owner died and the partition has not cleaned up yet.
            :ets.delete_object(key_table, current)
            register_key(:unique, key_table, key, row)
          end

        [] ->
          register_key(:unique, key_table, key, row)
      end
    end
  end

  @doc "Unregisters every entry of the caller under `key`; always `:ok`."
  def unregister(registry, key) when is_atom(registry) do
    me = self()
    {kind, partitions, listeners} = info!(registry)
    key_table = key_table(registry, kind, key, me, partitions)
    {server, pid_table} = pid_table(registry, me, partitions)
    delete_own_rows(key_table, key, me, fn _value -> true end)
    :ets.delete_object(pid_table, {me, key, key_table})
    unlink_if_unregistered(server, pid_table, me)
    for listener <- listeners, do: Kernel.send(listener, {:unregister, registry, key, me})
    :ok
  end

  @doc "Unregisters the caller's entries under `key` whose value matches `pattern` and `guards`."
  def unregister_match(registry, key, pattern, guards \\ []) when is_atom(registry) and is_list(guards) do
    me = self()
    {kind, partitions, listeners} = info!(registry)
    key_table = key_table(registry, kind, key, me, partitions)
    {server, pid_table} = pid_table(registry, me, partitions)
    spec = [{{key, {me, pattern}}, guards, [:"$_"]}]
    doomed = :ets.select(key_table, spec)

    for row <- doomed, do: :ets.delete_object(key_table, row)

    # Keep one pid row per remaining registration under `key`.
    left = length(:ets.select(key_table, [{{key, {me, :_}}, [], [true]}]))
    row = {me, key, key_table}
    :ets.delete_object(pid_table, row)
    for _ <- List.duplicate(nil, left), do: :ets.insert(pid_table, row)
    unlink_if_unregistered(server, pid_table, me)

    if doomed != [] do
      for listener <- listeners, do: Kernel.send(listener, {:unregister, registry, key, me})
    end

    :ok
  end

  # Deletes the caller's rows under `key` whose value `doomed?` accepts.
  defp delete_own_rows(key_table, key, me, doomed?) do
    for {_, {^me, value}} = row <- :ets.lookup(key_table, key), doomed?.(value) do
      :ets.delete_object(key_table, row)
    end
  end

  defp unlink_if_unregistered(server, pid_table, me) do
    unless :ets.member(pid_table, me), do: Process.unlink(server)
  end

  @doc "Updates the value of the caller's unique `key`: `{new, old}` or `:error`."
  def update_value(registry, key, callback) when is_atom(registry) and is_function(callback, 1) do
    me = self()

    case info!(registry) do
      {:unique, partitions, _} ->
        key_table = key_table(registry, :unique, key, me, partitions)

        case :ets.lookup(key_table, key) do
          [{^key, {^me, old}}] ->
            new = callback.(old)
            true = :ets.insert(key_table, {key, {me, new}})
            {new, old}

          _ ->
            :error
        end

      {:duplicate, _, _} ->
        raise ArgumentError, "Registry.update_value/3 is not supported for duplicate registries"
    end
  end

  ## Reading

  @doc "The `{pid, value}` entries under `key`."
  def lookup(registry, key) when is_atom(registry) do
    case info!(registry) do
      {:unique, partitions, _} ->
        case :ets.lookup(key_table(registry, :unique, key, nil, partitions), key) do
          [{_, {pid, _} = entry}] -> if Process.alive?(pid), do: [entry], else: []
          [] -> []
        end

      {:duplicate, partitions, _} ->
        for table <- key_tables(registry, partitions), {_, entry} <- :ets.lookup(table, key), do: entry
    end
  end

  @doc "The `{pid, value}` entries under `key` whose value matches `pattern` and `guards`."
  def match(registry, key, pattern, guards \\ []) when is_atom(registry) and is_list(guards) do
    spec = [{{key, {:_, pattern}}, guards, [{:element, 2, :"$_"}]}]
    select_over(registry, key, spec, &:ets.select/2)
  end

  @doc "How many entries under `key` match `pattern` and `guards`."
  def count_match(registry, key, pattern, guards \\ []) when is_atom(registry) and is_list(guards) do
    spec = [{{key, {:_, pattern}}, guards, [true]}]
    Enum.sum(select_over(registry, key, spec, fn table, s -> [:ets.select_count(table, s)] end))
  end

  # Runs `run.(table, spec)` over the tables `key` can be in; concatenates results.
  defp select_over(registry, key, spec, run) do
    case info!(registry) do
      {:unique, partitions, _} -> run.(key_table(registry, :unique, key, nil, partitions), spec)
      {:duplicate, partitions, _} -> Enum.flat_map(key_tables(registry, partitions), &run.(&1, spec))
    end
  end

  @doc "Selects with a match spec over `{key, pid, value}` triples."
  def select(registry, spec) when is_atom(registry) and is_list(spec) do
    spec = registry_spec(spec, "select/2")
    {_, partitions, _} = info!(registry)
    Enum.flat_map(key_tables(registry, partitions), &:ets.select(&1, spec))
  end

  @doc "Counts the entries a match spec over `{key, pid, value}` triples selects."
  def count_select(registry, spec) when is_atom(registry) and is_list(spec) do
    spec = registry_spec(spec, "count_select/2")
    {_, partitions, _} = info!(registry)
    Enum.sum(Enum.map(key_tables(registry, partitions), &:ets.select_count(&1, spec)))
  end

  # `{key, pid, value}` heads become the stored `{key, {pid, value}}` shape.
  defp registry_spec(spec, function) do
    for part <- spec do
      case part do
        {{key, pid, value}, guards, body} ->
          {{key, {pid, value}}, guards, body}

        _ ->
          raise ArgumentError, "invalid match specification in Registry.#{function}: #{inspect(spec)}"
      end
    end
  end

  @doc "How many entries the registry holds."
  def count(registry) when is_atom(registry) do
    {_, partitions, _} = info!(registry)
    Enum.sum(Enum.map(key_tables(registry, partitions), &:ets.info(&1, :size)))
  end

  @doc "The keys `pid` is registered under (repeated for duplicate registrations)."
  def keys(registry, pid) when is_atom(registry) and is_pid(pid) do
    {kind, partitions, _} = info!(registry)
    {_, pid_table} = pid_table(registry, pid, partitions)
    keys = for {_, key, _} <- :ets.lookup(pid_table, pid), do: key
    if kind == :unique, do: Enum.uniq(keys), else: keys
  end

  @doc "The values `pid` registered under `key`."
  def values(registry, key, pid) when is_atom(registry) and is_pid(pid) do
    {kind, partitions, _} = info!(registry)
    table = key_table(registry, kind, key, pid, partitions)
    for {_, {^pid, value}} <- :ets.lookup(table, key), do: value
  end

  @doc "Calls `mfa_or_fun` with the `{pid, value}` entries under `key`, if any; `:ok`."
  def dispatch(registry, key, mfa_or_fun, _options \\ []) when is_atom(registry) do
    case lookup(registry, key) do
      [] -> :ok
      entries -> apply_dispatch(mfa_or_fun, entries)
    end

    :ok
  end

  defp apply_dispatch({module, function, args}, entries), do: apply(module, function, [entries | args])
  defp apply_dispatch(fun, entries) when is_function(fun, 1), do: fun.(entries)

  ## Metadata

  @doc "The metadata stored under `key`: `{:ok, value}` or `:error`."
  def meta(registry, key) when is_atom(registry) and (is_atom(key) or is_tuple(key)) do
    case :ets.lookup(meta_table!(registry), key) do
      [{^key, value}] -> {:ok, value}
      _ -> :error
    end
  end

  @doc "Stores metadata `value` under `key`."
  def put_meta(registry, key, value) when is_atom(registry) and (is_atom(key) or is_tuple(key)) do
    true = :ets.insert(meta_table!(registry), {key, value})
    :ok
  end

  ## {:via, Registry, {registry, key}} and {:via, Registry, {registry, key, value}}

  @doc false
  def register_name({registry, key}, pid) when pid == self(), do: register_name({registry, key, nil}, pid)

  def register_name({registry, key, value}, pid) when pid == self() do
    case register(registry, key, value) do
      {:ok, _} -> :yes
      {:error, _} -> :no
    end
  end

  @doc false
  def whereis_name({registry, key}), do: whereis_name({registry, key, nil})

  def whereis_name({registry, key, _value}) do
    case info!(registry) do
      {:unique, _, _} ->
        case lookup(registry, key) do
          [{pid, _}] -> pid
          [] -> :undefined
        end

      {kind, _, _} ->
        raise ArgumentError, ":via is not supported for #{kind} registries"
    end
  end

  @doc false
  def unregister_name({registry, key}), do: unregister(registry, key)
  def unregister_name({registry, key, _value}), do: unregister(registry, key)

  @doc false
  def send({registry, key} = name, message) do
    case whereis_name({registry, key, nil}) do
      :undefined -> :erlang.error(:badarg, [name, message])
      pid -> Kernel.send(pid, message)
    end
  end

  def send({registry, key, _value} = name, message) do
    case whereis_name({registry, key, nil}) do
      :undefined -> :erlang.error(:badarg, [name, message])
      pid -> Kernel.send(pid, message)
    end
  end

  ## Tables

  defp meta_table!(registry) do
    if :ets.whereis(registry) == :undefined do
      raise ArgumentError, "unknown registry: #{inspect(registry)}"
    end

    registry
  end

  defp info!(registry) do
    case :ets.whereis(registry) do
      :undefined ->
        raise ArgumentError, "unknown registry: #{inspect(registry)}"

      _ ->
        case :ets.lookup(registry, @info_key) do
          [{_, info}] -> info
          [] -> raise ArgumentError, "unknown registry: #{inspect(registry)}"
        end
    end
  end

  # The partition a term falls in.
  defp partition(_term, 1), do: 0
  defp partition(term, partitions), do: :erlang.phash2(term, partitions)

  # The key table `key` lives in: by key for unique registries, by pid for
  # duplicate ones (a nil pid asks for every duplicate partition, see callers).
  defp key_table(registry, :unique, key, _pid, partitions) do
    :ets.lookup_element(registry, partition(key, partitions), 2)
  end

  defp key_table(registry, :duplicate, _key, pid, partitions) do
    :ets.lookup_element(registry, partition(pid, partitions), 2)
  end

  defp key_tables(registry, partitions) do
    for i <- 0..(partitions - 1), do: :ets.lookup_element(registry, i, 2)
  end

  # `{partition_server, pid_table}` for `pid`.
  defp pid_table(registry, pid, partitions) do
    :ets.lookup_element(registry, partition(pid, partitions), 3)
  end

  @doc false
  def __info_key__, do: @info_key
end

defmodule Registry.Supervisor do
  @moduledoc false
  # The registry's top process: creates the metadata table, then one partition
  # server per partition.

  def init({kind, registry, partitions, listeners, meta}) do
    ^registry = :ets.new(registry, [:set, :public, :named_table, read_concurrency: true])
    true = :ets.insert(registry, meta)
    true = :ets.insert(registry, {Registry.__info_key__(), {kind, partitions, listeners}})

    children =
      for i <- 0..(partitions - 1) do
        %{id: i, start: {Registry.Partition, :start_link, [{kind, registry, i}]}}
      end

    Supervisor.init(children, strategy: strategy(kind))
  end

  # A unique registry's partition holds pids whose keys live in any partition,
  # so one partition's crash takes all down; a duplicate registry's partition
  # holds both tables of its pids.
  defp strategy(:unique), do: :one_for_all
  defp strategy(:duplicate), do: :one_for_one
end

defmodule Registry.Partition do
  @moduledoc false
  # Owns one partition's key and pid tables; links to the processes registered in
  # it (they link to it) and removes their rows when they exit.

  def start_link(arg), do: GenServer.start_link(Registry.Partition, arg)

  def init({kind, registry, i}) do
    Process.flag(:trap_exit, true)
    key_type = if kind == :unique, do: :set, else: :duplicate_bag
    key_table = :ets.new(:registry_keys, [key_type, :public, read_concurrency: true, write_concurrency: true])
    pid_table = :ets.new(:registry_pids, [:duplicate_bag, :public, read_concurrency: true, write_concurrency: true])
    true = :ets.insert(registry, {i, key_table, {self(), pid_table}})
    {:ok, {registry, pid_table}}
  end

  # Listeners hear nothing here: as in Elixir, a listener that wants to know
  # about crashes monitors the registered process itself.
  def handle_info({:EXIT, pid, _reason}, {_registry, pid_table} = state) do
    for {^pid, key, key_table} <- Enum.uniq(:ets.take(pid_table, pid)) do
      for {_, {^pid, _}} = row <- :ets.lookup(key_table, key), do: :ets.delete_object(key_table, row)
    end

    {:noreply, state}
  end

  def handle_info(_message, state), do: {:noreply, state}
end
