defmodule Logger do
  @moduledoc """
  A small Logger with Elixir 1.14's console format: every entry is printed to
  standard output as "\\nHH:MM:SS.mmm [level] message\\n".

  The configured level lives in the runtime (`:otplab_logger`), so that every
  process sees the same level. Unlike real Elixir, entries are printed
  synchronously by the calling process.
  """

  @levels [:debug, :info, :notice, :warning, :error, :critical, :alert, :emergency]

  @doc "Changes the logger configuration; only `:level` is supported."
  def configure(options) do
    case Keyword.fetch(options, :level) do
      {:ok, level} -> :otplab_logger.set_level(normalize_level(level))
      :error -> :ok
    end

    :ok
  end

  @doc "The current minimum level (or `:none`)."
  def level, do: :otplab_logger.level()

  @doc "All log levels, least severe first."
  def levels, do: @levels

  @doc "Compares two levels: `:lt`, `:eq` or `:gt`."
  def compare_levels(left, right) do
    l = rank(normalize_level(left))
    r = rank(normalize_level(right))

    cond do
      l < r -> :lt
      l > r -> :gt
      true -> :eq
    end
  end

  @doc "True when a message at `level` would be printed."
  def enabled?(level) do
    case level() do
      :none -> false
      :all -> true
      min -> rank(normalize_level(level)) >= rank(min)
    end
  end

  def debug(message, metadata \\ []), do: log(:debug, message, metadata)
  def info(message, metadata \\ []), do: log(:info, message, metadata)
  def notice(message, metadata \\ []), do: log(:notice, message, metadata)
  def warning(message, metadata \\ []), do: log(:warning, message, metadata)
  def warn(message, metadata \\ []), do: log(:warning, message, metadata)
  def error(message, metadata \\ []), do: log(:error, message, metadata)
  def critical(message, metadata \\ []), do: log(:critical, message, metadata)
  def alert(message, metadata \\ []), do: log(:alert, message, metadata)
  def emergency(message, metadata \\ []), do: log(:emergency, message, metadata)

  @doc "Logs `message` (chardata or a zero-arity fn returning it) at `level`."
  def log(level, message, _metadata \\ []) do
    level = normalize_level(level)

    if not Enum.member?(@levels, level) do
      raise ArgumentError, "invalid level for Logger: #{inspect(level)}"
    end

    if enabled?(level) do
      case render(message) do
        nil -> :ok
        text -> IO.write("\n" <> timestamp() <> " [" <> Atom.to_string(level) <> "] " <> text <> "\n")
      end
    end

    :ok
  end

  defp render(fun) when is_function(fun, 0) do
    case fun.() do
      {text, _metadata} -> render(text)
      :skip -> nil
      text -> render(text)
    end
  end

  defp render(text) when is_binary(text), do: text
  defp render(text) when is_list(text), do: IO.chardata_to_string(text)
  defp render(other), do: to_string(other)

  defp normalize_level(:warn), do: :warning
  defp normalize_level(level), do: level

  defp rank(:all), do: 0
  defp rank(:none), do: 100

  defp rank(level) do
    case Enum.find_index(@levels, &(&1 == level)) do
      nil -> raise ArgumentError, "invalid level for Logger: #{inspect(level)}"
      index -> index
    end
  end

  # Time of day (UTC) of the system clock, "HH:MM:SS.mmm".
  defp timestamp do
    ms = rem(System.system_time(:millisecond), 86_400_000)
    hours = div(ms, 3_600_000)
    minutes = div(rem(ms, 3_600_000), 60_000)
    seconds = div(rem(ms, 60_000), 1000)
    millis = rem(ms, 1000)
    pad(hours, 2) <> ":" <> pad(minutes, 2) <> ":" <> pad(seconds, 2) <> "." <> pad(millis, 3)
  end

  defp pad(n, width), do: String.pad_leading(Integer.to_string(n), width, "0")
end

defmodule Logger.Translator do
  @moduledoc """
  Turns process crashes into the reports Elixir 1.14 logs at `:error` level
  ("GenServer ... terminating", "Task ... started from ... terminating").
  """

  @doc "True for exit reasons that are not logged (normal, shutdown)."
  def quiet_reason?(:normal), do: true
  def quiet_reason?(:shutdown), do: true
  def quiet_reason?({:shutdown, _}), do: true
  def quiet_reason?(_), do: false

  @doc "The `** (...)` lines describing an exit reason, stacktrace included."
  def format_reason({error, stack} = reason) when is_list(stack) do
    if stacktrace?(stack) and (exception?(error) or stack != []) do
      banner = stop_banner(error, stack)

      case Exception.format_stacktrace(stack) do
        "" -> banner
        trace -> banner <> "\n" <> String.trim_trailing(trace, "\n")
      end
    else
      "** (stop) " <> Exception.format_exit(reason)
    end
  end

  def format_reason(reason), do: "** (stop) " <> Exception.format_exit(reason)

  # As Elixir's translator words a crash's first line: an error Elixir knows
  # (`:badarg`, an exception) by its exception's banner; any other term raised
  # with :erlang.error/1 or thrown, which would only become an ErlangError, as
  # the `(stop)` it is: `** (stop) {:nocatch, :up}`.
  defp stop_banner(error, stack) do
    if not exception?(error) and match?(%ErlangError{}, Exception.normalize(:error, error, stack)) do
      "** (stop) " <> Exception.format_exit(error)
    else
      Exception.format_banner(:error, error, stack)
    end
  end

  @doc "Logs the report of a GenServer that stops with an abnormal reason."
  def genserver_terminating(name, reason, last, state, client) do
    if not quiet_reason?(reason) do
      last_line =
        case client do
          nil -> "Last message: " <> inspect(last)
          pid -> "Last message (from " <> inspect(pid) <> "): " <> inspect(last)
        end

      client_line =
        case client do
          nil -> ""
          pid -> "\nClient " <> inspect(pid) <> " is " <> if(Process.alive?(pid), do: "alive", else: "dead")
        end

      Logger.error(
        "GenServer " <> inspect(name) <> " terminating\n" <> format_reason(reason) <> "\n" <>
          last_line <> "\nState: " <> inspect(state) <> client_line
      )
    end

    :ok
  end

  @doc "Logs the report of a task that crashed."
  def task_terminating(owner, {mod, fun, args}, reason) do
    if not quiet_reason?(reason) do
      function =
        case {mod, fun, args} do
          {:erlang, :apply, [f, _]} when is_function(f) -> inspect(f)
          _ -> "&" <> inspect(mod) <> "." <> Atom.to_string(fun) <> "/" <> Integer.to_string(length(args))
        end

      shown_args =
        case {mod, fun, args} do
          {:erlang, :apply, [f, a]} when is_function(f) -> a
          _ -> args
        end

      Logger.error(
        "Task " <> inspect(self()) <> " started from " <> inspect(owner) <> " terminating\n" <>
          format_reason(reason) <> "\nFunction: " <> function <> "\n    Args: " <> inspect(shown_args)
      )
    end

    :ok
  end

  defp exception?(%{__exception__: true}), do: true
  defp exception?(_), do: false

  defp stacktrace?(stack), do: Enum.all?(stack, &stack_entry?/1)

  defp stack_entry?({_, _, _, _}), do: true
  defp stack_entry?({_, _, _}), do: true
  defp stack_entry?(_), do: false
end
