defmodule Regex do
  @moduledoc """
  The `%Regex{}` struct and the part of `Regex` that runs learner code. Matching,
  compiling, splitting and text replacement are natives (`stdlib/regex.rs`).
  """

  defstruct re_pattern: nil, source: "", opts: "", re_version: ""

  @doc false
  # Regex.replace/3,4 with a function: the native found the matches and hands over
  # the text between them (`gaps`, one more than the matches) and each match's
  # captures (whole match first); the function gets as many as its arity asks for.
  def __replace_with__(gaps, captures, fun) do
    {:arity, arity} = Function.info(fun, :arity)
    __replace_with__(gaps, captures, fun, arity, [])
  end

  defp __replace_with__([last], [], _fun, _arity, acc) do
    IO.iodata_to_binary(:lists.reverse([last | acc]))
  end

  defp __replace_with__([gap | gaps], [match | matches], fun, arity, acc) do
    args = Enum.take(match ++ List.duplicate("", arity), arity)
    piece = apply(fun, args)
    __replace_with__(gaps, matches, fun, arity, [to_string(piece), gap | acc])
  end
end
