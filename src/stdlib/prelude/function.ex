defmodule Function do
  @moduledoc "Function utilities."

  @doc "Returns its argument."
  def identity(value), do: value
end
