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

  @doc """
  Prints every ETS table as an aligned listing: the id (a named table's name, else
  its reference), the name, type, protection, rows, memory in words and owner.
  Returns :ok.
  """
  def ets_tables do
    header = ["id", "name", "type", "protection", "size", "memory", "owner"]

    lines =
      for tab <- :ets.all(), info = :ets.info(tab), is_list(info) do
        [
          inspect(tab),
          inspect(info[:name]),
          Atom.to_string(info[:type]),
          Atom.to_string(info[:protection]),
          Integer.to_string(info[:size]),
          Integer.to_string(info[:memory]),
          inspect(info[:owner])
        ]
      end

    case lines do
      [] -> IO.puts("no ETS tables")
      _ -> print_columns([header | lines], [:left, :left, :left, :left, :right, :right, :left])
    end

    :ok
  end

  @doc """
  Prints the rows of an ETS table (a name or a reference) in table order, one per
  line, under a title line. A private table owned by another process cannot be read:
  the helper says so, as ETS enforces it. Returns :ok.
  """
  def ets_rows(tab) do
    case :ets.info(tab) do
      :undefined ->
        IO.puts("no ETS table #{inspect(tab)}")

      info ->
        title = "#{inspect(tab)}: #{info[:type]}, #{info[:protection]}, #{rows_text(info[:size])}"

        if info[:protection] == :private and info[:owner] != self() do
          IO.puts("#{title} (private to #{inspect(info[:owner])}: only its owner can read the rows)")
        else
          IO.puts(title)
          Enum.each(:ets.tab2list(tab), fn row -> IO.puts("  " <> inspect(row)) end)
        end
    end

    :ok
  end

  defp rows_text(1), do: "1 row"
  defp rows_text(n), do: "#{n} rows"

  # Prints rows of cells as columns two spaces apart, each padded to its widest cell.
  defp print_columns(rows, aligns) do
    widths =
      rows
      |> Enum.map(fn cells -> Enum.map(cells, &String.length/1) end)
      |> Enum.zip_with(&Enum.max/1)

    Enum.each(rows, fn cells ->
      [cells, widths, aligns]
      |> Enum.zip_with(fn [cell, width, align] -> pad(cell, width, align) end)
      |> Enum.join("  ")
      |> String.trim_trailing()
      |> IO.puts()
    end)
  end

  defp pad(cell, width, :left), do: String.pad_trailing(cell, width)
  defp pad(cell, width, :right), do: String.pad_leading(cell, width)
end
