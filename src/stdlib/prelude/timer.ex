defmodule :timer do
  @moduledoc """
  Erlang's `:timer`: time conversions, `tc`, and timers. A timer that sends a
  message once is a runtime timer (`Process.send_after/3`); one that applies a
  function or repeats is a small process of its own, found again through a process
  alias (`{:once, alias}` / `{:interval, alias}`), so `cancel/1` is one send and
  needs no central table. An interval stops when the process it belongs to (the
  destination pid, else its creator) exits, as OTP's linked interval timers do.
  """

  # `:timer.tc/1,2,3`: microseconds on the clock in force (virtual under `grade`).
  def tc(fun) when is_function(fun, 0) do
    t0 = System.monotonic_time(:microsecond)
    result = fun.()
    {System.monotonic_time(:microsecond) - t0, result}
  end

  def tc(fun, args) when is_function(fun) and is_list(args) do
    t0 = System.monotonic_time(:microsecond)
    result = apply(fun, args)
    {System.monotonic_time(:microsecond) - t0, result}
  end

  def tc(m, f, args) do
    t0 = System.monotonic_time(:microsecond)
    result = apply(m, f, args)
    {System.monotonic_time(:microsecond) - t0, result}
  end

  @doc "Milliseconds in `s` seconds."
  def seconds(s), do: 1000 * s
  @doc "Milliseconds in `m` minutes."
  def minutes(m), do: 60 * seconds(m)
  @doc "Milliseconds in `h` hours."
  def hours(h), do: 60 * minutes(h)
  @doc "Milliseconds in `h` hours, `m` minutes and `s` seconds."
  def hms(h, m, s), do: hours(h) + minutes(m) + seconds(s)

  @doc "Sends `message` to the caller after `time` ms: `{:ok, tref}`."
  def send_after(time, message), do: send_after(time, self(), message)

  def send_after(time, dest, message) when is_integer(time) and time >= 0 and (is_pid(dest) or is_atom(dest)) do
    {:ok, {:send_local, Process.send_after(dest, message, time)}}
  end

  def send_after(_time, _dest, _message), do: {:error, :badarg}

  @doc "Sends `message` to the caller every `time` ms: `{:ok, tref}`."
  def send_interval(time, message), do: send_interval(time, self(), message)

  def send_interval(time, dest, message) when is_integer(time) and time >= 0 and (is_pid(dest) or is_atom(dest)) do
    owner = if is_pid(dest), do: dest, else: self()
    start_timer(:interval, owner, time, fn -> send(dest, message) end)
  end

  def send_interval(_time, _dest, _message), do: {:error, :badarg}

  @doc "Spawns `apply(module, function, args)` after `time` ms: `{:ok, tref}`."
  def apply_after(time, module, function, args)
      when is_integer(time) and time >= 0 and is_atom(module) and is_atom(function) and is_list(args) do
    start_timer(:once, nil, time, fn -> spawn(fn -> apply(module, function, args) end) end)
  end

  def apply_after(_time, _module, _function, _args), do: {:error, :badarg}

  @doc "Spawns `apply(module, function, args)` every `time` ms while the caller lives."
  def apply_interval(time, module, function, args)
      when is_integer(time) and time >= 0 and is_atom(module) and is_atom(function) and is_list(args) do
    start_timer(:interval, self(), time, fn -> spawn(fn -> apply(module, function, args) end) end)
  end

  def apply_interval(_time, _module, _function, _args), do: {:error, :badarg}

  @doc "Sends the exit signal `reason` to `pid` after `time` ms."
  def exit_after(time, reason), do: exit_after(time, self(), reason)

  def exit_after(time, pid, reason), do: apply_after(time, :erlang, :exit, [pid, reason])

  @doc "Kills `pid` (default: the caller) after `time` ms."
  def kill_after(time), do: exit_after(time, self(), :kill)
  def kill_after(time, pid), do: exit_after(time, pid, :kill)

  @doc "Cancels a timer: `{:ok, :cancel}`, or `{:error, :badarg}` for a non-timer."
  def cancel({:send_local, ref}) when is_reference(ref) do
    Process.cancel_timer(ref)
    {:ok, :cancel}
  end

  def cancel({kind, alias}) when kind in [:once, :interval] and is_reference(alias) do
    send(alias, :cancel)
    {:ok, :cancel}
  end

  def cancel(_tref), do: {:error, :badarg}

  # Spawns the timer process and waits for the alias it can be cancelled through.
  defp start_timer(kind, owner, time, action) do
    parent = self()
    tag = make_ref()

    spawn(fn ->
      send(parent, {tag, :erlang.alias()})
      watch = if owner, do: Process.monitor(owner), else: nil
      first = System.monotonic_time(:millisecond) + time
      if kind == :once, do: once(first, action), else: interval(watch, time, first, action)
    end)

    receive do
      {^tag, alias} -> {:ok, {kind, alias}}
    end
  end

  defp once(deadline, action) do
    receive do
      :cancel -> :ok
    after
      wait(deadline) -> action.()
    end
  end

  # Fires at first, first + time, first + 2 * time...: no drift from slow actions.
  defp interval(watch, time, deadline, action) do
    receive do
      :cancel -> :ok
      {:DOWN, ^watch, _, _, _} -> :ok
    after
      wait(deadline) ->
        action.()
        interval(watch, time, deadline + time, action)
    end
  end

  defp wait(deadline), do: max(deadline - System.monotonic_time(:millisecond), 0)
end
