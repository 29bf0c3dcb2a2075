defmodule Code do
  @moduledoc "Evaluates and loads Elixir source at run time: strings and files."

  @doc """
  Evaluates `string` with `binding` (a keyword list of variables) and returns
  `{value, binding}`, the binding updated with the variables the code bound.

      Code.eval_string("a + b", a: 1, b: 2)
      #=> {3, [a: 1, b: 2]}
  """
  def eval_string(string, binding \\ [], opts \\ []) do
    file = Keyword.get(opts, :file, "nofile")
    eval_in(IO.chardata_to_string(string), binding, file)
  end

  @doc """
  Evaluates the file at `file` (relative to `relative_to`, else the current
  directory) and returns `{value, binding}` as `eval_string/3` does.
  """
  def eval_file(file, relative_to \\ nil) do
    path = find_file!(file, relative_to)
    eval_in(File.read!(path), [], path)
  end

  @doc """
  Loads `file` unless this session already required it; returns the modules it
  defined as `[{module, binary}]` (otplab keeps no BEAM code: the binary is empty),
  or `nil` when the file was already required.
  """
  def require_file(file, relative_to \\ nil) do
    path = find_file!(file, relative_to)

    if :otplab_code.require(path) do
      try do
        eval_in(File.read!(path), [], path)
      rescue
        e ->
          :otplab_code.unrequire(path)
          reraise e, __STACKTRACE__
      end

      Enum.map(:otplab_code.modules_of(path), &{&1, <<>>})
    else
      nil
    end
  end

  @doc """
  Compiles `string` (its module definitions) and returns `[{module, binary}]`
  for each module it defined (the binary is empty: otplab keeps no BEAM code).
  """
  def compile_string(string, file \\ "nofile") do
    # Many strings share "nofile": list the modules it names that this string added
    # (a module the same file had already defined is not told apart from a redefinition).
    before = :otplab_code.modules_of(file)
    eval_in(IO.chardata_to_string(string), [], file)
    Enum.map(:otplab_code.modules_of(file) -- before, &{&1, <<>>})
  end

  @doc """
  Loads `file` and returns `[{module, binary}]` for the modules it defined, as
  `compile_string/2` does.
  """
  def compile_file(file, relative_to \\ nil) do
    path = find_file!(file, relative_to)
    eval_in(File.read!(path), [], path)
    Enum.map(:otplab_code.modules_of(path), &{&1, <<>>})
  end

  defp find_file!(file, relative_to) do
    path = if relative_to, do: Path.absname(file, relative_to), else: Path.absname(file)

    if File.regular?(path) do
      path
    else
      raise Code.LoadError, file: path, reason: :enoent
    end
  end

  defp eval_in(source, binding, file) do
    names = Enum.map(binding, fn {name, _} -> Atom.to_string(name) end)
    {fun, out} = :otplab_code.compile(source, names, file)
    before = :otplab_code.set_file(file)

    {value, values} =
      try do
        apply(fun, Enum.map(binding, fn {_, value} -> value end))
      after
        :otplab_code.set_file(before)
      end

    bound = Enum.zip(Enum.map(out, &String.to_atom/1), values)
    {value, merge_binding(binding, bound)}
  end

  # Elixir 1.14 returns every variable once, its names in descending order (the
  # order of its binding map read backwards).
  defp merge_binding(binding, bound) do
    binding
    |> Enum.reject(fn {name, _} -> Keyword.has_key?(bound, name) end)
    |> Kernel.++(bound)
    |> Enum.sort_by(fn {name, _} -> Atom.to_string(name) end, :desc)
  end
end
