defmodule ExUnit.TimeoutError do
  @moduledoc "A test ran longer than its `:timeout` tag (60 s by default)."

  defexception [:timeout, :type]

  @doc "Elixir 1.14's text, with the ways to change the timeout."
  def message(%{timeout: timeout, type: type}) do
    "#{type} timed out after #{timeout}ms. You can change the timeout:\n\n" <>
      "  1. per test by setting \"@tag timeout: x\" (accepts :infinity)\n" <>
      "  2. per test module by setting \"@moduletag timeout: x\" (accepts :infinity)\n" <>
      "  3. globally via \"ExUnit.start(timeout: x)\" configuration\n" <>
      "  4. by running \"mix test --timeout x\" which sets timeout\n" <>
      "  5. or by running \"mix test --trace\" which sets timeout to infinity\n" <>
      "     (useful when using IEx.pry/0)\n\n" <>
      "where \"x\" is the timeout given as integer in milliseconds (defaults to 60_000).\n"
  end
end
