defmodule IEx.Helpers do
  @moduledoc "Shell helpers available as plain calls in the REPL."

  @doc "Prints and removes every message in the calling process's mailbox; returns :ok."
  def flush do
    receive do
      message ->
        IO.inspect(message)
        flush()
    after
      0 -> :ok
    end
  end

  @doc """
  Prints every ETS table as an aligned listing: the id (a named table's name, else
  its reference), the name, type, protection, rows, memory in words and owner.
  Returns :ok.
  """
  def ets_tables do
    header = ["id", "name", "type", "protection", "size", "memory", "owner"]

    lines =
      for tab <- :ets.all(), info = :ets.info(tab), is_list(info) do
        [
          inspect(tab),
          inspect(info[:name]),
          Atom.to_string(info[:type]),
          Atom.to_string(info[:protection]),
          Integer.to_string(info[:size]),
          Integer.to_string(info[:memory]),
          inspect(info[:owner])
        ]
      end

    case lines do
      [] -> IO.puts("no ETS tables")
      _ -> print_columns([header | lines], [:left, :left, :left, :left, :right, :right, :left])
    end

    :ok
  end

  @doc """
  Prints the rows of an ETS table (a name or a reference) in table order, one per
  line, under a title line. A private table owned by another process cannot be read:
  the helper says so, as ETS enforces it. Returns :ok.
  """
  def ets_rows(tab) do
    case :ets.info(tab) do
      :undefined ->
        IO.puts("no ETS table #{inspect(tab)}")

      info ->
        title = "#{inspect(tab)}: #{info[:type]}, #{info[:protection]}, #{rows_text(info[:size])}"

        if info[:protection] == :private and info[:owner] != self() do
          IO.puts("#{title} (private to #{inspect(info[:owner])}: only its owner can read the rows)")
        else
          IO.puts(title)
          Enum.each(:ets.tab2list(tab), fn row -> IO.puts("  " <> inspect(row)) end)
        end
    end

    :ok
  end

  @doc """
  Prints the shell helpers and what each does. `h Enum.map` (or `h Enum.map/2`,
  `h Enum`, `h MyModule.fun`) prints the documentation of one thing.
  """
  def h do
    IO.puts("""
    IEx helpers in otplab:

      h/0          this list
      h/1          documentation: h Enum, h Enum.map, h Enum.map/2, h MyModule.fun
      i/1          what a term is: i 42, i self()
      v/0, v/1     the value of an earlier entry: v(), v(3), v(-2)
      flush/0      prints and removes every message in the shell's mailbox
      ets_tables/0 lists every ETS table
      ets_rows/1   prints the rows of an ETS table
      seq/1        runs a function, then draws the messages it caused: seq(fn -> Agent.get(a, & &1) end)
      tree/0,1     the supervision tree of live processes (or of one): tree(), tree(:my_sup)
      timeline/1   runs a function, then draws the lifetimes of what it spawned
      observer/0   a full-screen live view of processes, the tree and ETS tables (q returns)
    """)

    :"do not show this result in output"
  end

  @doc """
  Prints what a term is, section by section: the term, its data type, facts
  about it (a string's bytes, a process's links and mailbox, a function's arity)
  and the modules whose functions work on it. `i(%{a: 1})` says it is a Map and
  points at `Map`. The REPL shows no result after it.
  """
  def i(term) do
    sections = [{"Term", inspect(term)}, {"Data type", data_type(term)}] ++ facts(term) ++ references(term)
    Enum.each(sections, fn {title, body} -> IO.puts(title <> "\n  " <> body) end)
    :"do not show this result in output"
  end

  defp data_type(term) when is_integer(term), do: "Integer"
  defp data_type(term) when is_float(term), do: "Float"
  defp data_type(term) when is_atom(term), do: "Atom"
  defp data_type(term) when is_binary(term), do: "BitString"
  defp data_type(term) when is_list(term), do: "List"
  defp data_type(%{__struct__: module}) when is_atom(module), do: inspect(module)
  defp data_type(term) when is_map(term), do: "Map"
  defp data_type(term) when is_tuple(term), do: "Tuple"
  defp data_type(term) when is_pid(term), do: "PID"
  defp data_type(term) when is_function(term), do: "Function"
  defp data_type(term) when is_reference(term), do: "Reference"
  defp data_type(_), do: "Term"

  defp facts(term) when is_binary(term) do
    kind =
      if String.valid?(term) and String.printable?(term),
        do: "A string: UTF-8 encoded bytes, every code point printable, so it is shown in double quotes.",
        else: "A binary that is not a printable UTF-8 string, so it is shown as its bytes."

    [
      {"Byte size", Integer.to_string(byte_size(term))},
      {"Description", kind},
      {"Raw representation", "<<" <> Enum.join(:erlang.binary_to_list(term), ", ") <> ">>"}
    ]
  end

  defp facts([_ | _] = term) do
    if List.ascii_printable?(term) do
      [
        {"Description", "A charlist: a list of integers shown in single quotes because each is a printable ASCII code point."},
        {"Raw representation", "[" <> Enum.join(term, ", ") <> "]"}
      ]
    else
      []
    end
  end

  defp facts(term) when is_pid(term) do
    case Process.info(term, [:registered_name, :links, :message_queue_len]) do
      nil ->
        [{"Alive", "false"}]

      info ->
        name = if info[:registered_name] in [nil, []], do: "not registered", else: inspect(info[:registered_name])
        links = if info[:links] == [], do: "none", else: Enum.map_join(info[:links], ", ", &inspect/1)

        [
          {"Alive", "true"},
          {"Name", name},
          {"Links", links},
          {"Message queue length", Integer.to_string(info[:message_queue_len])},
          {"Description", "Process.info/1 tells more about this process."}
        ]
    end
  end

  defp facts(term) when is_function(term) do
    arity = Enum.find(0..255, &is_function(term, &1))
    [{"Arity", Integer.to_string(arity)}]
  end

  defp facts(term) when is_atom(term) and not is_boolean(term) and not is_nil(term) do
    if Code.ensure_loaded?(term), do: [{"Description", "An atom naming a loaded module: its functions are called as Module.function(...)."}], else: []
  end

  defp facts(_), do: []

  defp references(term) when is_integer(term), do: [{"Reference modules", "Integer"}]
  defp references(term) when is_float(term), do: [{"Reference modules", "Float"}]
  defp references(term) when is_atom(term), do: [{"Reference modules", "Atom"}]
  defp references(term) when is_binary(term), do: [{"Reference modules", "String, :binary"}]
  defp references(term) when is_list(term), do: [{"Reference modules", "List"}]
  defp references(%{__struct__: module}) when is_atom(module), do: [{"Reference modules", inspect(module) <> ", Map"}]
  defp references(term) when is_map(term), do: [{"Reference modules", "Map"}]
  defp references(term) when is_tuple(term), do: [{"Reference modules", "Tuple"}]
  defp references(term) when is_pid(term), do: [{"Reference modules", "Process"}]
  defp references(_), do: []

  defp rows_text(1), do: "1 row"
  defp rows_text(n), do: "#{n} rows"

  # Prints rows of cells as columns two spaces apart, each padded to its widest cell.
  defp print_columns(rows, aligns) do
    widths =
      rows
      |> Enum.map(fn cells -> Enum.map(cells, &String.length/1) end)
      |> Enum.zip_with(&Enum.max/1)

    Enum.each(rows, fn cells ->
      [cells, widths, aligns]
      |> Enum.zip_with(fn [cell, width, align] -> pad(cell, width, align) end)
      |> Enum.join("  ")
      |> String.trim_trailing()
      |> IO.puts()
    end)
  end

  defp pad(cell, width, :left), do: String.pad_trailing(cell, width)
  defp pad(cell, width, :right), do: String.pad_leading(cell, width)

  @doc """
  Compiles and loads `file` (or each file of a list) and returns the modules it
  defined: `c "hello.ex"` gives `[Hello]`. `recompile/0` loads them again.
  otplab keeps modules in memory only, so a `path` other than `:in_memory` is
  refused.
  """
  def c(files, path \\ :in_memory)

  def c(files, :in_memory) do
    files
    |> List.wrap()
    |> Enum.flat_map(fn file ->
      path = Path.absname(file)
      :otplab_code.compiled(path)
      Enum.map(Code.compile_file(path), &elem(&1, 0))
    end)
  end

  def c(_files, path) do
    raise ArgumentError, "c/2 writes .beam files to #{inspect(path)}: otplab keeps modules in memory only, use c/1"
  end

  @doc """
  Compiles and loads again every file given to `c/1` in this session; returns
  `{:ok, modules}`, or `:noop` when `c/1` was never called.
  """
  def recompile do
    case :otplab_code.compiled_files() do
      [] -> :noop
      files -> {:ok, Enum.flat_map(files, &Enum.map(Code.compile_file(&1), fn {m, _} -> m end))}
    end
  end

  @doc """
  Prints the public functions and macros of `module` as `name/arity`, sorted, in
  columns: `exports(Agent)`.
  """
  def exports(module \\ Kernel) do
    names =
      module.__info__(:functions)
      |> Enum.sort()
      |> Enum.map(fn {name, arity} -> Atom.to_string(name) <> "/" <> Integer.to_string(arity) end)

    width = Enum.reduce(names, 0, &max(String.length(&1), &2)) + 4
    per_line = max(div(80, width), 1)

    names
    |> Enum.chunk_every(per_line)
    |> Enum.each(fn line -> IO.puts(Enum.map_join(line, &(String.pad_trailing(&1, width) <> " "))) end)

    :"do not show this result in output"
  end

  @doc """
  The pid written `"0.N.0"` (as `#PID<0.N.0>` prints it): `pid("0.21.0")`.
  """
  def pid(string) when is_binary(string) do
    case String.split(string, ".") do
      [x, y, z] -> pid(String.to_integer(x), String.to_integer(y), String.to_integer(z))
      _ -> raise ArgumentError, "pid/1 expects a string such as \"0.21.0\", got: #{inspect(string)}"
    end
  end

  @doc """
  Runs `fun`, then prints a message sequence chart of everything it caused: one
  lane per process (its registered name or pid, with the module it runs), an
  arrow per message (GenServer and Agent calls, casts and replies labelled
  `call :get`, `cast :reset`, `reply 1`), exit signals and `:DOWN`s, spawns,
  links and exits marked, times in ms on the clock in force. Returns what `fun`
  returned (or raises what it raised, after the chart).

  Processes that `fun` did not reach (a ticker started earlier) are left out.
  What `fun` set off goes on for 10 ms after it returns before the chart is drawn,
  so replies in flight and exits it caused are in it.
  """
  def seq(fun) when is_function(fun, 0) do
    started = :otplab_seq.start()

    result =
      try do
        {:ok, fun.()}
      catch
        kind, reason -> {:raised, kind, reason, __STACKTRACE__}
      end

    Process.sleep(10)
    Enum.each(:otplab_seq.chart(self(), started), &IO.puts/1)

    case result do
      {:ok, value} -> value
      {:raised, kind, reason, stack} -> :erlang.raise(kind, reason, stack)
    end
  end

  @doc """
  Prints the supervision tree of every live supervisor that no other supervisor
  supervises: each supervisor with its strategy and restart intensity, each child
  with its id, registered name, pid, status, mailbox length and memory, children
  that are supervisors drawn below them. Then the other live processes, with
  their links. `tree(pid_or_name)` prints the tree under one process.
  """
  def tree do
    supervisors = Enum.filter(Process.list(), &supervisor?/1)
    supervised = Enum.flat_map(supervisors, fn sup -> for %{pid: pid} when is_pid(pid) <- tree_children(sup), do: pid end)
    roots = Enum.reject(supervisors, &(&1 in supervised))
    Enum.each(roots, &print_tree(&1, ""))
    shown = roots ++ supervised

    others =
      for pid <- Process.list(), pid not in shown, pid != self(), not Enum.any?(supervisors, &(&1 == pid)), do: pid

    if roots == [], do: IO.puts("no supervisors are running")

    if others != [] do
      IO.puts("other processes:")
      Enum.each(others, fn pid -> IO.puts("  " <> process_line(pid) <> links_text(pid)) end)
    end

    :"do not show this result in output"
  end

  def tree(pid_or_name) do
    pid = if is_pid(pid_or_name), do: pid_or_name, else: Process.whereis(pid_or_name)

    cond do
      pid == nil -> raise ArgumentError, "no process is registered as #{inspect(pid_or_name)}"
      not Process.alive?(pid) -> raise ArgumentError, "#{inspect(pid)} is not alive"
      true -> print_tree(pid, "")
    end

    :"do not show this result in output"
  end

  defp print_tree(pid, indent) do
    if supervisor?(pid) do
      IO.puts(indent <> process_line(pid) <> "  " <> supervisor_text(pid))
      children = tree_children(pid)
      last = length(children) - 1

      children
      |> Enum.with_index()
      |> Enum.each(fn {child, i} ->
        {branch, below} = if i == last, do: {"└─ ", "   "}, else: {"├─ ", "│  "}
        id = if Map.has_key?(child, :id), do: "id " <> inspect(child.id) <> "  ", else: ""

        case child.pid do
          pid when is_pid(pid) ->
            if supervisor?(pid) do
              IO.write(indent <> branch <> id)
              print_tree(pid, indent <> below)
            else
              IO.puts(indent <> branch <> id <> process_line(pid))
            end

          _ ->
            IO.puts(indent <> branch <> id <> "not running")
        end
      end)
    else
      IO.puts(indent <> process_line(pid) <> links_text(pid))
    end
  end

  defp supervisor?(pid), do: initial_module(pid) in [Supervisor.Server, DynamicSupervisor.Server]

  defp initial_module(pid) do
    case Process.info(pid, :dictionary) do
      {:dictionary, dictionary} ->
        case List.keyfind(dictionary, :"$initial_call", 0) do
          {_, {module, _, _}} -> module
          _ -> nil
        end

      _ ->
        nil
    end
  end

  # The supervisor's state (its children in start order), or nothing when it does
  # not answer within a second.
  defp supervisor_state(pid) do
    try do
      :sys.get_state(pid, 1000)
    catch
      :exit, _ -> nil
    end
  end

  defp tree_children(pid) do
    case supervisor_state(pid) do
      %{children: children} -> children
      _ -> []
    end
  end

  defp supervisor_text(pid) do
    case supervisor_state(pid) do
      %{strategy: strategy, intensity: intensity, period: period} ->
        "#{strategy}, at most #{intensity} restarts in #{period} s"

      _ ->
        "(busy: its state could not be read)"
    end
  end

  defp process_line(pid) do
    case Process.info(pid, [:registered_name, :status, :message_queue_len, :memory]) do
      nil ->
        inspect(pid) <> " (exited)"

      info ->
        name = if info[:registered_name] in [nil, []], do: "", else: inspect(info[:registered_name]) <> " "
        module = initial_module(pid)
        kind = if module, do: " " <> inspect(module), else: ""

        name <> inspect(pid) <> kind <> "  " <> Atom.to_string(info[:status]) <>
          ", mailbox #{info[:message_queue_len]}, " <> memory_text(info[:memory])
    end
  end

  defp links_text(pid) do
    case Process.info(pid, :links) do
      {:links, []} -> ""
      {:links, links} -> "  linked to " <> Enum.map_join(links, ", ", &inspect/1)
      _ -> ""
    end
  end

  defp memory_text(bytes) when bytes < 1024, do: "#{bytes} B"
  defp memory_text(bytes), do: "#{Float.round(bytes / 1024, 1)} KB"

  @doc """
  Runs `fun`, then draws the lifetimes of the processes it spawned as lanes on a
  time axis, as the grader draws a timed check. A command of the otplab prompt:
  type `timeline(fn -> ... end)` alone on a line.
  """
  def timeline(fun) when is_function(fun, 0) do
    raise RuntimeError, "timeline/1 draws on the terminal: type it alone at the otplab prompt"
  end

  @doc """
  A full-screen live view of the processes (sortable by reductions, memory and
  mailbox), the supervision tree and the ETS tables; `q` returns to the prompt.
  A command of the otplab prompt: type `observer()` alone on a line.
  """
  def observer do
    raise RuntimeError, "observer/0 takes over the terminal: type it alone at the otplab prompt"
  end

  @doc "Clears the terminal (home the cursor, erase the screen)."
  def clear do
    IO.write("\e[H\e[2J")
    :"do not show this result in output"
  end

  @doc """
  Prints a short table of the runtime: the clock's time, the number of processes
  and ETS tables, and the memory the ETS tables use (in words).
  """
  def runtime_info do
    tables = :ets.all()
    words = Enum.reduce(tables, 0, fn tab, acc -> acc + (:ets.info(tab, :memory) || 0) end)

    rows = [
      {"Monotonic time (ms)", :erlang.monotonic_time(:millisecond)},
      {"Processes", length(Process.list())},
      {"ETS tables", length(tables)},
      {"ETS memory (words)", words}
    ]

    IO.puts("\n## Runtime information\n")
    Enum.each(rows, fn {name, value} -> IO.puts(String.pad_trailing(name <> ":", 22) <> to_string(value)) end)
    IO.puts("")
    :"do not show this result in output"
  end

end
