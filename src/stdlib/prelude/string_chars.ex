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

defimpl String.Chars, for: NaiveDateTime do
  def to_string(naive), do: NaiveDateTime.to_string(naive)
end

defimpl String.Chars, for: Time do
  def to_string(time), do: Time.to_string(time)
end

defimpl String.Chars, for: DateTime do
  def to_string(datetime), do: DateTime.to_string(datetime)
end

defimpl String.Chars, for: URI do
  def to_string(uri), do: URI.to_string(uri)
end
