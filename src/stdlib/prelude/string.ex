defmodule String do
  @moduledoc """
  The part of `String` written in Elixir: the lazy `splitter/2,3` and
  `myers_difference/2` (on `List.myers_difference/2`). The rest are natives.
  """

  @doc "A lazy stream of the pieces `String.split/3` would give, one split at a time."
  def splitter(string, pattern, options \\ []) when is_binary(string) do
    trim = Keyword.get(options, :trim, false)

    if pattern == "" or pattern == [] do
      # The empty pattern splits between graphemes, with "" at both ends unless trimmed.
      pieces = String.graphemes(string)
      if trim, do: Stream.map(pieces, fn g -> g end), else: Stream.concat([[""], pieces, [""]])
    else
      Stream.unfold(string, fn
        nil ->
          nil

        rest ->
          case String.split(rest, pattern, parts: 2) do
            [piece, more] -> {piece, more}
            [last] -> {last, nil}
          end
      end)
      |> Stream.reject(fn piece -> trim and piece == "" end)
    end
  end

  @doc "The edit script between two strings, by graphemes: `[eq: \"..\", del: \"..\", ins: \"..\"]`."
  def myers_difference(string1, string2) when is_binary(string1) and is_binary(string2) do
    List.myers_difference(String.graphemes(string1), String.graphemes(string2))
    |> Enum.map(fn {kind, chars} -> {kind, IO.iodata_to_binary(chars)} end)
  end
end
