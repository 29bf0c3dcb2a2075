defmodule Inspect.Algebra do
  @moduledoc """
  The document algebra `Inspect` implementations build (`concat/1`, `to_doc/2`,
  `container_doc/6`, `glue/2`...). Documents are strings or tagged tuples; `format/2`
  lays them out flat (a break is its string, a line is a newline): otplab does not
  fit documents to the width.
  """

  @doc "The empty document."
  def empty, do: :doc_nil

  @doc "A document of `string`."
  def string(string) when is_binary(string), do: string

  @doc "Concatenates two documents."
  def concat(left, right), do: {:doc_cons, left, right}

  @doc "Concatenates a list of documents."
  def concat(docs) when is_list(docs), do: fold_doc(docs, &concat/2)

  @doc "Nests a document (the indentation only matters when lines break)."
  def nest(doc, _level), do: doc
  def nest(doc, _level, _mode), do: doc

  @doc "Groups a document."
  def group(doc), do: doc
  def group(doc, _mode), do: doc

  @doc "A mandatory line break."
  def line, do: :doc_line

  @doc "Two documents joined by a line break."
  def line(left, right), do: concat([left, :doc_line, right])

  @doc "A break: its string when laid out flat."
  def break, do: {:doc_break, " "}
  def break(string) when is_binary(string), do: {:doc_break, string}

  @doc "Two documents joined by a break."
  def glue(left, right), do: concat([left, break(), right])
  def glue(left, string, right), do: concat([left, break(string), right])

  @doc "Two documents joined by a space."
  def space(left, right), do: concat([left, " ", right])

  @doc "Colours a document (otplab prints no colours)."
  def color(doc, _key, _opts), do: doc

  @doc "Forces a group to break (ignored)."
  def force_unfit(doc), do: doc

  @doc "Folds a list of documents into one with `fun`."
  def fold_doc([], _fun), do: :doc_nil
  def fold_doc([doc], _fun), do: doc
  def fold_doc([doc | docs], fun), do: fun.(doc, fold_doc(docs, fun))

  @doc "The document of any term: a struct's own `Inspect` implementation, else its usual form."
  def to_doc(term, opts) do
    opts = keyword_opts(opts)

    if :otplab_protocol.user_inspect?(term) do
      user_doc(term, opts)
    else
      Kernel.inspect(term, opts)
    end
  end

  @doc "`left`, the documents of `collection` separated by commas, `right`."
  def container_doc(left, collection, right, opts, fun, _container_opts \\ []) do
    docs = Enum.map(collection, fn item -> fun.(item, opts) end)
    concat([left, fold_doc(docs, fn a, b -> concat([a, ", ", b]) end), right])
  end

  @doc "Lays a document out as a string (flat)."
  def format(doc, _width), do: render(doc)

  @doc false
  def __text__(term, opts), do: render(to_doc(term, opts))

  @doc false
  # What `inspect/2` compiles to when the term holds a learner's struct.
  def __inspect__(term, opts), do: __text__(term, opts)

  @doc false
  # What `IO.inspect/2` compiles to when the term holds a learner's struct.
  def __io_inspect__(term, opts) do
    opts = keyword_opts(opts)
    text = __text__(term, opts)

    case Keyword.get(opts, :label) do
      nil -> IO.puts(text)
      label -> IO.puts(to_string(label) <> ": " <> text)
    end

    term
  end

  defp keyword_opts(opts) when is_list(opts), do: opts
  defp keyword_opts(_opts), do: []

  defp user_doc(%{__struct__: _} = struct, opts) do
    case Inspect.impl_for(struct) do
      Inspect.Any -> struct_doc(struct, opts)
      impl -> impl.inspect(struct, opts)
    end
  end

  defp user_doc(list, opts) when is_list(list) do
    if list != [] and Enum.all?(list, &keyword_pair?/1) do
      container_doc("[", list, "]", opts, fn {k, v}, o -> concat([key_text(k), ": ", to_doc(v, o)]) end)
    else
      container_doc("[", list, "]", opts, &to_doc/2)
    end
  end

  defp user_doc(tuple, opts) when is_tuple(tuple), do: container_doc("{", Tuple.to_list(tuple), "}", opts, &to_doc/2)
  defp user_doc(map, opts) when is_map(map), do: container_doc("%{", Map.to_list(map), "}", opts, &pair_doc/2)

  defp struct_doc(struct, opts) do
    name = Kernel.inspect(struct.__struct__)
    fields = struct |> Map.from_struct() |> Map.to_list()
    container_doc("%" <> name <> "{", fields, "}", opts, &pair_doc/2)
  end

  defp pair_doc({k, v}, opts) when is_atom(k), do: concat([key_text(k), ": ", to_doc(v, opts)])
  defp pair_doc({k, v}, opts), do: concat([to_doc(k, opts), " => ", to_doc(v, opts)])

  defp keyword_pair?({k, _}) when is_atom(k), do: true
  defp keyword_pair?(_), do: false

  # `a: `, `"my key": `: the key as a keyword key.
  defp key_text(k) do
    text = Kernel.inspect([{k, 0}])
    String.slice(text, 1, String.length(text) - 5)
  end

  defp render(:doc_nil), do: ""
  defp render(:doc_line), do: "\n"
  defp render({:doc_break, s}), do: s
  defp render({:doc_cons, a, b}), do: render(a) <> render(b)
  defp render(binary) when is_binary(binary), do: binary
  defp render(list) when is_list(list), do: IO.iodata_to_binary(list)
end
