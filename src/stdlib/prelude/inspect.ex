defprotocol Inspect do
  @moduledoc """
  The protocol behind `inspect/2` and `IO.inspect/2` for a learner's structs
  (`defimpl Inspect, for: Money`, `@derive {Inspect, only: [...]}`). Values that
  contain no such struct never come here: the VM inspects them natively
  (`:otplab_protocol.inspect/2`). Options travel as the keyword list given to
  `inspect/2`, not as an `%Inspect.Opts{}`.
  """
  @fallback_to_any true

  @doc "Converts `term` to an `Inspect.Algebra` document."
  def inspect(term, opts)
end

defimpl Inspect, for: Any do
  def inspect(term, opts), do: Inspect.Algebra.to_doc(term, opts)

  @doc false
  # `@derive {Inspect, only: fields}`: `#Name<field: value, ...>`.
  def __derived__(struct, fields, hidden, opts) do
    name = Kernel.inspect(struct.__struct__)
    shown = Enum.map(fields, fn f -> Atom.to_string(f) <> ": " <> Inspect.Algebra.__text__(Map.get(struct, f), opts) end)
    shown = if hidden, do: shown ++ ["..."], else: shown
    "#" <> name <> "<" <> Enum.join(shown, ", ") <> ">"
  end
end
