defprotocol String.Chars do
  @moduledoc """
  The protocol behind `to_string/1` and string interpolation. Built-in types and
  the calendar structs are served by the natives (`Kernel.to_string/1`, `Date.to_string/1`);
  a learner's struct by its own `defimpl String.Chars`. Interpolation of a value that
  is not a struct never comes here: the VM turns it into text directly.
  """

  @doc "Converts `term` to a string."
  def to_string(term)
end

defimpl String.Chars, for: [Atom, BitString, Integer, Float, List] do
  def to_string(term), do: Kernel.to_string(term)
end

defimpl String.Chars, for: Date do
  def to_string(date), do: Date.to_string(date)
end
