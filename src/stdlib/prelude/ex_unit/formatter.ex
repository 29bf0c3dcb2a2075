defmodule ExUnit.Formatter do
  @moduledoc """
  The CLI formatter's text, as ExUnit 1.14 prints it without colours: a dot per
  passed test (`*` skipped, `?` invalid), a numbered block per failure, then the
  times, the counts (singular forms included) and the seed. `--trace` prints a
  line per test instead of the dots.
  """

  @pad "     "
  @no_value :ex_unit_no_meaningful_value

  @doc "The formatter's state for a run; prints the tag filters in force."
  def start(config) do
    include = Keyword.get(config, :include, [])
    exclude = Keyword.get(config, :exclude, [])
    trace = Keyword.get(config, :trace, false)

    if exclude != [] or include != [] do
      if exclude != [], do: IO.puts(format_filters(exclude, :exclude))
      if include != [], do: IO.puts(format_filters(include, :include))
      IO.puts("")
    end

    %{
      trace: trace,
      seed: Keyword.get(config, :seed, 0),
      max_failures: Keyword.get(config, :max_failures, :infinity),
      counts: %{},
      failures: 0
    }
  end

  @doc "`Excluding tags: [...]` / `Including tags: [...]`."
  def format_filters(filters, :exclude), do: "Excluding tags: #{inspect(filters)}"
  def format_filters(filters, :include), do: "Including tags: #{inspect(filters)}"

  @doc false
  def module_started(state, module, file) do
    if state.trace, do: IO.puts("\n#{inspect(module)} [#{file}]")
    state
  end

  @doc "Prints a finished test; `failures` counts failures so far, this one included."
  def test_finished(state, test, failures) do
    state = %{state | counts: Map.update(state.counts, test.tags.test_type, 1, fn n -> n + 1 end)}

    case test.state do
      nil ->
        if state.trace, do: IO.puts(trace_line(test, format_ms(test.time))), else: IO.write(".")

      {:excluded, _} ->
        if state.trace, do: IO.puts(trace_line(test, "excluded"))

      {:skipped, _} ->
        if state.trace, do: IO.puts(trace_line(test, "skipped")), else: IO.write("*")

      {:invalid, _} ->
        if state.trace, do: IO.puts(trace_line(test, format_ms(test.time))), else: IO.write("?")

      {:failed, list} ->
        if state.trace, do: IO.puts(trace_line(test, format_ms(test.time)))
        print_failure(format_test_failure(test, list, failures), state)
    end

    %{state | failures: failures}
  end

  @doc "Prints a module whose setup_all (or its on_exit) failed."
  def module_finished(state, module_test, failures) do
    %{name: name, state: {:failed, list}} = module_test
    header = with_counter(failures, "#{inspect(name)}: failure on setup_all callback, all tests have been invalidated")
    print_failure(header <> format_failures(list, nil), state)
    state
  end

  defp print_failure(text, state) do
    if state.trace, do: IO.puts(""), else: IO.puts("\n")
    IO.puts(text)
  end

  # As in a terminal, the line written when the test started is overwritten
  # ("\r") by its result.
  defp trace_line(test, what) do
    started = "  * #{test.name}"
    "#{started} [L##{test.tags.line}]\r#{started} (#{what}) [L##{test.tags.line}]"
  end

  @doc "The summary: times, counts, seed."
  def suite_finished(state, stats, times, halted) do
    if halted, do: IO.write("--max-failures reached, aborting test suite")
    IO.write("\n")
    IO.puts(format_times(times))

    counts =
      state.counts
      |> Enum.sort()
      |> Enum.map(fn {type, n} -> "#{n} #{plural(n, to_string(type))}, " end)
      |> Enum.join("")

    counts = if counts == "", do: "0 tests, ", else: counts

    message =
      counts <>
        "#{stats.failures} #{plural(stats.failures, "failure")}" <>
        if_some(stats.excluded, ", #{stats.excluded} excluded") <>
        if_some(stats.invalid, ", #{stats.invalid} invalid") <>
        if_some(stats.skipped, ", #{stats.skipped} skipped")

    IO.puts(message)
    IO.puts("\nRandomized with seed #{state.seed}")
  end

  defp if_some(0, _text), do: ""
  defp if_some(_, text), do: text

  defp plural(1, word), do: word
  defp plural(_, word), do: word <> "s"

  @doc "`Finished in X seconds (Ys on load, Zs async, Ws sync)`."
  def format_times(times) do
    run = normalize_us(times.run)
    load = normalize_us(times[:load])
    async = normalize_us(times[:async])
    sync = run - async
    total = run + load
    on_load = if times[:load], do: "#{format_us(load)}s on load, ", else: ""
    "Finished in #{format_us(total)} seconds (#{on_load}#{format_us(async)}s async, #{format_us(sync)}s sync)"
  end

  defp normalize_us(nil), do: 0
  defp normalize_us(us), do: div(us, 10_000)

  defp format_us(us) do
    if us < 10 do
      "0.0#{us}"
    else
      us = div(us, 10)
      "#{div(us, 10)}.#{rem(us, 10)}"
    end
  end

  defp format_ms(us) do
    us = div(us, 10)

    if us < 10 do
      "0.0#{us}ms"
    else
      us = div(us, 10)
      "#{div(us, 10)}.#{rem(us, 10)}ms"
    end
  end

  defp with_counter(counter, text) do
    String.pad_leading(Integer.to_string(counter), 3) <> ") " <> text <> "\n"
  end

  @doc "A failed test's numbered block."
  def format_test_failure(test, failures, counter) do
    with_counter(counter, "#{test.name} (#{inspect(test.module)})") <>
      @pad <> "#{test.file}:#{test.line}\n" <> format_failures(failures, test)
  end

  defp format_failures([one], test), do: format_failure(one, test)

  defp format_failures(list, test) do
    list
    |> Enum.with_index(1)
    |> Enum.map(fn {failure, i} -> "\n" <> @pad <> "Failure ##{i}\n" <> format_failure(failure, test) end)
    |> Enum.join("")
  end

  defp format_failure({:error, %ExUnit.AssertionError{} = error, line}, test) do
    format_assertion(error, test, line) <> stacktrace(test, line)
  end

  defp format_failure({{:EXIT, pid}, {%{__exception__: true} = error, stack}, _line}, _test) when is_list(stack) do
    pad_lines("** (EXIT from #{inspect(pid)}) an exception was raised:\n    " <> banner(:error, error)) <> "\n"
  end

  defp format_failure({{:EXIT, pid}, reason, _line}, _test) do
    pad_lines("** (EXIT from #{inspect(pid)}) " <> Exception.format_exit(reason)) <> "\n"
  end

  defp format_failure({kind, reason, line}, test) do
    banner = banner(kind, reason)
    pad_lines(banner) <> "\n" <> code_line(test, line) <> stacktrace(test, line)
  end

  # An exception's own message/1 (natives cannot call back into Elixir code).
  defp banner(:error, %{__struct__: module, __exception__: true} = error) do
    if function_exported?(module, :message, 1) do
      "** (#{inspect(module)}) " <> module.message(error)
    else
      Exception.format_banner(:error, error, [])
    end
  end

  defp banner(kind, reason), do: Exception.format_banner(kind, reason, [])

  defp code_line(test, line) do
    case source_line(test, line) do
      nil -> ""
      code -> @pad <> "code: " <> code <> "\n"
    end
  end

  defp stacktrace(nil, _line), do: ""
  defp stacktrace(_test, nil), do: ""
  defp stacktrace(test, {line, where}), do: @pad <> "stacktrace:\n" <> @pad <> "  #{test.file}:#{line}: #{where}\n"
  defp stacktrace(test, line), do: @pad <> "stacktrace:\n" <> @pad <> "  #{test.file}:#{line}: (test)\n"

  # The line of the test file, trimmed, as ExUnit shows for failures that carry
  # no code of their own.
  defp source_line(nil, _line), do: nil
  defp source_line(_test, nil), do: nil

  defp source_line(_test, {_line, _where}), do: nil

  defp source_line(test, line) do
    case File.read(test.file) do
      {:ok, text} ->
        case Enum.at(String.split(text, "\n"), line - 1) do
          nil -> nil
          code -> String.trim(code)
        end

      _ ->
        nil
    end
  end

  defp format_assertion(error, test, line) do
    has_right = error.right != @no_value
    width = if has_right, do: 7, else: 6

    message = if error.message != @no_value, do: pad_lines(error.message) <> "\n", else: ""

    doctest =
      if error.doctest != @no_value do
        @pad <> "doctest:\n" <> (error.doctest |> String.split("\n") |> Enum.map(fn l -> @pad <> "  " <> l end) |> Enum.join("\n")) <> "\n"
      else
        ""
      end

    code =
      cond do
        error.expr != @no_value -> @pad <> label("code:", width) <> error.expr <> "\n"
        true -> code_line(test, line)
      end

    left = if error.left != @no_value, do: @pad <> label("left:", width) <> side(error.left, width) <> "\n", else: ""
    right = if has_right, do: @pad <> label("right:", width) <> side(error.right, width) <> "\n", else: ""

    mailbox =
      case error.context do
        {:mailbox, [_ | _] = messages} ->
          {:ex_unit_pattern, pattern} = error.left

          entries =
            Enum.map(messages, fn m ->
              "\n" <> @pad <> "  pattern: " <> pattern <> "\n" <> @pad <> "  value:   " <> inspect(m)
            end)

          @pad <> "mailbox:" <> Enum.join(entries, "\n") <> "\n"

        _ ->
          ""
      end

    left = if match?({:mailbox, _}, error.context), do: "", else: left
    message <> doctest <> code <> left <> right <> mailbox
  end

  defp label(text, width), do: String.pad_trailing(text, width)

  defp side({:ex_unit_pattern, text}, _width), do: text

  defp side(value, width) do
    inspect(value, pretty: true, width: 80 - String.length(@pad) - width)
    |> String.replace("\n", "\n" <> @pad <> String.duplicate(" ", width))
  end

  defp pad_lines(text) do
    text
    |> String.split("\n")
    |> Enum.map(fn l -> @pad <> l end)
    |> Enum.join("\n")
  end

  @doc false
  def format_assertion_error(error) do
    format_assertion(error, nil, nil) |> String.split("\n") |> Enum.map(&String.trim_leading/1) |> Enum.join("\n") |> String.trim_trailing()
  end
end
