defmodule StringIO do
  @moduledoc """
  An IO device held by a process: what processes write to it (with it as their
  group leader, `Process.group_leader(self(), device)`) is collected, and
  `contents/1` returns `{input, output}`.
  """

  @doc "Starts a device whose input is `string`."
  def open(string, _options \\ []) when is_binary(string) do
    {:ok, spawn(fn -> loop(string, "") end)}
  end

  @doc "`{input, output}` of the device."
  def contents(device), do: request(device, :contents)

  @doc "Returns the output collected so far and clears it."
  def flush(device), do: request(device, :flush)

  @doc "Stops the device, returning `{:ok, {input, output}}`."
  def close(device), do: request(device, :close)

  defp request(device, what) do
    ref = make_ref()
    send(device, {:string_io, what, self(), ref})

    receive do
      {^ref, reply} -> reply
    end
  end

  defp loop(input, output) do
    receive do
      {:io_request, from, reply_as, {:put_chars, _encoding, chars}} ->
        reply(from, reply_as, :ok)
        loop(input, output <> IO.chardata_to_string(chars))

      {:io_request, from, reply_as, {:put_chars, chars}} ->
        reply(from, reply_as, :ok)
        loop(input, output <> IO.chardata_to_string(chars))

      {:io_request, from, reply_as, {:get_chars, _encoding, _prompt, count}} ->
        {reply, input} = get_chars(input, count)
        reply(from, reply_as, reply)
        loop(input, output)

      {:io_request, from, reply_as, {:get_line, _encoding, _prompt}} ->
        {reply, input} = get_line(input)
        reply(from, reply_as, reply)
        loop(input, output)

      {:io_request, from, reply_as, _unsupported} ->
        reply(from, reply_as, {:error, :request})
        loop(input, output)

      {:string_io, :contents, from, ref} ->
        send(from, {ref, {input, output}})
        loop(input, output)

      {:string_io, :flush, from, ref} ->
        send(from, {ref, output})
        loop(input, "")

      {:string_io, :close, from, ref} ->
        send(from, {ref, {:ok, {input, output}}})
    end
  end

  # Reading, as Elixir's StringIO: `count` graphemes, or up to and including the
  # next newline; `:eof` once the input is spent.
  defp get_chars("", _count), do: {:eof, ""}
  defp get_chars(input, count), do: String.split_at(input, count)

  defp get_line(""), do: {:eof, ""}

  defp get_line(input) do
    case :binary.split(input, "\n") do
      [line, rest] -> {line <> "\n", rest}
      [line] -> {line, ""}
    end
  end

  # Writers in otplab do not wait for the device (they tag requests :noreply).
  defp reply(_from, :noreply, _reply), do: :ok
  defp reply(from, reply_as, reply), do: send(from, {:io_reply, reply_as, reply})
end
