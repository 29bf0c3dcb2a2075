defmodule GenServer do
  @moduledoc """
  GenServer, written on spawn/send/receive/monitor with OTP's message protocol:

    * calls are `{:"$gen_call", {caller_pid, [:alias | ref]}, request}`, answered
      with `{[:alias | ref], reply}` sent to `ref`, the caller's monitor reference
      and process alias (a reply after the caller gave up is dropped);
    * casts are `{:"$gen_cast", request}`;
    * system messages (`:sys`, `GenServer.stop/3`) are `{:system, from, request}`;
    * anything else goes to `handle_info/2`.

  `use GenServer` only injects `child_spec/1`; the loop below falls back to
  what Elixir 1.14's injected defaults do when a callback is not exported.
  """

  @doc "Builds the child spec `use GenServer` injects into `module`."
  def __child_spec__(module, arg, use_opts) do
    Map.merge(%{id: module, start: {module, :start_link, [arg]}}, Map.new(use_opts))
  end

  @doc "Starts a GenServer linked to the caller and waits for its init/1."
  def start_link(module, init_arg, options \\ []) when is_atom(module) and is_list(options) do
    start_server(:link, module, init_arg, options)
  end

  @doc "Starts a GenServer without a link and waits for its init/1."
  def start(module, init_arg, options \\ []) when is_atom(module) and is_list(options) do
    start_server(:nolink, module, init_arg, options)
  end

  # Waits for init/1's acknowledgement. A linked server that dies before it has
  # acknowledged reaches the caller through the link, as in OTP 25's
  # proc_lib:start_link: as an exit if the caller does not trap exits, as an
  # `{:EXIT, pid, reason}` it takes here if it does. An unlinked one is watched
  # by a monitor for as long as the wait lasts.
  defp start_server(link, module, init_arg, options) do
    name = validate_name(Keyword.get(options, :name))
    parent = self()
    ack = make_ref()
    body = fn -> init_it(parent, ack, name, module, init_arg) end

    if link == :link do
      pid = spawn_link(body)

      receive do
        {^ack, result} -> result
        {:EXIT, ^pid, reason} -> {:error, reason}
      end
    else
      pid = spawn(body)
      monitor = Process.monitor(pid)

      receive do
        {^ack, result} ->
          Process.demonitor(monitor, [:flush])
          result

        {:DOWN, ^monitor, :process, _, reason} ->
          {:error, reason}
      end
    end
  end

  defp validate_name(nil), do: nil
  defp validate_name(name) when is_atom(name), do: name

  defp validate_name({:global, _} = name), do: name
  defp validate_name({:via, module, _} = name) when is_atom(module), do: name

  defp validate_name(other) do
    raise ArgumentError,
          "expected :name option to be one of the following:\n\n  * nil\n  * atom\n  * {:global, term}\n  * {:via, module, term}\n\nGot: #{inspect(other)}"
  end

  # Runs in the new process: registers the name, calls init/1, acknowledges.
  defp init_it(parent, ack, name, module, init_arg) do
    # As proc_lib does: what the process runs, for observers (tree/0, seq/1).
    Process.put(:"$initial_call", {module, :init, 1})

    if register(name) do
      server = %{parent: parent, name: name, module: module}

      case init_it(module, init_arg) do
        {:ok, {:ok, state}} ->
          send(parent, {ack, {:ok, self()}})
          loop(server, state, :infinity)

        {:ok, {:ok, state, action}} ->
          send(parent, {ack, {:ok, self()}})
          after_callback(server, state, action)

        {:ok, :ignore} ->
          unregister(name)
          send(parent, {ack, :ignore})
          exit(:normal)

        {:ok, {:stop, reason}} ->
          unregister(name)
          send(parent, {ack, {:error, reason}})
          exit(reason)

        {:ok, other} ->
          unregister(name)
          send(parent, {ack, {:error, {:bad_return_value, other}}})
          exit({:bad_return_value, other})

        {:crash, reason} ->
          unregister(name)
          send(parent, {ack, {:error, reason}})
          exit(reason)
      end
    else
      send(parent, {ack, {:error, {:already_started, whereis(name)}}})
      exit(:normal)
    end
  end

  defp register(nil), do: true

  defp register({:global, name}), do: :global.register_name(name, self()) == :yes
  defp register({:via, module, name}), do: module.register_name(name, self()) == :yes

  defp register(name) do
    try do
      Process.register(self(), name)
      true
    rescue
      ArgumentError -> false
    end
  end

  defp unregister(nil), do: :ok
  defp unregister({:global, name}), do: :global.unregister_name(name)
  defp unregister({:via, module, name}), do: module.unregister_name(name)
  defp unregister(name), do: Process.unregister(name)

  @doc false
  # Calls `module.fun(args...)` and classifies the outcome as OTP does: a
  # thrown value is a return value; an error becomes `{reason, stacktrace}`.
  def run_callback(module, fun, args) do
    try do
      {:ok, apply(module, fun, args)}
    catch
      kind, reason -> classify(kind, reason, __STACKTRACE__)
    end
  end

  # init/1, called as try_handle_call/4 calls handle_call/3 (no argument list
  # for apply/3); named as OTP's wrapper is, so a crash's stacktrace shows
  # `GenServer.init_it/2` where Elixir shows `:gen_server.init_it/2`.
  defp init_it(module, init_arg) do
    try do
      {:ok, module.init(init_arg)}
    catch
      kind, reason -> classify(kind, reason, __STACKTRACE__)
    end
  end

  defp classify(:throw, value, _stack), do: {:ok, value}
  defp classify(:error, reason, stack), do: {:crash, erlang_error(reason, stack)}
  defp classify(:exit, reason, _stack), do: {:crash, reason}

  # The exit reason BEAM gives a crashed callback. A clause that did not match is
  # the raw `:function_clause` with the failed call on top of the stacktrace
  # (`{module, function, args, location}`, as the VM records it), not an exception
  # struct; callers see `{{:function_clause, [...]}, {GenServer, :call, [...]}}` as
  # on BEAM.
  defp erlang_error(%{__struct__: FunctionClauseError, module: m, function: f}, [{m, f, args, _} | _] = stack)
       when is_list(args) do
    {:function_clause, stack}
  end

  defp erlang_error(reason, stack), do: {reason, stack}

  # The receive loop. `timeout` is the idle timeout of the last callback.
  defp loop(server, state, timeout) do
    receive do
      message -> handle_message(server, state, message)
    after
      timeout -> dispatch_info(server, state, :timeout)
    end
  end

  defp handle_message(server, state, {:"$gen_call", {client, _} = from, request}) do
    case try_handle_call(server.module, request, from, state) do
      {:ok, {:reply, reply, new_state}} ->
        reply(from, reply)
        loop(server, new_state, :infinity)

      {:ok, {:reply, reply, new_state, action}} ->
        reply(from, reply)
        after_callback(server, new_state, action)

      {:ok, {:stop, reason, reply, new_state}} ->
        terminate(server, reason, new_state, request, client, fn -> reply(from, reply) end)

      {:ok, other} ->
        handle_common(server, state, other, request, client)

      {:crash, reason} ->
        reason = missing_callback(reason, server, :handle_call, 3, "call")
        terminate(server, reason, state, request, client, nil)
    end
  end

  defp handle_message(server, state, {:"$gen_cast", request} = message) do
    case try_handle_cast(server.module, request, state) do
      {:ok, value} ->
        handle_common(server, state, value, message, nil)

      {:crash, reason} ->
        reason = missing_callback(reason, server, :handle_cast, 2, "cast")
        terminate(server, reason, state, message, nil, nil)
    end
  end

  defp handle_message(server, state, {:system, from, request}) do
    handle_system(server, state, from, request, :running)
  end

  defp handle_message(%{parent: parent} = server, state, {:EXIT, parent, reason} = message) do
    # Only delivered as a message when the server traps exits: the parent
    # (supervisor or starter) is going away, so the server terminates too.
    terminate(server, reason, state, message, nil, nil)
  end

  defp handle_message(server, state, message), do: dispatch_info(server, state, message)

  defp dispatch_info(server, state, message) do
    case try_handle_info(server.module, message, state) do
      {:ok, value} ->
        handle_common(server, state, value, message, nil)

      {:crash, reason} ->
        if missing_callback?(reason, server.module, :handle_info, 2) do
          Logger.error(
            inspect(server.module) <> " " <> inspect(display_name(server)) <>
              " received unexpected message in handle_info/2: " <> inspect(message)
          )

          loop(server, state, :infinity)
        else
          terminate(server, reason, state, message, nil, nil)
        end
    end
  end

  # The three callbacks of every message (named as OTP's gen_server names its
  # wrappers), called as run_callback/3 calls any callback but without building an argument list for apply/3 or asking for the
  # export first: a callback the module does not export comes back as its
  # UndefinedFunctionError, which missing_callback/5 tells apart.
  defp try_handle_call(module, request, from, state) do
    try do
      {:ok, module.handle_call(request, from, state)}
    catch
      kind, reason -> classify(kind, reason, __STACKTRACE__)
    end
  end

  defp try_handle_cast(module, request, state) do
    try do
      {:ok, module.handle_cast(request, state)}
    catch
      kind, reason -> classify(kind, reason, __STACKTRACE__)
    end
  end

  defp try_handle_info(module, message, state) do
    try do
      {:ok, module.handle_info(message, state)}
    catch
      kind, reason -> classify(kind, reason, __STACKTRACE__)
    end
  end

  # True when `reason` is the call of `module.fun/arity` failing because the
  # module does not export it (and not a call inside the callback failing).
  defp missing_callback?({%UndefinedFunctionError{module: module, function: fun, arity: arity}, _}, module, fun, arity) do
    not function_exported?(module, fun, arity)
  end

  defp missing_callback?(_reason, _module, _fun, _arity), do: false

  # What Elixir's injected default callback raises when the module has none.
  defp missing_callback(reason, server, fun, arity, verb) do
    if missing_callback?(reason, server.module, fun, arity) do
      {missing_callback_error(verb, "#{fun}/#{arity}", server), []}
    else
      reason
    end
  end

  # Return values shared by handle_call/cast/info/continue.
  defp handle_common(server, _state, {:noreply, new_state}, _last, _client) do
    loop(server, new_state, :infinity)
  end

  defp handle_common(server, _state, {:noreply, new_state, action}, _last, _client) do
    after_callback(server, new_state, action)
  end

  defp handle_common(server, _state, {:stop, reason, new_state}, last, client) do
    terminate(server, reason, new_state, last, client, nil)
  end

  defp handle_common(server, state, other, last, client) do
    terminate(server, {:bad_return_value, other}, state, last, client, nil)
  end

  defp after_callback(server, state, timeout) when is_integer(timeout) and timeout >= 0 do
    loop(server, state, timeout)
  end

  defp after_callback(server, state, :infinity), do: loop(server, state, :infinity)
  defp after_callback(server, state, :hibernate), do: loop(server, state, :infinity)

  defp after_callback(server, state, {:continue, continue}) do
    result =
      if function_exported?(server.module, :handle_continue, 2) do
        run_callback(server.module, :handle_continue, [continue, state])
      else
        {:crash, {:undef, [{server.module, :handle_continue, [continue, state], []}]}}
      end

    case result do
      {:ok, value} -> handle_common(server, state, value, {:continue, continue}, nil)
      {:crash, reason} -> terminate(server, reason, state, {:continue, continue}, nil, nil)
    end
  end

  defp after_callback(server, state, other) do
    terminate(server, {:bad_return_value, other}, state, other, nil, nil)
  end

  defp missing_callback_error(verb, callback, server) do
    %RuntimeError{
      message:
        "attempted to #{verb} GenServer #{inspect(display_name(server))} but no #{callback} clause was provided"
    }
  end

  # As Elixir's default callbacks word it: the registered atom, else the pid.
  defp display_name(%{name: name}) when is_atom(name) and name != nil, do: name
  defp display_name(_server), do: self()

  # As OTP's crash report names a server: the name inside {:global, _} and {:via, _, _}.
  defp report_name(%{name: {:global, name}}), do: name
  defp report_name(%{name: {:via, _, name}}), do: name
  defp report_name(server), do: display_name(server)

  # Runs terminate/2 (when exported), logs abnormal stops, then exits.
  # `before_exit` sends the reply of a {:stop, reason, reply, state} return.
  defp terminate(server, reason, state, last, client, before_exit) do
    reason =
      if function_exported?(server.module, :terminate, 2) do
        case run_callback(server.module, :terminate, [reason, state]) do
          {:ok, _} -> reason
          {:crash, crash} -> crash
        end
      else
        reason
      end

    Logger.Translator.genserver_terminating(report_name(server), reason, last, state, client)
    if before_exit, do: before_exit.()
    exit(reason)
  end

  # System messages: :sys.get_state/replace_state/suspend/resume and stop.
  defp handle_system(server, state, from, request, mode) do
    case request do
      :get_state ->
        reply(from, state)
        continue_system(server, state, mode)

      {:replace_state, fun} ->
        new_state = fun.(state)
        reply(from, new_state)
        continue_system(server, new_state, mode)

      :get_status ->
        reply(from, {:status, self(), {:module, GenServer}, [server.module, state, mode]})
        continue_system(server, state, mode)

      :suspend ->
        reply(from, :ok)
        suspended(server, state)

      :resume ->
        reply(from, :ok)
        loop(server, state, :infinity)

      {:terminate, reason} ->
        terminate(server, reason, state, {:system, from, request}, nil, nil)

      other ->
        reply(from, {:error, {:unknown_system_msg, other}})
        continue_system(server, state, mode)
    end
  end

  defp continue_system(server, state, :running), do: loop(server, state, :infinity)
  defp continue_system(server, state, :suspended), do: suspended(server, state)

  # While suspended only system messages (and the parent's EXIT) are handled.
  defp suspended(%{parent: parent} = server, state) do
    receive do
      {:system, from, request} -> handle_system(server, state, from, request, :suspended)
      {:EXIT, ^parent, reason} = message -> terminate(server, reason, state, message, nil, nil)
    end
  end

  @doc "Makes a synchronous call; exits when the server is missing, dies or times out."
  def call(server, request, timeout \\ 5000) do
    case request(server, :"$gen_call", request, timeout) do
      {:ok, reply} -> reply
      {:error, reason} -> exit({reason, {GenServer, :call, [server, request, timeout]}})
    end
  end

  @doc false
  # The call protocol shared with :sys: monitor, send {label, from, request},
  # wait for {tag, reply} or :DOWN. Returns {:ok, reply} | {:error, reason}.
  #
  # :otplab_gen.send_request/3 does the steps before the wait in one native
  # (see src/stdlib/gen_call.rs): it monitors the server with an alias, the
  # monitor's reference, and sends `{label, {self(), [:alias | tag]}, request}`.
  # Once the demonitor below ends the alias, a late reply is dropped (OTP 25's
  # gen:call). A {:global, _}, {:via, _, _} or {name, node} server comes back
  # :unresolved and is looked up here.
  def request(server, label, request, timeout) do
    case :otplab_gen.send_request(server, label, request) do
      tag when is_reference(tag) ->
        receive do
          {[:alias | ^tag], reply} ->
            Process.demonitor(tag, [:flush])
            {:ok, reply}

          {:DOWN, ^tag, _, _, reason} ->
            {:error, reason}
        after
          timeout ->
            Process.demonitor(tag, [:flush])
            {:error, :timeout}
        end

      :unresolved ->
        case whereis(server) do
          nil -> {:error, :noproc}
          pid -> request(pid, label, request, timeout)
        end

      reason ->
        {:error, reason}
    end
  end

  @doc "Sends an asynchronous request; always returns :ok."
  def cast(server, request) do
    case whereis(server) do
      nil -> :ok
      pid -> send(pid, {:"$gen_cast", request})
    end

    :ok
  end

  @doc "Replies to a client from inside (or outside) a callback."
  def reply({_pid, [:alias | alias] = tag}, reply) do
    send(alias, {tag, reply})
    :ok
  end

  def reply({pid, tag}, reply) do
    send(pid, {tag, reply})
    :ok
  end

  @doc "Stops the server with `reason`, running its terminate/2; waits for it to exit."
  def stop(server, reason \\ :normal, timeout \\ :infinity) do
    case whereis(server) do
      nil ->
        exit({:noproc, {GenServer, :stop, [server, reason, timeout]}})

      pid ->
        monitor = Process.monitor(pid)
        send(pid, {:system, {self(), monitor}, {:terminate, reason}})

        receive do
          {:DOWN, ^monitor, _, _, ^reason} ->
            :ok

          {:DOWN, ^monitor, _, _, other} ->
            exit({other, {GenServer, :stop, [server, reason, timeout]}})
        after
          timeout ->
            Process.demonitor(monitor, [:flush])
            Process.exit(pid, :kill)
            exit({:timeout, {GenServer, :stop, [server, reason, timeout]}})
        end
    end
  end

  @doc "The pid behind a server reference, or nil."
  def whereis(server) when is_pid(server), do: server
  def whereis(server) when is_atom(server), do: Process.whereis(server)

  def whereis({:global, name}) do
    case :global.whereis_name(name) do
      pid when is_pid(pid) -> pid
      :undefined -> nil
    end
  end

  def whereis({:via, module, name}) do
    case module.whereis_name(name) do
      pid when is_pid(pid) -> pid
      :undefined -> nil
    end
  end

  def whereis({name, node_name} = server) when is_atom(name) and is_atom(node_name) do
    if node_name == node() do
      Process.whereis(name)
    else
      raise ArgumentError, "otplab runs a single node, cannot reach #{inspect(server)}"
    end
  end
end
