defmodule IO do
  @moduledoc """
  The part of `IO` written in Elixir: reading from a device process (a `StringIO`,
  or any process that answers Erlang's io protocol) with `getn/2,3`, `read/2` and
  `binread/2`; and `puts`/`write` of a struct, which go through the `String.Chars`
  protocol before the natives (`:otplab_io`) write the text. A device process answers `{:io_request, from, ref, request}` with
  `{:io_reply, ref, reply}`, so the reader waits in a `receive`, which natives
  cannot do. Writing text and `gets` are natives (`io.rs`).
  """

  @doc "Writes `item` and a newline to `device`; a struct goes through `String.Chars`."
  def puts(device \\ :stdio, item)
  def puts(device, %{__struct__: _} = item), do: :otplab_io.puts(device, String.Chars.to_string(item))
  def puts(device, item), do: :otplab_io.puts(device, item)

  @doc "Writes `item` to `device`; a struct goes through `String.Chars`."
  def write(device \\ :stdio, item)
  def write(device, %{__struct__: _} = item), do: :otplab_io.write(device, String.Chars.to_string(item))
  def write(device, item), do: :otplab_io.write(device, item)

  @doc "Reads `count` characters from standard input, or one from `device` after `prompt`."
  def getn(prompt, count \\ 1)
  def getn(prompt, count) when is_integer(count) and count > 0, do: getn(:stdio, prompt, count)
  def getn(device, prompt) when not is_integer(prompt), do: getn(device, prompt, 1)

  @doc "Reads `count` characters from `device` (`:eof`: everything left)."
  def getn(device, prompt, :eof), do: read_to_eof(device, prompt, [])

  def getn(device, prompt, count) when is_integer(count) and count > 0 do
    request(device, {:get_chars, :unicode, prompt, count})
  end

  @doc "Reads a line (`:line`), everything left (`:eof`) or `count` characters from `device`."
  def read(device \\ :stdio, line_or_chars)
  def read(device, :line), do: request(device, {:get_line, :unicode, ''})
  def read(device, :eof), do: getn(device, '', :eof)
  def read(device, :all), do: with(:eof <- getn(device, '', :eof), do: "")
  def read(device, count) when is_integer(count) and count >= 0, do: request(device, {:get_chars, :unicode, '', count})

  @doc "As `read/2`, for a device in binary mode (a `StringIO` is one)."
  def binread(device \\ :stdio, line_or_chars), do: read(device, line_or_chars)

  defp read_to_eof(device, prompt, acc) do
    case request(device, {:get_line, :unicode, prompt}) do
      line when is_binary(line) or is_list(line) -> read_to_eof(device, '', [line | acc])
      :eof when acc == [] -> :eof
      :eof -> IO.chardata_to_string(:lists.reverse(acc))
      other -> other
    end
  end

  defp request(device, request) when is_pid(device) do
    ref = Process.monitor(device)
    send(device, {:io_request, self(), ref, request})

    receive do
      {:io_reply, ^ref, reply} ->
        Process.demonitor(ref, [:flush])
        reply

      {:DOWN, ^ref, _, _, _} ->
        {:error, :terminated}
    end
  end

  defp request(:stdio, {:get_line, _, prompt}), do: IO.gets(prompt)

  defp request(device, request) do
    raise ArgumentError,
          "reading #{inspect(request)} from #{inspect(device)} is not supported by otplab " <>
            "(standard input is read a line at a time: IO.gets/1, IO.read(:line))"
  end
end
