defmodule ExUnit.Assertions do
  @moduledoc """
  The runtime half of ExUnit's assertions. `assert`, `refute`, `assert_receive`
  and the `catch_*` forms are lowered by the compiler (`src/compile/ex_unit.rs`)
  into code that calls the `__..._failed__` functions here with what Elixir's
  macros capture: the code as text, the operands or the pattern, and the line.
  `flunk`, `assert_raise` and `assert_in_delta` are ordinary functions.
  """

  @no_value :ex_unit_no_meaningful_value

  @doc "Fails the test with `message`."
  def flunk(message \\ "Flunked!") when is_binary(message) do
    raise ExUnit.AssertionError, message: message
  end

  @doc "Runs `fun` (an assertion function) so that its failure records `line`."
  def __located__(line, fun) do
    try do
      fun.()
    rescue
      error in [ExUnit.AssertionError] ->
        Process.put(:"$ex_unit_line", line)
        raise error
    end
  end

  defp fail(error, line) do
    Process.put(:"$ex_unit_line", line)
    raise error
  end

  @doc false
  def __compare_failed__(kind, op, left, right, code, line) do
    both_equal = (op == :!= or op == :!== or (kind == :refute and (op == :== or op == :===)))

    error =
      if both_equal do
        what = if kind == :assert, do: "Assertion", else: "Refute"

        %ExUnit.AssertionError{
          message: "#{what} with #{op} failed, both sides are exactly equal",
          expr: code,
          left: left
        }
      else
        what = if kind == :assert, do: "Assertion", else: "Refute"
        %ExUnit.AssertionError{message: "#{what} with #{op} failed", expr: code, left: left, right: right}
      end

    fail(error, line)
  end

  @doc false
  def __truthy_failed__(kind, value, code, line, message) do
    text =
      cond do
        message != nil -> message
        kind == :assert -> "Expected truthy, got #{inspect(value)}"
        true -> "Expected false or nil, got #{inspect(value)}"
      end

    fail(%ExUnit.AssertionError{message: text, expr: code}, line)
  end

  @doc false
  def __match_failed__(:=, _pattern, right, _code, line, message) when message != nil do
    Process.put(:"$ex_unit_line", line)
    raise MatchError, term: right
  end

  def __match_failed__(how, pattern, right, code, line, message) do
    text =
      cond do
        message != nil -> message
        how == :"refute match?" -> "match (match?) succeeded, but should have failed"
        true -> "match (#{how}) failed"
      end

    fail(%ExUnit.AssertionError{message: text, expr: code, left: {:ex_unit_pattern, pattern}, right: right}, line)
  end

  @doc false
  def __receive_failed__(pattern, timeout, code, line, message) do
    {:messages, messages} = Process.info(self(), :messages)
    count = length(messages)
    shown = Enum.take(messages, 10)

    text =
      cond do
        message != nil ->
          message

        count == 0 ->
          "Assertion failed, no matching message after #{timeout}ms\nThe process mailbox is empty."

        true ->
          noun = if count == 1, do: "message", else: "messages"

          "Assertion failed, no matching message after #{timeout}ms\n" <>
            "Showing #{length(shown)} of #{count} #{noun} in the mailbox"
      end

    fail(
      %ExUnit.AssertionError{message: text, expr: code, left: {:ex_unit_pattern, pattern}, context: {:mailbox, shown}},
      line
    )
  end

  @doc false
  def __refute_receive_failed__(received, pattern, code, line, message) do
    text = message || "Unexpectedly received message #{inspect(received)} (which matched #{pattern})"
    fail(%ExUnit.AssertionError{message: text, expr: code}, line)
  end

  @doc false
  def __caught__({:exu_caught__, reason}, _kind, _line), do: reason

  def __caught__(:exu_nothing_caught__, kind, line) do
    fail(%ExUnit.AssertionError{message: "Expected to catch #{kind}, got nothing"}, line)
  end

  @doc "Asserts that `fun` raises `exception`; returns the exception."
  def assert_raise(exception, fun) when is_function(fun, 0) do
    try do
      fun.()
    rescue
      error ->
        name = error.__struct__

        cond do
          name == exception ->
            error

          name == ExUnit.AssertionError ->
            raise error

          true ->
            message =
              "Expected exception #{inspect(exception)} " <>
                "but got #{inspect(name)} (#{Exception.message(error)})"

            raise ExUnit.AssertionError, message: message
        end
    else
      _ ->
        raise ExUnit.AssertionError, message: "Expected exception #{inspect(exception)} but nothing was raised"
    end
  end

  @doc "Asserts that `fun` raises `exception` with `message` (a string or a regex)."
  def assert_raise(exception, message, fun) when is_function(fun, 0) do
    error = assert_raise(exception, fun)
    actual = Exception.message(error)

    if is_binary(message) and actual != message do
      raise ExUnit.AssertionError,
        message:
          "Wrong message for #{inspect(exception)}\nexpected:\n  #{inspect(message)}\nactual:\n" <>
            "  #{inspect(actual)}"
    end

    error
  end

  @doc "Asserts that `value1` and `value2` differ by no more than `delta`."
  def assert_in_delta(value1, value2, delta, message \\ nil) do
    diff = abs(value1 - value2)

    if diff > delta do
      text =
        message ||
          "Expected the difference between #{inspect(value1)} and #{inspect(value2)} " <>
            "(#{inspect(diff)}) to be less than or equal to #{inspect(delta)}"

      raise ExUnit.AssertionError, message: text
    end

    true
  end

  @doc "Asserts that `value1` and `value2` differ by more than `delta`."
  def refute_in_delta(value1, value2, delta, message \\ nil) do
    diff = abs(value1 - value2)

    if diff <= delta do
      text =
        message ||
          "Expected the difference between #{inspect(value1)} and #{inspect(value2)} " <>
            "(#{inspect(diff)}) to be more than #{inspect(delta)}"

      raise ExUnit.AssertionError, message: text
    end

    false
  end

  @doc false
  def __doctest_failed__(actual, expected, doc, code, line, where) do
    Process.put(:"$ex_unit_line", {line, where})
    raise ExUnit.AssertionError, message: "Doctest failed", doctest: doc, expr: code, left: actual, right: expected
  end

  @doc false
  def __doctest_raise__(result, exception, message, doc, code, line, where) do
    text =
      case result do
        :exu_no_raise__ ->
          "Doctest failed: expected exception #{exception} but nothing was raised"

        {:exu_raised__, error} ->
          actual = inspect(error.__struct__)
          actual_message = Exception.message(error)

          cond do
            actual != exception ->
              "Doctest failed: expected exception #{exception} but got #{actual} with message #{inspect(actual_message)}"

            actual_message != message ->
              "Doctest failed: wrong message for #{exception}\nexpected:\n  #{inspect(message)}\nactual:\n  #{inspect(actual_message)}"

            true ->
              nil
          end
      end

    if text do
      Process.put(:"$ex_unit_line", {line, where})
      raise ExUnit.AssertionError, message: text, doctest: doc, expr: code
    end

    :ok
  end

  @doc false
  def no_value, do: @no_value
end
