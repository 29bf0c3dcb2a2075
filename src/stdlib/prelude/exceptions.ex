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

defmodule Code.LoadError do
  defexception [:file, :reason, :message]

  def exception(opts) when is_list(opts) do
    file = opts[:file]
    reason = opts[:reason]
    %Code.LoadError{file: file, reason: reason, message: "could not load #{file}. Reason: #{reason}"}
  end
end
