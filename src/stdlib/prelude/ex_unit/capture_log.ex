defmodule ExUnit.CaptureLog do
  @moduledoc """
  `capture_log/1,2`: what `Logger` prints while a function runs, as a string.
  Logger writes through the group leader of the process that logs, so this
  captures the calling process and the processes it starts meanwhile.
  """

  @doc "Captures the log of `fun` (options: `:level`)."
  def capture_log(options \\ [], fun) when is_function(fun, 0) do
    {_result, log} = with_log(options, fun)
    log
  end

  @doc "Runs `fun` capturing its log; returns `{result, log}`."
  def with_log(options \\ [], fun) when is_function(fun, 0) do
    previous_level = Logger.level()
    level = Keyword.get(options, :level)
    if level, do: Logger.configure(level: level)

    try do
      ExUnit.CaptureIO.with_io(fun)
    after
      if level, do: Logger.configure(level: previous_level)
    end
  end
end
