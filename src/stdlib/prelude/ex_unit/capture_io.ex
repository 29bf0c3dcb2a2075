defmodule ExUnit.CaptureIO do
  @moduledoc """
  `capture_io/1,2`: what a function writes to standard output (or to
  `:stderr`), as a string. The function runs in the calling process with a
  `StringIO` device as its group leader; processes it spawns inherit it.
  """

  @doc "Captures standard output of `fun`."
  def capture_io(fun) when is_function(fun, 0), do: capture_io(:stdio, [], fun)

  @doc "`capture_io(:stderr, fun)`, `capture_io(\"input\", fun)` or `capture_io(options, fun)`."
  def capture_io(device, fun) when is_atom(device) and is_function(fun, 0), do: capture_io(device, [], fun)
  def capture_io(input, fun) when is_binary(input) and is_function(fun, 0), do: capture_io(:stdio, [input: input], fun)
  def capture_io(options, fun) when is_list(options) and is_function(fun, 0), do: capture_io(:stdio, options, fun)

  @doc "Captures `device` with `options` (`:input`)."
  def capture_io(device, input, fun) when is_binary(input), do: capture_io(device, [input: input], fun)

  def capture_io(device, options, fun) when is_list(options) do
    {_result, output} = with_io(device, options, fun)
    output
  end

  @doc "Runs `fun` capturing output; returns `{result, output}`."
  def with_io(fun) when is_function(fun, 0), do: with_io(:stdio, [], fun)
  def with_io(device, fun) when is_atom(device), do: with_io(device, [], fun)
  def with_io(options, fun) when is_list(options), do: with_io(:stdio, options, fun)

  def with_io(:stderr, _options, _fun) do
    raise ArgumentError, "capture_io(:stderr, ...) is not supported by otplab: standard error has no device to swap"
  end

  def with_io(_device, options, fun) do
    {:ok, device} = StringIO.open(Keyword.get(options, :input, ""))
    previous = Process.group_leader()
    Process.group_leader(self(), device)

    try do
      result = fun.()
      {_in, output} = StringIO.contents(device)
      {result, output}
    after
      Process.group_leader(self(), previous)
      StringIO.close(device)
    end
  end
end
