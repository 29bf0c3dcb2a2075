# Test-world stand-ins for the Rust natives. In otplab a module such as Map is
# defined partly by natives and partly by the prelude; on real Elixir the prelude's
# `defmodule Map` is renamed `PMap`, and `use PreludeShims, Map` gives PMap the
# native half by delegating to the real module. Only the natives the prelude is
# allowed to rely on are listed: a prelude call to anything else fails here too.
defmodule PreludeShims do
  @natives %{
    Map => [get: 2, get: 3, put: 3, delete: 2, keys: 1, values: 1, merge: 2, has_key?: 2,
            fetch: 2, fetch!: 2, take: 2, drop: 2, new: 0, new: 1, to_list: 1],
    List => [first: 1, last: 1, flatten: 1, wrap: 1, duplicate: 2, insert_at: 3, delete: 2,
             to_tuple: 1, keyfind: 3],
    Keyword => [get: 2, get: 3, put: 3, fetch: 2, merge: 2, has_key?: 2, keys: 1, delete: 2,
                get_values: 2]
  }

  @doc "Stands in for the native File.__read_lines__/1: the lines, each with its newline."
  def read_lines(path), do: path |> File.stream!() |> Enum.to_list()

  defmacro __using__(real) do
    real = Macro.expand(real, __CALLER__)

    for {name, arity} <- Map.get(@natives, real, []) do
      args = Macro.generate_arguments(arity, __MODULE__)

      quote do
        def unquote(name)(unquote_splicing(args)), do: unquote(real).unquote(name)(unquote_splicing(args))
      end
    end
  end
end
