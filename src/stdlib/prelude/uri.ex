defmodule URI do
  @moduledoc """
  The `%URI{}` struct (Elixir 1.14's fields, in its order) and `encode/2`, which
  calls a predicate per byte. Parsing, building and the other codecs are natives
  (`stdlib/uri.rs`).
  """

  defstruct scheme: nil, authority: nil, userinfo: nil, host: nil, port: nil, path: nil, query: nil, fragment: nil

  @doc "Percent-encodes every byte for which `predicate.(byte)` is falsy."
  def encode(string, predicate) when is_binary(string) and is_function(predicate, 1) do
    string
    |> :binary.bin_to_list()
    |> Enum.map(fn byte ->
      if predicate.(byte), do: <<byte>>, else: "%" <> String.pad_leading(Integer.to_string(byte, 16), 2, "0")
    end)
    |> IO.iodata_to_binary()
  end
end
