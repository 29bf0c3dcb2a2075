# Elixir's exceptions whose message is a plain field, defined as learners define
# theirs, so `RuntimeError.exception("x")` and `raise ArgumentError, "x"` work the same.
defmodule RuntimeError do
  defexception message: "runtime error"
  def exception(msg) when is_binary(msg), do: %RuntimeError{message: msg}
  def exception(opts) when is_list(opts), do: struct(RuntimeError, opts)
end

defmodule ArgumentError do
  defexception message: "argument error"
  def exception(msg) when is_binary(msg), do: %ArgumentError{message: msg}
  def exception(opts) when is_list(opts), do: struct(ArgumentError, opts)
end

defmodule ArithmeticError do
  defexception message: "bad argument in arithmetic expression"
  def exception(msg) when is_binary(msg), do: %ArithmeticError{message: msg}
  def exception(opts) when is_list(opts), do: struct(ArithmeticError, opts)
end

defmodule SystemLimitError do
  defexception message: "a system limit has been reached"
  def exception(msg) when is_binary(msg), do: %SystemLimitError{message: msg}
  def exception(opts) when is_list(opts), do: struct(SystemLimitError, opts)
end

defmodule Enum.EmptyError do
  defexception message: "empty error"
  def exception(msg) when is_binary(msg), do: %Enum.EmptyError{message: msg}
  def exception(opts) when is_list(opts), do: struct(Enum.EmptyError, opts)
end

defmodule Enum.OutOfBoundsError do
  defexception message: "out of bounds error"
  def exception(msg) when is_binary(msg), do: %Enum.OutOfBoundsError{message: msg}
  def exception(opts) when is_list(opts), do: struct(Enum.OutOfBoundsError, opts)
end

defmodule :timer do
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
end

