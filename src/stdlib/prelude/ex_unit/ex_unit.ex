defmodule ExUnit do
  @moduledoc """
  Unit testing, as Elixir's ExUnit: `ExUnit.start/1` in a script (or
  `test/test_helper.exs`), test modules with `use ExUnit.Case`, and the suite
  runs when the script ends (`otplab run`, `otplab test`) or on `ExUnit.run/0`.
  Options: `:seed` (0 keeps definition order), `:exclude`, `:include`,
  `:timeout`, `:trace`, `:max_failures`, `:autorun`.
  """

  @doc "Starts ExUnit; with `autorun: true` (the default) the suite runs when the script ends."
  def start(options \\ []) do
    # A script's tests are loaded between start and run: "on load" time.
    options = Keyword.put_new(options, :autorun, true)
    options = Keyword.put(options, :load_start, System.monotonic_time(:microsecond))
    ExUnit.Server.start(options)
    :ok
  end

  @doc "Merges `options` into the configuration."
  def configure(options) do
    ExUnit.Server.configure(options)
    :ok
  end

  @doc "The configuration in force."
  def configuration, do: ExUnit.Server.config()

  @doc "Runs the registered test modules now; returns `%{total:, failures:, excluded:, skipped:}`."
  def run do
    config = ExUnit.Server.config()
    config = Keyword.put_new_lazy(config, :seed, fn -> :rand.uniform(999_999) end)
    stats = ExUnit.Runner.run(ExUnit.Server.take_modules(), config)
    Map.take(stats, [:total, :failures, :excluded, :skipped])
  end

  @doc false
  # What the CLI calls when a script ends: nil when ExUnit was not started with
  # autorun, else runs the suite and gives the exit status (0, or 2 on failures).
  def __autorun__(overrides) do
    if Process.whereis(ExUnit.Server) != nil and ExUnit.Server.started?() and
         Keyword.get(ExUnit.Server.config(), :autorun, true) do
      # Tag filters from the command line come first, then those of
      # ExUnit.start/1 that the command line does not include (as mix merges
      # them); `path:line` filters replace them.
      config = ExUnit.Server.config()
      {replace, overrides} = Keyword.pop(overrides, :replace_filters, false)
      cli_include = Keyword.get(overrides, :include, [])
      cli_exclude = Keyword.get(overrides, :exclude, [])

      overrides =
        if replace or (cli_include == [] and cli_exclude == []) do
          overrides
        else
          exclude = Enum.reject(Keyword.get(config, :exclude, []), fn f -> f in cli_include end)

          overrides
          |> Keyword.put(:include, Enum.uniq(cli_include ++ Keyword.get(config, :include, [])))
          |> Keyword.put(:exclude, Enum.uniq(cli_exclude ++ exclude))
        end

      ExUnit.Server.configure(overrides)
      stats = run()
      if stats.failures > 0 or Map.get(stats, :invalid, 0) > 0, do: 2, else: 0
    else
      nil
    end
  end
end
