defmodule ExUnit.AssertionError do
  @moduledoc """
  Raised when an assertion fails. Fields hold what the assertion captured; a
  field that does not apply holds `ExUnit.AssertionError.no_value/0`.
  """

  defexception left: :ex_unit_no_meaningful_value,
               right: :ex_unit_no_meaningful_value,
               message: :ex_unit_no_meaningful_value,
               expr: :ex_unit_no_meaningful_value,
               args: :ex_unit_no_meaningful_value,
               doctest: :ex_unit_no_meaningful_value,
               context: :==

  @doc "The value of a field that does not apply."
  def no_value, do: :ex_unit_no_meaningful_value

  @doc "The failure as the formatter prints it, without the test's header."
  def message(exception) do
    ExUnit.Formatter.format_assertion_error(exception)
  end
end
