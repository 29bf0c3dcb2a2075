defmodule IEx.Helpers do
  @moduledoc "Shell helpers available as plain calls in the REPL."

  @doc "Prints and removes every message in the calling process's mailbox; returns :ok."
  def flush do
    receive do
      message ->
        IO.inspect(message)
        flush()
    after
      0 -> :ok
    end
  end
end
